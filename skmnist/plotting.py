"""Plots of a classifier's evaluation: confusion matrix, learning curves, digits.

Every function imports matplotlib when it is called, and draws on the Axes or
Figure it is given, or on a new pyplot figure. They work with any fitted
scikit-learn classifier, or with an :class:`~skmnist.evaluation.EvaluationReport`
(``report=``) that already holds the predictions.
"""

import contextlib
import contextvars
import math
from collections.abc import Mapping

import numpy as np

from skmnist.evaluation import (
    EvaluationReport,
    _as_images,
    _confidence,
    _find_history,
)

__all__ = [
    "plot_confusion_matrix",
    "plot_learning_curves",
    "plot_digits",
    "plot_sample_predictions",
    "plot_misclassified",
    "plot_search_heatmap",
]

# False while EvaluationReport.save draws: new figures are then plain
# matplotlib Figures, not registered with pyplot (no GUI, nothing to close).
_USE_PYPLOT = contextvars.ContextVar("skmnist_use_pyplot", default=True)

_WRONG = "#d62728"  # red for errors
_RIGHT = "black"


@contextlib.contextmanager
def _without_pyplot():
    token = _USE_PYPLOT.set(False)
    try:
        yield
    finally:
        _USE_PYPLOT.reset(token)


def _new_figure(figsize, **kwargs):
    """A new figure: from pyplot, or a bare Figure inside ``_without_pyplot``."""
    kwargs.setdefault("layout", "constrained")
    if _USE_PYPLOT.get():
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize, **kwargs)
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, **kwargs)


def _check_source(name, report, estimator, X, y, *, y_required=True):
    """Either ``report`` or (estimator, X[, y]), not both."""
    given = [v is not None for v in (estimator, X, y)]
    if report is not None:
        if any(given):
            raise ValueError(
                f"{name} takes either report= or estimator, X, y; not both."
            )
        if not isinstance(report, EvaluationReport):
            raise TypeError(
                f"report must be an EvaluationReport; got {type(report).__name__}."
            )
        return
    needed = given if y_required else given[:2]
    if not all(needed):
        what = "estimator, X and y" if y_required else "estimator and X"
        raise ValueError(f"{name} needs {what}, or report=.")


def _prediction_confidence(estimator, X, y_pred):
    """Probability the estimator gives its own predictions, or None."""
    classes = getattr(estimator, "classes_", None)
    if classes is None or not hasattr(estimator, "predict_proba"):
        return None
    proba = np.asarray(estimator.predict_proba(X)).reshape(len(y_pred), -1)
    return _confidence(proba, classes, y_pred)


