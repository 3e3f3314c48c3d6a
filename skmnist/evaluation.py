"""Evaluation of a fitted classifier on a test set: the numbers, no drawing.

:class:`EvaluationReport` gathers what scikit-learn's metrics say about a set
of predictions (accuracy, confusion matrix, per-class precision, recall and
F1, the most confused pairs of classes, the misclassified samples) and gives
them as JSON types. It works with any fitted scikit-learn classifier. This
module imports neither matplotlib nor :mod:`skmnist.plotting` (which draws a
report) nor :mod:`skmnist.report` (which writes one to a folder), nor Keras.
"""

import math
import platform
from collections.abc import Mapping
from numbers import Integral

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    precision_recall_fscore_support,
)
from sklearn.utils.multiclass import unique_labels

from skmnist._versions import installed_version

__all__ = ["EvaluationReport"]

# Distributions whose versions a report records (None when not installed).
_VERSIONED = (
    "skmnist",
    "scikit-learn",
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "keras",
    "tensorflow",
    "scikeras",
    "jax",
)


def _versions():
    """Versions of Python and the libraries, read without importing them."""
    versions = {"python": platform.python_version()}
    versions.update({name: installed_version(name) for name in _VERSIONED})
    return versions


def jsonable(value):
    """``value`` made of JSON types only (dict keys become str, tuples lists).

    Non-finite floats become None and objects JSON cannot hold their ``repr``,
    so ``json.loads(json.dumps(x)) == x`` holds for the result.
    """
    value = native(value)
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(native(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    return repr(value)


def _estimator_params(estimator):
    """Hyper-parameters of an estimator worth recording (plain values only)."""
    if not hasattr(estimator, "get_params"):
        return None

    def plain(value):
        if value is None or isinstance(value, (bool, int, float, str, np.generic)):
            return True
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return False

    params = estimator.get_params(deep=True)
    return {key: value for key, value in sorted(params.items()) if plain(value)}


def _check_labels(y_true, y_pred):
    """``y_true`` and ``y_pred`` as 1-D arrays of the same, non-zero length."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError(
            "y_true and y_pred must be 1-D arrays of labels; got shapes "
            f"{y_true.shape} and {y_pred.shape}."
        )
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true has {len(y_true)} samples but y_pred has {len(y_pred)}."
        )
    if len(y_true) == 0:
        raise ValueError("Cannot evaluate on 0 samples.")
    return y_true, y_pred


def _check_proba(y_proba, proba_labels, y_true):
    """``(y_proba, proba_labels)`` as arrays of matching shapes, or Nones."""
    if y_proba is None:
        return None, None
    y_proba = np.asarray(y_proba)
    proba_labels = np.asarray(proba_labels)
    expected = (len(y_true), len(proba_labels))
    if y_proba.shape != expected:
        raise ValueError(
            f"y_proba must have shape {expected} (n_samples, n_classes), "
            f"one column per label; got {y_proba.shape}. Pass labels "
            "in the order of the columns (the classifier's classes_)."
        )
    return y_proba, proba_labels


class EvaluationReport:
    """Evaluation of a classifier on a test set.

    Computes, from true and predicted labels (and optionally predicted
    probabilities and the test images), the metrics scikit-learn reports:
    accuracy, confusion matrix, per-class precision, recall, F1 and support,
    the classification report, the most confused pairs of classes and the
    indices of the misclassified samples. :meth:`to_dict` gives them as JSON
    types; :func:`skmnist.report.save_report` writes them to a folder with
    figures and an HTML page, and :mod:`skmnist.plotting` draws them.

    Build one with :meth:`from_estimator` (predicts on X) or
    :meth:`from_predictions` (predictions you already have). It works with any
    fitted scikit-learn classifier, and records the per-epoch ``history_`` of
    a :class:`~skmnist.MNISTDenseClassifier` (alone or at the end of a
    Pipeline).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels.

    y_proba : array-like of shape (n_samples, n_classes), default=None
        Predicted class probabilities, columns in the order of
        `proba_labels`.

    labels : array-like of shape (n_classes,), default=None
        Labels to report on, in this order. By default the sorted labels
        found in `y_true` and `y_pred`.

    images : array-like of shape (n_samples, height, width), default=None
        The test images, for the thumbnails of the saved report. Flat rows
        ``(n_samples, 784)`` are viewed as 28x28 images.

    fit_time : float, default=None
        Seconds the classifier took to fit.

    params : dict, default=None
        Hyper-parameters of the classifier.

    history : dict of str to list of float, default=None
        Per-epoch training metrics (``loss``, ``accuracy``, ``val_loss``,
        ``val_accuracy``), as in ``MNISTDenseClassifier.history_``.

    proba_labels : array-like of shape (n_classes,), default=None
        Labels of the columns of `y_proba` (the classifier's ``classes_``);
        `labels` by default.

    Attributes
    ----------
    accuracy : float
        Fraction of correct predictions.

    labels : ndarray of shape (n_classes,)
        The labels reported on; rows and columns of `confusion_matrix`.

    confusion_matrix : ndarray of shape (n_classes, n_classes), dtype int
        Counts of samples of true label ``labels[i]`` (row) predicted as
        ``labels[j]`` (column).

    precision, recall, f1 : ndarray of shape (n_classes,)
        Per-class scores from
        :func:`~sklearn.metrics.precision_recall_fscore_support` (0 where
        undefined).

    support : ndarray of shape (n_classes,)
        Number of true samples of each class.

    classification_report : str
        :func:`sklearn.metrics.classification_report` with 4 digits.

    most_confused_pairs : list of dict
        The 10 most frequent errors, ``{"true": t, "predicted": p, "count":
        c}``, by decreasing count (see :meth:`most_confused`).

    misclassified : ndarray of shape (n_errors,)
        Indices of the wrong predictions.

    y_true, y_pred : ndarray of shape (n_samples,)
        The labels evaluated.

    y_proba : ndarray of shape (n_samples, n_classes) or None
        The predicted probabilities, if given.

    images : ndarray of shape (n_samples, height, width) or None
        The test images, if known.

    fit_time : float or None
        Seconds the classifier took to fit, if given.

    params : dict or None
        Hyper-parameters of the classifier, if known.

    history : dict of str to list of float or None
        Per-epoch training metrics, if known.

    n_samples : int
        Number of samples evaluated.

    n_errors : int
        Number of wrong predictions.

    See Also
    --------
    sklearn.metrics.classification_report : The per-class text report.
    sklearn.metrics.ConfusionMatrixDisplay : The confusion matrix plot.
    skmnist.plotting.plot_confusion_matrix : Plots a report's confusion matrix.
    skmnist.report.save_report : Writes a report to a folder.

    Examples
    --------
    >>> from skmnist.evaluation import EvaluationReport
    >>> report = EvaluationReport.from_predictions(
    ...     [0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1]
    ... )
    >>> report
    EvaluationReport(accuracy=0.6667, n_samples=6, n_errors=2, n_classes=3)
    >>> report.confusion_matrix
    array([[1, 1, 0],
           [0, 1, 1],
           [0, 0, 2]])
    >>> report.most_confused(1)
    [{'true': 0, 'predicted': 1, 'count': 1}]

    Any fitted scikit-learn classifier can be evaluated:

    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = LogisticRegression(max_iter=2000).fit(X[:1000], y[:1000])
    >>> report = EvaluationReport.from_estimator(clf, X[1000:], y[1000:])
    >>> report.accuracy > 0.9
    True
    >>> report.images.shape  # the 64 pixels seen as 8x8 images
    (797, 8, 8)
    >>> from skmnist.report import save_report
    >>> files = save_report(report, "evaluation")  # doctest: +SKIP
    """

    def __init__(
        self,
        y_true,
        y_pred,
        *,
        y_proba=None,
        labels=None,
        images=None,
        fit_time=None,
        params=None,
        history=None,
        proba_labels=None,
    ):
        self.y_true, self.y_pred = _check_labels(y_true, y_pred)
        labels = unique_labels(y_true, y_pred) if labels is None else labels
        self.labels = np.asarray(labels)
        self.y_proba, self._proba_labels = _check_proba(
            y_proba, self.labels if proba_labels is None else proba_labels, y_true
        )
        self.images = None
        if images is not None:
            self.images = as_images(images, strict=True)
            if len(self.images) != len(self.y_true):
                raise ValueError(
                    f"images has {len(self.images)} samples but y_true has "
                    f"{len(self.y_true)}."
                )
        self.fit_time = None if fit_time is None else float(fit_time)
        self.params = None if params is None else dict(params)
        self.history = None if history is None else as_history(history)
        self._compute_metrics()

    def _compute_metrics(self):
        """Set the metrics scikit-learn computes from the labels."""
        y_true, y_pred, labels = self.y_true, self.y_pred, self.labels
        self.accuracy = float(accuracy_score(y_true, y_pred))
        self.confusion_matrix = confusion_matrix(y_true, y_pred, labels=labels)
        self.precision, self.recall, self.f1, self.support = (
            precision_recall_fscore_support(
                y_true, y_pred, labels=labels, zero_division=0
            )
        )
        self.classification_report = classification_report(
            y_true, y_pred, labels=labels, digits=4, zero_division=0
        )
        self.misclassified = np.flatnonzero(y_true != y_pred)
        self.most_confused_pairs = self.most_confused(10)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, images=None, fit_time=None, params=None
    ):
        """Evaluate a fitted classifier on (X, y).

        Parameters
        ----------
        estimator : fitted classifier
            Any scikit-learn classifier or Pipeline ending in one. Its
            ``predict_proba`` is used when it has one.

        X : array-like of shape (n_samples, 784) or (n_samples, 28, 28)
            What the estimator predicts on.

        y : array-like of shape (n_samples,)
            True labels.

        images : array-like of shape (n_samples, 28, 28), default=None
            The test images for thumbnails (e.g. raw uint8 pixels). By default
            X itself, when it can be viewed as square images (784 columns are
            28x28).

        fit_time : float, default=None
            Seconds the estimator took to fit.

        params : dict, default=None
            Hyper-parameters to record. By default the estimator's plain
            parameters (``get_params(deep=True)`` without estimators).

        Returns
        -------
        report : EvaluationReport
            The evaluation. Its `history` is the estimator's ``history_`` (or
            its last Pipeline step's, or a search's best estimator's), if any.
        """
        y_pred, y_proba, proba_labels = predict_with_proba(estimator, X)
        classes = getattr(estimator, "classes_", None)
        labels = None
        if classes is not None:
            labels = np.asarray(classes)
            extra = np.setdiff1d(unique_labels(y, y_pred), labels)
            if len(extra):
                labels = unique_labels(labels, extra)
        if images is None:
            images = as_images(X)
            if images is not None and len(images) != len(y_pred):
                images = None
        if params is None:
            params = _estimator_params(estimator)
        return cls(
            np.asarray(y),
            y_pred,
            y_proba=y_proba,
            labels=labels,
            images=images,
            fit_time=fit_time,
            params=params,
            history=find_history(estimator),
            proba_labels=proba_labels,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        y_proba=None,
        labels=None,
        images=None,
        fit_time=None,
        params=None,
    ):
        """Evaluate predictions already made.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.

        y_pred : array-like of shape (n_samples,)
            Predicted labels.

        y_proba : array-like of shape (n_samples, n_classes), default=None
            Predicted probabilities, one column per label of `labels`.

        labels : array-like of shape (n_classes,), default=None
            Labels to report on, in this order (the classifier's ``classes_``
            when `y_proba` is given). By default the sorted labels found in
            `y_true` and `y_pred`.

        images : array-like of shape (n_samples, 28, 28), default=None
            The test images, for thumbnails; flat rows of 784 pixels are
            accepted.

        fit_time : float, default=None
            Seconds the classifier took to fit.

        params : dict, default=None
            Hyper-parameters of the classifier.

        Returns
        -------
        report : EvaluationReport
            The evaluation.
        """
        return cls(
            y_true,
            y_pred,
            y_proba=y_proba,
            labels=labels,
            images=images,
            fit_time=fit_time,
            params=params,
        )

    @property
    def n_samples(self):
        return len(self.y_true)

    @property
    def n_errors(self):
        return len(self.misclassified)

    def most_confused(self, n=10):
        """The most frequent errors: pairs of true and predicted labels.

        Parameters
        ----------
        n : int or None, default=10
            How many pairs to return; None for all.

        Returns
        -------
        pairs : list of dict
            ``{"true": t, "predicted": p, "count": c}`` for each off-diagonal
            cell of the confusion matrix with ``c > 0``, by decreasing count
            (ties in the order of `labels`, by true then predicted label).
        """
        cm = self.confusion_matrix
        rows, cols = np.nonzero(cm)
        off = rows != cols
        rows, cols = rows[off], cols[off]
        counts = cm[rows, cols]
        order = np.lexsort((cols, rows, -counts))
        if n is not None:
            if not isinstance(n, Integral) or n < 0:
                raise ValueError(f"n must be a non-negative int or None; got {n!r}.")
            order = order[:n]
        return [
            {
                "true": native(self.labels[rows[k]]),
                "predicted": native(self.labels[cols[k]]),
                "count": int(counts[k]),
            }
            for k in order
        ]

    def prediction_confidence(self):
        """Probability the classifier gave to its own prediction, per sample.

        Returns
        -------
        confidence : ndarray of shape (n_samples,) or None
            ``y_proba[i, column of y_pred[i]]``; None without `y_proba`.
        """
        if self.y_proba is None:
            return None
        return prediction_confidence(self.y_proba, self._proba_labels, self.y_pred)

    def _averages(self):
        # From the per-class figures already computed, as scikit-learn's
        # "macro" (plain mean) and "weighted" (mean weighted by support).
        per_class = {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        support = int(np.sum(self.support))
        return {
            f"{average}_avg": {
                **{
                    name: float(np.average(values, weights=weights))
                    for name, values in per_class.items()
                },
                "support": support,
            }
            for average, weights in (("macro", None), ("weighted", self.support))
        }

    def to_dict(self):
        """The evaluation as JSON types (``json.dumps`` takes it as is).

        Returns
        -------
        metrics : dict
            Keys ``accuracy``, ``n_samples``, ``n_errors``, ``labels``,
            ``per_class`` (label as str -> ``precision``, ``recall``, ``f1``,
            ``support``), ``macro_avg``, ``weighted_avg``,
            ``confusion_matrix`` (list of rows), ``most_confused_pairs``,
            ``fit_time``, ``params``, ``history`` and ``versions`` (Python
            and libraries, read with :mod:`importlib.metadata`).
        """
        per_class = {
            str(native(label)): {
                "precision": float(self.precision[k]),
                "recall": float(self.recall[k]),
                "f1": float(self.f1[k]),
                "support": int(self.support[k]),
            }
            for k, label in enumerate(self.labels)
        }
        metrics = {
            "accuracy": self.accuracy,
            "n_samples": self.n_samples,
            "n_errors": self.n_errors,
            "labels": [native(label) for label in self.labels],
            "per_class": per_class,
            **self._averages(),
            "confusion_matrix": self.confusion_matrix.tolist(),
            "most_confused_pairs": self.most_confused_pairs,
            "fit_time": self.fit_time,
            "params": self.params,
            "history": self.history,
            "versions": _versions(),
        }
        return jsonable(metrics)

    def __repr__(self):
        return (
            f"{type(self).__name__}(accuracy={self.accuracy:.4f}, "
            f"n_samples={self.n_samples}, n_errors={self.n_errors}, "
            f"n_classes={len(self.labels)})"
        )


# The arrays a report and the plots (skmnist.plotting) both read: digits,
# predictions, per-epoch histories. No drawing here, so that the plots import
# them from this module and this module imports no plotting code.


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


# A history is a dict of metric name to one float per epoch, as Keras records
# it (loss, accuracy, val_loss, val_accuracy). The report records one and the
# loss-curve display draws one; both read it through as_history (a dict given
# by the user) or find_history (a fitted estimator, Pipeline or search).

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
