"""PixelScaler, ImageFlattener and OneHotLabelEncoder."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from skmnist import ImageFlattener, OneHotLabelEncoder, PixelScaler

RNG = np.random.RandomState(0)
IMAGES = RNG.randint(0, 256, size=(6, 28, 28)).astype(np.uint8)


# PixelScaler -----------------------------------------------------------------


def test_pixel_scaler_maps_8bit_pixels_to_unit_interval_in_float32():
    X = IMAGES.reshape(6, -1)
    out = PixelScaler().fit_transform(X)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, X.astype(np.float32) / np.float32(255))
    scaler = PixelScaler().fit(X)
    assert (scaler.data_min_, scaler.data_max_) == (0.0, 255.0)


@pytest.mark.parametrize(
    "X, expected_range",
    [
        pytest.param(
            np.array([[0.0, 0.5], [1.0, 0.25]]), (0.0, 1.0), id="already-scaled"
        ),
        pytest.param(
            np.array([[3.0, 40.0], [7.0, 200.0]]), (0.0, 255.0), id="8-bit-float"
        ),
        pytest.param(
            np.array([[-10.0, 30.0], [990.0, 0.0]]), (-10.0, 990.0), id="min-max"
        ),
        pytest.param(np.full((3, 2), 500.0), (500.0, 501.0), id="constant"),
    ],
)
def test_pixel_scaler_auto_range(X, expected_range):
    scaler = PixelScaler().fit(X)
    assert (scaler.data_min_, scaler.data_max_) == expected_range
    out = scaler.transform(X)
    assert out.min() >= 0 and out.max() <= 1
    np.testing.assert_allclose(scaler.inverse_transform(out), X, rtol=1e-6)


def test_pixel_scaler_explicit_range_and_clip():
    X = np.array([[0.0, 100.0, 300.0]])
    np.testing.assert_allclose(
        PixelScaler(pixel_range=(0, 200)).fit_transform(X), [[0, 0.5, 1.5]]
    )
    np.testing.assert_allclose(
        PixelScaler(pixel_range=(0, 200), clip=True).fit_transform(X), [[0, 0.5, 1]]
    )
    with pytest.raises(ValueError, match="pixel_range must be 'auto' or a tuple"):
        PixelScaler(pixel_range=(5, 1)).fit(X)


def test_pixel_scaler_keeps_image_shape():
    out = PixelScaler().fit_transform(IMAGES)
    assert out.shape == IMAGES.shape
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, IMAGES / np.float32(255))


def test_pixel_scaler_copy_false_scales_float32_in_place():
    X = IMAGES.reshape(6, -1).astype(np.float32)
    out = PixelScaler(copy=False).fit(X).transform(X)
    assert np.shares_memory(out, X)
    assert X.max() <= 1
    # A read-only input is never written to.
    X = IMAGES.reshape(6, -1).astype(np.float32)
    X.flags.writeable = False
    out = PixelScaler(copy=False).fit(X).transform(X)
    assert not np.shares_memory(out, X)
    assert X.max() > 1


def test_pixel_scaler_makes_no_float64_copy_of_mnist_sized_data():
    X = np.random.RandomState(0).randint(0, 256, size=(20_000, 784)).astype(np.uint8)
    scaler = PixelScaler().fit(X)
    tracemalloc.start()
    out = scaler.transform(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    float32_bytes = X.size * 4
    assert out.dtype == np.float32
    # One float32 result; a float64 intermediate would double this.
    assert peak < 1.2 * float32_bytes


def test_pixel_scaler_feature_names_and_pandas_output():
    frame = pd.DataFrame(IMAGES.reshape(6, -1)[:, :3], columns=["a", "b", "c"])
    scaler = PixelScaler().set_output(transform="pandas").fit(frame)
    out = scaler.transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["a", "b", "c"]
    assert (out.dtypes == np.float32).all()
    np.testing.assert_array_equal(scaler.get_feature_names_out(), ["a", "b", "c"])


def test_pixel_scaler_errors():
    with pytest.raises(NotFittedError):
        PixelScaler().transform(IMAGES)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        PixelScaler().fit([[np.nan, 1.0]])
    with pytest.raises(
        ValueError, match="X has 3 features, but PixelScaler is expecting 2 features"
    ):
        PixelScaler().fit([[0, 1]]).transform([[0, 1, 2]])


# ImageFlattener --------------------------------------------------------------


def test_image_flattener_returns_a_view_in_the_input_dtype():
    flattener = ImageFlattener().fit(IMAGES)
    out = flattener.transform(IMAGES)
    assert out.shape == (6, 784)
    assert out.dtype == np.uint8
    assert np.shares_memory(out, IMAGES)
    np.testing.assert_array_equal(out[1], IMAGES[1].ravel())
    np.testing.assert_array_equal(flattener.inverse_transform(out), IMAGES)
    assert flattener.image_shape_ == (28, 28)


def test_image_flattener_channels_and_feature_names():
    images = IMAGES[:, :, :, None]
    flattener = ImageFlattener().fit(images)
    assert flattener.transform(images).shape == (6, 784)
    names = flattener.get_feature_names_out()
    assert names[0] == "pixel_0_0_0"
    assert names[29] == "pixel_1_1_0"
    assert len(names) == 784
    names = ImageFlattener().fit(IMAGES).get_feature_names_out()
    assert list(names[:2]) == ["pixel_0_0", "pixel_0_1"]
    assert names[-1] == "pixel_27_27"


def test_image_flattener_passes_2d_input_through():
    frame = pd.DataFrame(IMAGES.reshape(6, -1)[:, :4], columns=list("abcd"))
    flattener = ImageFlattener().set_output(transform="pandas").fit(frame)
    out = flattener.transform(frame)
    assert list(out.columns) == list("abcd")
    np.testing.assert_array_equal(out.to_numpy(), frame.to_numpy())


def test_image_flattener_rejects_other_image_sizes():
    flattener = ImageFlattener().fit(IMAGES)
    with pytest.raises(
        ValueError,
        match=r"X has samples of shape \(32, 32\), but "
        r"ImageFlattener was fitted on samples of shape \(28, 28\)",
    ):
        flattener.transform(np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match=r"shape \(28, 28, 3\)"):
        flattener.transform(np.zeros((2, 28, 28, 3)))
    with pytest.raises(NotFittedError):
        ImageFlattener().transform(IMAGES)


# OneHotLabelEncoder ----------------------------------------------------------


def test_one_hot_label_encoder_round_trip_with_string_labels():
    y = np.array(["cat", "dog", "cat", "emu"])
    encoder = OneHotLabelEncoder().fit(y)
    Y = encoder.transform(y)
    assert Y.dtype == np.float32
    np.testing.assert_array_equal(Y, [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(encoder.inverse_transform(Y), y)
    np.testing.assert_array_equal(
        encoder.get_feature_names_out(), ["class_cat", "class_dog", "class_emu"]
    )


def test_one_hot_label_encoder_given_classes_keep_their_order():
    encoder = OneHotLabelEncoder(classes=[9, 3, 5]).fit([3, 3])
    np.testing.assert_array_equal(encoder.transform([5, 9]), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"labels not seen during fit: \[4\]"):
        OneHotLabelEncoder(classes=[9, 3, 5]).fit([3, 4])


def test_one_hot_label_encoder_return_proba_keeps_rows():
    encoder = OneHotLabelEncoder().fit([0, 1, 2])
    proba = np.array([0.2, 0.5, 0.3], dtype=np.float32)
    assert encoder.inverse_transform(proba, return_proba=True).shape == (1, 3)
    np.testing.assert_array_equal(encoder.inverse_transform([proba]), [1])


def test_one_hot_label_encoder_pandas_output():
    encoder = OneHotLabelEncoder().set_output(transform="pandas")
    out = encoder.fit_transform(pd.Series([1, 2, 1], index=[10, 11, 12]))
    assert list(out.columns) == ["class_1", "class_2"]
    assert list(out.index) == [10, 11, 12]


@pytest.mark.parametrize(
    "y, match",
    [
        ([0.5, 1.5, 2.25], "Unknown label type"),
        ([], "y is empty"),
        ([1.0, np.nan], "NaN"),
    ],
)
def test_one_hot_label_encoder_rejects_bad_targets(y, match):
    with pytest.raises(ValueError, match=match):
        OneHotLabelEncoder().fit(y)


def test_one_hot_label_encoder_rejects_unseen_labels_and_bad_scores():
    encoder = OneHotLabelEncoder().fit([0, 1, 2])
    with pytest.raises(ValueError, match=r"labels not seen during fit: \[7\]"):
        encoder.transform([0, 7])
    with pytest.raises(ValueError, match=r"one column per class"):
        encoder.inverse_transform(np.zeros((2, 4)))