def plot_confusion_matrix(
    estimator=None, X=None, y=None, *, report=None, normalize=None, ax=None
):
    """Plot the confusion matrix of a classifier, with counts in each cell.

    Parameters
    ----------
    estimator : fitted classifier, default=None
        Classifier (or Pipeline) to evaluate on (X, y).

    X : array-like of shape (n_samples, 784) or (n_samples, 28, 28), default=None
        Test inputs.

    y : array-like of shape (n_samples,), default=None
        True labels.

    report : EvaluationReport, default=None
        Plot this report's predictions instead of (estimator, X, y).

    normalize : {"true", "pred", "all"}, default=None
        Normalise over the true labels (rows), the predicted labels
        (columns) or all samples; None shows counts.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new 7x6 inch figure when None.

    Returns
    -------
    display : sklearn.metrics.ConfusionMatrixDisplay
        The display; its ``ax_`` and ``figure_`` are the plot.

    See Also
    --------
    sklearn.metrics.ConfusionMatrixDisplay : What draws it.
    skmnist.evaluation.EvaluationReport : Holds the ``confusion_matrix`` drawn.

    Examples
    --------
    >>> from skmnist.evaluation import EvaluationReport
    >>> from skmnist.plotting import plot_confusion_matrix
    >>> report = EvaluationReport.from_predictions([0, 1, 1, 2], [0, 1, 2, 2])
    >>> disp = plot_confusion_matrix(report=report)
    >>> disp.confusion_matrix
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    >>> disp.ax_.get_title()
    'Confusion matrix: accuracy 0.7500 on 4 samples'
    """
    import matplotlib  # noqa: F401  (fail early without matplotlib)
    from sklearn.metrics import ConfusionMatrixDisplay

    _check_source("plot_confusion_matrix", report, estimator, X, y)
    if report is not None:
        y_true, y_pred, labels = report.y_true, report.y_pred, report.labels
    else:
        y_true, y_pred = np.asarray(y), estimator.predict(X)
        labels = getattr(estimator, "classes_", None)
        if labels is not None:
            labels = np.union1d(labels, np.union1d(y_true, y_pred))
    if ax is None:
        ax = _new_figure((7, 6)).add_subplot()
    n_labels = len(labels) if labels is not None else len(np.union1d(y_true, y_pred))
    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        normalize=normalize,
        ax=ax,
        cmap="Blues",
        values_format="d" if normalize is None else ".2f",
        text_kw={"fontsize": 10 if n_labels <= 10 else max(5, 100 // n_labels)},
    )
    accuracy = float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    what = {
        None: "counts",
        "true": "each row (true label) sums to 1",
        "pred": "each column (predicted label) sums to 1",
        "all": "fractions of all samples",
    }[normalize]
    ax.set_title(f"Confusion matrix: accuracy {accuracy:.4f} on {len(y_true)} samples")
    ax.set_xlabel(f"Predicted label ({what})" if normalize else "Predicted label")
    ax.set_ylabel("True label")
    return display


def _history_dict(history):
    if isinstance(history, Mapping):
        return {
            str(k): [float(v) for v in np.ravel(vals)] for k, vals in history.items()
        }
    found = _find_history(history)
    if found is None:
        raise ValueError(
            "history must be a dict of per-epoch metrics or a fitted estimator "
            f"(or Pipeline) with a history_ attribute; got {type(history).__name__}."
        )
    return found


def plot_learning_curves(history, *, axes=None):
    """Plot loss and accuracy per epoch, training against validation.

    Parameters
    ----------
    history : dict of str to list of float, or fitted estimator
        Per-epoch metrics as in ``MNISTDenseClassifier.history_`` (``loss``,
        ``accuracy``, and ``val_loss``, ``val_accuracy`` when a validation
        set was used), or an estimator, Pipeline or search holding one.

    axes : array-like of 2 matplotlib Axes, default=None
        Axes for the loss and the accuracy panels; a new 11x4.5 inch figure
        when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure of the two panels. With validation metrics, the epoch of
        the lowest validation loss is marked.

    Raises
    ------
    ValueError
        If `history` holds neither ``loss`` nor ``accuracy``.

    Examples
    --------
    >>> from skmnist.plotting import plot_learning_curves
    >>> history = {"loss": [0.9, 0.5, 0.4], "accuracy": [0.7, 0.85, 0.9],
    ...            "val_loss": [0.6, 0.45, 0.5], "val_accuracy": [0.8, 0.87, 0.86]}
    >>> fig = plot_learning_curves(history)
    >>> [ax.get_title() for ax in fig.axes]
    ['Loss', 'Accuracy']
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['training', 'validation', 'best epoch (2)']
    """
    from matplotlib.ticker import MaxNLocator

    history = _history_dict(history)
    accuracy_key = next((k for k in ("accuracy", "acc") if k in history), "accuracy")
    panels = [("Loss", "loss"), ("Accuracy", accuracy_key)]
    if not any(key in history or f"val_{key}" in history for _, key in panels):
        raise ValueError(
            f"history has no loss or accuracy to plot; its keys are {sorted(history)}."
        )
    created = axes is None
    if created:
        fig = _new_figure((11, 4.5))
        axes = fig.subplots(1, 2)
    axes = list(np.ravel(axes))
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 Axes (loss, accuracy); got {len(axes)}.")
    fig = axes[0].figure

    best = None
    if history.get("val_loss"):
        best = int(np.nanargmin(history["val_loss"])) + 1
    n_epochs = max(len(v) for v in history.values()) if history else 0
    marker = "o" if n_epochs <= 40 else None
    for ax, (name, key) in zip(axes, panels):
        for series, label, style in (
            (key, "training", "-"),
            (f"val_{key}", "validation", "--"),
        ):
            values = history.get(series)
            if values:
                epochs = np.arange(1, len(values) + 1)
                ax.plot(epochs, values, style, marker=marker, ms=4, label=label)
        if not ax.get_lines():
            ax.text(
                0.5,
                0.5,
                f"no {name.lower()} recorded",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="gray",
            )
        elif best is not None:
            ax.axvline(best, color="gray", ls=":", label=f"best epoch ({best})")
        ax.set_title(name)
        ax.set_xlabel("Epoch")
        ax.set_ylabel(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if n_epochs:
            ax.set_xlim(0.5, n_epochs + 0.5)
        ax.grid(True, alpha=0.3)
        if ax.get_lines():
            ax.legend()
    if created:
        fig.suptitle(f"Learning curves ({n_epochs} epochs)")
    return fig


def _digit_titles(n, labels, predictions, probabilities):
    """Title and colour of each thumbnail."""
    titles, colors = [], []
    for k in range(n):
        conf = ""
        if probabilities is not None and np.isfinite(probabilities[k]):
            conf = f" ({probabilities[k]:.2f})"
        color = _RIGHT
        if predictions is None:
            title = "" if labels is None else f"{labels[k]}"
        elif labels is None:
            title = f"pred {predictions[k]}{conf}"
        elif labels[k] == predictions[k]:
            title = f"pred {predictions[k]}{conf}"
        else:
            title = f"true {labels[k]} / pred {predictions[k]}{conf}"
            color = _WRONG
        titles.append(title)
        colors.append(color)
    return titles, colors


def plot_digits(
    images,
    labels=None,
    *,
    predictions=None,
    probabilities=None,
    n_cols=10,
    max_images=50,
    title=None,
    fig=None,
):
    """Plot a grid of digit thumbnails, optionally with labels and predictions.

    Each thumbnail is drawn pixel for pixel (``interpolation="nearest"``),
    dark ink on white (``cmap="gray_r"``). Its title is the label, or
    ``"pred 9 (0.87)"`` with a prediction and its probability; a wrong
    prediction reads ``"true 4 / pred 9 (0.87)"`` in red, framed in red.

    Parameters
    ----------
    images : array-like of shape (n_images, 28, 28) or (n_images, 784)
        The images (any square size; flat rows are reshaped), raw 0..255 or
        scaled to [0, 1].

    labels : array-like of shape (n_images,), default=None
        True labels.

    predictions : array-like of shape (n_images,), default=None
        Predicted labels.

    probabilities : array-like of shape (n_images,) or (n_images, n_classes), \
            default=None
        Probability of each prediction; with a 2-D array of class
        probabilities, the largest of each row.

    n_cols : int, default=10
        Number of columns of the grid.

    max_images : int or None, default=50
        Plot the first `max_images` images only; None for all.

    title : str, default=None
        Title of the figure.

    fig : matplotlib Figure or SubFigure, default=None
        Figure to draw into (its size is left as is); when None, a new figure
        sized to fit the grid.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skmnist.plotting import plot_digits
    >>> digits = load_digits()
    >>> fig = plot_digits(digits.images, digits.target, max_images=20, n_cols=5)
    >>> len(fig.axes), fig.axes[0].get_title()
    (20, '0')
    """
    images = _as_images(images, strict=True)
    n = len(images) if max_images is None else min(len(images), int(max_images))

    def column(values, name):
        if values is None:
            return None
        values = np.asarray(values)
        if len(values) < n:
            raise ValueError(
                f"{name} has {len(values)} entries for {min(n, len(images))} images."
            )
        return values[:n]

    labels = column(labels, "labels")
    predictions = column(predictions, "predictions")
    probabilities = column(probabilities, "probabilities")
    if probabilities is not None:
        probabilities = probabilities.astype(float)
        if probabilities.ndim == 2:
            probabilities = probabilities.max(axis=1)
    titles, colors = _digit_titles(n, labels, predictions, probabilities)

    n_cols = max(1, min(int(n_cols), n))
    n_rows = max(1, math.ceil(n / n_cols))
    fontsize = 9
    longest = max((len(t) for t in titles), default=0)
    cell_w = max(1.05, 0.55 * fontsize / 72 * longest + 0.3)
    cell_h = 1.05 + (0.3 if longest else 0)
    if fig is None:
        height = n_rows * cell_h + (0.45 if title else 0) + 0.1
        fig = _new_figure((n_cols * cell_w, height))
    if title:
        fig.suptitle(title, fontsize=12)
    if n == 0:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No images to show", ha="center", va="center")
        return fig

    finite = images[:n][np.isfinite(images[:n])]
    vmin = min(0.0, float(finite.min())) if finite.size else 0.0
    vmax = 255.0 if finite.size and finite.max() > 1 else 1.0
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.set_axis_off()
            continue
        ax.imshow(
            images[k],
            cmap="gray_r",
            interpolation="nearest",
            vmin=vmin,
            vmax=vmax,
        )
        ax.set_xticks([])
        ax.set_yticks([])
        wrong = colors[k] == _WRONG
        for spine in ax.spines.values():
            spine.set_color(_WRONG if wrong else "#bbbbbb")
            spine.set_linewidth(2 if wrong else 0.8)
        if titles[k]:
            ax.set_title(titles[k], color=colors[k], fontsize=fontsize, pad=3)
    return fig


def plot_sample_predictions(
    estimator=None,
    X=None,
    y=None,
    *,
    report=None,
    n=30,
    random_state=0,
    fig=None,
):
    """Plot random test digits with the predicted label and its probability.

    Wrong predictions (when the true labels are known) are shown in red as
    ``"true 4 / pred 9 (0.87)"``.

    Parameters
    ----------
    estimator : fitted classifier, default=None
        Classifier (or Pipeline) predicting on X; its ``predict_proba`` gives
        the probabilities when it has one.

    X : array-like of shape (n_samples, 784) or (n_samples, 28, 28), default=None
        Test inputs, also drawn as the thumbnails.

    y : array-like of shape (n_samples,), default=None
        True labels, to mark the errors.

    report : EvaluationReport, default=None
        Take the predictions and images of this report instead of (estimator,
        X, y); it must have ``images``.

    n : int, default=30
        Number of digits to draw (at most the number of samples).

    random_state : int, RandomState instance or None, default=0
        Picks the digits.

    fig : matplotlib Figure, default=None
        Figure to draw into; a new one when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmnist.plotting import plot_sample_predictions
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = LogisticRegression(max_iter=2000).fit(X[:1000], y[:1000])
    >>> fig = plot_sample_predictions(clf, X[1000:], y[1000:], n=12)
    >>> len(fig.axes)
    12
    >>> fig.axes[0].get_title()  # doctest: +SKIP
    'pred 6 (1.00)'
    """
    from sklearn.utils import check_random_state
    from sklearn.utils._indexing import _safe_indexing
    from sklearn.utils.validation import _num_samples

    _check_source("plot_sample_predictions", report, estimator, X, y, y_required=False)
    n_samples = report.n_samples if report is not None else _num_samples(X)
    rng = check_random_state(random_state)
    idx = np.sort(rng.choice(n_samples, size=min(int(n), n_samples), replace=False))
    if report is not None:
        if report.images is None:
            raise ValueError(
                "This report has no images: build it with images=, or from X "
                "that holds square images."
            )
        images = report.images[idx]
        labels, predictions = report.y_true[idx], report.y_pred[idx]
        confidence = report.prediction_confidence()
        confidence = None if confidence is None else confidence[idx]
    else:
        X_sample = _safe_indexing(X, idx)
        images = _as_images(X_sample, strict=True)
        predictions = np.asarray(estimator.predict(X_sample))
        confidence = _prediction_confidence(estimator, X_sample, predictions)
        labels = None if y is None else np.asarray(_safe_indexing(y, idx))
    title = f"Predictions on {len(idx)} random test digits"
    if labels is not None:
        n_wrong = int(np.sum(labels != predictions))
        title += f": {n_wrong} wrong (in red)" if n_wrong else ": all correct"
    return plot_digits(
        images,
        labels,
        predictions=predictions,
        probabilities=confidence,
        n_cols=6,
        max_images=None,
        title=title,
        fig=fig,
    )


def plot_misclassified(
    estimator=None, X=None, y=None, *, report=None, max_images=30, fig=None
):
    """Plot the misclassified digits, the most confident mistakes first.

    Each thumbnail reads ``"true 4 / pred 9 (0.87)"``: the true label, the
    predicted label and the probability the classifier gave it.

    Parameters
    ----------
    estimator : fitted classifier, default=None
        Classifier (or Pipeline) to evaluate on (X, y).

    X : array-like of shape (n_samples, 784) or (n_samples, 28, 28), default=None
        Test inputs, also drawn as the thumbnails.

    y : array-like of shape (n_samples,), default=None
        True labels.

    report : EvaluationReport, default=None
        Take the errors and images of this report instead of (estimator, X,
        y); it must have ``images``.

    max_images : int, default=30
        Most errors to draw.

    fig : matplotlib Figure, default=None
        Figure to draw into; a new one when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure (a note only, when there is no error).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmnist.plotting import plot_misclassified
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = LogisticRegression(max_iter=2000).fit(X[:1000], y[:1000])
    >>> fig = plot_misclassified(clf, X[1000:], y[1000:], max_images=6)
    >>> fig.get_suptitle()
    'Misclassified: 6 of ... errors, most confident first'
    """
    _check_source("plot_misclassified", report, estimator, X, y)
    if report is None:
        report = EvaluationReport.from_estimator(estimator, X, y, params={})
    if report.images is None:
        raise ValueError(
            "This report has no images: build it with images=, or from X that "
            "holds square images."
        )
    errors = report.misclassified
    confidence = report.prediction_confidence()
    if confidence is not None:
        errors = errors[np.argsort(-confidence[errors], kind="stable")]
    shown = errors[: int(max_images)]
    if len(shown) == 0:
        title = f"No misclassified digits among {report.n_samples} samples"
    else:
        title = f"Misclassified: {len(shown)} of {report.n_errors} errors"
        if confidence is not None:
            title += ", most confident first"
    return plot_digits(
        report.images[shown],
        report.y_true[shown],
        predictions=report.y_pred[shown],
        probabilities=None if confidence is None else confidence[shown],
        n_cols=6,
        max_images=None,
        title=title,
        fig=fig,
    )


def _param_column(results, name):
    for column in (name, f"param_{name}"):
        if column in results.columns:
            return column
    params = [c[len("param_") :] for c in results.columns if c.startswith("param_")]
    raise ValueError(f"No parameter {name!r} in cv_results; it has {params}.")


def _ordered_values(values):
    """Distinct values (hashable or not), sorted when they can be."""
    distinct = {}
    for value in values:
        distinct.setdefault(repr(value), value)
    keys = list(distinct)
    try:
        keys.sort(key=lambda k: distinct[k])
    except TypeError:
        pass  # mixed types (e.g. None and ints): order of appearance
    return keys, [distinct[k] for k in keys]


def _format_value(value):
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def plot_search_heatmap(
    cv_results, param_x, param_y, *, score="mean_test_score", ax=None
):
    """Plot a grid search's scores as a heatmap over two parameters.

    Each cell shows the score of one pair of values; the best cell is framed
    in red. When the search varied other parameters too, each cell shows the
    best score over them.

    Parameters
    ----------
    cv_results : dict or pandas.DataFrame
        ``cv_results_`` of a fitted
        :class:`~sklearn.model_selection.GridSearchCV` (or any search).

    param_x, param_y : str
        Parameters on the x and y axes, e.g.
        ``"mnistdenseclassifier__epochs"`` (with or without the ``param_``
        prefix of the ``cv_results_`` columns).

    score : str, default="mean_test_score"
        Column to show; a metric name such as ``"accuracy"`` reads
        ``mean_test_accuracy`` of a multi-metric search.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.

    Returns
    -------
    ax : matplotlib Axes
        The heatmap, with a colorbar.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skmnist.plotting import plot_search_heatmap
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(
    ...     LogisticRegression(max_iter=1000),
    ...     {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]},
    ...     cv=3,
    ... ).fit(X, y)
    >>> ax = plot_search_heatmap(search.cv_results_, "C", "fit_intercept")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('C', 'fit_intercept')
    """
    import matplotlib.patches as mpatches
    import pandas as pd

    results = cv_results
    if not isinstance(results, pd.DataFrame):
        results = pd.DataFrame(dict(results))
    col_x = _param_column(results, param_x)
    col_y = _param_column(results, param_y)
    score_col = score
    if score_col not in results.columns:
        score_col = f"mean_test_{score}"
        if score_col not in results.columns:
            scores = [c for c in results.columns if c.startswith("mean_")]
            raise ValueError(f"No score {score!r} in cv_results; it has {scores}.")

    keys_x, values_x = _ordered_values(results[col_x])
    keys_y, values_y = _ordered_values(results[col_y])
    pos_x = {k: i for i, k in enumerate(keys_x)}
    pos_y = {k: i for i, k in enumerate(keys_y)}
    grid = np.full((len(keys_y), len(keys_x)), np.nan)
    for vx, vy, s in zip(results[col_x], results[col_y], results[score_col]):
        i, j = pos_y[repr(vy)], pos_x[repr(vx)]
        grid[i, j] = np.fmax(grid[i, j], float(s))

    others = [
        c
        for c in results.columns
        if c.startswith("param_")
        and c not in (col_x, col_y)
        and len(_ordered_values(results[c])[0]) > 1
    ]
    if ax is None:
        figsize = (max(5.0, 1.3 * len(keys_x) + 2.8), max(3.5, 0.75 * len(keys_y) + 2))
        ax = _new_figure(figsize).add_subplot()
    image = ax.imshow(grid, cmap="viridis", aspect="auto", origin="lower")
    finite = grid[np.isfinite(grid)]
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            value = grid[i, j]
            dark = (
                not np.isfinite(value)
                or high == low
                or (value - low) < (0.6 * (high - low))
            )
            ax.text(
                j,
                i,
                f"{value:.4f}" if np.isfinite(value) else "n/a",
                ha="center",
                va="center",
                color="white" if dark and np.isfinite(value) else "black",
                fontsize=10,
            )
    if finite.size:
        bi, bj = np.unravel_index(np.nanargmax(grid), grid.shape)
        ax.add_patch(
            mpatches.Rectangle(
                (bj - 0.5, bi - 0.5), 1, 1, fill=False, edgecolor=_WRONG, lw=2.5
            )
        )
    label_x = col_x[len("param_") :] if col_x.startswith("param_") else col_x
    label_y = col_y[len("param_") :] if col_y.startswith("param_") else col_y
    ax.set_xticks(range(len(values_x)), [_format_value(v) for v in values_x])
    ax.set_yticks(range(len(values_y)), [_format_value(v) for v in values_y])
    ax.set_xlabel(label_x)
    ax.set_ylabel(label_y)
    title = f"Grid search: {score_col}"
    if others:
        title += " (best over other parameters)"
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, label=score_col)
    return ax
