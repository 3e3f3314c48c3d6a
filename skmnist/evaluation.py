"""Evaluation of a fitted classifier on a test set: metrics, errors, report files.

:class:`EvaluationReport` gathers what scikit-learn's metrics say about a set
of predictions (accuracy, confusion matrix, per-class precision, recall and
F1, the most confused pairs of classes, the misclassified samples) and writes
them to a folder as JSON, text, PNG figures and one self-contained HTML page.
It works with any fitted scikit-learn classifier; nothing here imports Keras or
TensorFlow, and matplotlib is imported only to draw.
"""

import base64
import html
import json
import math
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from numbers import Integral

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    precision_recall_fscore_support,
)
from sklearn.utils.multiclass import unique_labels

from skmnist._io import atomic_write as _atomic_write

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
# Other distribution names that provide the same import package.
_ALIASES = {"tensorflow": ("tensorflow-cpu", "tensorflow-macos", "tf-nightly")}

# Resolution of the PNG figures written by EvaluationReport.save.
_DPI = 110


def _dist_version(name):
    for dist in (name, *_ALIASES.get(name, ())):
        try:
            return version(dist)
        except PackageNotFoundError:
            continue
    return None


def _versions():
    """Versions of Python and the libraries, read without importing them."""
    versions = {"python": platform.python_version()}
    versions.update({name: _dist_version(name) for name in _VERSIONED})
    return versions


def _native(value):
    """A NumPy scalar as the Python scalar it holds; anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def _jsonable(value):
    """``value`` made of JSON types only (dict keys become str, tuples lists).

    Non-finite floats become None and objects JSON cannot hold their ``repr``,
    so ``json.loads(json.dumps(x)) == x`` holds for the result.
    """
    value = _native(value)
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(_native(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in value]
    return repr(value)


def _find_history(estimator):
    """The ``history_`` dict of an estimator, a Pipeline's last step or a search.

    Returns None when there is none.
    """
    for _ in range(10):  # nested searches and pipelines, bounded
        history = getattr(estimator, "history_", None)
        if history is not None:
            return {
                str(key): [float(v) for v in np.ravel(values)]
                for key, values in dict(history).items()
            }
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        else:
            return None
    return None


def _as_images(X, *, strict=False):
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


def _confidence(y_proba, proba_labels, y_pred):
    """``y_proba[i, column of y_pred[i]]`` (NaN for a label with no column)."""
    index = {_native(label): k for k, label in enumerate(proba_labels)}
    columns = np.array([index.get(_native(p), -1) for p in y_pred], dtype=int)
    confidence = np.asarray(y_proba, dtype=float)[np.arange(len(y_pred)), columns]
    confidence[columns < 0] = np.nan
    return confidence


def _figure_png(fig):
    """Render a matplotlib figure to PNG bytes."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, facecolor="white")
    return buffer.getvalue()


