"""plot_digits, plot_sample_predictions, plot_misclassified: DigitGridDisplay."""

from numbers import Integral

import numpy as np

from skmnist._digit_arrays import as_images
from skmnist.plotting._base import check_source, report_images
from skmnist.plotting._digits import DigitGridDisplay


def _head(values, name, n):
    """The first ``n`` entries of ``values``; ValueError if there are fewer."""
    if values is None:
        return None
    values = np.asarray(values)
    if len(values) < n:
        raise ValueError(f"{name} has {len(values)} entries for {n} images.")
    return values[:n]


def _grid_figure(estimator, X, y, report, **options):
    """The figure of a 6-column DigitGridDisplay of a report or (estimator, X)."""
    if report is None:
        display = DigitGridDisplay.from_estimator(estimator, X, y, n_cols=6, **options)
    else:
        display = DigitGridDisplay.from_predictions(
            report_images(report),
            report.y_true,
            report.y_pred,
            probabilities=report.prediction_confidence(),
            n_cols=6,
            **options,
        )
    return display.figure_


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

    Draws the first `max_images` images with :class:`DigitGridDisplay`; a
    wrong prediction reads ``"true 4 / pred 9 (0.87)"`` in red.

    Parameters
    ----------
    images, labels, predictions, probabilities : array-like
        The digits and what is known of them, as :class:`DigitGridDisplay`
        takes them; `labels`, `predictions` and `probabilities` (None by
        default) hold at least one entry per image drawn.

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

    See Also
    --------
    DigitGridDisplay : The display drawn; keeps the grid of axes.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skmnist.plotting import plot_digits
    >>> digits = load_digits()
    >>> fig = plot_digits(digits.images, digits.target, max_images=20, n_cols=5)
    >>> len(fig.axes), fig.axes[0].get_title()
    (20, '0')
    """
    images = as_images(images, strict=True)
    if max_images is not None and (
        not isinstance(max_images, Integral) or max_images < 0
    ):
        raise ValueError(
            f"max_images must be a non-negative int or None; got {max_images!r}."
        )
    n = len(images) if max_images is None else min(len(images), int(max_images))
    display = DigitGridDisplay(
        images[:n],
        _head(labels, "labels", n),
        predictions=_head(predictions, "predictions", n),
        probabilities=_head(probabilities, "probabilities", n),
        title=title,
    )
    return display.plot(n_cols=n_cols, fig=fig).figure_


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

    See Also
    --------
    DigitGridDisplay.from_estimator : The display, with ``select="random"``.

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
    check_source("plot_sample_predictions", report, estimator, X, y, y_required=False)
    return _grid_figure(
        estimator,
        X,
        y,
        report,
        select="random",
        n_images=n,
        random_state=random_state,
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

    See Also
    --------
    DigitGridDisplay.from_estimator : The display, with
        ``select="misclassified"``.

    Examples
    --------
    From a report (no new predictions):

    >>> from sklearn.datasets import load_digits
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from skmnist.evaluation import EvaluationReport
    >>> from skmnist.plotting import plot_misclassified
    >>> digits = load_digits()
    >>> model = GaussianNB().fit(digits.data[:1000], digits.target[:1000])
    >>> report = EvaluationReport.from_estimator(
    ...     model, digits.data[1000:], digits.target[1000:]
    ... )
    >>> plot_misclassified(report=report, max_images=6).get_suptitle()
    'Misclassified: 6 of ... errors, most confident first'
    """
    check_source("plot_misclassified", report, estimator, X, y)
    return _grid_figure(
        estimator, X, y, report, select="misclassified", n_images=max_images, fig=fig
    )
