"""What every display shares: new figures (with or without pyplot), colours."""

import contextlib
import contextvars
from numbers import Integral

import numpy as np

from skmnist.evaluation import EvaluationReport

# False while a report is drawn for files: new figures are then plain
# matplotlib Figures, not registered with pyplot (no GUI, nothing to close).
_USE_PYPLOT = contextvars.ContextVar("skmnist_use_pyplot", default=True)

WRONG = "#d62728"  # red for errors
RIGHT = "black"


@contextlib.contextmanager
def without_pyplot():
    """Inside this block, :func:`new_figure` makes figures pyplot never sees."""
    token = _USE_PYPLOT.set(False)
    try:
        yield
    finally:
        _USE_PYPLOT.reset(token)


def new_figure(figsize, **kwargs):
    """A new figure: from pyplot, or a bare Figure inside :func:`without_pyplot`."""
    kwargs.setdefault("layout", "constrained")
    if _USE_PYPLOT.get():
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize, **kwargs)
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, **kwargs)


def check_source(name, report, estimator, X, y, *, y_required=True):
    """Check that a ``plot_*`` function got ``report=`` or (estimator, X[, y]).

    Raises :class:`ValueError` when both or neither are given, and
    :class:`TypeError` when ``report`` is not an EvaluationReport.
    """
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


def report_images(report):
    """The images of an EvaluationReport; ValueError when it has none."""
    if report.images is None:
        raise ValueError(
            "This report has no images: build it with images=, or from X that "
            "holds square images."
        )
    return report.images


def grid_axes(ax, n_rows, n_cols, figsize):
    """``(figure, axes)``: an (n_rows, n_cols) grid in a new figure, or in ``ax``.

    Given one Axes, the grid fills its place (it is turned off and kept as
    the bounding box, as scikit-learn's PartialDependenceDisplay does).
    """
    if ax is None:
        fig = new_figure(figsize)
        return fig, fig.subplots(n_rows, n_cols, squeeze=False)
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes) or ax.get_subplotspec() is None:
        raise ValueError(
            "ax must be None or one matplotlib Axes of a subplot grid, whose "
            f"place the grid fills; got {type(ax).__name__}."
        )
    fig = ax.figure
    ax.set_axis_off()
    grid = ax.get_subplotspec().subgridspec(n_rows, n_cols)
    axes = np.empty((n_rows, n_cols), dtype=object)
    for i in range(n_rows):
        for j in range(n_cols):
            axes[i, j] = fig.add_subplot(grid[i, j])
    return fig, axes


def bare(ax):
    """No ticks on ``ax``: an image, not a plot."""
    ax.set_xticks([])
    ax.set_yticks([])


def check_n_cols(n_cols):
    """The error of a grid's ``n_cols`` that is not a positive int."""
    if not isinstance(n_cols, Integral) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive int; got {n_cols!r}.")
