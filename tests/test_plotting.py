"""Tests of skmnist.plotting: the Displays and the plot_* functions, drawn values."""

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
    DigitGridDisplay,
    LossCurveDisplay,
    SearchHeatmapDisplay,
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
            "AttributionDisplay",
            "WeightsDisplay",
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


# The Displays: data held, from_estimator / from_predictions, plot(ax=).


class CountingClassifier:
    """A fitted classifier that records how many rows each predict call gets."""

    def __init__(self, clf):
        self.clf, self.classes_, self.rows = clf, clf.classes_, []

    def predict(self, X):
        self.rows.append(len(X))
        return self.clf.predict(X)

    def predict_proba(self, X):
        return self.clf.predict_proba(X)


def test_digit_grid_display_holds_what_it_draws(pyplot):
    images = np.arange(5 * 16, dtype=float).reshape(5, 16)  # 4x4 digits
    display = DigitGridDisplay(
        images, [1, 2, 3, 4, 5], predictions=[1, 2, 0, 4, 5], title="Five"
    )
    assert display.images.shape == (5, 4, 4)
    assert display.probabilities is None
    assert display.plot(n_cols=3) is display
    assert display.axes_.shape == (2, 3)
    assert display.figure_.get_suptitle() == "Five"
    assert [ax.get_title() for ax in display.axes_.flat[:5]] == [
        "pred 1",
        "pred 2",
        "true 3 / pred 0",
        "pred 4",
        "pred 5",
    ]
    assert not display.axes_[1, 2].axison
    assert_array_equal(
        display.axes_[0, 2].images[0].get_array(), images[2].reshape(4, 4)
    )

    subfig = pyplot.figure().subfigures(1, 2)[1]
    assert display.plot(n_cols=5, fig=subfig).figure_ is subfig
    assert len(subfig.axes) == 5


def test_digit_grid_display_from_predictions_selects(pyplot):
    digits = load_digits()
    y_true = digits.target[:60]
    y_pred = y_true.copy()
    wrong = [3, 10, 41]
    y_pred[wrong] = (y_true[wrong] + 1) % 10
    confidence = np.full(60, 0.9)
    confidence[wrong] = [0.55, 0.95, 0.7]
    images = digits.images[:60]

    first = DigitGridDisplay.from_predictions(images, y_true, y_pred, n_images=12)
    assert_array_equal(first.images, images[:12])
    assert first.figure_.get_suptitle() == (
        "Predictions on the first 12 test digits: 2 wrong (in red)"
    )

    rand = DigitGridDisplay.from_predictions(
        images, y_true, y_pred, select="random", n_images=10, random_state=3
    )
    idx = np.sort(np.random.RandomState(3).choice(60, 10, replace=False))
    assert_array_equal(rand.labels, y_true[idx])
    assert_array_equal(rand.images, images[idx])

    errors = DigitGridDisplay.from_predictions(
        images, y_true, y_pred, probabilities=confidence, select="misclassified"
    )
    assert_array_equal(errors.labels, y_true[[10, 41, 3]])  # most confident first
    assert_allclose(errors.probabilities, [0.95, 0.7, 0.55])
    assert errors.figure_.get_suptitle() == (
        "Misclassified: 3 of 3 errors, most confident first"
    )
    plain = DigitGridDisplay.from_predictions(images, select="random", n_images=4)
    assert plain.figure_.get_suptitle() == "4 random digits"
    assert [ax.get_title() for ax in plain.axes_.flat] == ["", "", "", ""]


def test_digit_grid_display_from_estimator_predicts_what_it_shows(pyplot, digits_model):
    clf, X, y = digits_model
    counting = CountingClassifier(clf)
    display = DigitGridDisplay.from_estimator(
        counting, X / 16, y, images=X, n_images=9, random_state=0
    )
    assert counting.rows == [9]  # only the rows shown
    idx = np.sort(np.random.RandomState(0).choice(len(X), 9, replace=False))
    assert_array_equal(display.images, X[idx].reshape(9, 8, 8))  # the raw images
    assert_array_equal(display.predictions, clf.predict(X[idx] / 16))
    assert_allclose(display.probabilities, clf.predict_proba(X[idx] / 16).max(axis=1))

    errors = DigitGridDisplay.from_estimator(
        counting, X, y, select="misclassified", n_images=None
    )
    assert counting.rows[-1] == len(X)
    assert len(errors.images) == int(np.sum(clf.predict(X) != y))
    assert np.all(errors.labels != errors.predictions)
    assert np.all(np.diff(errors.probabilities) <= 0)


def test_digit_grid_display_rejects_bad_input(pyplot, digits_model):
    clf, X, y = digits_model
    images = np.zeros((3, 28, 28))
    with pytest.raises(ValueError, match="predictions has 2 entries for 3 images"):
        DigitGridDisplay(images, predictions=[1, 2])
    with pytest.raises(ValueError, match="select must be one of"):
        DigitGridDisplay.from_predictions(images, select="worst")
    with pytest.raises(ValueError, match="n_images must be"):
        DigitGridDisplay.from_predictions(images, n_images=-1)
    with pytest.raises(ValueError, match="needs the true and predicted labels"):
        DigitGridDisplay.from_predictions(images, [0, 1, 2], select="misclassified")
    with pytest.raises(ValueError, match="needs y"):
        DigitGridDisplay.from_estimator(clf, X, select="misclassified")
    with pytest.raises(ValueError, match="images has 3 samples but X has"):
        DigitGridDisplay.from_estimator(clf, X, y, images=images)
    with pytest.raises(ValueError, match="n_cols must be a positive int"):
        DigitGridDisplay(images).plot(n_cols=0)


