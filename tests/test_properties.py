"""Property-based tests (hypothesis): the transformers and the IDX reader.

For arbitrary input, every public entry point either returns a correct result
(checked against an invariant) or raises ValueError/TypeError (OSError for
files) with one of our or scikit-learn's validation messages, naming the
problem. Never another exception type (IndexError, ZeroDivisionError, numpy's
AxisError, an overflow RuntimeWarning, which these tests turn into an error)
and never a silent NaN in the output. Each test also proves that its valid
branch ran: ``@proves_branches`` fails it when no example reached the end of
the branch that checks a result (``checked()``), so a test cannot pass on
rejections alone.

Hypothesis' example database is disabled (``database=None``): no failing
examples are stored in the repository, and the known bugs are pinned by
``@example`` and by plain tests instead. Every example of a file test gets a
fresh temporary folder (``tempfile``), because ``tmp_path`` is shared by all
the examples of one test.
"""

import functools
import gzip
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skmnist.datasets import _registry, load_mnist
from skmnist.preprocessing import ImageFlattener, OneHotLabelEncoder, PixelScaler

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    # Not ours: scikit-learn's check_array first sums X under
    # np.errstate(over="ignore") (sklearn/utils/validation.py,
    # _assert_all_finite); +inf meeting -inf in that sum warns "invalid value"
    # before the correct "Input X contains infinity" ValueError (or before
    # accepting finite data whose partial sums overflowed both ways).
    pytest.mark.filterwarnings(
        "ignore:invalid value encountered in reduce:RuntimeWarning"
    ),
    # A column-vector y is accepted with scikit-learn's DataConversionWarning.
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.DataConversionWarning"),
]

FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FILE_FUZZ = settings(FUZZ, max_examples=60)

EPS32 = float(np.finfo(np.float32).eps)
SUBNORMAL32 = float(np.finfo(np.float32).smallest_subnormal)

# Messages of scikit-learn's input validation (check_array, validate_data,
# column_or_1d, check_classification_targets) ...
SKLEARN_MESSAGES = (
    "Expected 2D array, got",
    "Found array with 0 sample(s)",
    "Found array with 0 feature(s)",
    "Found array with dim",
    "Input X contains NaN",
    "Input X contains infinity or a value too large",
    "Input y contains NaN",
    "Input y contains infinity or a value too large",
    "Input classes contains",  # assert_all_finite(classes, input_name="classes")
    "dtype='numeric' is not compatible with arrays of bytes/strings",
    # check_array converting an object array to float (sklearn's own
    # check_dtype_object expects these NumPy messages from every estimator).
    "could not convert string to float",
    "argument must be a string or a real number",
    "Complex data not supported",
    "Unknown label type",
    "y should be a 1d array",
    "Support for labels represented as bytes is not supported",
    "features, but",  # "X has 3 features, but PixelScaler is expecting 5 ..."
)
# ... and ours (skmnist/preprocessing.py, plus the messages of the fixes above).
OUR_MESSAGES = (
    "pixel_range must be 'auto' or a tuple",
    "cannot map the range",
    "images without pixels",
    "X has samples of shape",
    "X has images of shape",  # skmnist/_rows.py: images of another size
    "X has shape",
    "Y has shape",
    "y is empty",
    "y contains labels not seen during fit",
    "classes must be",
    "labels of one type",
)
KNOWN_MESSAGES = SKLEARN_MESSAGES + OUR_MESSAGES


def assert_validation_error(exc):
    """``exc`` is a ValueError/TypeError with a known validation message."""
    assert isinstance(exc, (ValueError, TypeError)), repr(exc)
    message = str(exc)
    assert any(known in message for known in KNOWN_MESSAGES), (
        f"unexpected {type(exc).__name__} message: {message!r}"
    )


# A property test either checks a result or checks the error that rejected
# its input. One whose every example was rejected would pass without checking
# a single result: @proves_branches runs all the examples of a test, then
# fails unless each named branch was reached (checked(name)) at least once.
_REACHED = Counter()


