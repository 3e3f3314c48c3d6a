"""Plots of a classifier's evaluation, as scikit-learn Displays.

A display holds what it draws; ``from_estimator`` and ``from_predictions``
(or ``from_cv_results``) compute it and call ``plot``, which draws and stores
``figure_`` and the axes, as scikit-learn's
:class:`~sklearn.metrics.ConfusionMatrixDisplay` does:

- :class:`DigitGridDisplay`: digit thumbnails with labels, predictions and
  probabilities (the first, random ones, or the errors);
- :class:`LossCurveDisplay`: loss and accuracy per epoch;
- :class:`SearchHeatmapDisplay`: a search's scores over two parameters;
- :class:`AttributionDisplay`: digits beside their pixel attributions
  (:func:`skmnist.inspection.pixel_attributions`);
- :class:`WeightsDisplay`: the first layer's weights as images.

The ``plot_*`` functions draw them in one call, and
:func:`plot_confusion_matrix` styles scikit-learn's own display. matplotlib is
imported only when something is drawn; they work with any fitted
scikit-learn classifier, or with an
:class:`~skmnist.evaluation.EvaluationReport` (``report=``).
"""

from skmnist.plotting._attribution import AttributionDisplay
from skmnist.plotting._confusion_matrix import plot_confusion_matrix
from skmnist.plotting._digits import (
    DigitGridDisplay,
    plot_digits,
    plot_misclassified,
    plot_sample_predictions,
)
from skmnist.plotting._loss_curve import LossCurveDisplay, plot_learning_curves
from skmnist.plotting._search_heatmap import SearchHeatmapDisplay, plot_search_heatmap
from skmnist.plotting._weights import WeightsDisplay

__all__ = [
    "AttributionDisplay",
    "DigitGridDisplay",
    "LossCurveDisplay",
    "SearchHeatmapDisplay",
    "WeightsDisplay",
    "plot_confusion_matrix",
    "plot_digits",
    "plot_learning_curves",
    "plot_misclassified",
    "plot_sample_predictions",
    "plot_search_heatmap",
]
