"""Training-time augmentation (RandomDistortion) and learning-rate schedules."""

import keras
import numpy as np
import pytest
from scipy import ndimage
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skmnist import (
    MNISTDenseClassifier,
    load_model,
    make_mnist_pipeline,
    save_model,
)
from skmnist._backend.distortion import DistortionLayer
from skmnist._backend.runtime import to_numpy
from skmnist.augmentation import RandomDistortion

SMALL = dict(hidden_layer_sizes=(32,), epochs=2, batch_size=100, random_state=0)
NO_DISTORTION = RandomDistortion(shift=0, rotation=0, scale=0, elastic_alpha=0)


@pytest.fixture(scope="module")
def digits(mnist_small):
    X, y, X_test, y_test = mnist_small
    return X[:1000], y[:1000], X_test[:300]


def _centroids(X):
    images = X.reshape(-1, 28, 28)
    return np.array([ndimage.center_of_mass(image) for image in images])


def test_distort_moves_pixels_and_keeps_shape_and_dtype(digits):
    X, _, _ = digits
    for spec in [RandomDistortion(), RandomDistortion(elastic_alpha=34)]:
        distorted = spec.distort(X[:50], random_state=0)
        assert distorted.shape == (50, 784) and distorted.dtype == np.float32
        changed = np.abs(distorted - X[:50]).sum(axis=1) > 1
        assert changed.all()
        assert distorted.min() >= 0 and distorted.max() <= 1 + 1e-6
    # The affine part moves ink rather than creating it: scaling by 1 +- 0.1
    # changes the area by a factor in [0.81, 1.21].
    ratio = RandomDistortion().distort(X[:50], random_state=0).sum(axis=1) / X[:50].sum(
        axis=1
    )
    assert np.all((ratio > 0.75) & (ratio < 1.3))


def test_distort_accepts_images_and_float64(digits):
    X, _, _ = digits
    images = X[:4].astype(np.float64).reshape(4, 28, 28)
    out = RandomDistortion().distort(images, random_state=0)
    assert out.shape == (4, 28, 28) and out.dtype == np.float64


def test_zero_distortion_is_the_identity(digits):
    X, _, _ = digits
    assert np.array_equal(NO_DISTORTION.distort(X[:20], random_state=0), X[:20])


def test_shift_moves_the_centre_of_mass_at_most_shift_pixels(digits):
    X, _, _ = digits
    spec = RandomDistortion(shift=3, rotation=0, scale=0)
    moved = _centroids(spec.distort(X[:200], random_state=0)) - _centroids(X[:200])
    assert np.abs(moved).max() <= 3 + 0.2
    # ...and really uses the range: uniform in [-3, 3] along each axis.
    assert np.abs(moved).max() > 2.5
    assert np.std(moved) == pytest.approx(3 / np.sqrt(3), rel=0.2)


