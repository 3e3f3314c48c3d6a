"""Turn your own digit pictures into MNIST-style 28x28 images.

The one conversion path of pictures: ``skmnist predict``, ``skmnist serve``
and :func:`load_digit_image` call :func:`to_mnist_image`, which ends with
the preparation of the pipeline's :class:`~skmnist.DigitNormalizer`.
"""

from pathlib import Path

import numpy as np

from skmnist._preparation import _INK_LEVEL, _remove_stray_ink, prepare_digits

__all__ = ["load_digit_image", "to_mnist_image"]

# Pixels above this fraction of the peak are cropped in, with their faint edges.
_CROP_LEVEL = 0.2


def to_mnist_image(image, *, invert="auto"):
    """Convert a grayscale digit picture the way MNIST's digits were made.

    The picture is made white-on-black (MNIST's convention), its background
    level subtracted and its ink scaled to 255; stray ink is removed
    (detached parts lighter than a tenth of the heaviest); it is cropped to
    the ink and resized, with anti-aliasing, so its longer side is 20 pixels;
    and it is prepared in a 28x28 frame by the function of the
    :class:`~skmnist.DigitNormalizer` step of the default pipeline: deskewed,
    sized into a 20x20 box keeping the aspect ratio, its centre of mass at
    the centre, as LeCun et al. describe for MNIST. ``skmnist predict``, the
    server of ``skmnist serve`` and :func:`load_digit_image` all convert
    pictures here.

    Parameters
    ----------
    image : array-like of shape (height, width)
        Grayscale intensities, 0..255 (or 0..1 for float input).

    invert : "auto" or bool, default="auto"
        Invert intensities (for a dark digit on a light background).
        ``"auto"`` inverts when the picture's border is mostly light.

    Returns
    -------
    digit : ndarray of shape (28, 28), dtype uint8
        The digit, white on black, 0..255.

    Raises
    ------
    ValueError
        If the array is not 2-D or holds no digit (a blank picture).

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist.images import to_mnist_image
    >>> picture = np.full((100, 60), 255, dtype=np.uint8)  # white paper
    >>> picture[20:80, 25:35] = 0                          # a black "1"
    >>> digit = to_mnist_image(picture)
    >>> digit.shape, digit.dtype
    ((28, 28), dtype('uint8'))
    >>> int(digit[14, 13]), int(digit[14, 2])  # white stroke, black around
    (255, 0)
    """
    from PIL import Image

    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2 or min(image.shape) < 1:
        raise ValueError(
            f"Expected a 2-D grayscale image, got an array of shape {image.shape}."
        )
    if not np.all(np.isfinite(image)):
        raise ValueError("The image contains NaN or infinite values.")
    if image.max() <= 1.0:
        image = image * 255
    if invert == "auto":
        border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
        invert = float(np.median(border)) > 127
    if invert:
        image = 255 - image
    # Background to 0: subtract the typical border level (paper is not white).
    image = np.clip(image - np.percentile(image, 5), 0, None)
    peak = image.max()
    if peak < 16:
        raise ValueError("The image holds no digit: it is blank or nearly uniform.")
    image = image * (1 / peak)

    # Stray ink away, then crop to what is left of the digit.
    ink = image > _INK_LEVEL
    picture = image[None]
    # Solid regions stay: a picture may be cropped tight to a bold digit.
    ink = _remove_stray_ink(picture, ink[None], solid=False)[0]
    image = picture[0]
    if not ink.any():
        raise ValueError(
            "The image holds no digit: its only ink is solid regions touching "
            "its border."
        )
    kept = image > _CROP_LEVEL
    rows = np.flatnonzero(kept.any(axis=1))
    cols = np.flatnonzero(kept.any(axis=0))
    image = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]

    height, width = image.shape
    scale = 20 / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = Image.fromarray(np.uint8(np.rint(image * 255))).resize(size, Image.LANCZOS)
    frame = np.zeros((28, 28), dtype=np.float32)
    top, left = (28 - size[1]) // 2, (28 - size[0]) // 2
    frame[top : top + size[1], left : left + size[0]] = np.asarray(small)
    digit = prepare_digits(frame[None])[0]
    return np.clip(np.rint(digit * 255), 0, 255).astype(np.uint8)


def load_digit_image(path, *, invert="auto"):
    """Read a PNG, JPEG or other picture file as an MNIST-style digit.

    Parameters
    ----------
    path : str, path-like or binary file object
        Picture of one handwritten digit, any size, color or grayscale. A
        file object (such as :class:`io.BytesIO` holding an upload) is read
        from its current position; its ``name``, if any, names it in errors.

    invert : "auto" or bool, default="auto"
        See :func:`to_mnist_image`.

    Returns
    -------
    digit : ndarray of shape (28, 28), dtype uint8
        The digit, white on black, centred as in MNIST.

    Raises
    ------
    OSError
        If the file is missing.
    ValueError
        If the file is not an image Pillow can read, or holds no digit.

    See Also
    --------
    to_mnist_image : The conversion applied to the picture.
    """
    from PIL import Image, UnidentifiedImageError

    if hasattr(path, "read"):
        source, path = path, getattr(path, "name", "image")
    else:
        source = path = Path(path)
        if not path.is_file():
            raise OSError(f"{path}: no such file.")
    try:
        with Image.open(source) as picture:
            picture = picture.convert("RGBA") if "A" in picture.getbands() else picture
            if picture.mode == "RGBA":
                # Transparent pixels become white paper.
                background = Image.new("RGBA", picture.size, (255, 255, 255, 255))
                picture = Image.alpha_composite(background, picture)
            gray = np.asarray(picture.convert("L"))
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"{path}: not a readable image file ({exc}).") from None
    try:
        return to_mnist_image(gray, invert=invert)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
