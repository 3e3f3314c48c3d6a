"""DigitNormalizer and prepare_digits: MNIST's preparation of digits (issue 31)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skmnist import DigitNormalizer
from skmnist._preparation import prepare_digits

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture(scope="module")
def digits(mnist):
    """200 test digits whose ink keeps 4 pixels from every border."""
    _, test = mnist
    images = test.images[:400]
    margin = np.zeros((28, 28), dtype=bool)
    margin[4:-4, 4:-4] = True
    inside = ~(images[:, ~margin] > 0).any(axis=1)
    return images[inside][:200]


def _centre_of_mass(images):
    grid = np.arange(images.shape[-1])
    mass = images.sum(axis=(1, 2))
    return (
        (images.sum(axis=2) @ grid) / mass,
        (images.sum(axis=1) @ grid) / mass,
    )


def test_output_is_centred_boxed_and_in_the_unit_interval(digits):
    prepared = prepare_digits(digits)
    assert prepared.dtype == np.float32 and prepared.shape == digits.shape
    assert prepared.min() >= 0 and prepared.max() <= 1
    cy, cx = _centre_of_mass(prepared)
    np.testing.assert_allclose(cy, 14, atol=0.3)
    np.testing.assert_allclose(cx, 14, atol=0.3)
    ink = prepared > 0.35
    height = ink.any(axis=2).sum(axis=1)
    width = ink.any(axis=1).sum(axis=1)
    assert np.all(np.abs(np.maximum(height, width) - 20) <= 1)


@settings(deadline=None, max_examples=20)
@given(dy=st.integers(-3, 3), dx=st.integers(-3, 3))
def test_a_shifted_digit_gives_the_same_output(digits, dy, dx):
    shifted = np.roll(digits, (dy, dx), axis=(1, 2))  # the ink stays inside
    np.testing.assert_allclose(
        prepare_digits(shifted), prepare_digits(digits), atol=1e-4
    )


def test_a_shift_by_a_fraction_of_a_pixel_moves_the_output_by_less_than_one(digits):
    # A sub-pixel shift (bilinear) changes the digit's sampling, not its place.
    from scipy import ndimage

    shifted = ndimage.shift(digits.astype(np.float32), (0, 0.5, 0.5), order=1)
    before, after = prepare_digits(digits), prepare_digits(shifted)
    for a, b in zip(_centre_of_mass(before), _centre_of_mass(after)):
        assert np.max(np.abs(a - b)) < 1


def test_a_prepared_digit_is_a_fixed_point(digits):
    once = prepare_digits(digits)
    twice = prepare_digits(once)
    assert np.mean(np.abs(twice - once)) < 0.02
    for a, b in zip(_centre_of_mass(once), _centre_of_mass(twice)):
        assert np.max(np.abs(a - b)) < 0.5


def test_deskewing_makes_the_second_moments_upright(digits):
    prepared = prepare_digits(digits)
    grid = np.arange(28.0)
    cy, cx = _centre_of_mass(prepared)
    dy = grid[None, :, None] - cy[:, None, None]
    dx = grid[None, None, :] - cx[:, None, None]
    cov = (prepared * dy * dx).sum(axis=(1, 2)) / prepared.sum(axis=(1, 2))
    var = (prepared * dy * dy).sum(axis=(1, 2)) / prepared.sum(axis=(1, 2))
    raw = prepare_digits(digits, deskew=False)
    cov_raw = (raw * dy * dx).sum(axis=(1, 2)) / raw.sum(axis=(1, 2))
    assert np.median(np.abs(cov / var)) < 0.1 < np.median(np.abs(cov_raw / var))


def test_stray_ink_does_not_throw_the_box_off(digits):
    clean = prepare_digits(digits)
    # MNIST-C's stripe: the outer seven columns inverted.
    striped = digits.copy()
    striped[:, :, :7] = 255 - striped[:, :, :7]
    striped[:, :, 21:] = 255 - striped[:, :, 21:]
    # Detached dots along a row, and salt noise.
    dotted = digits.copy()
    dotted[:, 1, ::4] = 255
    rng = np.random.RandomState(0)
    salted = np.where(rng.random_sample(digits.shape) < 0.03, 255, digits)
    for corrupted, tolerance in ((dotted, 0.02), (salted, 0.05), (striped, 0.2)):
        out = prepare_digits(corrupted.astype(np.uint8))
        for a, b in zip(_centre_of_mass(out), _centre_of_mass(clean)):
            assert np.median(np.abs(a - b)) < 0.5
        assert np.mean(np.abs(out - clean)) < tolerance


def test_a_background_left_in_the_margin_is_removed(digits):
    # Fog or uneven light: a ramp from 8% to 86% of the ink's level across
    # the frame, the digits' own ink dimmed to 70%.
    ramp = np.add.outer(np.linspace(0, 1, 28), np.linspace(0, 1, 28)) / 2
    fogged = np.clip(digits * 0.7 + 20 + 200 * ramp, 0, 255)
    clean = prepare_digits(digits, local_background=True)
    local = prepare_digits(fogged, local_background=True)
    global_only = prepare_digits(fogged, local_background=False)
    error = np.mean(np.abs(local - clean))
    assert error < 0.05 and np.mean(np.abs(global_only - clean)) > 2 * error
    for a, b in zip(_centre_of_mass(local), _centre_of_mass(clean)):
        assert np.median(np.abs(a - b)) < 0.5


def test_an_image_is_prepared_alike_alone_and_in_any_batch():
    # The moments are summed in a fixed order, never by BLAS, whose order
    # depends on where an image lies in memory.
    rng = np.random.default_rng(0)
    images = np.exp(rng.normal(0, 6, (300, 28, 28))).astype(np.float32)
    batch = prepare_digits(images, stroke_width=2.0)
    for i in range(300):
        alone = prepare_digits(images[i : i + 1], stroke_width=2.0)
        np.testing.assert_array_equal(alone[0], batch[i])


def test_outline_drawings_are_filled_into_strokes(digits, outline_drawings):
    outlines_of, _ = outline_drawings
    solid = prepare_digits((digits > 100).astype(np.uint8) * 255)
    outlines = outlines_of(digits)
    filled = prepare_digits(outlines)
    as_drawn = prepare_digits(outlines, fill_outlines=False)
    changed = np.array([not np.array_equal(a, b) for a, b in zip(filled, as_drawn)])
    assert changed.mean() > 0.8  # the others' edges are a pixel or more wide
    error = np.mean(np.abs(filled - solid)[changed])
    assert error < 0.04 and np.mean(np.abs(as_drawn - solid)[changed]) > 2 * error


def test_an_outlined_ring_is_filled_but_its_loop_stays_open(outline_drawings):
    # A "0" of strokes 6 pixels wide drawn as its edges: the inside of the
    # stroke (4 pixels between the edges, too wide for a closing) is filled,
    # the loop is not.
    outlines_of, ring = outline_drawings
    solid = ring(4.5, 10.5)[None]
    outline = outlines_of(solid)
    assert (outline[0] > 0).sum() < 0.7 * (solid[0] > 0).sum()
    filled = prepare_digits(outline, deskew=False)
    expected = prepare_digits(solid, deskew=False)
    np.testing.assert_array_equal(filled, expected)
    assert filled[0, 14, 14] == 0 and filled[0, 14, 14 + 6] > 0.9


def test_the_loops_of_a_digit_drawn_with_a_one_pixel_pen_stay_open(outline_drawings):
    # An "8" of closed strokes a pixel wide looks like an outline drawing,
    # but its loops (7 and 9 pixels across inside, holding a 5x5 block but
    # not the upper one a 7x7) are loops, not the insides of strokes.
    outlines_of, ring = outline_drawings
    upper = outlines_of(np.roll(ring(0, 4.5), -5, axis=0)[None])
    lower = outlines_of(np.roll(ring(0, 5.5), 5, axis=0)[None])
    eight = upper | lower
    np.testing.assert_array_equal(
        prepare_digits(eight), prepare_digits(eight, fill_outlines=False)
    )


def test_clean_digits_are_left_as_they_are(mnist):
    # No background in the margin and grey edges: neither the local
    # background step nor the filling of outlines touches the digit.
    _, test = mnist
    images = test.images[:2000]
    np.testing.assert_array_equal(
        prepare_digits(images),
        prepare_digits(images, local_background=False, fill_outlines=False),
    )


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((28, 28)),
        np.full((28, 28), 255.0),
        np.full((28, 28), 0.5),
    ],
    ids=["black", "white", "gray"],
)
def test_blank_images_give_zeros(image):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = DigitNormalizer().fit_transform(image[None])
    np.testing.assert_array_equal(out, np.zeros((1, 28, 28), dtype=np.float32))


def test_a_single_dot_is_centred():
    image = np.zeros((1, 28, 28))
    image[0, 3, 25] = 255
    out = DigitNormalizer().fit_transform(image)
    assert np.isfinite(out).all() and out.max() <= 1
    cy, cx = _centre_of_mass(out)
    assert abs(cy[0] - 14) < 0.5 and abs(cx[0] - 14) < 0.5


@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 1, 1000), (1, 3, 5), (1, 100, 100)])
def test_any_image_size_is_defined(shape):
    rng = np.random.RandomState(0)
    X = rng.randint(0, 256, size=shape).astype(np.uint8)
    out = DigitNormalizer().fit_transform(X)
    assert out.shape == shape and np.isfinite(out).all()


def test_non_finite_pixels_raise_a_clear_error():
    X = np.zeros((1, 28, 28))
    X[0, 3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        DigitNormalizer().fit(X)
    normalizer = DigitNormalizer().fit(np.zeros((1, 28, 28)))
    with pytest.raises(ValueError, match="NaN"):
        normalizer.transform(X)


def test_rows_and_images_give_the_same_output(digits):
    normalizer = DigitNormalizer().fit(digits)
    rows = normalizer.transform(digits.reshape(len(digits), -1))
    assert rows.shape == (len(digits), 784)
    images = normalizer.transform(digits)
    np.testing.assert_array_equal(rows.reshape(digits.shape), images)


def test_image_shape_reads_rows_of_rectangular_images():
    X = np.zeros((1, 4 * 7))
    X[0, 10] = 1
    out = DigitNormalizer(image_shape=(4, 7)).fit_transform(X)
    assert out.shape == (1, 28)
    with pytest.raises(ValueError, match="image_shape"):
        DigitNormalizer(image_shape=(5, 7)).fit(X)
    with pytest.raises(ValueError, match="grayscale"):
        DigitNormalizer().fit(np.zeros((1, 4, 4, 3)))


def test_to_mnist_image_ends_with_the_same_preparation(digits):
    from PIL import Image

    from skmnist.images import to_mnist_image

    # A digit as a big picture, black on white: converted, then prepared again
    # by the pipeline's step, it stays where to_mnist_image put it.
    picture = 255 - np.asarray(Image.fromarray(digits[0]).resize((280, 280)))
    converted = to_mnist_image(picture)
    again = prepare_digits(converted[None].astype(np.float32))[0]
    assert np.mean(np.abs(again - converted / 255)) < 0.02


def test_stroke_width_brings_thin_and_thick_strokes_together(digits):
    from scipy import ndimage

    from skmnist._preparation import _stroke_width

    thin = prepare_digits(digits)
    thick = ndimage.grey_dilation(thin, size=(1, 3, 3))
    before = _stroke_width(thick) - _stroke_width(thin)
    after = _stroke_width(prepare_digits(thick, stroke_width=2.0)) - _stroke_width(
        prepare_digits(thin, stroke_width=2.0)
    )
    assert np.median(np.abs(after)) < 0.5 * np.median(np.abs(before))
    widths = _stroke_width(prepare_digits(thick, stroke_width=2.0))
    assert abs(np.median(widths) - 2.0) < 0.5  # from 3.97
    with pytest.raises(ValueError, match="stroke_width"):
        DigitNormalizer(stroke_width=0).fit(digits)


@settings(deadline=None, max_examples=60)
@given(
    images=st.integers(1, 3).flatmap(
        lambda n: st.tuples(st.integers(1, 12), st.integers(1, 12)).flatmap(
            lambda hw: st.lists(
                st.floats(-1e6, 1e6, allow_nan=False, width=32),
                min_size=n * hw[0] * hw[1],
                max_size=n * hw[0] * hw[1],
            ).map(lambda v: np.asarray(v, dtype=np.float32).reshape(n, *hw))
        )
    )
)
def test_any_finite_images_give_finite_output_in_the_unit_interval(images):
    # No NumPy warning (the module turns RuntimeWarning into errors), no NaN.
    out = DigitNormalizer().fit_transform(images)
    assert out.shape == images.shape and out.dtype == np.float32
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize(
    "picture, error",
    [
        (np.zeros((1, 1)), "no digit"),
        (np.full((40, 40), 255), "no digit"),
        (np.full((40, 40), np.nan), "NaN"),
        (np.zeros((2, 3, 4)), "2-D"),
    ],
    ids=["1x1", "all-white", "nan", "3-d"],
)
def test_to_mnist_image_bad_pictures_raise_clear_errors(picture, error):
    from skmnist.images import to_mnist_image

    with pytest.raises(ValueError, match=error):
        to_mnist_image(picture)


def test_to_mnist_image_on_a_dot_and_a_large_noisy_picture():
    from skmnist.images import to_mnist_image

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dot = np.full((50, 50), 255, dtype=np.uint8)
        dot[10, 40] = 0
        digit = to_mnist_image(dot)
        assert digit.shape == (28, 28) and digit.max() == 255
        rng = np.random.RandomState(0)
        paper = rng.randint(200, 256, size=(1000, 1000)).astype(np.uint8)
        paper[300:700, 480:520] = 20  # a "1" on noisy paper
        one = to_mnist_image(paper)
    rows = np.flatnonzero(one.max(axis=1) > 127)
    assert 18 <= rows.max() - rows.min() + 1 <= 21  # the 1, 20 pixels high
