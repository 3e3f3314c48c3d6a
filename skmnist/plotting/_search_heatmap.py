"""A search's cross-validated scores over two parameters: SearchHeatmapDisplay."""

import numpy as np

from skmnist.plotting._base import WRONG, new_figure


def _param_column(results, name):
    for column in (name, f"param_{name}"):
        if column in results.columns:
            return column
    params = [c[len("param_") :] for c in results.columns if c.startswith("param_")]
    raise ValueError(f"No parameter {name!r} in cv_results; it has {params}.")


def _score_column(results, score):
    for column in (score, f"mean_test_{score}"):
        if column in results.columns:
            return column
    scores = [c for c in results.columns if c.startswith("mean_")]
    raise ValueError(f"No score {score!r} in cv_results; it has {scores}.")


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


def _strip_prefix(column):
    return column[len("param_") :] if column.startswith("param_") else column


class SearchHeatmapDisplay:
    """A search's scores as a heatmap over two of its parameters.

    Each cell shows the score of one pair of values; the best cell is framed
    in red. When the search varied other parameters too, each cell holds the
    best score over them.

    Build one with :meth:`from_estimator` (a fitted search) or
    :meth:`from_cv_results` (its ``cv_results_``), then call :meth:`plot`.

    Parameters
    ----------
    scores : ndarray of shape (n_values_y, n_values_x)
        The score of each pair of values; NaN where the search has none.

    values_x, values_y : list
        The values of the parameters on the x and y axes, in axis order.

    param_x, param_y : str
        Names of the parameters on the x and y axes.

    score_name : str, default="mean_test_score"
        What the scores are (the ``cv_results_`` column).

    best_over : list of str, default=()
        Other parameters the search varied, over which each cell holds the
        best score.

    Attributes
    ----------
    im_ : matplotlib AxesImage
        The heatmap.

    text_ : ndarray of shape (n_values_y, n_values_x) of matplotlib Text
        The score written in each cell.

    colorbar_ : matplotlib Colorbar
        The colour scale.

    ax_ : matplotlib Axes
        The axes of the heatmap.

    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    plot_search_heatmap : Draws ``cv_results_`` and returns the Axes.

    Examples
    --------
    >>> from skmnist.plotting import SearchHeatmapDisplay
    >>> display = SearchHeatmapDisplay(
    ...     [[0.91, 0.93], [0.92, 0.95]],
    ...     values_x=[32, 128],
    ...     values_y=[5, 10],
    ...     param_x="batch_size",
    ...     param_y="epochs",
    ... ).plot()
    >>> display.text_[1, 1].get_text(), display.ax_.get_xlabel()
    ('0.9500', 'batch_size')
    """

    def __init__(
        self,
        scores,
        values_x,
        values_y,
        *,
        param_x,
        param_y,
        score_name="mean_test_score",
        best_over=(),
    ):
        self.scores = np.asarray(scores, dtype=float)
        self.values_x = list(values_x)
        self.values_y = list(values_y)
        expected = (len(self.values_y), len(self.values_x))
        if self.scores.shape != expected:
            raise ValueError(
                f"scores must have shape {expected} (n_values_y, n_values_x); got "
                f"{self.scores.shape}."
            )
        self.param_x, self.param_y = param_x, param_y
        self.score_name = score_name
        self.best_over = list(best_over)

    @classmethod
    def from_cv_results(
        cls, cv_results, param_x, param_y, *, score="mean_test_score", ax=None
    ):
        """Plot the ``cv_results_`` of a search over two of its parameters.

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
        display : SearchHeatmapDisplay
            The display, drawn.

        Raises
        ------
        ValueError
            If `cv_results` has no such parameter or score.
        """
        import pandas as pd

        results = cv_results
        if not isinstance(results, pd.DataFrame):
            results = pd.DataFrame(dict(results))
        col_x = _param_column(results, param_x)
        col_y = _param_column(results, param_y)
        score_col = _score_column(results, score)
        keys_x, values_x = _ordered_values(results[col_x])
        keys_y, values_y = _ordered_values(results[col_y])
        pos_x = {k: i for i, k in enumerate(keys_x)}
        pos_y = {k: i for i, k in enumerate(keys_y)}
        grid = np.full((len(keys_y), len(keys_x)), np.nan)
        for vx, vy, s in zip(results[col_x], results[col_y], results[score_col]):
            i, j = pos_y[repr(vy)], pos_x[repr(vx)]
            grid[i, j] = np.fmax(grid[i, j], float(s))
        best_over = [
            _strip_prefix(c)
            for c in results.columns
            if c.startswith("param_")
            and c not in (col_x, col_y)
            and len(_ordered_values(results[c])[0]) > 1
        ]
        display = cls(
            grid,
            values_x,
            values_y,
            param_x=_strip_prefix(col_x),
            param_y=_strip_prefix(col_y),
            score_name=score_col,
            best_over=best_over,
        )
        return display.plot(ax=ax)

    @classmethod
    def from_estimator(
        cls, search, param_x, param_y, *, score="mean_test_score", ax=None
    ):
        """Plot a fitted search's scores over two of its parameters.

        Parameters
        ----------
        search : fitted search
            A fitted :class:`~sklearn.model_selection.GridSearchCV` (or any
            estimator with ``cv_results_``).

        param_x, param_y, score, ax
            As in :meth:`from_cv_results`.

        Returns
        -------
        display : SearchHeatmapDisplay
            The display of ``search.cv_results_``, drawn.

        Raises
        ------
        ValueError
            If `search` has no ``cv_results_`` (not a fitted search).
        """
        cv_results = getattr(search, "cv_results_", None)
        if cv_results is None:
            raise ValueError(
                "search must be a fitted search (GridSearchCV, ...) with "
                f"cv_results_; got {type(search).__name__}."
            )
        return cls.from_cv_results(cv_results, param_x, param_y, score=score, ax=ax)

    def plot(self, *, ax=None, cmap="viridis"):
        """Draw the heatmap, its values, the best cell and a colorbar.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure sized to the grid when None.

        cmap : str or matplotlib Colormap, default="viridis"
            Colour map of the scores.

        Returns
        -------
        display : SearchHeatmapDisplay
            This display, with `im_`, `text_`, `colorbar_`, `ax_` and
            `figure_` set.
        """
        n_y, n_x = self.scores.shape
        if ax is None:
            figsize = (max(5.0, 1.3 * n_x + 2.8), max(3.5, 0.75 * n_y + 2))
            ax = new_figure(figsize).add_subplot()
        self.im_ = ax.imshow(self.scores, cmap=cmap, aspect="auto", origin="lower")
        self.text_ = self._draw_values(ax)
        ax.set_xticks(range(n_x), [_format_value(v) for v in self.values_x])
        ax.set_yticks(range(n_y), [_format_value(v) for v in self.values_y])
        ax.set_xlabel(self.param_x)
        ax.set_ylabel(self.param_y)
        title = f"Grid search: {self.score_name}"
        if self.best_over:
            title += " (best over other parameters)"
        ax.set_title(title)
        self.colorbar_ = ax.figure.colorbar(self.im_, ax=ax, label=self.score_name)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _draw_values(self, ax):
        """Write each score in its cell and frame the best cell in red."""
        import matplotlib.patches as mpatches

        grid = self.scores
        text = np.empty(grid.shape, dtype=object)
        for (i, j), value in np.ndenumerate(grid):
            shown = np.isfinite(value)
            # White on a dark cell, black on a light one, whatever the map.
            red, green, blue, _ = self.im_.cmap(self.im_.norm(value))
            on_dark = shown and 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            text[i, j] = ax.text(
                j,
                i,
                f"{value:.4f}" if shown else "n/a",
                ha="center",
                va="center",
                color="white" if on_dark else "black",
                fontsize=10,
            )
        if np.isfinite(grid).any():
            bi, bj = np.unravel_index(np.nanargmax(grid), grid.shape)
            ax.add_patch(
                mpatches.Rectangle(
                    (bj - 0.5, bi - 0.5), 1, 1, fill=False, edgecolor=WRONG, lw=2.5
                )
            )
        return text


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
        A search's ``cv_results_``.

    param_x, param_y : str
        Parameters on the x and y axes (``param_`` prefix optional).

    score : str, default="mean_test_score"
        Column to show, or a metric name of a multi-metric search.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.

    See :meth:`SearchHeatmapDisplay.from_cv_results` for the details.

    Returns
    -------
    ax : matplotlib Axes
        The heatmap, with a colorbar.

    See Also
    --------
    SearchHeatmapDisplay : The display drawn; keeps the cells and colorbar.

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
    return SearchHeatmapDisplay.from_cv_results(
        cv_results, param_x, param_y, score=score, ax=ax
    ).ax_
