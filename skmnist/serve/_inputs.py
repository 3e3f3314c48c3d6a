"""Request bodies to MNIST-style 28x28 digits, or a :class:`RequestError`.

Every check happens here, before Pillow decodes a picture or the model sees
an array, so that a bad request gets a 4xx answer that names the problem and
the server goes on serving.
"""

import io
import json

import numpy as np

from skmnist._rows import pixel_values

#: Largest request body accepted, in bytes (larger ones get 413).
MAX_BODY_BYTES = 5 * 2**20

#: Largest picture accepted, per side, in pixels (checked from the header,
#: before decoding: a small file can declare a huge image).
MAX_IMAGE_SIDE = 4096

# Picture formats Pillow may open (its other formats are not for uploads).
_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")

_JSON_FORMS = (
    'expected a JSON object {"pixels": [...]} (a 28x28 MNIST-style image, '
    'nested or 784 flat, 0..255) or {"drawing": [[...], ...]} (rows of a '
    "grayscale picture, 0..255, converted like an image file)"
)


class RequestError(Exception):
    """A bad request: its HTTP status and a message saying what was wrong."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def content_kind(content_type):
    """``"json"`` or ``"image"`` for a Content-Type header, else 415."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json":
        return "json"
    if media.startswith("image/"):
        return "image"
    raise RequestError(
        415,
        "Content-Type must be an image type (image/png, image/jpeg, ...) or "
        f"application/json; got {media or 'none'!r}.",
    )


def digit_from_image(body):
    """The MNIST-style digit in a picture file's bytes, converted as ``predict``.

    Parameters
    ----------
    body : bytes
        A PNG, JPEG, GIF, BMP, WebP or TIFF file.

    Returns
    -------
    digit : ndarray of shape (28, 28), dtype uint8
        The digit, white on black, centred as in MNIST.
    """
    from PIL import Image, UnidentifiedImageError

    from skmnist.images import load_digit_image

    if not body:
        raise RequestError(400, "The body is empty: send an image file.")
    try:
        # Reads the header only: the size is known before any decoding.
        with Image.open(io.BytesIO(body), formats=_FORMATS) as picture:
            width, height = picture.size
    except Image.DecompressionBombError as exc:
        raise RequestError(413, f"The image is too large: {exc}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise RequestError(
            400,
            "The body is not an image file Pillow can read "
            f"(accepted formats: {', '.join(_FORMATS)}).",
        ) from None
    if max(width, height) > MAX_IMAGE_SIDE:
        raise RequestError(
            413,
            f"The image is {width}x{height} pixels; at most "
            f"{MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE} are accepted.",
        )
    upload = io.BytesIO(body)
    upload.name = "the image"
    try:
        return load_digit_image(upload)
    except ValueError as exc:
        raise RequestError(422, str(exc)) from None


def digit_from_json(body):
    """The digit in a JSON body ``{"pixels": ...}`` or ``{"drawing": ...}``.

    ``pixels`` is used as it is (already MNIST-style); ``drawing`` is
    converted with :func:`~skmnist.images.to_mnist_image`, as a picture file
    is.

    Parameters
    ----------
    body : bytes
        The JSON text, UTF-8.

    Returns
    -------
    digit : ndarray of shape (28, 28), dtype uint8
        The digit, white on black.
    """
    from skmnist.images import to_mnist_image

    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise RequestError(400, f"The body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict) or len(payload) != 1:
        raise RequestError(422, f"Wrong JSON: {_JSON_FORMS}.")
    ((key, value),) = payload.items()
    if key not in ("pixels", "drawing"):
        raise RequestError(422, f"Unknown key {key!r}: {_JSON_FORMS}.")
    array = _pixel_array(value, key)
    if key == "drawing":
        if array.ndim != 2 or max(array.shape) > MAX_IMAGE_SIDE:
            raise RequestError(
                422,
                f'"drawing" must be rows of at most {MAX_IMAGE_SIDE} pixels '
                f"(a 2-D array); got shape {array.shape}.",
            )
        try:
            return to_mnist_image(array.astype(np.uint8))
        except ValueError as exc:
            raise RequestError(422, f'"drawing": {exc}') from None
    if array.shape not in ((28, 28), (784,)):
        raise RequestError(
            422,
            f'"pixels" must be 28x28 (nested) or 784 flat values; got shape '
            f"{array.shape}.",
        )
    if array.max() == array.min():
        raise RequestError(422, '"pixels" is blank: every pixel has one value.')
    return array.reshape(28, 28).astype(np.uint8)


def _pixel_array(value, key):
    """``value`` as a numeric array of pixels in 0..255, or 422 naming ``key``."""
    try:
        return pixel_values(value, f'"{key}"')
    except ValueError as exc:
        raise RequestError(422, str(exc)) from None