class EvaluationReport:
    """Evaluation of a classifier on a test set.

    Computes, from true and predicted labels (and optionally predicted
    probabilities and the test images), the metrics scikit-learn reports:
    accuracy, confusion matrix, per-class precision, recall, F1 and support,
    the classification report, the most confused pairs of classes and the
    indices of the misclassified samples. :meth:`to_dict` gives them as JSON
    types; :meth:`save` writes them to a folder with figures and an HTML page.

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
        The test images, for the thumbnails of :meth:`save`. Flat rows
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
    >>> files = report.save("evaluation")  # doctest: +SKIP
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
        labels = unique_labels(y_true, y_pred) if labels is None else labels
        self.labels = np.asarray(labels)
        self.y_true = y_true
        self.y_pred = y_pred

        self.y_proba = None
        self._proba_labels = None
        if y_proba is not None:
            self.y_proba = np.asarray(y_proba)
            proba_labels = self.labels if proba_labels is None else proba_labels
            self._proba_labels = np.asarray(proba_labels)
            expected = (len(y_true), len(self._proba_labels))
            if self.y_proba.shape != expected:
                raise ValueError(
                    f"y_proba must have shape {expected} (n_samples, n_classes), "
                    f"one column per label; got {self.y_proba.shape}. Pass labels "
                    "in the order of the columns (the classifier's classes_)."
                )

        self.images = None
        if images is not None:
            self.images = _as_images(images, strict=True)
            if len(self.images) != len(y_true):
                raise ValueError(
                    f"images has {len(self.images)} samples but y_true has "
                    f"{len(y_true)}."
                )
        self.fit_time = None if fit_time is None else float(fit_time)
        self.params = None if params is None else dict(params)
        self.history = None
        if history is not None:
            self.history = {
                str(key): [float(v) for v in np.ravel(values)]
                for key, values in dict(history).items()
            }

        self.accuracy = float(accuracy_score(y_true, y_pred))
        self.confusion_matrix = confusion_matrix(y_true, y_pred, labels=self.labels)
        self.precision, self.recall, self.f1, self.support = (
            precision_recall_fscore_support(
                y_true, y_pred, labels=self.labels, zero_division=0
            )
        )
        self.classification_report = classification_report(
            y_true, y_pred, labels=self.labels, digits=4, zero_division=0
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
        y_pred = estimator.predict(X)
        y_proba = None
        classes = getattr(estimator, "classes_", None)
        if classes is not None and hasattr(estimator, "predict_proba"):
            y_proba = np.asarray(estimator.predict_proba(X))
            if y_proba.ndim == 1:  # one sample from a squeezing wrapper
                y_proba = y_proba.reshape(1, -1)
        labels = None
        if classes is not None:
            labels = np.asarray(classes)
            extra = np.setdiff1d(unique_labels(y, y_pred), labels)
            if len(extra):
                labels = unique_labels(labels, extra)
        if images is None:
            images = _as_images(X)
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
            history=_find_history(estimator),
            proba_labels=classes if y_proba is not None else None,
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
                "true": _native(self.labels[rows[k]]),
                "predicted": _native(self.labels[cols[k]]),
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
        return _confidence(self.y_proba, self._proba_labels, self.y_pred)

    def _averages(self):
        averages = {}
        for average in ("macro", "weighted"):
            precision, recall, f1, _ = precision_recall_fscore_support(
                self.y_true,
                self.y_pred,
                labels=self.labels,
                average=average,
                zero_division=0,
            )
            averages[f"{average}_avg"] = {
                "precision": float(precision),
                "recall": float(recall),
                "f1": float(f1),
                "support": int(np.sum(self.support)),
            }
        return averages

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
            str(_native(label)): {
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
            "labels": [_native(label) for label in self.labels],
            "per_class": per_class,
            **self._averages(),
            "confusion_matrix": self.confusion_matrix.tolist(),
            "most_confused_pairs": self.most_confused_pairs,
            "fit_time": self.fit_time,
            "params": self.params,
            "history": self.history,
            "versions": _versions(),
        }
        return _jsonable(metrics)

    def __repr__(self):
        return (
            f"{type(self).__name__}(accuracy={self.accuracy:.4f}, "
            f"n_samples={self.n_samples}, n_errors={self.n_errors}, "
            f"n_classes={len(self.labels)})"
        )

    def _figures(self):
        """Draw the report's figures (without pyplot).

        Returns
        -------
        figures : dict of str to matplotlib.figure.Figure
            ``confusion_matrix``, ``learning_curves`` (with a `history`),
            ``sample_predictions`` and ``misclassified`` (with `images`).
        """
        from skmnist import plotting

        figures = {}
        with plotting._without_pyplot():
            fig = plotting._new_figure(figsize=(7, 6))
            ax = fig.add_subplot()
            plotting.plot_confusion_matrix(report=self, ax=ax)
            figures["confusion_matrix"] = fig
            if self.history:
                figures["learning_curves"] = plotting.plot_learning_curves(self.history)
            if self.images is not None:
                figures["sample_predictions"] = plotting.plot_sample_predictions(
                    report=self
                )
                figures["misclassified"] = plotting.plot_misclassified(report=self)
        return figures

    def save(self, out_dir):
        """Write the report to a folder: JSON, text, PNG figures and HTML.

        Files (each written atomically: a temporary file in `out_dir`, then
        :func:`os.replace`, so a crash never leaves a partial file):

        - ``metrics.json``: :meth:`to_dict`, indented;
        - ``classification_report.txt``: `classification_report`;
        - ``confusion_matrix.png``;
        - ``learning_curves.png``, when there is a `history`;
        - ``sample_predictions.png`` (test digits, predicted label and
          probability, errors in red) and ``misclassified.png`` (the errors,
          most confident first), when `images` are known;
        - ``report.html``: one self-contained page with all of the above, the
          figures embedded as base64 data URIs.

        Parameters
        ----------
        out_dir : str or path-like
            Folder to write to, created if missing; files there are replaced.

        Returns
        -------
        paths : dict of str to str
            File name (``"metrics.json"``, ...) -> path written.
        """
        out_dir = os.fspath(out_dir)
        os.makedirs(out_dir, exist_ok=True)
        paths = {}

        def write(name, data):
            path = os.path.join(out_dir, name)
            _atomic_write(path, data)
            paths[name] = path

        metrics = self.to_dict()
        write("metrics.json", json.dumps(metrics, indent=2) + "\n")
        write("classification_report.txt", self.classification_report)

        pngs = {}
        figures = self._figures()
        try:
            for key, fig in figures.items():
                pngs[key] = _figure_png(fig)
                write(f"{key}.png", pngs[key])
        finally:
            for fig in figures.values():
                fig.clear()
        write("report.html", self._html(metrics, pngs))
        return paths

    def _html(self, metrics, pngs):
        """The self-contained HTML page (figures as base64 PNG data URIs)."""
        esc = html.escape

        def fmt(value):
            if isinstance(value, float):
                return f"{value:.4f}"
            if isinstance(value, (dict, list)):
                return json.dumps(value)
            return "" if value is None else str(value)

        def table(header, rows, numeric_from=1):
            head = "".join(f"<th>{esc(str(h))}</th>" for h in header)
            body = []
            for row in rows:
                cells = []
                for k, cell in enumerate(row):
                    cls = ' class="num"' if k >= numeric_from else ""
                    cells.append(f"<td{cls}>{esc(fmt(cell))}</td>")
                body.append(f"<tr>{''.join(cells)}</tr>")
            return (
                f"<table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>"
            )

        def figure(key, caption):
            if key not in pngs:
                return ""
            data = base64.b64encode(pngs[key]).decode("ascii")
            return (
                f'<figure><img src="data:image/png;base64,{data}" '
                f'alt="{esc(caption)}"><figcaption>{esc(caption)}</figcaption>'
                "</figure>"
            )

        per_class = [
            [label, v["precision"], v["recall"], v["f1"], v["support"]]
            for label, v in metrics["per_class"].items()
        ]
        per_class += [
            [name, v["precision"], v["recall"], v["f1"], v["support"]]
            for name, v in (
                ("macro avg", metrics["macro_avg"]),
                ("weighted avg", metrics["weighted_avg"]),
            )
        ]
        pairs = [
            [p["true"], p["predicted"], p["count"]]
            for p in metrics["most_confused_pairs"]
        ]
        fit_time = "not recorded" if self.fit_time is None else f"{self.fit_time:.2f} s"
        params = [
            [key, value if isinstance(value, str) else repr(value)]
            for key, value in sorted((metrics["params"] or {}).items())
        ]
        versions = [[k, v or "not installed"] for k, v in metrics["versions"].items()]
        sections = [
            '<p class="headline">Accuracy <strong>'
            f"{self.accuracy:.4f}</strong> ({self.accuracy:.2%}): "
            f"{self.n_samples - self.n_errors} of {self.n_samples} test samples "
            f"right, {self.n_errors} wrong. Fit time: {esc(fit_time)}.</p>",
            "<h2>Per-class metrics</h2>",
            table(["label", "precision", "recall", "f1", "support"], per_class),
            figure("confusion_matrix", "Confusion matrix (rows: true label)"),
            "<h2>Most confused pairs</h2>",
            table(["true", "predicted", "count"], pairs)
            if pairs
            else "<p>No errors.</p>",
            figure("learning_curves", "Learning curves"),
            figure("sample_predictions", "Sample predictions (errors in red)"),
            figure("misclassified", "Misclassified digits, most confident first"),
            "<h2>Classification report</h2>",
            f"<pre>{esc(self.classification_report)}</pre>",
            "<h2>Parameters</h2>",
            table(["parameter", "value"], params, numeric_from=2)
            if params
            else "<p>Not recorded.</p>",
            "<h2>Versions</h2>",
            table(["package", "version"], versions, numeric_from=2),
        ]
        body = "\n".join(s for s in sections if s)
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>skmnist evaluation: accuracy {self.accuracy:.4f}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial,
  sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
  color: #222; line-height: 1.45; }}
h1 {{ margin-bottom: 0.2em; }}
h2 {{ border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }}
.headline {{ font-size: 1.3em; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.7em; text-align: left; }}
th {{ background: #f2f2f2; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
tbody tr:nth-child(even) {{ background: #fafafa; }}
figure {{ margin: 1.5em 0; }}
img {{ max-width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ color: #555; font-size: 0.9em; }}
pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; }}
</style>
</head>
<body>
<h1>skmnist evaluation report</h1>
{body}
</body>
</html>
"""