def checked(branch="result"):
    """Record that this example's ``branch`` ran to its end."""
    event(f"checked {branch}")
    _REACHED[branch] += 1


def proves_branches(*branches):
    """Fail the (hypothesis) test unless each of ``branches`` was checked."""
    branches = branches or ("result",)

    def decorate(test):
        @functools.wraps(test)
        def run(*args, **kwargs):
            _REACHED.clear()
            test(*args, **kwargs)
            missed = [b for b in branches if not _REACHED[b]]
            assert not missed, f"no example reached {missed}: {dict(_REACHED)}"

        return run

    return decorate


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

NUMERIC_DTYPES = [
    np.dtype(name)
    for name in ("uint8", "int8", "int64", "uint64", "float32", "float64", "bool")
]
OTHER_DTYPES = [np.dtype(object), np.dtype("U3")]

# Python objects an object array may hold. Integers stop at 2**64: a Python int
# beyond float64's range makes NumPy raise OverflowError inside scikit-learn's
# check_array, for every scikit-learn estimator alike (StandardScaler too).
OBJECT_ELEMENTS = st.one_of(
    st.integers(-(2**64), 2**64),
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)


def shapes(min_dims=1, max_dims=4, min_side=0):
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=4
    )


@st.composite
def arbitrary_arrays(draw, min_dims=1, max_dims=4):
    """Any dtype, 1-4 dims (sides 0-4), values incl. NaN, inf and huge ones."""
    dtype = draw(st.sampled_from(NUMERIC_DTYPES + OTHER_DTYPES))
    elements = OBJECT_ELEMENTS if dtype.kind == "O" else None
    return draw(hnp.arrays(dtype, shapes(min_dims, max_dims), elements=elements))


# Well-formed images, so that the success paths are exercised as often as the
# error paths: 8-bit pixels, stored as integers or floats.
pixel_arrays = st.builds(
    lambda a, dtype: a.astype(dtype),
    hnp.arrays(np.uint8, shapes(2, 4)),
    st.sampled_from(["uint8", "int64", "float32", "float64"]),
)

any_images = st.one_of(pixel_arrays, arbitrary_arrays())
nonempty_pixel_arrays = st.builds(
    lambda a, dtype: a.astype(dtype),
    hnp.arrays(np.uint8, shapes(2, 4, min_side=1)),
    st.sampled_from(["uint8", "int64", "float32", "float64"]),
)


def label_arrays():
    """Label-like arrays: few distinct values, mostly 1-D, any dtype."""
    small = {
        "int64": st.integers(-3, 12),
        "uint8": st.integers(0, 12),
        "float64": st.one_of(
            st.integers(-3, 12).map(float), st.floats(allow_subnormal=True)
        ),
        "bool": st.booleans(),
        "U3": st.sampled_from(["a", "b", "cat", "", "7"]),
        "object": st.one_of(
            st.sampled_from(["a", "b", "cat"]),
            st.integers(-3, 12),
            st.floats(),
            st.none(),
        ),
    }
    return st.sampled_from(sorted(small)).flatmap(
        lambda dtype: hnp.arrays(
            np.dtype(dtype),
            st.one_of(
                hnp.array_shapes(min_dims=1, max_dims=1, min_side=0, max_side=8),
                shapes(1, 4),
            ),
            elements=small[dtype],
        )
    )


def tolerance(low, high):
    """Error bound of scaling [low, high] onto [0, 1] in float32.

    The data is cast to float32 before ``low`` is subtracted, so the error is
    a few float32 ulps of the larger bound, relative to the width.
    """
    width = high - low
    return 4 * EPS32 * (1 + max(abs(low), abs(high)) / width) + 4 * SUBNORMAL32 / width


# ---------------------------------------------------------------------------
# PixelScaler
# ---------------------------------------------------------------------------


