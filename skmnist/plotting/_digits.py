"""Grids of digit thumbnails: DigitGridDisplay and the plot_* functions on it.

:class:`DigitGridDisplay` holds the images, labels, predictions and
probabilities of a grid and draws it; :func:`plot_digits`,
:func:`plot_sample_predictions` and :func:`plot_misclassified` build one from
an estimator or an :class:`~skmnist.evaluation.EvaluationReport` in one call.
"""

import math
from numbers import Integral

import numpy as np

from skmnist.evaluation import as_images, predict_with_proba, prediction_confidence
from skmnist.plotting._base import (
    RIGHT,
    WRONG,
    bare,
    check_n_cols,
    check_source,
    new_figure,
    report_images,
)

_SELECTIONS = ("first", "random", "misclassified")
_FONTSIZE = 9  # of the thumbnails' titles


def _column(values, name, n):
    """``values`` as an array of ``n`` entries (None stays None)."""
    if values is None:
        return None
    values = np.asarray(values)
    if values.ndim == 0 or len(values) != n:
        raise ValueError(
            f"{name} has {values.size if values.ndim == 0 else len(values)} entries "
            f"for {n} images."
        )
    return values


def _confidence_column(probabilities, n):
    """Probability of each prediction: 1-D as given, or the row maxima of 2-D."""
    probabilities = _column(probabilities, "probabilities", n)
    if probabilities is None:
        return None
    probabilities = probabilities.astype(float)
    return probabilities.max(axis=1) if probabilities.ndim == 2 else probabilities


def _take(values, idx):
    return None if values is None else values[idx]


def _check_choice(select, n_images):
    if select not in _SELECTIONS:
        raise ValueError(
            f"select must be one of {', '.join(map(repr, _SELECTIONS))}; got "
            f"{select!r}."
        )
    if n_images is not None and (not isinstance(n_images, Integral) or n_images < 0):
        raise ValueError(
            f"n_images must be a non-negative int or None; got {n_images!r}."
        )


def _pick_rows(select, n_samples, n_images, random_state):
    """Rows to show for ``"first"`` or ``"random"`` (sorted)."""
    from sklearn.utils import check_random_state

    n = n_samples if n_images is None else min(int(n_images), n_samples)
    if select == "first":
        return np.arange(n)
    rng = check_random_state(random_state)
    return np.sort(rng.choice(n_samples, size=n, replace=False))


def _pick_errors(y_true, y_pred, confidence, n_images):
    """Rows of the wrong predictions, the most confident first."""
    if y_true is None or y_pred is None:
        raise ValueError("select='misclassified' needs the true and predicted labels.")
    errors = np.flatnonzero(y_true != y_pred)
    if confidence is not None:
        errors = errors[np.argsort(-confidence[errors], kind="stable")]
    return errors if n_images is None else errors[: int(n_images)]


def _grid_title(select, n, labels, predictions, *, n_samples, n_errors, ranked):
    """The figure title of ``n`` digits picked by ``select`` among ``n_samples``."""
    if select == "misclassified":
        if n == 0:
            return f"No misclassified digits among {n_samples} samples"
        title = f"Misclassified: {n} of {n_errors} errors"
        return title + (", most confident first" if ranked else "")
    which = f"{n} random" if select == "random" else f"the first {n}"
    if predictions is None:
        return f"{which[0].upper()}{which[1:]} digits"
    title = f"Predictions on {which} test digits"
    if labels is not None:
        n_wrong = int(np.sum(labels != predictions))
        title += f": {n_wrong} wrong (in red)" if n_wrong else ": all correct"
    return title


def _thumbnail_titles(labels, predictions, probabilities, n):
    """Title and colour of each thumbnail."""
    titles, colors = [], []
    for k in range(n):
        conf = ""
        if probabilities is not None and np.isfinite(probabilities[k]):
            conf = f" ({probabilities[k]:.2f})"
        color = RIGHT
        if predictions is None:
            title = "" if labels is None else f"{labels[k]}"
        elif labels is None or labels[k] == predictions[k]:
            title = f"pred {predictions[k]}{conf}"
        else:
            title = f"true {labels[k]} / pred {predictions[k]}{conf}"
            color = WRONG
        titles.append(title)
        colors.append(color)
    return titles, colors


def _grid_figsize(titles, n_rows, n_cols, titled):
    """A figure size that fits the grid and its longest thumbnail title."""
    longest = max((len(t) for t in titles), default=0)
    cell_w = max(1.05, 0.55 * _FONTSIZE / 72 * longest + 0.3)
    cell_h = 1.05 + (0.3 if longest else 0)
    return n_cols * cell_w, n_rows * cell_h + (0.45 if titled else 0) + 0.1


def _grey_range(images):
    """(vmin, vmax): 0..255 for raw pixels, 0..1 for scaled ones."""
    finite = images[np.isfinite(images)]
    vmin = min(0.0, float(finite.min())) if finite.size else 0.0
    vmax = 255.0 if finite.size and finite.max() > 1 else 1.0
    return vmin, vmax


