"""Per-epoch training metrics: the one place where a history is normalised.

A history is a dict of metric name to one float per epoch, as Keras records it
(``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``). The evaluation report
records one and the loss-curve display draws one; both read it through
:func:`as_history` (a dict given by the user) or :func:`find_history` (a fitted
estimator, Pipeline or search).
"""

from collections.abc import Mapping

import numpy as np

# Nested searches and pipelines are followed this deep, no deeper.
_MAX_DEPTH = 10


def as_history(history):
    """``history`` as a dict of str to list of float (a copy).

    Raises :class:`TypeError` naming the type when ``history`` is not a
    mapping, and :class:`ValueError` naming the metric whose values are not
    numbers.
    """
    if not isinstance(history, Mapping):
        raise TypeError(
            "history must be a dict of metric name to per-epoch values; got "
            f"{type(history).__name__}."
        )
    normalised = {}
    for key, values in history.items():
        try:
            normalised[str(key)] = [float(v) for v in np.ravel(values)]
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"history[{key!r}] must hold numbers, one per epoch; got {values!r}."
            ) from exc
    return normalised


def _own_history(estimator):
    """The history an estimator itself records, or None.

    ``history_`` (MNISTDenseClassifier, Keras) first, then scikit-learn
    MLPClassifier's ``loss_curve_`` and ``validation_scores_``.
    """
    history = getattr(estimator, "history_", None)
    if history is not None:
        return as_history(history)
    loss = getattr(estimator, "loss_curve_", None)
    if loss is None:
        return None
    history = {"loss": loss}
    scores = getattr(estimator, "validation_scores_", None)
    if scores is not None:
        history["val_accuracy"] = scores
    return as_history(history)


def find_history(estimator):
    """The per-epoch history of an estimator, a Pipeline's last step or a search.

    Returns None when there is none.
    """
    for _ in range(_MAX_DEPTH):
        history = _own_history(estimator)
        if history is not None:
            return history
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        else:
            return None
    return None