def check_scaler_output(scaler, X, Xt, clip=False):
    """Xt = scaler.fit_transform(X) is float32, finite, in [0, 1], invertible."""
    assert Xt.dtype == np.float32 and Xt.shape == X.shape
    assert np.all(np.isfinite(Xt)), "silent NaN/inf in the output"
    low, high = scaler.data_min_, scaler.data_max_
    assert low < high
    X64 = np.asarray(X, dtype=np.float64)
    tol = tolerance(low, high)
    inside = (X64 >= low) & (X64 <= high)
    if clip:
        assert np.all((Xt >= 0) & (Xt <= 1))
    if Xt.size:
        assert np.all(Xt[inside] >= -tol) and np.all(Xt[inside] <= 1 + tol)
    back = scaler.inverse_transform(Xt)
    assert back.dtype == np.float32 and back.shape == X.shape
    assert np.all(np.isfinite(back))
    if not clip:
        atol = 8 * EPS32 * max(abs(low), abs(high), high - low) + 8 * SUBNORMAL32
        np.testing.assert_allclose(back, X64, rtol=0, atol=atol)


@proves_branches()
@FUZZ
@given(X=any_images)
@example(X=np.array([[1e300, -1e300]]))
@example(X=np.zeros((3, 0, 5)))
@example(X=np.full((2, 3), 1e17))
def test_pixel_scaler_on_arbitrary_arrays(X):
    scaler = PixelScaler()
    try:
        Xt = scaler.fit_transform(X)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    check_scaler_output(scaler, X, Xt)
    # With the auto range, all of the training data lies inside it.
    tol = tolerance(scaler.data_min_, scaler.data_max_)
    assert np.all((Xt >= -tol) & (Xt <= 1 + tol))
    checked()


@proves_branches()
@FUZZ
@given(
    low=st.floats(),
    high=st.floats(),
    fractions=hnp.arrays(np.uint8, shapes(2, 3)),
    clip=st.booleans(),
)
@example(low=0.0, high=np.inf, fractions=np.full((1, 1), 255, np.uint8), clip=False)
@example(
    low=0.0, high=255.0, fractions=np.arange(6, dtype=np.uint8).reshape(2, 3), clip=True
)
def test_pixel_scaler_explicit_range(low, high, fractions, clip):
    """pixel_range=(low, high) on training data spread over [low, high]."""
    with np.errstate(over="ignore", invalid="ignore"):  # building X, not testing
        X = low + (high - low) * (fractions / 255.0)
    scaler = PixelScaler(pixel_range=(low, high), clip=clip)
    try:
        Xt = scaler.fit_transform(X)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        valid_range = low < high and np.isfinite(low) and np.isfinite(high)
        if valid_range and np.all(np.isfinite(X)) and X.size:
            # Only a range that float32 cannot represent may be refused.
            assert "float32" in str(exc)
        return
    assert (scaler.data_min_, scaler.data_max_) == (low, high)
    check_scaler_output(scaler, X, Xt, clip=clip)
    checked()


@proves_branches()
@FUZZ
@given(X_fit=nonempty_pixel_arrays, X=any_images)
def test_pixel_scaler_transform_new_data(X_fit, X):
    """Fitted on images, transform arbitrary float32-representable arrays."""
    scaler = PixelScaler().fit(X_fit)
    if X.dtype.kind == "f" and X.dtype.itemsize > 4:
        # Finite values beyond float32: see the test below.
        X = np.where(np.isfinite(X) & (np.abs(X) > 1e30), 1e30, X)
    try:
        Xt = scaler.transform(X)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    assert Xt.dtype == np.float32 and Xt.shape == X.shape
    # As many pixels per image as in fit, as images or as rows (issue 22).
    assert np.prod(X.shape[1:]) == np.prod(X_fit.shape[1:])
    assert np.all(np.isfinite(Xt))
    expected = (np.asarray(X, np.float64) - scaler.data_min_) / (
        scaler.data_max_ - scaler.data_min_
    )
    np.testing.assert_allclose(Xt, expected, rtol=4 * EPS32, atol=4 * EPS32)
    checked()