def _draw_thumbnail(ax, image, title, color, vmin, vmax):
    """One digit, pixel for pixel, framed in red when wrong."""
    ax.imshow(image, cmap="gray_r", interpolation="nearest", vmin=vmin, vmax=vmax)
    bare(ax)
    wrong = color == WRONG
    for spine in ax.spines.values():
        spine.set_color(WRONG if wrong else "#bbbbbb")
        spine.set_linewidth(2 if wrong else 0.8)
    if title:
        ax.set_title(title, color=color, fontsize=_FONTSIZE, pad=3)


class DigitGridDisplay:
    """A grid of digit thumbnails, with labels, predictions and probabilities.

    Each thumbnail is drawn pixel for pixel (``interpolation="nearest"``),
    dark ink on white (``cmap="gray_r"``). Its title is the label, or
    ``"pred 9 (0.87)"`` with a prediction and its probability; a wrong
    prediction reads ``"true 4 / pred 9 (0.87)"`` in red, framed in red.

    Build one with :meth:`from_estimator` (predicts on X) or
    :meth:`from_predictions` (predictions you already have), which pick the
    digits to show (the first ones, random ones, or the errors, the most
    confident first), or from the digits themselves, then call :meth:`plot`.

    Parameters
    ----------
    images : array-like of shape (n_images, 28, 28) or (n_images, 784)
        The digits to draw (any square size; flat rows are reshaped), raw
        0..255 or scaled to [0, 1].

    labels : array-like of shape (n_images,), default=None
        True labels.

    predictions : array-like of shape (n_images,), default=None
        Predicted labels.

    probabilities : array-like of shape (n_images,) or (n_images, n_classes), \
            default=None
        Probability of each prediction; with a 2-D array of class
        probabilities, the largest of each row.

    title : str, default=None
        Title of the figure.

    Attributes
    ----------
    images : ndarray of shape (n_images, height, width)
        The digits.

    labels, predictions : ndarray of shape (n_images,) or None
        The true and predicted labels, if given.

    probabilities : ndarray of shape (n_images,) or None
        The probability of each prediction, if given.

    title : str or None
        Title of the figure.

    axes_ : ndarray of shape (n_rows, n_cols) of matplotlib Axes
        The grid; cells past the last digit are blank.

    figure_ : matplotlib Figure or SubFigure
        The figure drawn into.

    See Also
    --------
    plot_digits : Draws the first images of an array.
    plot_sample_predictions : Draws random test digits and predictions.
    plot_misclassified : Draws the errors, the most confident first.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skmnist.plotting import DigitGridDisplay
    >>> digits = load_digits()
    >>> display = DigitGridDisplay.from_predictions(
    ...     digits.images, digits.target, digits.target, select="random",
    ...     n_images=8, n_cols=4,
    ... )
    >>> display.axes_.shape, display.figure_.get_suptitle()
    ((2, 4), 'Predictions on 8 random test digits: all correct')
    """

    def __init__(
        self, images, labels=None, *, predictions=None, probabilities=None, title=None
    ):
        self.images = as_images(images, strict=True)
        n = len(self.images)
        self.labels = _column(labels, "labels", n)
        self.predictions = _column(predictions, "predictions", n)
        self.probabilities = _confidence_column(probabilities, n)
        self.title = title

    @classmethod
    def _selected(
        cls, images, y_true, y_pred, confidence, idx, *, select, n_samples, n_cols, fig
    ):
        """Build and plot the display of rows ``idx``, with its title."""
        n_errors = 0
        if y_true is not None and y_pred is not None:
            n_errors = int(np.sum(y_true != y_pred))
        labels, predictions = _take(y_true, idx), _take(y_pred, idx)
        title = _grid_title(
            select,
            len(idx),
            labels,
            predictions,
            n_samples=n_samples,
            n_errors=n_errors,
            ranked=confidence is not None,
        )
        display = cls(
            images[idx],
            labels,
            predictions=predictions,
            probabilities=_take(confidence, idx),
            title=title,
        )
        return display.plot(n_cols=n_cols, fig=fig)

    @classmethod
    def from_predictions(
        cls,
        images,
        y_true=None,
        y_pred=None,
        *,
        probabilities=None,
        select="first",
        n_images=30,
        random_state=0,
        n_cols=6,
        fig=None,
    ):
        """Plot digits picked among predictions already made.

        Parameters
        ----------
        images : array-like of shape (n_samples, 28, 28) or (n_samples, 784)
            The test digits.

        y_true : array-like of shape (n_samples,), default=None
            True labels, to mark the errors.

        y_pred : array-like of shape (n_samples,), default=None
            Predicted labels.

        probabilities : array-like of shape (n_samples,) or \
                (n_samples, n_classes), default=None
            Probability of each prediction (or class probabilities, whose
            row maxima are taken); orders the errors.

        select : {"first", "random", "misclassified"}, default="first"
            Which digits to show: the first `n_images`, `n_images` random ones
            (in their order in `images`), or the errors, the most confident
            first (needs `y_true` and `y_pred`).

        n_images : int or None, default=30
            Most digits to show; None for all.

        random_state : int, RandomState instance or None, default=0
            Picks the digits when `select="random"`.

        n_cols : int, default=6
            Number of columns of the grid.

        fig : matplotlib Figure or SubFigure, default=None
            Figure to draw into; a new one sized to fit the grid when None.

        Returns
        -------
        display : DigitGridDisplay
            The display of the digits picked, drawn, titled with what it shows.
        """
        _check_choice(select, n_images)
        images = as_images(images, strict=True)
        n = len(images)
        y_true, y_pred = _column(y_true, "y_true", n), _column(y_pred, "y_pred", n)
        confidence = _confidence_column(probabilities, n)
        if select == "misclassified":
            idx = _pick_errors(y_true, y_pred, confidence, n_images)
        else:
            idx = _pick_rows(select, n, n_images, random_state)
        return cls._selected(
            images,
            y_true,
            y_pred,
            confidence,
            idx,
            select=select,
            n_samples=n,
            n_cols=n_cols,
            fig=fig,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        images=None,
        select="random",
        n_images=30,
        random_state=0,
        n_cols=6,
        fig=None,
    ):
        """Plot digits of X with a classifier's predictions on them.

        With ``select="first"`` or ``"random"`` the classifier predicts on
        the rows shown only; with ``"misclassified"`` on all of X.

        Parameters
        ----------
        estimator : fitted classifier
            Classifier (or Pipeline) predicting on X; its ``predict_proba``
            gives the probabilities when it has one.

        X : array-like of shape (n_samples, 784) or (n_samples, 28, 28)
            Test inputs, also drawn as the thumbnails unless `images` is
            given.

        y : array-like of shape (n_samples,), default=None
            True labels, to mark the errors (needed for
            ``select="misclassified"``).

        images : array-like of shape (n_samples, 28, 28), default=None
            Thumbnails to draw for the rows of X (e.g. raw pixels when X is
            transformed).

        select : {"first", "random", "misclassified"}, default="random"
            Which digits to show; see :meth:`from_predictions`.

        n_images, random_state, n_cols, fig
            As in :meth:`from_predictions` (30, 0, 6 and None by default).

        Returns
        -------
        display : DigitGridDisplay
            The display of the digits picked, drawn.
        """
        from sklearn.utils._indexing import _safe_indexing
        from sklearn.utils.validation import _num_samples

        _check_choice(select, n_images)
        n = _num_samples(X)
        y_true = _column(y, "y", n)
        if images is not None and _num_samples(images) != n:
            raise ValueError(
                f"images has {_num_samples(images)} samples but X has {n}."
            )
        if select == "misclassified":
            if y_true is None:
                raise ValueError("select='misclassified' needs y, the true labels.")
            # Every row is predicted: X as it is, not a copy of it.
            rows = np.arange(n)
            X_rows, thumbnails = X, (X if images is None else images)
        else:
            rows = _pick_rows(select, n, n_images, random_state)
            X_rows = _safe_indexing(X, rows)
            thumbnails = X_rows if images is None else _safe_indexing(images, rows)
        y_pred, y_proba, classes = predict_with_proba(estimator, X_rows)
        confidence = None
        if y_proba is not None:
            confidence = prediction_confidence(y_proba, classes, y_pred)
        y_rows = _take(y_true, rows)
        idx = np.arange(len(rows))
        if select == "misclassified":
            idx = _pick_errors(y_rows, y_pred, confidence, n_images)
        return cls._selected(
            as_images(thumbnails, strict=True),
            y_rows,
            y_pred,
            confidence,
            idx,
            select=select,
            n_samples=n,
            n_cols=n_cols,
            fig=fig,
        )

    def plot(self, *, n_cols=10, fig=None):
        """Draw the grid.

        Parameters
        ----------
        n_cols : int, default=10
            Number of columns of the grid (at most the number of digits).

        fig : matplotlib Figure or SubFigure, default=None
            Figure to draw into (its size is left as is); when None, a new
            figure sized to fit the grid.

        Returns
        -------
        display : DigitGridDisplay
            This display, with `axes_` and `figure_` set.
        """
        check_n_cols(n_cols)
        n = len(self.images)
        titles, colors = _thumbnail_titles(
            self.labels, self.predictions, self.probabilities, n
        )
        n_cols = max(1, min(int(n_cols), n))
        n_rows = max(1, math.ceil(n / n_cols))
        if fig is None:
            fig = new_figure(_grid_figsize(titles, n_rows, n_cols, bool(self.title)))
        if self.title:
            fig.suptitle(self.title, fontsize=12)
        self.figure_ = fig
        if n == 0:
            ax = fig.add_subplot()
            ax.set_axis_off()
            ax.text(0.5, 0.5, "No images to show", ha="center", va="center")
            self.axes_ = np.array([[ax]], dtype=object)
            return self
        vmin, vmax = _grey_range(self.images)
        self.axes_ = fig.subplots(n_rows, n_cols, squeeze=False)
        for k, ax in enumerate(self.axes_.flat):
            if k < n:
                _draw_thumbnail(ax, self.images[k], titles[k], colors[k], vmin, vmax)
            else:
                ax.set_axis_off()
        return self


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
