"""Reading your own digit pictures the MNIST way."""

import numpy as np
import pytest
from PIL import Image

from skmnist.images import load_digit_image, to_mnist_image


def _paper_digit(digit, size=140):
    """An MNIST digit as a dark-on-light picture, upscaled, like a scan."""
    picture = Image.fromarray(255 - digit).resize((size, size), Image.BILINEAR)
    return np.asarray(picture)


def test_conversion_recovers_mnist_digits(mnist):
    _, test = mnist
    correlations = []
    for digit in test.images[:40]:
        converted = to_mnist_image(_paper_digit(digit))
        correlations.append(
            np.corrcoef(converted.ravel().astype(float), digit.ravel().astype(float))[
                0, 1
            ]
        )
    assert np.median(correlations) > 0.8


def test_digit_is_centred_by_mass_and_fits_20_pixels():
    picture = np.full((300, 120), 240, dtype=np.uint8)  # grey paper
    picture[30:270, 40:80] = 10  # a tall dark bar, off centre
    digit = to_mnist_image(picture)
    assert digit.dtype == np.uint8 and digit.shape == (28, 28)
    rows = np.flatnonzero(digit.max(axis=1) > 0)
    assert 19 <= rows[-1] - rows[0] + 1 <= 22
    ys, xs = np.indices(digit.shape)
    mass = digit.astype(float).sum()
    assert abs((ys * digit).sum() / mass - 13.5) < 0.6
    assert abs((xs * digit).sum() / mass - 13.5) < 0.6


def test_light_on_dark_pictures_are_not_inverted():
    picture = np.zeros((50, 50), dtype=np.uint8)
    picture[10:40, 22:28] = 255
    digit = to_mnist_image(picture)
    assert digit[14, 13] > 200 and digit[0, 0] == 0
    np.testing.assert_array_equal(digit, to_mnist_image(255 - picture, invert=True))


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_load_digit_image_reads_png_and_jpeg(tmp_path, mnist, mode):
    _, test = mnist
    paper = _paper_digit(test.images[1])
    expected = to_mnist_image(paper)
    picture = Image.fromarray(paper).convert(mode)
    picture.save(tmp_path / "digit.png")
    # PNG is lossless: exactly the conversion of the array.
    np.testing.assert_array_equal(load_digit_image(tmp_path / "digit.png"), expected)
    if mode != "RGBA":
        picture.save(tmp_path / "digit.jpg", quality=90)
        digit = load_digit_image(tmp_path / "digit.jpg")
        corr = np.corrcoef(digit.ravel().astype(float), expected.ravel().astype(float))
        assert corr[0, 1] > 0.95


def test_bad_pictures_get_clear_errors(tmp_path):
    with pytest.raises(OSError, match="no such file"):
        load_digit_image(tmp_path / "missing.png")
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(ValueError, match="notes.png: not a readable image file"):
        load_digit_image(tmp_path / "notes.png")
    Image.new("L", (40, 40), 255).save(tmp_path / "blank.png")
    with pytest.raises(ValueError, match="blank.png: The image holds no digit"):
        load_digit_image(tmp_path / "blank.png")
    with pytest.raises(ValueError, match="Expected a 2-D grayscale image"):
        to_mnist_image(np.zeros((3, 4, 5)))