@pytest.mark.parametrize("value", [1e39, -1e300, np.finfo(np.float64).max])
def test_pixel_scaler_transform_value_beyond_float32(value):
    scaler = PixelScaler().fit(np.array([[0, 255]], dtype=np.uint8))
    with pytest.raises(ValueError, match="too large for dtype\\('float32'\\)"):
        scaler.transform(np.array([[value, 0.0]]))


@pytest.mark.parametrize(
    "X",
    [
        pytest.param(np.array([[1e300, -1e300]]), id="float64-huge"),
        pytest.param(np.array([[0.0, 1e39]]), id="beyond-float32-max"),
        pytest.param(np.array([[-3e38, 3e38]], np.float32), id="float32-width"),
        pytest.param(np.array([[-1e-320, 0.0]]), id="float32-zero-width"),
        pytest.param(np.full((2, 2), np.finfo(np.float64).max), id="constant-max"),
    ],
)
def test_pixel_scaler_rejects_range_beyond_float32(X):
    with pytest.raises(ValueError, match="float32") as excinfo:
        PixelScaler().fit(X)
    assert "cannot map the range" in str(excinfo.value)


@pytest.mark.parametrize("X", [np.full((2, 3), 1e17), np.full((1, 4), 2**60)])
def test_pixel_scaler_constant_data_maps_to_zero(X):
    scaler = PixelScaler().fit(X)
    assert scaler.data_max_ > scaler.data_min_ == float(X.flat[0])
    np.testing.assert_array_equal(scaler.transform(X), 0)


@pytest.mark.parametrize("shape", [(3, 0, 5), (2, 4, 0), (1, 2, 0, 3)])
def test_pixel_scaler_rejects_images_without_pixels(shape):
    with pytest.raises(ValueError, match="images without pixels"):
        PixelScaler().fit(np.zeros(shape))


# ---------------------------------------------------------------------------
# ImageFlattener
# ---------------------------------------------------------------------------


@proves_branches()
@FUZZ
@given(X=any_images)
def test_image_flattener_on_arbitrary_arrays(X):
    flattener = ImageFlattener()
    try:
        Xt = flattener.fit_transform(X)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    n = X.shape[0]
    assert Xt.shape == (n, int(np.prod(X.shape[1:])))
    np.testing.assert_array_equal(Xt, X.reshape(n, -1))
    if X.dtype.kind != "O":  # object arrays are validated into float64
        assert Xt.dtype == X.dtype
    back = flattener.inverse_transform(Xt)
    assert back.shape == X.shape
    np.testing.assert_array_equal(back, X)
    checked()


@proves_branches("transform", "inverse_transform")
@FUZZ
@given(X_fit=any_images, X=any_images)
# An object NaN, which is not equal to itself (found by Hypothesis in CI).
@example(X_fit=np.zeros((1, 1), np.uint8), X=np.array([[np.nan]], dtype=object))
# Rows, so that X can be transformed and inverse-transformed (both branches).
@example(X_fit=np.zeros((2, 4), np.uint8), X=np.arange(4, dtype=np.uint8)[None])
def test_image_flattener_transform_and_inverse_other_arrays(X_fit, X):
    try:
        flattener = ImageFlattener().fit(X_fit)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    try:
        Xt = flattener.transform(X)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
    else:
        assert X.shape[1:] == X_fit.shape[1:]
        np.testing.assert_array_equal(Xt, X.reshape(X.shape[0], -1))
        checked("transform")
    try:
        images = flattener.inverse_transform(X)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
    else:
        assert images.shape == (X.shape[0], *X_fit.shape[1:])
        restored = images.reshape(X.shape)
        if X.dtype.kind == "O":
            # A reshape of X itself: the same objects, NaN included (which
            # assert_array_equal, comparing objects with ==, calls unequal).
            assert all(a is b for a, b in zip(restored.flat, X.flat))
        else:
            np.testing.assert_array_equal(restored, X)
        checked("inverse_transform")


