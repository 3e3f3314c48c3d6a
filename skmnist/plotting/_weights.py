"""The first layer's weights as images: WeightsDisplay."""

import math
from numbers import Integral

import numpy as np

from skmnist.evaluation import as_images
from skmnist.plotting._attribution import _FONTSIZE, CMAP, _symmetric_norm
from skmnist.plotting._base import bare, check_n_cols, grid_axes


class WeightsDisplay:
    """The first layer's weights, one 28x28 image per unit.

    Each hidden unit of the first layer weighs every pixel; drawn as an
    image, its weights show the stroke it looks for (red: ink there raises
    the unit, blue: lowers it; colour map ``"RdBu_r"`` under one norm
    symmetric about zero for all the units shown, with a colour bar). For a
    network without hidden layers the units are the classes.

    Parameters
    ----------
    weights : array-like of shape (n_units, h, w) or (n_units, h * w)
        The weights of each unit shown, as images.

    units : array-like of shape (n_units,), default=None
        The name of each unit, for its title (its index, or its class).

    kind : str, default="unit"
        What a unit is, for the titles (``"unit 17"``, ``"class 3"``).

    title : str, default=None
        Title of the figure.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
        The grid; cells past the last unit are blank.

    images_ : list of matplotlib AxesImage
        The weight images drawn, in order.

    colorbar_ : matplotlib Colorbar or None
        The colour bar of the shared scale.

    figure_ : matplotlib Figure or SubFigure
        The figure drawn into.

    See Also
    --------
    AttributionDisplay : Pixel attributions of single digits.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist.plotting import WeightsDisplay
    >>> rng = np.random.RandomState(0)
    >>> display = WeightsDisplay(rng.randn(6, 784), units=range(6)).plot(n_cols=3)
    >>> display.axes_.shape, display.axes_[0, 1].get_title()
    ((2, 3), 'unit 1')
    """

    def __init__(self, weights, *, units=None, kind="unit", title=None):
        self.weights = as_images(weights, strict=True)
        self.units = None if units is None else np.asarray(list(units))
        if self.units is not None and len(self.units) != len(self.weights):
            raise ValueError(
                f"units has {len(self.units)} entries for {len(self.weights)} "
                "weight images."
            )
        self.kind = kind
        self.title = title

    @classmethod
    def from_estimator(cls, estimator, *, units=None, n_units=16, ax=None, n_cols=8):
        """Draw the first-layer weights of a fitted network.

        Parameters
        ----------
        estimator : MNISTDenseClassifier or Pipeline
            A fitted classifier, or a fitted Pipeline ending in one.

        units : array-like of int, default=None
            Indices of the first layer's units to draw, in this order. When
            None, the `n_units` units of largest weight norm, largest first.

        n_units : int >= 1, default=16
            Number of units drawn when `units` is None.

        ax : matplotlib Axes, default=None
            Axes whose place the grid fills; a new figure when None.

        n_cols : int >= 1, default=8
            Number of columns of the grid.

        Returns
        -------
        display : WeightsDisplay
            The display, drawn.
        """
        from skmnist.inspection import network_of

        classifier, _ = network_of(estimator)
        W = classifier.coefs_[0]
        n_total = W.shape[1]
        if units is None:
            if not isinstance(n_units, Integral) or n_units < 1:
                raise ValueError(f"n_units must be a positive int; got {n_units!r}.")
            norms = np.linalg.norm(W, axis=0)
            units = np.argsort(-norms, kind="stable")[:n_units]
            how = f"the {len(units)} of largest norm"
        else:
            units = np.asarray(units)
            bad = units.ndim != 1 or units.dtype.kind not in "iu"
            if bad or np.any(units < 0) or np.any(units >= n_total):
                raise ValueError(
                    f"units must be a 1-D array of unit indices in [0, {n_total}); "
                    f"got {units.tolist()!r}."
                )
            how = f"{len(units)} chosen"
        output = len(classifier.coefs_) == 1
        names = classifier.classes_[units] if output else units
        kind = "class" if output else "unit"
        title = f"First-layer weights of {n_total} {kind}s: {how}"
        display = cls(W[:, units].T, units=names, kind=kind, title=title)
        return display.plot(ax=ax, n_cols=n_cols)

    def plot(self, *, ax=None, n_cols=8):
        """Draw the weight images.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes whose place the grid fills (it is turned off); a new figure
            sized to fit when None.

        n_cols : int >= 1, default=8
            Number of columns of the grid (at most the number of units).

        Returns
        -------
        display : WeightsDisplay
            This display, with `axes_`, `images_`, `colorbar_` and `figure_`.
        """
        check_n_cols(n_cols)
        n = len(self.weights)
        n_cols = max(1, min(int(n_cols), n))
        n_rows = max(1, math.ceil(n / n_cols))
        figsize = (1.3 * n_cols + 1.0, 1.35 * n_rows + 0.5)
        fig, axes = grid_axes(ax, n_rows, n_cols, figsize)
        if self.title:
            fig.suptitle(self.title, fontsize=10)
        self.figure_, self.axes_, self.images_ = fig, axes, []
        self.colorbar_ = None
        norm = _symmetric_norm(self.weights) if n else None
        for k, ax_ in enumerate(axes.flat):
            if k >= n:
                ax_.set_axis_off()
                continue
            self.images_.append(
                ax_.imshow(
                    self.weights[k], cmap=CMAP, norm=norm, interpolation="nearest"
                )
            )
            bare(ax_)
            if self.units is not None:
                ax_.set_title(f"{self.kind} {self.units[k]}", fontsize=_FONTSIZE, pad=3)
        if self.images_:
            self.colorbar_ = fig.colorbar(self.images_[0], ax=axes, shrink=0.8)
        return self