def test_loss_curve_display_holds_history_and_lines(pyplot):
    display = LossCurveDisplay({k: np.float32(v) for k, v in HISTORY.items()})
    assert sorted(display.history) == sorted(HISTORY)
    for key, values in HISTORY.items():
        assert display.history[key] == pytest.approx(values)
    assert all(type(v) is float for v in display.history["loss"])
    assert display.best_epoch == 2
    fig, axes = pyplot.subplots(1, 2)
    assert display.plot(ax=axes) is display
    assert display.figure_ is fig
    assert list(display.axes_) == list(axes)
    assert sorted(display.lines_) == sorted(HISTORY)
    assert_allclose(display.lines_["val_accuracy"].get_ydata(), HISTORY["val_accuracy"])
    assert display.lines_["val_loss"].axes is axes[0]
    assert display.lines_["accuracy"].axes is axes[1]
    assert LossCurveDisplay({"loss": [0.3, 0.2]}).best_epoch is None
    with pytest.raises(TypeError, match="history must be a dict"):
        LossCurveDisplay([0.3, 0.2])


def test_loss_curve_display_from_mlp_classifier(pyplot, digits_model):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    _, X, y = digits_model
    mlp = MLPClassifier((16,), max_iter=4, early_stopping=True, random_state=0)
    with pytest.warns(ConvergenceWarning):
        mlp.fit(X, y)
    display = LossCurveDisplay.from_estimator(make_pipeline(StandardScaler(), mlp))
    assert_allclose(display.lines_["loss"].get_ydata(), mlp.loss_curve_)
    assert_allclose(display.lines_["val_accuracy"].get_ydata(), mlp.validation_scores_)
    assert_array_equal(display.lines_["loss"].get_xdata(), [1, 2, 3, 4])
    with pytest.raises(ValueError, match="history_ or loss_curve_"):
        LossCurveDisplay.from_estimator(MLPClassifier())


def test_search_heatmap_display_from_estimator(pyplot, search):
    display = SearchHeatmapDisplay.from_estimator(search, "C", "fit_intercept")
    assert display.values_x == [0.01, 0.1, 1.0]
    assert display.values_y == [False, True]
    assert (display.param_x, display.param_y) == ("C", "fit_intercept")
    assert display.score_name == "mean_test_score" and display.best_over == []
    results = search.cv_results_
    for C, fit_intercept, score in zip(
        results["param_C"], results["param_fit_intercept"], results["mean_test_score"]
    ):
        i, j = [False, True].index(fit_intercept), [0.01, 0.1, 1.0].index(C)
        assert display.scores[i, j] == score
        assert display.text_[i, j].get_text() == f"{score:.4f}"
    assert display.colorbar_.ax in display.figure_.axes
    assert_allclose(display.im_.get_array(), display.scores)
    from_results = SearchHeatmapDisplay.from_cv_results(
        results, "param_C", "param_fit_intercept"
    )
    assert_allclose(from_results.scores, display.scores)

    with pytest.raises(ValueError, match="fitted search .* got LogisticRegression"):
        SearchHeatmapDisplay.from_estimator(LogisticRegression(), "C", "tol")
    with pytest.raises(ValueError, match=r"scores must have shape \(2, 3\)"):
        SearchHeatmapDisplay(
            np.zeros((3, 2)), [1, 2, 3], [4, 5], param_x="a", param_y="b"
        )


@pytest.mark.parametrize("cmap", ["viridis", "viridis_r", "Greys"])
def test_search_heatmap_text_contrasts_with_its_cell(pyplot, cmap):
    scores = np.array([[0.1, 0.5, 0.9]])
    display = SearchHeatmapDisplay(scores, [1, 2, 3], [0], param_x="a", param_y="b")
    display.plot(cmap=cmap)
    for j, value in enumerate(scores[0]):
        red, green, blue, _ = display.im_.cmap(display.im_.norm(value))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        assert display.text_[0, j].get_color() == ("white" if dark else "black")
    # viridis runs dark to light, its reverse light to dark.
    colors = [t.get_color() for t in display.text_[0]]
    expected = {"viridis": "white", "viridis_r": "black", "Greys": "black"}[cmap]
    assert colors[0] == expected and colors[-1] != expected


def test_search_heatmap_display_marks_best_over_other_params(pyplot):
    display = SearchHeatmapDisplay(
        [[0.5, np.nan], [0.7, 0.9]],
        ["relu", "tanh"],
        [1, 2],
        param_x="activation",
        param_y="epochs",
        best_over=["batch_size"],
    )
    fig, ax = pyplot.subplots()
    assert display.plot(ax=ax, cmap="magma").ax_ is ax
    assert display.im_.get_cmap().name == "magma"
    assert ax.get_title() == "Grid search: mean_test_score (best over other parameters)"
    assert display.text_[0, 1].get_text() == "n/a"
    (frame,) = ax.patches  # the best cell, (epochs=2, tanh)
    assert frame.get_xy() == (0.5, 0.5)