# ---------------------------------------------------------------------------
# OneHotLabelEncoder
# ---------------------------------------------------------------------------


def check_one_hot(encoder, y, Y):
    y = y.ravel()
    assert Y.dtype == np.float32 and Y.shape == (len(y), len(encoder.classes_))
    assert set(np.unique(Y)) <= {0.0, 1.0}
    np.testing.assert_array_equal(Y.sum(axis=1), 1)
    back = encoder.inverse_transform(Y)
    assert back.shape == y.shape
    assert np.all(back == y), (back, y)


@proves_branches()
@FUZZ
@given(y=st.one_of(label_arrays(), arbitrary_arrays()))
@example(y=np.array([1.0, np.nan]))
@example(y=np.array(["a", 1], dtype=object))
def test_one_hot_label_encoder_on_arbitrary_labels(y):
    encoder = OneHotLabelEncoder()
    try:
        Y = encoder.fit_transform(y)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    np.testing.assert_array_equal(encoder.classes_, np.unique(y))
    check_one_hot(encoder, y, Y)
    checked()


@proves_branches()
@FUZZ
@given(y_fit=label_arrays(), y=label_arrays())
@example(y_fit=np.array([1, 2]), y=np.array([np.nan]))
@example(y_fit=np.array([False, True]), y=np.array(["a"], dtype=object))
def test_one_hot_label_encoder_transform_other_labels(y_fit, y):
    try:
        encoder = OneHotLabelEncoder().fit(y_fit)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    try:
        Y = encoder.transform(y)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    check_one_hot(encoder, y, Y)
    checked()


@proves_branches()
@FUZZ
@given(
    classes=st.one_of(label_arrays(), st.lists(st.integers(0, 5), max_size=4)),
    y=label_arrays(),
)
@example(classes=[], y=np.array([1]))
@example(classes=np.array([np.nan, 1.0]), y=np.array([1]))
@example(classes=[0, 1, 2], y=np.array([2, 0, 1]))
def test_one_hot_label_encoder_given_classes(classes, y):
    encoder = OneHotLabelEncoder(classes=classes)
    try:
        Y = encoder.fit_transform(y)
    except (ValueError, TypeError) as exc:
        assert_validation_error(exc)
        return
    np.testing.assert_array_equal(encoder.classes_, np.asarray(classes))
    check_one_hot(encoder, y, Y)
    checked()


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_one_hot_label_encoder_non_finite_label(value):
    with pytest.raises(ValueError, match="Input y contains"):
        OneHotLabelEncoder().fit(np.array([1.0, value, 2.0]))


@pytest.mark.parametrize(
    "y", [["a", 1], ["a", None], ["a", 2.5], ["a", np.nan]], ids=repr
)
def test_one_hot_label_encoder_mixed_label_types(y):
    with pytest.raises(TypeError, match="labels of one type"):
        OneHotLabelEncoder().fit(np.array(y, dtype=object))


@pytest.mark.parametrize("y_fit", [[False, True], [1, 2], [1.0, 2.0]], ids=repr)
def test_one_hot_label_encoder_transform_uncomparable_labels(y_fit):
    encoder = OneHotLabelEncoder().fit(np.array(y_fit))
    with pytest.raises(ValueError, match=r"labels not seen during fit: \['a'\]"):
        encoder.transform(np.array(["a"], dtype=object))


def test_one_hot_label_encoder_empty_classes():
    with pytest.raises(ValueError, match="classes must be a non-empty"):
        OneHotLabelEncoder(classes=[]).fit([1, 2])


