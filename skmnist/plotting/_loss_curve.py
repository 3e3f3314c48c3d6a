"""Loss and accuracy per epoch: LossCurveDisplay and plot_learning_curves."""

from collections.abc import Mapping

import numpy as np

from skmnist.evaluation import as_history, find_history
from skmnist.plotting._base import new_figure

# Above this many epochs the curves are drawn without a marker per epoch.
_MAX_MARKED_EPOCHS = 40


class LossCurveDisplay:
    """Loss and accuracy per epoch, training against validation.

    Two panels, loss and accuracy, each with the training curve and, when the
    history has them, the validation curve (dashed) and the epoch of the
    lowest validation loss (dotted). Epochs count from 1.

    Build one with :meth:`from_estimator` (a fitted classifier's history) or
    from a history dict, then call :meth:`plot`. scikit-learn's
    :class:`~sklearn.model_selection.LearningCurveDisplay` draws scores
    against the training-set size (one fit per size); this display draws one
    fit's per-epoch metrics.

    Parameters
    ----------
    history : dict of str to list of float
        Per-epoch metrics as in ``MNISTDenseClassifier.history_``: ``loss``,
        ``accuracy`` (or ``acc``), and ``val_loss``, ``val_accuracy`` when a
        validation set was used.

    Attributes
    ----------
    history : dict of str to list of float
        The history, each value a list of float.

    best_epoch : int or None
        Epoch (from 1) of the lowest ``val_loss``; None without one.

    axes_ : ndarray of shape (2,) of matplotlib Axes
        The loss and the accuracy panels.

    lines_ : dict of str to matplotlib Line2D
        The curves drawn, by history key (``"loss"``, ``"val_loss"``, ...).

    figure_ : matplotlib Figure
        The figure of the panels.

    See Also
    --------
    plot_learning_curves : Draws a history or an estimator's history.
    sklearn.model_selection.LearningCurveDisplay : Scores against the
        training-set size.

    Examples
    --------
    >>> from skmnist.plotting import LossCurveDisplay
    >>> history = {"loss": [0.9, 0.5, 0.4], "val_loss": [0.6, 0.45, 0.5]}
    >>> display = LossCurveDisplay(history).plot()
    >>> display.best_epoch
    2
    >>> sorted(display.lines_)
    ['loss', 'val_loss']
    """

    def __init__(self, history):
        self.history = as_history(history)
        val_loss = self.history.get("val_loss")
        self.best_epoch = int(np.nanargmin(val_loss)) + 1 if val_loss else None

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot the per-epoch history of a fitted estimator.

        Parameters
        ----------
        estimator : fitted estimator
            A classifier with ``history_`` (MNISTDenseClassifier) or
            ``loss_curve_`` (scikit-learn's MLPClassifier), or a Pipeline or
            search ending in one.

        ax : array-like of 2 matplotlib Axes, default=None
            Axes for the loss and the accuracy panels; a new figure when None.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.

        Raises
        ------
        ValueError
            If the estimator records no history.
        """
        history = find_history(estimator)
        if history is None:
            raise ValueError(
                "history must be a dict of per-epoch metrics or a fitted estimator "
                "(or Pipeline, or search) with a history_ or loss_curve_ attribute; "
                f"got {type(estimator).__name__}."
            )
        return cls(history).plot(ax=ax)

    def _panels(self):
        """(title, history key) of the two panels; ValueError if both empty."""
        history = self.history
        accuracy = next((k for k in ("accuracy", "acc") if k in history), "accuracy")
        panels = [("Loss", "loss"), ("Accuracy", accuracy)]
        if not any(key in history or f"val_{key}" in history for _, key in panels):
            raise ValueError(
                "history has no loss or accuracy to plot; its keys are "
                f"{sorted(history)}."
            )
        return panels

    def plot(self, *, ax=None):
        """Draw the two panels.

        Parameters
        ----------
        ax : array-like of 2 matplotlib Axes, default=None
            Axes for the loss and the accuracy panels; when None, a new 11x4.5
            inch figure titled with the number of epochs.

        Returns
        -------
        display : LossCurveDisplay
            This display, with `axes_`, `lines_` and `figure_` set.

        Raises
        ------
        ValueError
            If the history holds neither loss nor accuracy, or `ax` does not
            hold 2 Axes.
        """
        from matplotlib.ticker import MaxNLocator

        panels = self._panels()
        created = ax is None
        if created:
            ax = new_figure((11, 4.5)).subplots(1, 2)
        axes = np.ravel(np.asarray(ax, dtype=object))
        if len(axes) != 2:
            raise ValueError(
                f"Need 2 Axes (loss, accuracy) to draw on; got {len(axes)}."
            )
        n_epochs = max((len(v) for v in self.history.values()), default=0)
        self.lines_ = {}
        for panel, (name, key) in zip(axes, panels):
            self._draw_panel(panel, name, key, n_epochs)
            panel.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.axes_ = axes
        self.figure_ = axes[0].figure
        if created:
            self.figure_.suptitle(f"Learning curves ({n_epochs} epochs)")
        return self

    def _draw_panel(self, ax, name, key, n_epochs):
        """Draw one panel: training and validation ``key``, the best epoch."""
        marker = "o" if n_epochs <= _MAX_MARKED_EPOCHS else None
        for series, label, style in (
            (key, "training", "-"),
            (f"val_{key}", "validation", "--"),
        ):
            values = self.history.get(series)
            if values:
                epochs = np.arange(1, len(values) + 1)
                (line,) = ax.plot(
                    epochs, values, style, marker=marker, ms=4, label=label
                )
                self.lines_[series] = line
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
        elif self.best_epoch is not None:
            best = self.best_epoch
            ax.axvline(best, color="gray", ls=":", label=f"best epoch ({best})")
        ax.set_title(name)
        ax.set_xlabel("Epoch")
        ax.set_ylabel(name)
        if n_epochs:
            ax.set_xlim(0.5, n_epochs + 0.5)
        ax.grid(True, alpha=0.3)
        if ax.get_lines():
            ax.legend()


def plot_learning_curves(history, *, axes=None):
    """Plot loss and accuracy per epoch, training against validation.

    Parameters
    ----------
    history : dict of str to list of float, or fitted estimator
        Per-epoch metrics as in ``MNISTDenseClassifier.history_`` (``loss``,
        ``accuracy``, and ``val_loss``, ``val_accuracy`` when a validation
        set was used), or an estimator, Pipeline or search holding one
        (``history_``, or an MLPClassifier's ``loss_curve_``).

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

    See Also
    --------
    LossCurveDisplay : The display drawn; keeps the lines and axes.

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
    if isinstance(history, Mapping):
        return LossCurveDisplay(history).plot(ax=axes).figure_
    return LossCurveDisplay.from_estimator(history, ax=axes).figure_
