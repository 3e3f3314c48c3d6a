"""Arrays shared by the evaluation report and the plots: digits and predictions.

Private helpers with no drawing and no metrics, so that :mod:`skmnist.evaluation`
and :mod:`skmnist.plotting` can both use them without importing each other's
code paths.
"""

import math

import numpy as np


def native(value):
    """A NumPy scalar as the Python scalar it holds; anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def as_images(X, *, strict=False):
    """View ``X`` as square grey images ``(n, h, w)``, or None if it is not.

    Accepts ``(n, h, w)``, ``(n, h, w, 1)`` and flat rows ``(n, d)`` with ``d``
    a perfect square (784 -> 28x28). With ``strict=True`` raise instead of
    returning None.
    """
    if X is None:
        return None
    if hasattr(X, "tocsr") or hasattr(X, "toarray"):  # sparse
        images = None
    else:
        try:
            array = np.asarray(X)
        except (TypeError, ValueError):
            array = None
        images = None
        if array is not None and array.dtype.kind in "biuf":
            if array.ndim == 4 and array.shape[-1] == 1:
                images = array[..., 0]
            elif array.ndim == 3:
                images = array
            elif array.ndim == 2 and array.shape[1] > 0:
                side = math.isqrt(array.shape[1])
                if side * side == array.shape[1]:
                    images = array.reshape(array.shape[0], side, side)
    if images is None and strict:
        raise ValueError(
            "images must be an array of shape (n_samples, height, width) or flat "
            "rows (n_samples, side * side) such as (n_samples, 784); got "
            f"{type(X).__name__} of shape {np.shape(X)}."
        )
    return images


def prediction_confidence(y_proba, proba_labels, y_pred):
    """``y_proba[i, column of y_pred[i]]`` (NaN for a label with no column)."""
    index = {native(label): k for k, label in enumerate(proba_labels)}
    columns = np.array([index.get(native(p), -1) for p in y_pred], dtype=int)
    confidence = np.asarray(y_proba, dtype=float)[np.arange(len(y_pred)), columns]
    confidence[columns < 0] = np.nan
    return confidence


def predict_with_proba(estimator, X):
    """Predict on ``X``: labels, and probabilities when the estimator has them.

    Returns ``(y_pred, y_proba, proba_labels)``; the last two are None unless
    the estimator has both ``classes_`` and ``predict_proba``. One-row
    probabilities squeezed to ``(n_classes,)`` by a wrapper are made 2-D.
    """
    y_pred = np.asarray(estimator.predict(X))
    classes = getattr(estimator, "classes_", None)
    if classes is None or not hasattr(estimator, "predict_proba"):
        return y_pred, None, None
    y_proba = np.asarray(estimator.predict_proba(X)).reshape(len(y_pred), -1)
    return y_pred, y_proba, np.asarray(classes)