# ---------------------------------------------------------------------------
# IDX reader: arbitrary bytes, then structured headers
# ---------------------------------------------------------------------------

STEMS = [stem for pair in _registry._MNIST_STEMS.values() for stem in pair]
IMAGES_STEM, LABELS_STEM = _registry._MNIST_STEMS["train"]


def idx_bytes(magic, count, *dims_and_body):
    *dims, body = dims_and_body
    return np.array([magic, count, *dims], dtype=">i4").tobytes() + body


def valid_file(stem, n=2):
    """Bytes of a valid gzipped IDX file for ``stem`` with ``n`` items."""
    if "images" in stem:
        pixels = (np.arange(n * 784) % 256).astype(np.uint8)
        content = idx_bytes(2051, n, 28, 28, pixels.tobytes())
    else:
        content = idx_bytes(2049, n, np.arange(n, dtype=np.uint8).tobytes())
    return gzip.compress(content)


def random_content():
    """Random bytes, sometimes after a valid IDX magic number (to go deeper)."""
    magic_prefix = st.sampled_from(
        [b"", b"\x00\x00\x08\x03", b"\x00\x00\x08\x01", b"\x1f\x8b"]
    )
    return st.builds(bytes.__add__, magic_prefix, st.binary(max_size=64))


# How each standard file is written: valid, gzip of random bytes under the
# .gz name, random bytes under the .gz name, random bytes uncompressed.
FILE_MODES = st.sampled_from(["valid", "gzip", "raw_gz_name", "raw"])


@proves_branches()
@FILE_FUZZ
@given(
    modes=st.lists(FILE_MODES, min_size=4, max_size=4).filter(
        lambda modes: modes != ["valid"] * 4
    ),
    contents=st.lists(random_content(), min_size=4, max_size=4),
)
# Bytes that happen to be valid IDX files, gzipped and uncompressed.
@example(
    modes=["gzip", "raw", "valid", "valid"],
    contents=[gzip.decompress(valid_file(stem)) for stem in STEMS[:2]] + [b"", b""],
)
def test_idx_reader_on_arbitrary_bytes(modes, contents):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fuzzed = []
        for stem, mode, content in zip(STEMS, modes, contents):
            if mode == "valid":
                (folder / f"{stem}.gz").write_bytes(valid_file(stem))
                continue
            path = folder / (stem if mode == "raw" else f"{stem}.gz")
            path.write_bytes(gzip.compress(content) if mode == "gzip" else content)
            fuzzed.append(path)
        try:
            bunch = load_mnist("all", data_home=folder, download=False)
        except (ValueError, OSError) as exc:
            message = str(exc)
            assert any(str(path) in message for path in fuzzed), message
            return
    # Only possible when the random bytes happen to be valid IDX files.
    assert bunch.data.dtype == np.uint8 and bunch.data.shape[1] == 784
    assert bunch.target.shape == (bunch.data.shape[0],)
    assert bunch.target.max(initial=0) <= 9
    checked()


INT32 = st.integers(-(2**31), 2**31 - 1)


def expected_body_problem(count, item_size, body_size):
    expected = count * item_size
    if body_size < expected:
        return "(truncated)"
    if body_size > expected:
        return "(unexpected trailing data)"
    return None


