"""Digits beside their pixel attributions: AttributionDisplay.

The maps (here and in :mod:`skmnist.plotting._weights`) are drawn with a
diverging colour map (``"RdBu_r"``: red positive, blue negative, white zero)
under a symmetric norm ``[-m, m]``, so zero is always white and a colour means
the same sign everywhere.
"""

import math
from numbers import Integral

import numpy as np

from skmnist.evaluation import as_images
from skmnist.plotting._base import RIGHT, WRONG, bare, check_n_cols, grid_axes

#: The diverging colour map of attributions and weights.
CMAP = "RdBu_r"

_VERSUS = ("runner_up", "true")
_VERSUS_NAMES = {"runner_up": "runner-up", "true": "true class"}
_SELECT = ("first", "misclassified")
_FONTSIZE = 9


def _symmetric_norm(values):
    """A matplotlib Normalize from -m to m, m the largest magnitude (1 if 0)."""
    from matplotlib.colors import Normalize

    finite = np.abs(values[np.isfinite(values)])
    m = float(finite.max()) if finite.size else 0.0
    m = m if m > 0 else 1.0
    return Normalize(vmin=-m, vmax=m)


def _check_choices(versus, select, n_images, n_cols):
    """The errors of AttributionDisplay.from_estimator's choices."""
    if versus is not None and versus not in _VERSUS:
        raise ValueError(f"versus must be 'runner_up', 'true' or None; got {versus!r}.")
    if select not in _SELECT:
        raise ValueError(f"select must be 'first' or 'misclassified'; got {select!r}.")
    if not isinstance(n_images, Integral) or n_images < 1:
        raise ValueError(f"n_images must be a positive int; got {n_images!r}.")
    check_n_cols(n_cols)


def _check_y(y, X, *, needed):
    """y as a 1-D array of one label per sample of X (or None if not needed)."""
    from sklearn.utils.validation import _num_samples

    if y is None:
        if needed:
            raise ValueError("versus='true' and select='misclassified' need y.")
        return None
    y, n = np.asarray(y), _num_samples(X)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"y has shape {y.shape} for {n} samples of X.")
    return y


def _rows_to_show(estimator, X, y, select, n_images):
    """The first rows of X, or its errors, the most confident first."""
    from sklearn.utils.validation import _num_samples

    if select == "first":
        return np.arange(min(_num_samples(X), n_images))
    proba = np.asarray(estimator.predict_proba(X))
    predicted = np.asarray(estimator.classes_)[np.argmax(proba, axis=1)]
    errors = np.flatnonzero(predicted != y)
    order = np.argsort(-proba[errors].max(axis=1), kind="stable")
    return errors[order][:n_images]


def _explained(estimator, X, labels, versus, method, n_steps):
    """AttributionDisplay's arrays for the rows X (the prediction's, the rival's)."""
    from sklearn.utils.validation import _num_samples

    from skmnist.inspection import pixel_attributions

    n, empty = _num_samples(X), np.zeros((0, 28, 28))
    arrays = dict(images=empty, attributions=empty, target=[], probabilities=[])
    if versus is not None:
        arrays.update(versus_attributions=empty, versus=[])
    if n == 0:
        return arrays
    kwargs = dict(method=method, n_steps=n_steps)
    shown = pixel_attributions(estimator, X, **kwargs)
    proba = np.asarray(estimator.predict_proba(X)).reshape(n, -1)
    columns = np.searchsorted(estimator.classes_, shown.target)
    arrays.update(
        images=shown.images,
        attributions=shown.attributions,
        target=shown.target,
        probabilities=proba[np.arange(n), columns],
    )
    if versus is not None:
        which = "runner_up" if versus == "runner_up" else labels
        rival = pixel_attributions(estimator, X, target=which, **kwargs)
        arrays.update(versus_attributions=rival.attributions, versus=rival.target)
    return arrays


