"""What every display shares: new figures (with or without pyplot), colours."""

import contextlib
import contextvars

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