@proves_branches()
@FILE_FUZZ
@given(
    magic=st.one_of(st.just(2051), INT32),
    count=st.one_of(st.integers(0, 3), INT32),
    rows=st.one_of(st.just(28), INT32),
    cols=st.one_of(st.just(28), INT32),
    header_size=st.one_of(st.just(16), st.integers(0, 15)),
    body_delta=st.one_of(st.just(0), st.integers(-800, 800)),
    labels_match=st.booleans(),
    compress=st.booleans(),
)
@example(
    magic=2051,
    count=2,
    rows=28,
    cols=28,
    header_size=16,
    body_delta=0,
    labels_match=True,
    compress=True,
)
def test_idx_images_header_fuzz(
    magic, count, rows, cols, header_size, body_delta, labels_match, compress
):
    """Images file with random header fields: the error names file and problem."""
    n_body = max(0, min(count, 3) * 784 + body_delta)
    content = idx_bytes(magic, count, rows, cols, b"")[:header_size]
    content += bytes(n_body) if header_size == 16 else b""
    # The labels file is valid, announcing `count` labels when labels_match.
    n_labels = count if labels_match and count >= 0 else 2
    labels = np.zeros(min(max(n_labels, 0), 3), np.uint8).tobytes()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        images_path = folder / (f"{IMAGES_STEM}.gz" if compress else IMAGES_STEM)
        images_path.write_bytes(gzip.compress(content) if compress else content)
        labels_path = folder / f"{LABELS_STEM}.gz"
        labels_path.write_bytes(gzip.compress(idx_bytes(2049, n_labels, labels)))
        culprit = images_path  # the file the error must name
        if header_size < 16:
            problems = ["too short for an IDX images header"]
        elif magic != 2051:
            problems = [f"bad magic number {magic}, expected 2051"]
        elif count < 0:
            problems = [f"negative item count {count}"]
        elif (rows, cols) != (28, 28):
            problems = [f"images are {rows}x{cols} pixels, expected 28x28"]
        elif count != n_labels:
            problems = [f"holds {count} images but"]
        else:
            problem = expected_body_problem(count, 784, n_body)
            problems = [problem] if problem else []
            if count * 784 > 2**30:  # allocation may fail before reading
                problems.append("more than fit in memory")
            if problem is None and len(labels) < count:
                problems = ["(truncated)"]  # the labels file is short
                culprit = labels_path
        try:
            bunch = load_mnist(data_home=folder, download=False)
        except ValueError as exc:
            message = str(exc)
            assert problems, f"valid files refused: {message}"
            assert str(culprit) in message, message
            assert any(problem in message for problem in problems), (problems, message)
            return
    assert not problems, f"expected an error about {problems}"
    assert bunch.data.shape == (count, 784)
    np.testing.assert_array_equal(bunch.data, 0)
    checked()


@proves_branches()
@FILE_FUZZ
@given(
    magic=st.one_of(st.just(2049), INT32),
    count=st.one_of(st.integers(0, 4), INT32),
    header_size=st.one_of(st.just(8), st.integers(0, 7)),
    body=st.binary(max_size=8),
    compress=st.booleans(),
)
@example(magic=2049, count=2, header_size=8, body=b"\x03\x07", compress=False)
def test_idx_labels_header_fuzz(magic, count, header_size, body, compress):
    """Labels file with random header fields and body, next to 2 valid images."""
    content = idx_bytes(magic, count, b"")[:header_size]
    content += body if header_size == 8 else b""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"{IMAGES_STEM}.gz").write_bytes(valid_file(IMAGES_STEM, n=2))
        labels_path = folder / (f"{LABELS_STEM}.gz" if compress else LABELS_STEM)
        labels_path.write_bytes(gzip.compress(content) if compress else content)
        if header_size < 8:
            problem = "too short for an IDX labels header"
        elif magic != 2049:
            problem = f"bad magic number {magic}, expected 2049"
        elif count < 0:
            problem = f"negative item count {count}"
        elif count != 2:
            problem = "holds 2 images but"
        else:
            problem = expected_body_problem(2, 1, len(body))
            if problem is None and max(body) > 9:
                problem = "labels must be in 0..9"
        try:
            bunch = load_mnist(data_home=folder, download=False)
        except ValueError as exc:
            message = str(exc)
            assert problem is not None, f"valid files refused: {message}"
            assert str(labels_path) in message and problem in message, message
            return
    assert problem is None, f"expected an error about {problem!r}"
    np.testing.assert_array_equal(bunch.target, np.frombuffer(body, np.uint8))
    checked()
