"""Tests of skmnist.plotting: returned types, titles, labels and drawn values."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmnist.plotting
from skmnist.evaluation import EvaluationReport
from skmnist.plotting import (
    plot_confusion_matrix,
    plot_digits,
    plot_learning_curves,
    plot_misclassified,
    plot_sample_predictions,
    plot_search_heatmap,
)

RED = (0.8392156862745098, 0.15294117647058825, 0.1568627450980392, 1.0)


@pytest.fixture(scope="module")
def digits_report(digits_model):
    clf, X, y = digits_model
    return EvaluationReport.from_estimator(clf, X, y)


@pytest.fixture(scope="module")
def search():
    """A real, small GridSearchCV over two LogisticRegression parameters."""
    X, y = load_iris(return_X_y=True)
    return GridSearchCV(
        LogisticRegression(max_iter=1000),
        {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]},
        cv=3,
    ).fit(X, y)


def test_all():
    assert sorted(skmnist.plotting.__all__) == sorted(
        [
            "DigitGridDisplay",
            "LossCurveDisplay",
            "SearchHeatmapDisplay",
            "plot_confusion_matrix",
            "plot_learning_curves",
            "plot_digits",
            "plot_sample_predictions",
            "plot_misclassified",
            "plot_search_heatmap",
        ]
    )
    for name in skmnist.plotting.__all__:
        assert getattr(skmnist.plotting, name).__doc__, name


def test_plot_confusion_matrix_from_report(pyplot, digits_report):
    display = plot_confusion_matrix(report=digits_report)
    assert isinstance(display, ConfusionMatrixDisplay)
    assert_array_equal(display.confusion_matrix, digits_report.confusion_matrix)
    ax = display.ax_
    assert ax.get_title() == (
        f"Confusion matrix: accuracy {digits_report.accuracy:.4f} on "
        f"{digits_report.n_samples} samples"
    )
    assert ax.get_xlabel() == "Predicted label"
    assert ax.get_ylabel() == "True label"
    counts = [[int(t.get_text()) for t in row] for row in display.text_]
    assert counts == digits_report.confusion_matrix.tolist()
    assert tuple(display.figure_.get_size_inches()) == (7, 6)


def test_plot_confusion_matrix_from_estimator(pyplot, digits_model):
    clf, X, y = digits_model
    fig, ax = pyplot.subplots()
    display = plot_confusion_matrix(clf, X, y, normalize="true", ax=ax)
    assert display.ax_ is ax
    cm = confusion_matrix(y, clf.predict(X), normalize="true")
    assert_allclose(display.confusion_matrix, cm)
    assert_allclose(display.confusion_matrix.sum(axis=1), 1)
    assert display.text_[0, 0].get_text() == f"{cm[0, 0]:.2f}"
    assert "rows" not in ax.get_xlabel() and "sums to 1" in ax.get_xlabel()


def test_plot_confusion_matrix_needs_one_source(pyplot, digits_model, digits_report):
    clf, X, y = digits_model
    with pytest.raises(ValueError, match="not both"):
        plot_confusion_matrix(clf, X, y, report=digits_report)
    with pytest.raises(ValueError, match="needs estimator, X and y"):
        plot_confusion_matrix(clf, X)
    with pytest.raises(TypeError, match="EvaluationReport"):
        plot_confusion_matrix(report={"y_true": y})


HISTORY = {
    "loss": [0.9, 0.5, 0.4, 0.35],
    "accuracy": [0.7, 0.85, 0.9, 0.92],
    "val_loss": [0.6, 0.45, 0.5, 0.55],
    "val_accuracy": [0.8, 0.87, 0.86, 0.85],
}


def test_plot_learning_curves_with_validation(pyplot):
    fig = plot_learning_curves(HISTORY)
    assert isinstance(fig, pyplot.Figure)
    loss_ax, acc_ax = fig.axes
    assert [loss_ax.get_title(), acc_ax.get_title()] == ["Loss", "Accuracy"]
    assert [loss_ax.get_ylabel(), acc_ax.get_ylabel()] == ["Loss", "Accuracy"]
    assert loss_ax.get_xlabel() == acc_ax.get_xlabel() == "Epoch"
    assert fig.get_suptitle() == "Learning curves (4 epochs)"
    for ax, key in ((loss_ax, "loss"), (acc_ax, "accuracy")):
        train, val, best = ax.get_lines()
        assert (train.get_label(), val.get_label()) == ("training", "validation")
        assert_array_equal(train.get_xdata(), [1, 2, 3, 4])  # epochs from 1
        assert_allclose(train.get_ydata(), HISTORY[key])
        assert_allclose(val.get_ydata(), HISTORY[f"val_{key}"])
        assert best.get_label() == "best epoch (2)"  # lowest val_loss
        assert ax.get_legend() is not None
        ticks = [t for t in ax.get_xticks() if 0.5 <= t <= 4.5]
        assert ticks == [1, 2, 3, 4]


def test_plot_learning_curves_without_validation(pyplot):
    history = {"loss": [0.5, 0.3, 0.2], "accuracy": [0.8, 0.9, 0.95]}
    fig = plot_learning_curves(history)
    for ax, key in zip(fig.axes, ("loss", "accuracy")):
        (line,) = ax.get_lines()
        assert line.get_label() == "training"
        assert_allclose(line.get_ydata(), history[key])
    # One epoch, no accuracy: still a figure, the empty panel says so.
    fig = plot_learning_curves({"loss": [0.5]})
    assert len(fig.axes[0].get_lines()) == 1
    assert fig.axes[1].texts[0].get_text() == "no accuracy recorded"


def test_plot_learning_curves_from_estimator_and_axes(pyplot, digits_model):
    _, X, y = digits_model
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)).fit(X, y)
    pipe[-1].history_ = HISTORY
    fig, axes = pyplot.subplots(2, 1)
    assert plot_learning_curves(pipe, axes=axes) is fig
    assert_allclose(axes[0].get_lines()[0].get_ydata(), HISTORY["loss"])
    assert fig.get_suptitle() == ""  # the caller's figure is left untitled

    with pytest.raises(ValueError, match="history_"):
        plot_learning_curves(LogisticRegression())
    with pytest.raises(ValueError, match="no loss or accuracy"):
        plot_learning_curves({"lr": [0.1, 0.1]})
    with pytest.raises(ValueError, match="2 Axes"):
        plot_learning_curves(HISTORY, axes=[axes[0]])


def test_plot_learning_curves_mnist_dense_classifier(pyplot, fitted_classifier):
    fig = plot_learning_curves(fitted_classifier)
    line = fig.axes[0].get_lines()[0]
    assert_allclose(line.get_ydata(), fitted_classifier.history_["loss"])
    assert_array_equal(line.get_xdata(), [1, 2, 3])


def test_plot_digits_grid_and_titles(pyplot):
    rng = np.random.RandomState(0)
    flat = rng.randint(0, 256, size=(12, 784)).astype(np.uint8)
    labels = np.array([4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
    preds = labels.copy()
    preds[0] = 9
    proba = np.full(12, 0.95)
    proba[0] = 0.87
    fig = plot_digits(
        flat,
        labels,
        predictions=preds,
        probabilities=proba,
        n_cols=5,
        max_images=7,
        title="Some digits",
    )
    assert isinstance(fig, pyplot.Figure)
    assert fig.get_suptitle() == "Some digits"
    axes = fig.axes
    assert len(axes) == 10  # 2 rows of 5, 3 blank
    drawn = [ax for ax in axes if ax.images]
    assert len(drawn) == 7
    assert [ax.axison for ax in axes[7:]] == [False] * 3
    first, second = drawn[0], drawn[1]
    assert first.get_title() == "true 4 / pred 9 (0.87)"
    assert first.title.get_color() in ("#d62728", RED)
    assert second.get_title() == "pred 1 (0.95)"
    assert second.title.get_color() == "black"
    image = first.images[0]
    assert image.get_array().shape == (28, 28)
    assert_array_equal(image.get_array(), flat[0].reshape(28, 28))
    assert image.get_cmap().name == "gray_r"
    assert image.get_interpolation() == "nearest"
    assert image.get_clim() == (0, 255)


def test_plot_digits_labels_only_and_2d_probabilities(pyplot):
    digits = load_digits()
    fig = plot_digits(digits.images / 16, digits.target, max_images=3)
    assert [ax.get_title() for ax in fig.axes] == ["0", "1", "2"]
    assert fig.axes[0].images[0].get_clim() == (0, 1)
    proba = np.array([[0.1, 0.9], [0.6, 0.4]])
    fig = plot_digits(digits.images[:2], predictions=[1, 0], probabilities=proba)
    assert [ax.get_title() for ax in fig.axes] == ["pred 1 (0.90)", "pred 0 (0.60)"]


def test_plot_digits_rejects_bad_input(pyplot):
    with pytest.raises(ValueError, match="images must be"):
        plot_digits(np.zeros((3, 783)))
    with pytest.raises(ValueError, match="labels has 2 entries"):
        plot_digits(np.zeros((3, 28, 28)), [1, 2])


def test_plot_sample_predictions_from_estimator(pyplot, digits_model):
    clf, X, y = digits_model
    fig = plot_sample_predictions(clf, X, y, n=12, random_state=1)
    assert isinstance(fig, pyplot.Figure)
    assert len(fig.axes) == 12
    titles = [ax.get_title() for ax in fig.axes]
    again = plot_sample_predictions(clf, X, y, n=12, random_state=1)
    assert [ax.get_title() for ax in again.axes] == titles  # reproducible
    idx = np.sort(np.random.RandomState(1).choice(len(X), 12, replace=False))
    proba = clf.predict_proba(X[idx])
    for ax, i, p in zip(fig.axes, idx, proba):
        pred = clf.predict(X[i : i + 1])[0]
        assert ax.get_title().endswith(f"pred {pred} ({p.max():.2f})")
        assert_array_equal(ax.images[0].get_array(), X[i].reshape(8, 8))
    assert fig.get_suptitle().startswith("Predictions on 12 random test digits")

    # Without y: predictions only, nothing marked wrong.
    fig = plot_sample_predictions(clf, X, n=5)
    assert all(ax.get_title().startswith("pred ") for ax in fig.axes)
    assert fig.get_suptitle() == "Predictions on 5 random test digits"


def test_plot_sample_predictions_from_report(pyplot, digits_report):
    r = digits_report
    idx = np.union1d(r.misclassified[:10], np.arange(30))[:40]
    report = EvaluationReport.from_predictions(
        r.y_true[idx], r.y_pred[idx], y_proba=r.y_proba[idx], images=r.images[idx]
    )
    assert report.n_errors == 10
    fig = plot_sample_predictions(report=report, n=100)  # at most all 40
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 40 and len(fig.axes) == 42  # 7 rows of 6
    red = [ax for ax in drawn if ax.get_title().startswith("true ")]
    assert len(red) == report.n_errors
    assert fig.get_suptitle().endswith(f"{report.n_errors} wrong (in red)")
    no_images = EvaluationReport.from_predictions([0, 1], [0, 1])
    with pytest.raises(ValueError, match="no images"):
        plot_sample_predictions(report=no_images)


def test_plot_misclassified_most_confident_first(pyplot, digits_model):
    clf, X, y = digits_model
    n_errors = int(np.sum(clf.predict(X) != y))
    fig = plot_misclassified(clf, X, y, max_images=8)
    assert isinstance(fig, pyplot.Figure)
    assert fig.get_suptitle() == (
        f"Misclassified: 8 of {n_errors} errors, most confident first"
    )
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert len(titles) == 8
    pattern = re.compile(r"true (\d) / pred (\d) \((\d\.\d\d)\)")
    matches = [pattern.fullmatch(t) for t in titles]
    assert all(matches), titles
    assert all(m[1] != m[2] for m in matches)
    confidences = [float(m[3]) for m in matches]
    assert confidences == sorted(confidences, reverse=True)
    wrong = np.flatnonzero(clf.predict(X) != y)
    top = clf.predict_proba(X[wrong]).max(axis=1).max()
    assert confidences[0] == float(f"{top:.2f}")


def test_plot_misclassified_from_report_and_no_error(pyplot, digits_report):
    fig = plot_misclassified(report=digits_report, max_images=100)
    assert len([ax for ax in fig.axes if ax.images]) == min(100, digits_report.n_errors)
    perfect = EvaluationReport.from_predictions(
        [0, 1], [0, 1], images=np.zeros((2, 28, 28))
    )
    fig = plot_misclassified(report=perfect)
    assert fig.get_suptitle() == "No misclassified digits among 2 samples"
    assert fig.axes[0].texts[0].get_text() == "No images to show"


def test_plot_search_heatmap(pyplot, search):
    results = search.cv_results_
    ax = plot_search_heatmap(results, "C", "fit_intercept")
    assert isinstance(ax, pyplot.Axes)
    assert ax.get_xlabel() == "C" and ax.get_ylabel() == "fit_intercept"
    assert ax.get_title() == "Grid search: mean_test_score"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.01", "0.1", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["False", "True"]
    assert len(ax.figure.axes) == 2  # the heatmap and its colorbar
    cells = {(t.get_position()): t.get_text() for t in ax.texts}
    for C, fit_intercept, score in zip(
        results["param_C"], results["param_fit_intercept"], results["mean_test_score"]
    ):
        x = [0.01, 0.1, 1.0].index(C)
        y = [False, True].index(fit_intercept)
        assert cells[(x, y)] == f"{score:.4f}"
    data = ax.images[0].get_array()
    best = np.unravel_index(np.argmax(data), data.shape)
    assert data[best] == pytest.approx(search.best_score_)

    # A DataFrame and the param_ prefix give the same cells.
    import pandas as pd

    ax2 = plot_search_heatmap(pd.DataFrame(results), "param_C", "param_fit_intercept")
    assert_allclose(ax2.images[0].get_array(), data)


def test_plot_search_heatmap_more_params_and_errors(pyplot):
    X, y = load_iris(return_X_y=True)
    search = GridSearchCV(
        LogisticRegression(max_iter=1000),
        {"C": [0.1, 1.0], "fit_intercept": [True, False], "tol": [1e-4, 1e-2]},
        cv=2,
        scoring=["accuracy", "f1_macro"],
        refit="accuracy",
    ).fit(X, y)
    results = search.cv_results_
    fig, ax = pyplot.subplots()
    assert plot_search_heatmap(results, "C", "tol", score="f1_macro", ax=ax) is ax
    assert (
        ax.get_title() == "Grid search: mean_test_f1_macro (best over other parameters)"
    )
    grid = ax.images[0].get_array()
    for i, tol in enumerate([1e-4, 1e-2]):
        for j, C in enumerate([0.1, 1.0]):
            mask = (results["param_C"] == C) & (results["param_tol"] == tol)
            expected = np.max(results["mean_test_f1_macro"][mask])
            assert grid[i, j] == pytest.approx(expected)

    with pytest.raises(ValueError, match="No parameter 'alpha'"):
        plot_search_heatmap(results, "alpha", "C")
    with pytest.raises(ValueError, match="No score 'roc'"):
        plot_search_heatmap(results, "C", "tol", score="roc")
