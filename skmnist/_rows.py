"""The one path from what users pass as X to validated rows of pixels.

Images ``(n, h, w)`` or ``(n, h, w, c)``, flat rows ``(n, n_pixels)``, nested
lists and pandas DataFrames of pixel columns all become 2-D rows here, with
one call of scikit-learn's ``validate_data`` per estimator call. Images are
flattened as a view (no copy), so the only copy is the dtype conversion that
the caller asks for (none when X already has that dtype and is C-contiguous).
``n_features_in_`` is the number of pixels per image, for images and rows
alike, so an estimator fitted on images takes rows and the other way round.
"""

from numbers import Integral

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.validation import validate_data

__all__ = [
    "CHUNK_ROWS",
    "SPARSE_FORMATS",
    "as_rows",
    "check_image_shape",
    "handed_rows",
    "map_chunks",
    "pixel_values",
    "validate_rows",
]

#: The sparse formats kept as they are; scikit-learn converts others to CSR.
SPARSE_FORMATS = ("csr", "csc")
#: Rows predicted at a time: 8,192 MNIST rows are 25 MB as float32, so the
#: float copy of a chunk and its hidden activations stay small.
CHUNK_ROWS = 8192


def as_rows(X):
    """``(rows, image_shape)``: images viewed as rows, and their shape.

    ``image_shape`` is the shape of one image, e.g. ``(28, 28)``, or None for
    2-D input (arrays and DataFrames, returned unchanged). Nested lists become
    an array; ragged ones are returned as they are, for scikit-learn's error.
    """
    if not hasattr(X, "ndim") and not hasattr(X, "__array__"):
        try:
            X = np.asarray(X)
        except ValueError:
            return X, None
    if getattr(X, "ndim", 2) > 2:
        X = np.asarray(X)
        image_shape = tuple(X.shape[1:])
        # Not reshape(n, -1): NumPy cannot infer -1 for 0 images.
        return X.reshape(X.shape[0], int(np.prod(image_shape))), image_shape
    return X, None


def pixel_values(value, name):
    """``value`` as a numeric array (its own dtype) of finite intensities in 0..255.

    The check of raw pixels that users hand over outside an estimator (the
    arrays of ``skmnist predict``'s files, the JSON of ``skmnist serve``);
    the shape is left to the caller. Raises :class:`ValueError` whose message
    starts with ``name``, when ``value`` is not a non-empty rectangular array
    of numbers (booleans are not intensities), holds NaN or infinite values,
    or has a value outside 0..255.
    """
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        array = None
    if array is None or array.dtype.kind not in "iuf" or array.size == 0:
        if array is None:
            got = "ragged nested lists"
        else:
            got = f"an array of dtype {array.dtype} and shape {array.shape}"
        raise ValueError(
            f"{name} must be a non-empty rectangular array of numbers; got {got}."
        )
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if array.min() < 0 or array.max() > 255:
        raise ValueError(
            f"{name} values must lie in 0..255; got {array.min():g} to {array.max():g}."
        )
    return array


def check_image_shape(image_shape, n_pixels):
    """An estimator's ``image_shape`` parameter, checked against rows of ``n_pixels``.

    Returns ``(height, width)`` as ints; raises ValueError naming the
    parameter when it is not two positive integers or does not hold
    ``n_pixels`` pixels.
    """
    shape = tuple(image_shape)
    if len(shape) != 2 or not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in shape
    ):
        raise ValueError(
            "image_shape must be a tuple (height, width) of positive integers; "
            f"got {image_shape!r}."
        )
    if shape[0] * shape[1] != n_pixels:
        raise ValueError(
            f"image_shape={shape!r} holds {shape[0] * shape[1]} pixels, but the "
            f"images have {n_pixels}."
        )
    return int(shape[0]), int(shape[1])


def map_chunks(function, X):
    """``function`` applied to X a chunk of ``CHUNK_ROWS`` rows at a time, joined.

    For row-wise functions (predictions), the result equals ``function(X)``
    while the memory ``function`` needs is bounded by one chunk, whatever the
    size of X. DataFrames are cut by position, sparse matrices by rows (kept
    sparse).
    """
    n = X.shape[0] if hasattr(X, "shape") and len(X.shape) >= 2 else 0
    if n <= CHUNK_ROWS:
        return function(X)
    if issparse(X) and X.format not in SPARSE_FORMATS:
        X = X.tocsr()  # COO, DOK, ... cannot be cut into rows
    rows = X.iloc if hasattr(X, "iloc") else X
    return np.concatenate(
        [
            function(rows[start : start + CHUNK_ROWS])
            for start in range(0, n, CHUNK_ROWS)
        ]
    )


def validate_rows(estimator, X, y="no_validation", *, reset, **check_params):
    """Validate X (and y) for ``estimator`` as rows of pixels.

    ``validate_data(estimator, rows, y, reset=reset, **check_params)`` on the
    rows of :func:`as_rows`; with ``reset=False``, images whose pixel count is
    not ``n_features_in_`` get an error that names their shape. Returns what
    ``validate_data`` returns, and the shape of one input image (or None).
    """
    rows, image_shape = as_rows(X)
    name = type(estimator).__name__
    if image_shape is not None and rows.shape[1] == 0:
        raise ValueError(
            f"{name} got images without pixels (shape={np.shape(X)}); at least "
            "one pixel per image is required."
        )
    if not reset and image_shape is not None and hasattr(estimator, "n_features_in_"):
        n_pixels = int(np.prod(image_shape))
        if n_pixels != estimator.n_features_in_:
            raise ValueError(
                f"X has images of shape {image_shape} ({n_pixels} pixels), but "
                f"{name} is expecting "
                f"{estimator.n_features_in_} features as input."
            )
    out = validate_data(estimator, rows, y, reset=reset, **check_params)
    return out, image_shape


def handed_rows(estimator, X, *, dtype=None, finite=True):
    """``(rows, image_shape)`` of X, an array that a pipeline's earlier step
    returned, when :func:`validate_rows` would return those rows as they are
    and raise nothing; None otherwise, and the caller validates X.

    That is: a C-contiguous float ndarray (of ``dtype``, when given) of images
    or rows, with samples, ``n_features_in_`` pixels each, finite when
    ``finite`` (as scikit-learn checks), for an estimator fitted without
    feature names. Inside :class:`~skmnist.MNISTPipeline`, this skips a
    second ``validate_data`` on what the first step validated and returned
    (55 us or more per step on one image); users' input is always validated.
    """
    if (
        type(X) is not np.ndarray
        or X.ndim < 2
        or X.dtype.kind != "f"
        or (dtype is not None and X.dtype != dtype)
        or not X.flags.c_contiguous
        or X.size == 0
        or hasattr(estimator, "feature_names_in_")
    ):
        return None
    image_shape = tuple(X.shape[1:]) if X.ndim > 2 else None
    rows = X.reshape(X.shape[0], -1) if image_shape is not None else X
    if rows.shape[1] != getattr(estimator, "n_features_in_", None):
        return None
    # Any NaN or infinity makes the sum NaN or infinite; so may huge finite
    # values, which then take the full validation, as any doubt does.
    if finite:
        with np.errstate(over="ignore", invalid="ignore"):
            if not np.isfinite(rows.sum(dtype=np.float64)):
                return None
    return rows, image_shape