class AttributionDisplay:
    """Digits beside their pixel attributions, for a class and its rival.

    Each digit is a column: the digit as the network sees it, its
    attribution map toward a class (the prediction) and, when given, toward
    a second class (the runner-up, or the true label of an error). The maps
    are red where a pixel raised that class's score and blue where it
    lowered it (colour map ``"RdBu_r"``, norm symmetric about zero); the two
    maps of a digit share one scale, and the digit's outline is drawn over
    them in grey.

    Build one with :meth:`from_estimator`, which computes the attributions
    with :func:`~skmnist.inspection.pixel_attributions`, or from arrays you
    already have, then call :meth:`plot`. (There is no ``from_predictions``:
    attributions need the network.)

    Parameters
    ----------
    images : array-like of shape (n_images, h, w) or (n_images, h * w)
        The digits as the network sees them.

    attributions : array-like, shaped like `images`
        Attributions toward `target`.

    target : array-like of shape (n_images,)
        The class each map of `attributions` explains (usually predicted).

    versus_attributions : array-like, shaped like `images`, default=None
        Attributions toward the class `versus`.

    versus : array-like of shape (n_images,), default=None
        The second class of each digit; needed with `versus_attributions`.

    versus_name : str, default="runner-up"
        What `versus` is, for the row label: ``"runner-up"``, ``"true
        class"``, ...

    labels : array-like of shape (n_images,), default=None
        True labels: a digit whose `target` differs is titled in red.

    probabilities : array-like of shape (n_images,), default=None
        Probability of each `target`.

    title : str, default=None
        Title of the figure.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
        Two or three rows of axes per band of `n_cols` digits: the digits,
        the maps toward `target`, the maps toward `versus`.

    images_ : list of matplotlib AxesImage
        The attribution maps drawn, in order.

    figure_ : matplotlib Figure or SubFigure
        The figure drawn into.

    See Also
    --------
    skmnist.inspection.pixel_attributions : The attributions drawn.
    WeightsDisplay : The first layer's weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist.plotting import AttributionDisplay
    >>> rng = np.random.RandomState(0)
    >>> images = rng.rand(2, 28, 28)
    >>> display = AttributionDisplay(
    ...     images, images - 0.5, target=[3, 5], labels=[3, 8]
    ... ).plot()
    >>> display.axes_.shape, display.axes_[0, 1].get_title()
    ((2, 2), 'true 8 / pred 5')
    >>> norm = display.images_[0].norm  # symmetric about zero
    >>> bool(norm.vmin == -norm.vmax)
    True
    """

    def __init__(
        self,
        images,
        attributions,
        *,
        target,
        versus_attributions=None,
        versus=None,
        versus_name="runner-up",
        labels=None,
        probabilities=None,
        title=None,
    ):
        self.images = as_images(images, strict=True)
        n = len(self.images)
        self.attributions = as_images(attributions, strict=True)
        if self.attributions.shape != self.images.shape:
            raise ValueError(
                f"attributions has shape {self.attributions.shape}, images "
                f"{self.images.shape}: they must match."
            )
        if (versus_attributions is None) != (versus is None):
            raise ValueError("versus_attributions and versus go together.")
        self.versus_attributions = None
        if versus_attributions is not None:
            self.versus_attributions = as_images(versus_attributions, strict=True)
            if self.versus_attributions.shape != self.images.shape:
                raise ValueError(
                    "versus_attributions has shape "
                    f"{self.versus_attributions.shape}, images "
                    f"{self.images.shape}: they must match."
                )
        self.target = self._column(target, "target", n)
        self.versus = self._column(versus, "versus", n)
        self.versus_name = versus_name
        self.labels = self._column(labels, "labels", n)
        self.probabilities = self._column(probabilities, "probabilities", n)
        self.title = title

    @staticmethod
    def _column(values, name, n):
        if values is None:
            return None
        values = np.asarray(values)
        if values.ndim != 1 or len(values) != n:
            raise ValueError(
                f"{name} must have one entry per image ({n}); got shape {values.shape}."
            )
        return values

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        versus="runner_up",
        select="first",
        n_images=8,
        method="integrated_gradients",
        n_steps=32,
        ax=None,
        n_cols=8,
    ):
        """Explain a classifier's predictions on digits of X, and draw them.

        Parameters
        ----------
        estimator : MNISTDenseClassifier or Pipeline
            A fitted classifier, or a fitted Pipeline ending in one.

        X : array-like of shape (n_samples, 784) or (n_samples, 28, 28)
            What the estimator predicts on.

        y : array-like of shape (n_samples,), default=None
            True labels: errors are titled in red. Needed for
            ``versus="true"`` and ``select="misclassified"``.

        versus : {"runner_up", "true"} or None, default="runner_up"
            The second map of each digit: toward the class with the second
            largest score, toward the true class, or none.

        select : {"first", "misclassified"}, default="first"
            The first `n_images` digits of X, or its errors, the most
            confident first (the whole of X is predicted; only the digits
            shown are explained).

        n_images : int >= 1, default=8
            Most digits to show.

        method : {"integrated_gradients", "gradient_x_input", "gradient"}, \
                default="integrated_gradients"
            See :func:`~skmnist.inspection.pixel_attributions`.

        n_steps : int >= 1, default=32
            Steps of integrated gradients.

        ax : matplotlib Axes, default=None
            Axes whose place the grid fills; a new figure when None.

        n_cols : int >= 1, default=8
            Digits per band of the grid.

        Returns
        -------
        display : AttributionDisplay
            The display, drawn.
        """
        from sklearn.utils._indexing import _safe_indexing

        from skmnist.inspection import network_of

        network_of(estimator)  # the estimator error before any work
        _check_choices(versus, select, n_images, n_cols)
        y = _check_y(y, X, needed=versus == "true" or select == "misclassified")
        rows = _rows_to_show(estimator, X, y, select, n_images)
        labels = None if y is None else y[rows]
        arrays = _explained(
            estimator, _safe_indexing(X, rows), labels, versus, method, n_steps
        )
        name = method.replace("_", " ").capitalize()
        steps = f" ({n_steps} steps)" if method == "integrated_gradients" else ""
        title = f"{name}{steps}: red raises the class's score, blue lowers it"
        if select == "misclassified":
            title = f"Most confident errors. {title}"
        display = cls(
            **arrays,
            versus_name=_VERSUS_NAMES.get(versus, "runner-up"),
            labels=labels,
            title=title,
        )
        return display.plot(ax=ax, n_cols=n_cols)

    def _digit_title(self, k):
        target = self.target[k]
        conf = ""
        if self.probabilities is not None and np.isfinite(self.probabilities[k]):
            conf = f" ({float(self.probabilities[k]):.2f})"
        if self.labels is None or self.labels[k] == target:
            return f"pred {target}{conf}", RIGHT
        return f"true {self.labels[k]} / pred {target}{conf}", WRONG

    def plot(self, *, ax=None, n_cols=8):
        """Draw the digits and their maps.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes whose place the grid fills (it is turned off); a new figure
            sized to fit when None.

        n_cols : int >= 1, default=8
            Digits per band of the grid (at most the number of digits).

        Returns
        -------
        display : AttributionDisplay
            This display, with `axes_`, `images_` and `figure_` set.
        """
        check_n_cols(n_cols)
        n = len(self.images)
        per_digit = 2 if self.versus_attributions is None else 3
        n_cols = max(1, min(int(n_cols), n))
        n_bands = max(1, math.ceil(n / n_cols))
        figsize = (1.45 * n_cols + 0.5, 1.5 * per_digit * n_bands + 0.5)
        fig, axes = grid_axes(ax, per_digit * n_bands, n_cols, figsize)
        if self.title:
            fig.suptitle(self.title, fontsize=10)
        self.figure_, self.axes_, self.images_ = fig, axes, []
        for ax_ in axes.flat:
            ax_.set_axis_off()
        finite = self.images[np.isfinite(self.images)]
        vmax = 255.0 if finite.size and finite.max() > 1 else 1.0
        row_names = ["input", "predicted", self.versus_name][:per_digit]
        for k in range(n):
            band, col = divmod(k, n_cols)
            cells = axes[band * per_digit : (band + 1) * per_digit, col]
            self._draw_digit(k, cells, vmax)
            if col == 0:
                for ax_, name in zip(cells, row_names):
                    ax_.set_ylabel(name, fontsize=_FONTSIZE)
        if n == 0:
            axes[0, 0].text(0.5, 0.5, "No digits to show", ha="center", va="center")
        return self

    def _draw_digit(self, k, cells, vmax):
        image = self.images[k]
        title, color = self._digit_title(k)
        cells[0].set_axis_on()
        cells[0].imshow(
            image, cmap="gray_r", vmin=0, vmax=vmax, interpolation="nearest"
        )
        cells[0].set_title(title, color=color, fontsize=_FONTSIZE, pad=3)
        maps = [(self.attributions[k], self.target[k])]
        if self.versus_attributions is not None:
            maps.append((self.versus_attributions[k], self.versus[k]))
        norm = _symmetric_norm(np.stack([m for m, _ in maps]))
        level = 0.5 * vmax
        outline = image.min() < level < image.max()
        for ax, (values, label) in zip(cells[1:], maps):
            ax.set_axis_on()
            self.images_.append(
                ax.imshow(values, cmap=CMAP, norm=norm, interpolation="nearest")
            )
            if outline:
                ax.contour(image, levels=[level], colors="0.4", linewidths=0.6)
            ax.set_title(f"for {label}", fontsize=_FONTSIZE, pad=3)
        for ax in cells:
            bare(ax)
