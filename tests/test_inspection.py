"""skmnist.inspection: pixel attributions, their numbers and their bad input.

Most networks here are made by hand from seeded random arrays (no Keras: a
fitted MNISTDenseClassifier is its arrays); the realistic one takes its
arrays from scikit-learn's MLPClassifier, which uses the same names and
shapes, fitted on real MNIST digits.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmnist import MNISTDenseClassifier, _forward, inspection, make_mnist_pipeline
from skmnist.inspection import pixel_attributions
from skmnist.preprocessing import ImageFlattener, PixelScaler

ACTIVATIONS = sorted(_forward.ACTIVATIONS)


def make_network(
    sizes=(784, 24, 12, 10), activation="tanh", dtype=np.float64, seed=0, classes=None
):
    """A fitted MNISTDenseClassifier with seeded random weights."""
    rng = np.random.RandomState(seed)
    clf = MNISTDenseClassifier(hidden_layer_sizes=sizes[1:-1], activation=activation)
    clf.coefs_ = [
        rng.normal(0, 1 / np.sqrt(a), (a, b)).astype(dtype)
        for a, b in zip(sizes[:-1], sizes[1:])
    ]
    clf.intercepts_ = [rng.normal(0, 0.1, b).astype(dtype) for b in sizes[1:]]
    clf.classes_ = np.arange(sizes[-1]) if classes is None else np.asarray(classes)
    clf.n_features_in_ = sizes[0]
    return clf


def inputs(n=4, d=784, seed=1, dtype=np.float64):
    X = np.random.RandomState(seed).rand(n, d).astype(dtype)
    X[:, : d // 4] = 0  # black pixels, as in digits
    return X


def score(clf, X, column):
    """The logit of class ``column`` (one for all rows, or one per row)."""
    logits = _forward.logits(X, clf.coefs_, clf.intercepts_, clf.activation)
    if np.ndim(column) == 0:
        return logits[:, column]
    return logits[np.arange(len(X)), column]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_each_activation_derivative_matches_finite_differences(activation):
    entry = _forward.ACTIVATIONS[activation]
    z = np.linspace(-3, 3, 61) + 0.01  # off ReLU's kink at 0
    eps = 1e-6
    numeric = (entry.function(z + eps) - entry.function(z - eps)) / (2 * eps)
    np.testing.assert_allclose(entry.derivative(z), numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_the_backward_pass_leaves_its_input_alone_unless_allowed(activation):
    clf = make_network(activation=activation)
    first = inputs(3) @ clf.coefs_[0] + clf.intercepts_[0]
    kept = first.copy()
    network = (clf.coefs_, clf.intercepts_, activation)
    weights = np.eye(10)[[1, 2, 3]]
    logits, grad = _forward.first_layer_gradient(first, *network, weights)
    np.testing.assert_array_equal(first, kept)
    again = _forward.first_layer_gradient(first, *network, weights, overwrite=True)
    np.testing.assert_allclose(again[0], logits)
    np.testing.assert_allclose(again[1], grad)
    np.testing.assert_allclose(
        logits, _forward.logits(inputs(3), clf.coefs_, clf.intercepts_, activation)
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_matches_central_finite_differences(activation):
    clf = make_network(activation=activation)
    X = inputs(2)
    result = pixel_attributions(clf, X, method="gradient")
    eps = 1e-6
    for i in range(len(X)):
        column = int(np.flatnonzero(clf.classes_ == result.target[i])[0])
        steps = eps * np.eye(784)
        numeric = (
            score(clf, X[i] + steps, column) - score(clf, X[i] - steps, column)
        ) / (2 * eps)
        np.testing.assert_allclose(
            result.attributions[i].ravel(), numeric, rtol=1e-5, atol=1e-8
        )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_x_input_is_the_gradient_times_the_input(activation):
    clf = make_network(activation=activation)
    X = inputs(3)
    grad = pixel_attributions(clf, X, method="gradient").attributions
    gxi = pixel_attributions(clf, X, method="gradient_x_input")
    np.testing.assert_allclose(gxi.attributions, grad * X.reshape(-1, 28, 28))
    assert np.all(gxi.attributions[X.reshape(-1, 28, 28) == 0] == 0)


def _path_variation(clf, x, column, n_points=8193):
    """Total variation of d/dalpha score(alpha x) on a fine grid of [0, 1]."""
    alphas = np.linspace(0, 1, n_points)
    grads = pixel_attributions(
        clf,
        alphas[:, None] * x,
        target=np.full(n_points, clf.classes_[column]),
        method="gradient",
    ).attributions.reshape(n_points, -1)
    return np.abs(np.diff(grads @ x)).sum()


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
@pytest.mark.parametrize("n_steps", [1, 8, 64])
def test_integrated_gradients_complete_within_the_midpoint_bound(activation, n_steps):
    # The midpoint sum of g(alpha) = grad(alpha x) . x errs by at most
    # TV(g) / (2 n_steps), TV the total variation of g along the path.
    clf = make_network(activation=activation)
    X = inputs(3)
    result = pixel_attributions(clf, X, n_steps=n_steps)
    error = np.abs(
        result.attributions.sum(axis=(1, 2)) - (result.scores - result.baseline_scores)
    )
    for i in range(len(X)):
        column = int(np.flatnonzero(clf.classes_ == result.target[i])[0])
        bound = _path_variation(clf, X[i], column) / (2 * n_steps)
        assert error[i] <= bound + 1e-9, (i, error[i], bound)


@pytest.mark.parametrize("activation", ["tanh", "gelu", "logistic", "elu"])
def test_completeness_error_falls_as_one_over_n_steps_squared_when_smooth(activation):
    clf = make_network(activation=activation)
    X = inputs(3)

    def error(n_steps):
        r = pixel_attributions(clf, X, n_steps=n_steps)
        total = r.attributions.sum(axis=(1, 2))
        return np.abs(total - (r.scores - r.baseline_scores)).max()

    errors = [error(n) for n in (4, 16, 64)]
    assert errors[1] < errors[0] / 8 and errors[2] < errors[1] / 8, errors


def test_relu_completeness_error_shrinks_with_n_steps():
    clf = make_network(activation="relu")
    X = inputs(8)

    def error(n_steps):
        r = pixel_attributions(clf, X, n_steps=n_steps)
        total = r.attributions.sum(axis=(1, 2))
        return np.abs(total - (r.scores - r.baseline_scores)).mean()

    errors = [error(n) for n in (2, 16, 128, 1024)]
    assert all(a > b for a, b in zip(errors, errors[1:])), errors
    assert errors[-1] < errors[0] / 50, errors


def test_a_linear_network_is_exact_with_one_step():
    # identity activations and no hidden layer: the score is linear in x.
    for clf in (make_network(activation="identity"), make_network((784, 10))):
        X = inputs(3)
        ig = pixel_attributions(clf, X, n_steps=1)
        gxi = pixel_attributions(clf, X, method="gradient_x_input")
        np.testing.assert_allclose(ig.attributions, gxi.attributions, atol=1e-12)
        np.testing.assert_allclose(
            ig.attributions.sum(axis=(1, 2)), ig.scores - ig.baseline_scores
        )
    softmax_regression = make_network((784, 10))
    result = pixel_attributions(softmax_regression, X, target=3)
    expected = X * softmax_regression.coefs_[0][:, 3]
    np.testing.assert_allclose(result.attributions.reshape(3, -1), expected)


def test_targets_default_to_the_prediction_and_runner_up_is_second():
    clf = make_network(classes=list("abcdefghij"))
    X = inputs(6)
    proba = clf.predict_proba(X)
    order = np.argsort(proba, axis=1)
    predicted = pixel_attributions(clf, X, method="gradient")
    assert list(predicted.target) == list(clf.predict(X))
    runner_up = pixel_attributions(clf, X, target="runner_up", method="gradient")
    assert list(runner_up.target) == list(clf.classes_[order[:, -2]])
    np.testing.assert_allclose(
        runner_up.scores, score(clf, X, order[:, -2]), rtol=1e-12
    )
    # Labels, not column indices: "c" is column 2; one label for every sample.
    one = pixel_attributions(clf, X, target="c", method="gradient")
    each = pixel_attributions(clf, X, target=["c"] * 6, method="gradient")
    np.testing.assert_array_equal(one.attributions, each.attributions)
    np.testing.assert_allclose(one.scores, score(clf, X, 2))


def test_attributions_are_linear_in_the_target():
    # Integrated gradients of a difference of logits is the difference.
    clf = make_network(activation="relu")
    X = inputs(2)
    a = pixel_attributions(clf, X, target=[1, 1])
    b = pixel_attributions(clf, X, target=[7, 7])
    assert np.all((a.attributions - b.attributions).sum(axis=(1, 2)) != 0)
    both = pixel_attributions(clf, np.vstack([X, X]), target=[1, 1, 7, 7])
    np.testing.assert_allclose(both.attributions[:2], a.attributions)
    np.testing.assert_allclose(both.attributions[2:], b.attributions)


def test_each_row_is_independent_of_the_batch(monkeypatch):
    clf = make_network(activation="gelu", dtype=np.float32)
    X = inputs(7, dtype=np.float32)
    whole = pixel_attributions(clf, X, n_steps=5).attributions
    monkeypatch.setattr(inspection, "_BATCH_ROWS", 10)  # 2 samples per batch
    np.testing.assert_allclose(
        pixel_attributions(clf, X, n_steps=5).attributions,
        whole,
        rtol=1e-5,
        atol=1e-7,
    )
    np.testing.assert_allclose(
        pixel_attributions(clf, X[3:4], n_steps=5).attributions[0],
        whole[3],
        rtol=1e-5,
        atol=1e-7,
    )


def test_float32_networks_compute_in_float32_and_agree_with_float64():
    net64 = make_network(activation="relu")
    net32 = make_network(activation="relu", dtype=np.float32)
    X = inputs(5)
    r64 = pixel_attributions(net64, X)
    r32 = pixel_attributions(net32, X.astype(np.float32))
    assert r32.attributions.dtype == r32.images.dtype == np.float32
    assert r64.attributions.dtype == np.float64
    scale = np.abs(r64.attributions).max()
    assert np.abs(r32.attributions - r64.attributions).max() < 1e-4 * scale


def test_a_pipeline_explains_what_the_network_sees():
    clf = make_network(activation="relu", dtype=np.float32)
    raw = (inputs(4) * 255).astype(np.uint8).reshape(4, 28, 28)
    pipe = make_pipeline(PixelScaler().fit(raw), ImageFlattener().fit(raw), clf)
    through = pixel_attributions(pipe, raw)
    seen = raw.reshape(4, -1) / np.float32(255)
    direct = pixel_attributions(clf, seen.astype(np.float32))
    np.testing.assert_allclose(through.images, seen.reshape(4, 28, 28), rtol=1e-6)
    np.testing.assert_allclose(through.attributions, direct.attributions, rtol=1e-6)
    assert list(through.target) == list(pipe.predict(raw))


def test_inputs_that_are_not_square_stay_rows():
    clf = make_network((50, 8, 3))
    result = pixel_attributions(clf, inputs(2, d=50))
    assert result.attributions.shape == result.images.shape == (2, 50)


def test_images_returned_are_a_copy_of_x():
    clf = make_network()
    X = inputs(2)
    result = pixel_attributions(clf, X)
    result.images[:] = -1
    assert X.min() >= 0


@settings(max_examples=25, deadline=None, database=None)
@given(
    seed=st.integers(0, 2**16),
    activation=st.sampled_from(ACTIVATIONS),
    n_steps=st.integers(1, 40),
    n=st.integers(1, 5),
)
def test_properties_of_every_method(seed, activation, n_steps, n):
    clf = make_network((64, 9, 5), activation=activation, seed=seed)
    X = np.random.RandomState(seed).rand(n, 64)
    X[:, :10] = 0
    for method in inspection.METHODS:
        result = pixel_attributions(clf, X, method=method, n_steps=n_steps)
        assert result.attributions.shape == (n, 8, 8)
        assert np.all(np.isfinite(result.attributions))
        if method != "gradient":  # zero where the pixel is zero
            assert np.all(result.attributions[:, 1, :2] == 0)
    # Zero input: nothing to attribute, and the scores are the baseline's.
    black = pixel_attributions(clf, np.zeros((1, 64)), n_steps=n_steps)
    assert np.all(black.attributions == 0)
    np.testing.assert_allclose(black.scores, black.baseline_scores)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_real_digits_lose_their_score_when_the_top_pixels_go(mnist):
    # A network fitted by MLPClassifier, copied into ours (same arrays).
    from sklearn.neural_network import MLPClassifier

    train, test = mnist
    X = (train.data[:3000] / 255).astype(np.float32)
    mlp = MLPClassifier((32,), max_iter=30, random_state=0).fit(X, train.target[:3000])
    clf = make_network((784, 32, 10), activation="relu", dtype=np.float32)
    clf.coefs_ = [w.astype(np.float32) for w in mlp.coefs_]
    clf.intercepts_ = [b.astype(np.float32) for b in mlp.intercepts_]
    digits = test.images[:50]
    pipe = make_mnist_pipeline()
    pipe.steps[-1] = ("mnistdenseclassifier", clf)
    pipe[:-1].fit(digits)
    result = pixel_attributions(pipe, digits, n_steps=64)
    change = result.scores - result.baseline_scores
    gap = result.attributions.sum(axis=(1, 2)) - change
    assert np.abs(gap).max() < 0.02 * np.abs(change).max()
    # Blacking out the 30 pixels with the largest attributions lowers the
    # predicted class's score more than blacking out 30 random ink pixels.
    rng = np.random.RandomState(0)
    top = result.images.reshape(50, -1).copy()
    rand = top.copy()
    for i, a in enumerate(result.attributions.reshape(50, -1)):
        top[i, np.argsort(a)[-30:]] = 0
        ink = np.flatnonzero(rand[i] > 0)
        rand[i, rng.choice(ink, 30, replace=False)] = 0
    column = np.searchsorted(clf.classes_, result.target)
    drop_top = result.scores - score(clf, top, column)
    drop_random = result.scores - score(clf, rand, column)
    assert np.mean(drop_top > drop_random) > 0.9


# Bad input: a clear error naming the parameter.


def test_an_unfitted_estimator_is_refused():
    with pytest.raises(NotFittedError):
        pixel_attributions(MNISTDenseClassifier(), inputs(1))
    with pytest.raises(NotFittedError):
        pixel_attributions(make_mnist_pipeline(), inputs(1))


def test_other_estimators_are_refused_naming_estimator():
    X, y = inputs(20), np.arange(20) % 10
    with pytest.raises(
        TypeError, match="estimator must be an MNISTDenseClassifier.*LogisticRegression"
    ):
        pixel_attributions(LogisticRegression().fit(X, y), X)
    pipe = make_pipeline(PixelScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match="Pipeline ending in LogisticRegression"):
        pixel_attributions(pipe, X)


@pytest.mark.parametrize(
    "target, message",
    [
        (10, r"target has labels that are not in the classifier's classes_.*: 10"),
        ([1, -1], r"not in the classifier's classes_.*: -1"),
        ([1, 2, 3], r"target must be .* an array of 2 labels .*got shape \(3,\)"),
        ("first", r"not in the classifier's classes_.*: first"),
    ],
)
def test_bad_targets_are_refused_naming_target(target, message):
    with pytest.raises(ValueError, match=message):
        pixel_attributions(make_network(), inputs(2), target=target)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_steps": 0}, r"'n_steps' parameter .* range \[1, inf\)"),
        ({"n_steps": 2.5}, r"'n_steps' parameter"),
        ({"method": "saliency"}, r"'method' parameter .* Got 'saliency'"),
    ],
)
def test_bad_parameters_are_refused_by_name(params, message):
    with pytest.raises(ValueError, match=message):
        pixel_attributions(make_network(), inputs(1), **params)


def test_images_of_the_wrong_size_are_refused_naming_x():
    clf = make_network()
    X = inputs(2)
    with pytest.raises(ValueError, match=r"X has images of shape \(27, 27\)"):
        pixel_attributions(clf, np.zeros((2, 27, 27)))
    with pytest.raises(ValueError, match="X has 700 features"):
        pixel_attributions(clf, np.zeros((2, 700)))
    pipe = make_pipeline(PixelScaler().fit(X), ImageFlattener().fit(X), clf)
    with pytest.raises(ValueError, match=r"X has images of shape \(27, 27\)"):
        pixel_attributions(pipe, np.zeros((2, 27, 27), np.uint8))
    with pytest.raises(ValueError, match="Input X contains NaN"):
        pixel_attributions(clf, np.full((1, 784), np.nan))


# The Displays: the artists drawn.


@pytest.fixture
def digits_pipeline():
    """A hand-made relu network in a pipeline, and 12 raw test-like digits."""
    rng = np.random.RandomState(3)
    raw = (rng.rand(12, 28, 28) * 255).astype(np.uint8)
    raw[:, :, :8] = 0
    clf = make_network((784, 16, 10), activation="relu", dtype=np.float32)
    pipe = make_pipeline(PixelScaler().fit(raw), ImageFlattener().fit(raw), clf)
    return pipe, raw


def _is_symmetric_diverging(image):
    return image.norm.vmin == -image.norm.vmax and image.get_cmap().name == "RdBu_r"


def test_attribution_display_draws_digits_and_symmetric_maps(pyplot, digits_pipeline):
    from skmnist.plotting import AttributionDisplay

    pipe, raw = digits_pipeline
    y = pipe.predict(raw)
    y[[1, 4]] = (y[[1, 4]] + 1) % 10  # two errors
    display = AttributionDisplay.from_estimator(pipe, raw, y, n_images=5, n_cols=5)
    assert display.axes_.shape == (3, 5)
    assert len(display.images_) == 10
    assert all(_is_symmetric_diverging(image) for image in display.images_)
    result = pixel_attributions(pipe, raw[:5])
    runner_up = pixel_attributions(pipe, raw[:5], target="runner_up")
    for k in range(5):
        digit_ax, map_ax, rival_ax = display.axes_[:, k]
        np.testing.assert_allclose(
            digit_ax.get_images()[0].get_array(), result.images[k]
        )
        np.testing.assert_allclose(
            map_ax.get_images()[0].get_array(), result.attributions[k]
        )
        np.testing.assert_allclose(
            rival_ax.get_images()[0].get_array(), runner_up.attributions[k]
        )
        # The two maps of a digit share one scale: the larger magnitude.
        m = max(
            np.abs(result.attributions[k]).max(),
            np.abs(runner_up.attributions[k]).max(),
        )
        assert map_ax.get_images()[0].norm.vmax == pytest.approx(m)
        assert map_ax.get_title() == f"for {result.target[k]}"
        assert rival_ax.get_title() == f"for {runner_up.target[k]}"
    titles = [ax.get_title() for ax in display.axes_[0]]
    assert titles[1].startswith(f"true {y[1]} / pred {result.target[1]} (")
    assert display.axes_[0, 1].title.get_color() == "#d62728"
    assert titles[0].startswith(f"pred {result.target[0]} (")
    assert [ax.get_ylabel() for ax in display.axes_[:, 0]] == [
        "input",
        "predicted",
        "runner-up",
    ]
    assert display.figure_.get_suptitle().startswith("Integrated gradients (32 steps)")


def test_attribution_display_shows_the_most_confident_errors_against_the_truth(
    pyplot, digits_pipeline
):
    from skmnist.plotting import AttributionDisplay

    pipe, raw = digits_pipeline
    proba = pipe.predict_proba(raw)
    y = pipe.predict(raw)
    wrong = np.array([2, 5, 9])
    y[wrong] = (y[wrong] + 3) % 10
    display = AttributionDisplay.from_estimator(
        pipe, raw, y, versus="true", select="misclassified", n_images=2
    )
    expected = wrong[np.argsort(-proba[wrong].max(axis=1))][:2]
    np.testing.assert_array_equal(display.labels, y[expected])
    np.testing.assert_array_equal(display.versus, y[expected])
    truth = pixel_attributions(pipe, raw[expected], target=y[expected])
    np.testing.assert_allclose(display.versus_attributions, truth.attributions)
    assert display.axes_[2, 0].get_ylabel() == "true class"
    assert display.figure_.get_suptitle().startswith("Most confident errors")


def test_attribution_display_without_versus_and_into_given_axes(pyplot):
    from skmnist.plotting import AttributionDisplay

    fig, (left, right) = pyplot.subplots(1, 2)
    images = np.random.RandomState(0).rand(3, 28, 28)
    display = AttributionDisplay(images, images - 0.5, target=[1, 2, 3]).plot(
        ax=right, n_cols=2
    )
    assert display.figure_ is fig and display.axes_.shape == (4, 2)
    assert not right.axison and left.axison
    assert len(display.images_) == 3
    assert not display.axes_[2, 1].axison  # past the last digit: blank


def test_attribution_display_bad_input(digits_pipeline):
    from skmnist.plotting import AttributionDisplay

    pipe, raw = digits_pipeline
    with pytest.raises(ValueError, match="need y"):
        AttributionDisplay.from_estimator(pipe, raw, versus="true")
    with pytest.raises(ValueError, match="versus must be"):
        AttributionDisplay.from_estimator(pipe, raw, versus="best")
    with pytest.raises(ValueError, match="n_images must be a positive int"):
        AttributionDisplay.from_estimator(pipe, raw, n_images=0)
    with pytest.raises(TypeError, match="estimator must be"):
        AttributionDisplay.from_estimator(LogisticRegression(), raw)
    with pytest.raises(ValueError, match="attributions has shape"):
        AttributionDisplay(np.zeros((2, 28, 28)), np.zeros((2, 27, 27)), target=[1, 2])
    with pytest.raises(ValueError, match="target must have one entry per image"):
        AttributionDisplay(np.zeros((2, 28, 28)), np.zeros((2, 28, 28)), target=[1])


def test_weights_display_draws_units_by_norm_or_as_given(pyplot):
    from skmnist.plotting import WeightsDisplay

    clf = make_network((784, 20, 10), dtype=np.float32)
    norms = np.linalg.norm(clf.coefs_[0], axis=0)
    display = WeightsDisplay.from_estimator(clf, n_units=6, n_cols=3)
    top = np.argsort(-norms)[:6]
    assert display.axes_.shape == (2, 3)
    assert [ax.get_title() for ax in display.axes_.flat] == [f"unit {u}" for u in top]
    for image, unit in zip(display.images_, top):
        np.testing.assert_array_equal(
            image.get_array(), clf.coefs_[0][:, unit].reshape(28, 28)
        )
    # One symmetric norm for all, the largest magnitude shown, and its bar.
    m = np.abs(clf.coefs_[0][:, top]).max()
    assert all(_is_symmetric_diverging(image) for image in display.images_)
    assert display.images_[0].norm.vmax == pytest.approx(m)
    assert display.colorbar_ is not None
    chosen = WeightsDisplay.from_estimator(clf, units=[4, 0])
    assert [ax.get_title() for ax in chosen.axes_.flat] == ["unit 4", "unit 0"]
    # Without hidden layers, the units are the classes.
    output = WeightsDisplay.from_estimator(
        make_network((784, 3), classes=["a", "b", "c"])
    )
    assert sorted(ax.get_title() for ax in output.axes_.flat) == [
        "class a",
        "class b",
        "class c",
    ]


def test_weights_display_bad_input():
    from skmnist.plotting import WeightsDisplay

    clf = make_network((784, 20, 10))
    for units in ([20], [-1], [[1, 2]], [1.5]):
        with pytest.raises(ValueError, match=r"units must be a 1-D array .*\[0, 20\)"):
            WeightsDisplay.from_estimator(clf, units=units)
    with pytest.raises(ValueError, match="n_units must be a positive int"):
        WeightsDisplay.from_estimator(clf, n_units=0)
    with pytest.raises(NotFittedError):
        WeightsDisplay.from_estimator(MNISTDenseClassifier())


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_report_explains_the_most_confident_errors(tmp_path, digits_pipeline):
    from skmnist.evaluation import EvaluationReport
    from skmnist.report import save_report

    pipe, raw = digits_pipeline
    y = pipe.predict(raw)
    y[[0, 3, 7]] = (y[[0, 3, 7]] + 1) % 10
    report = EvaluationReport.from_estimator(pipe, raw, y, images=raw)
    paths = save_report(report, tmp_path, estimator=pipe)
    png = open(paths["attributions.png"], "rb").read()
    assert png.startswith(b"\x89PNG")
    page = open(paths["report.html"]).read()
    assert "The most confident errors, explained" in page
    # Without an estimator, or with one that is not ours: no such figure.
    assert "attributions.png" not in save_report(report, tmp_path / "plain")
    other = LogisticRegression(max_iter=20).fit(raw.reshape(12, -1) / 255, y)
    assert "attributions.png" not in save_report(
        report, tmp_path / "other", estimator=other
    )


def test_the_report_figure_is_the_display_of_the_errors(pyplot, digits_pipeline):
    from skmnist.evaluation import EvaluationReport
    from skmnist.report import _figures

    pipe, raw = digits_pipeline
    y = pipe.predict(raw)
    y[[0, 3, 7]] = (y[[0, 3, 7]] + 1) % 10
    report = EvaluationReport.from_estimator(pipe, raw, y, images=raw)
    fig = _figures(report, pipe)["attributions"]
    axes = [ax for ax in fig.axes if ax.get_images()]
    assert len(axes) == 9  # 3 errors: digit, predicted and true-class maps
    assert fig.get_suptitle().startswith("Most confident errors")