def test_rotation_turns_a_bar_by_at_most_rotation_degrees():
    bar = np.zeros((200, 28, 28), dtype=np.float32)
    bar[:, 13:15, 4:24] = 1.0  # horizontal
    out = RandomDistortion(shift=0, rotation=20, scale=0).distort(bar, random_state=0)
    angles = []
    for image in out:
        rows, cols = np.nonzero(image > 0.5)
        slope = np.polyfit(cols - cols.mean(), rows - rows.mean(), 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
    angles = np.abs(angles)
    assert angles.max() <= 20 + 2
    assert angles.max() > 15


def test_distortions_are_reproducible_under_random_state(digits):
    X, _, _ = digits
    spec = RandomDistortion(elastic_alpha=34)
    a = spec.distort(X[:20], random_state=3)
    assert np.array_equal(a, spec.distort(X[:20], random_state=3))
    assert not np.allclose(a, spec.distort(X[:20], random_state=4))


def _line_angles(images):
    """Each image's ink's principal direction, in degrees from horizontal."""
    angles = []
    for image in images:
        rows, cols = np.nonzero(image > 0.3)
        cov = np.cov(np.stack([cols, rows]))
        vals, vecs = np.linalg.eigh(cov)
        col, row = vecs[:, -1]
        angles.append(np.degrees(np.arctan(abs(row) / max(abs(col), 1e-9))))
    return np.array(angles)


def test_stray_lines_cross_that_fraction_of_the_images_within_45_degrees():
    blank = np.zeros((400, 28, 28), dtype=np.float32)
    no_move = dict(shift=0, rotation=0, scale=0)
    out = RandomDistortion(stray_lines=0.5, **no_move).distort(blank, random_state=0)
    lined = out.reshape(400, -1).max(axis=1) > 0
    # Each image is lined with probability 0.5 (seeded: 400 draws).
    assert 160 < lined.sum() < 240
    lines = out[lined]
    assert lines.min() >= 0 and lines.max() <= 1
    # At most 45 degrees from horizontal, and both ways round.
    angles = _line_angles(lines)
    assert angles.max() <= 45 + 3 and np.percentile(angles, 90) > 25
    # Long (17 to 28 pixels) and a few pixels wide, straight or zigzag (a
    # zigzag's path is up to 2.3 times the line's length: up to ~135 ink).
    length = np.array([np.ptp(np.nonzero(line > 0.3)[1]) for line in lines])
    ink = lines.reshape(len(lines), -1).sum(axis=1)
    assert length.min() >= 10 and np.all((ink > 10) & (ink < 180))


def test_stray_lines_are_added_over_the_digit(digits):
    X, _, _ = digits
    spec = RandomDistortion(shift=0, rotation=0, scale=0, stray_lines=1.0)
    out = spec.distort(X[:50], random_state=0)
    # The draws do not depend on the images: the same seed on blank images
    # gives the lines alone. Each image is its digit plus its line, clipped
    # at 1: untouched away from the line.
    lines = spec.distort(np.zeros_like(X[:50]), random_state=0)
    assert (lines.max(axis=1) > 0.5).all()
    assert np.allclose(out, np.minimum(X[:50] + lines, 1), atol=1e-6)
    assert np.array_equal(out[lines == 0], X[:50][lines == 0])


def test_blur_spreads_a_dot_by_at_most_blur_pixels():
    dot = np.zeros((200, 28, 28), dtype=np.float32)
    dot[:, 14, 14] = 1.0
    spec = RandomDistortion(shift=0, rotation=0, scale=0, blur=2.0)
    out = spec.distort(dot, random_state=0)
    # Each image's ink keeps its mass (away from the edges) and spreads as a
    # Gaussian of a width drawn from [0, 2]: its standard deviation along
    # the rows.
    assert np.allclose(out.sum(axis=(1, 2)), 1, atol=1e-4)
    rows = np.arange(28)
    spread = np.sqrt((out.sum(axis=2) * (rows - 14) ** 2).sum(axis=1))
    assert spread.max() <= 2.0 + 0.05 and spread.min() < 0.2
    assert np.median(spread) == pytest.approx(1.0, abs=0.25)


def test_noise_replaces_up_to_that_fraction_of_each_images_pixels(digits):
    X, _, _ = digits
    spec = RandomDistortion(shift=0, rotation=0, scale=0, noise=0.2)
    out = spec.distort(X[:300], random_state=0)
    changed = (out != X[:300]).mean(axis=1)
    # Each pixel with a chance drawn from [0, 0.2] per image: the fraction
    # of an image's 784 pixels is within 4 standard deviations (0.06) of
    # its chance; random levels in [0, 1].
    assert changed.max() <= 0.2 + 0.06 and changed.min() < 0.02
    assert np.mean(changed) == pytest.approx(0.1, abs=0.02)
    assert out.min() >= 0 and out.max() <= 1


def test_lines_blur_and_noise_come_after_the_distortion(digits):
    X, _, _ = digits
    spec = RandomDistortion(elastic_alpha=34)
    # Drawn after the resampling: asking for them leaves the resampled
    # images as they were (here, amounts too small to show).
    for extra in ({"stray_lines": 1e-9}, {"noise": 1e-9}, {"blur": 1e-9}):
        more = RandomDistortion(elastic_alpha=34, **extra)
        assert np.allclose(
            spec.distort(X[:20], random_state=3),
            more.distort(X[:20], random_state=3),
            atol=1e-6,
        ), extra


def test_a_distortion_pickled_before_lines_blur_and_noise_draws_none():
    # A RandomDistortion pickled before stray_lines, blur and noise existed
    # draws none.
    spec = RandomDistortion(elastic_alpha=34)
    state = dict(spec.__getstate__())
    for name in ("stray_lines", "blur", "noise"):
        del state[name]
    old = RandomDistortion.__new__(RandomDistortion)
    old.__setstate__(state)
    assert old.get_params() == spec.get_params()


def test_lines_and_noise_ask_for_pixels_in_0_1(digits):
    X, y, _ = digits
    for params in ({"stray_lines": 0.5}, {"noise": 0.1}):
        clf = MNISTDenseClassifier(**SMALL, augmentation=RandomDistortion(**params))
        with pytest.raises(ValueError, match="reach 255: scale them to"):
            clf.fit(X[:200] * 255, y[:200])
    # Blur and the affine part take any range.
    MNISTDenseClassifier(**SMALL, augmentation=RandomDistortion(blur=1.0)).fit(
        X[:200] * 255, y[:200]
    )


@pytest.mark.parametrize(
    "params, name",
    [
        ({"stray_lines": 1.5}, "stray_lines"),
        ({"noise": -0.1}, "noise"),
        ({"blur": -1}, "blur"),
    ],
)
def test_line_blur_and_noise_amounts_are_checked(params, name):
    with pytest.raises(ValueError, match=name):
        RandomDistortion(**params).distort(np.zeros((1, 784)))


def test_distortion_acts_in_fit_only(digits, numpy_forward):
    X, y, X_test = digits
    clf = MNISTDenseClassifier(**SMALL, augmentation=RandomDistortion()).fit(X, y)
    layer = DistortionLayer.from_spec(RandomDistortion(), (28, 28), seed=0)
    # At prediction time the layer is the identity...
    assert np.array_equal(np.asarray(layer(X_test, training=False)), X_test)
    proba = clf.predict_proba(X_test)
    assert np.array_equal(proba, clf.predict_proba(X_test))
    # ...so the network's output is that of its dense layers alone.
    expected = numpy_forward(clf.coefs_, clf.intercepts_, X_test)
    np.testing.assert_allclose(proba, expected, rtol=1e-4, atol=1e-6)
    # In training it changes the images.
    assert not np.allclose(np.asarray(layer(X_test, training=True)), X_test)


def test_distortion_changes_what_the_network_is_trained_on(digits):
    X, y, _ = digits
    plain = MNISTDenseClassifier(**SMALL).fit(X, y)
    identity = MNISTDenseClassifier(**SMALL, augmentation=NO_DISTORTION).fit(X, y)
    distorted = MNISTDenseClassifier(**SMALL, augmentation=RandomDistortion()).fit(X, y)
    # Same initial weights and batches: a zero distortion trains the same
    # network (up to float rounding in the compiled resampling), a real one
    # a very different one.
    same = max(np.abs(a - b).max() for a, b in zip(plain.coefs_, identity.coefs_))
    other = max(np.abs(a - b).max() for a, b in zip(plain.coefs_, distorted.coefs_))
    assert same < 1e-3 and other > 20 * same
    assert distorted.loss_ > plain.loss_  # distorted digits are harder


def test_fits_with_augmentation_are_reproducible_under_random_state(digits):
    X, y, X_test = digits
    params = dict(SMALL, augmentation=RandomDistortion(elastic_alpha=20))
    a = MNISTDenseClassifier(**params).fit(X, y)
    b = clone(MNISTDenseClassifier(**params)).fit(X, y)
    c = MNISTDenseClassifier(**{**params, "random_state": 1}).fit(X, y)
    assert np.array_equal(a.predict_proba(X_test), b.predict_proba(X_test))
    assert not np.allclose(a.coefs_[0], c.coefs_[0])


def test_augmentation_parameters_are_searchable(digits):
    X, y, _ = digits
    clf = MNISTDenseClassifier(**SMALL, augmentation=RandomDistortion())
    assert clf.get_params()["augmentation__rotation"] == 10.0
    search = GridSearchCV(clf, {"augmentation__rotation": [0.0, 20.0]}, cv=2)
    search.fit(X[:400], y[:400])
    rotations = [p["augmentation__rotation"] for p in search.cv_results_["params"]]
    assert rotations == [0.0, 20.0]
    assert clf.augmentation.rotation == 10.0  # the search cloned it


def test_model_with_augmentation_saves_and_loads(digits, tmp_path):
    X, y, X_test = digits
    spec = RandomDistortion(rotation=5.0, elastic_alpha=10.0, stray_lines=0.3)
    clf = MNISTDenseClassifier(**SMALL, augmentation=spec).fit(X, y)
    loaded = load_model(save_model(clf, tmp_path / "model"))
    assert loaded.augmentation.get_params() == spec.get_params()
    assert np.array_equal(loaded.predict_proba(X_test), clf.predict_proba(X_test))


class _RecordLearningRate(keras.callbacks.Callback):
    """Records the optimizer's learning rate at the start of every epoch."""

    # Class-level: each fit trains a deep copy of the callbacks it is given.
    rates = []

    def __init__(self):
        super().__init__()
        _RecordLearningRate.rates.clear()

    def on_epoch_begin(self, epoch, logs=None):
        rate = float(to_numpy(self.model.optimizer.learning_rate))
        _RecordLearningRate.rates.append(rate)


def _rates(clf):
    return _RecordLearningRate.rates


def test_cosine_schedule_decays_to_zero_over_the_epochs(digits):
    X, y, _ = digits
    clf = MNISTDenseClassifier(
        **{**SMALL, "epochs": 4, "batch_size": 2},
        learning_rate=0.01,
        learning_rate_schedule="cosine",
        callbacks=[_RecordLearningRate()],
    ).fit(X, y)
    # The rate is set at each call into Keras (every 128 steps and at the
    # start of each epoch; 500 steps per epoch here): at the start of epoch e
    # it lies between the rates of the start and the end of epoch e - 1.
    rates = _rates(clf)
    assert rates[0] == pytest.approx(0.01)
    for e, rate in enumerate(rates[1:], start=1):
        after = 0.005 * (1 + np.cos(np.pi * e / 4))
        before = 0.005 * (1 + np.cos(np.pi * (e - 1) / 4))
        assert after * (1 - 1e-6) <= rate <= before * (1 + 1e-6)
    assert rates == sorted(rates, reverse=True)
    # Adam's variables, as the fitted state keeps them: iterations, rate, ...
    final = float(clf.training_state_["optimizer"][1])
    assert final < 0.01 * 0.01  # the rate of the last call, step 1884 of 2000


def test_constant_schedule_and_partial_fit_keep_the_learning_rate(digits):
    X, y, _ = digits
    clf = MNISTDenseClassifier(
        **SMALL,
        learning_rate=0.01,
        learning_rate_schedule="constant",
        callbacks=[_RecordLearningRate()],
    ).fit(X, y)
    np.testing.assert_allclose(_rates(clf), [0.01, 0.01], rtol=1e-6)
    # After a cosine fit (rate near 0), partial_fit trains at learning_rate.
    clf.set_params(learning_rate_schedule="cosine").fit(X, y)
    clf.partial_fit(X, y)
    np.testing.assert_allclose(_rates(clf)[-1], 0.01, rtol=1e-6)


def test_adaptive_schedule_divides_by_5_after_two_epochs_without_progress(digits):
    X, y, _ = digits
    # tol=10: no epoch ever improves the loss by 10, so every two epochs
    # without improvement (after the first) divide the rate by 5.
    clf = MNISTDenseClassifier(
        **{**SMALL, "epochs": 6},
        learning_rate=0.01,
        learning_rate_schedule="adaptive",
        tol=10.0,
        n_iter_no_change=100,
        callbacks=[_RecordLearningRate()],
    ).fit(X, y)
    np.testing.assert_allclose(
        _rates(clf), [0.01, 0.01, 0.01, 0.002, 0.002, 0.0004], rtol=1e-5
    )


def test_best_dense_preset(digits):
    pipe = make_mnist_pipeline("best-dense", epochs=1)
    clf = pipe[-1]
    assert clf.hidden_layer_sizes == (1024, 1024) and clf.epochs == 1
    assert isinstance(clf.augmentation, RandomDistortion)
    assert clf.augmentation.elastic_alpha > 0
    # Each pipeline gets its own RandomDistortion.
    assert make_mnist_pipeline("best-dense")[-1].augmentation is not clf.augmentation
    with pytest.raises(ValueError, match=r"preset must be one of .*'best-dense'"):
        make_mnist_pipeline("best")
