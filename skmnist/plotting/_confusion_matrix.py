"""The confusion matrix, drawn by scikit-learn's ConfusionMatrixDisplay."""

import numpy as np

from skmnist.plotting._base import check_source, new_figure

_NORMALIZED = {
    "true": "each row (true label) sums to 1",
    "pred": "each column (predicted label) sums to 1",
    "all": "fractions of all samples",
}


def plot_confusion_matrix(
    estimator=None, X=None, y=None, *, report=None, normalize=None, ax=None
):
    """Plot the confusion matrix of a classifier, with counts in each cell.

    A thin layer over :class:`sklearn.metrics.ConfusionMatrixDisplay`: the
    labels are the classifier's ``classes_`` (or the report's `labels`), the
    colour map ``"Blues"``, and the title gives the accuracy.

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

    Raises
    ------
    ValueError
        If both or neither of `report` and (estimator, X, y) are given, or
        `normalize` is not one of its values.

    TypeError
        If `report` is not an EvaluationReport.

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

    check_source("plot_confusion_matrix", report, estimator, X, y)
    if normalize is not None and normalize not in _NORMALIZED:
        raise ValueError(
            f"normalize must be None, 'true', 'pred' or 'all'; got {normalize!r}."
        )
    if report is not None:
        y_true, y_pred, labels = report.y_true, report.y_pred, report.labels
    else:
        y_true, y_pred = np.asarray(y), estimator.predict(X)
        labels = getattr(estimator, "classes_", None)
        if labels is not None:
            labels = np.union1d(labels, np.union1d(y_true, y_pred))
    if ax is None:
        ax = new_figure((7, 6)).add_subplot()
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
    ax.set_title(f"Confusion matrix: accuracy {accuracy:.4f} on {len(y_true)} samples")
    xlabel = "Predicted label"
    if normalize is not None:
        xlabel += f" ({_NORMALIZED[normalize]})"
    ax.set_xlabel(xlabel)
    ax.set_ylabel("True label")
    return display
