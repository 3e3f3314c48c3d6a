"""MNIST's preparation of handwritten digits, as pure NumPy functions.

Crop to the ink, deskew, size into a 20x20 box and centre by the centre of
mass, as LeCun et al. made MNIST, vectorised over the images with NumPy and
SciPy. :func:`prepare_digits` is the one implementation: the transformer
:class:`skmnist.preprocessing.DigitNormalizer` calls it on every batch, and
:func:`skmnist.images.to_mnist_image` ends with it.
"""

import math

import numpy as np

__all__ = ["prepare_digits"]


# MNIST's preparation (LeCun et al.): the numbers below are MNIST's, written
# for a 28x28 frame and scaled with the frame for other image sizes.
#: Side of the box the digit is sized into, as a fraction of the frame (20/28).
BOX_FRACTION = 20 / 28
#: Where the centre of mass goes, as a fraction of the frame: MNIST's training
#: digits have it at (13.996, 14.007) on average, pixel centres at 0..27.
CENTRE_FRACTION = 14 / 28
# Ink, for the geometry: above this fraction of an image's brightest ink.
_INK_LEVEL = 0.35
# Background level: this quantile of an image's pixels (a digit covers less
# than a fifth of its frame, so it is the paper, even under fog or glare).
_BACKGROUND_QUANTILE = 0.2
# Connected parts of the ink lighter than this fraction of the heaviest part
# are stray ink (dots, noise, spatter), removed with their faint edges.
_MIN_PART = 0.1
# A window of this fraction of the frame (9 pixels of 28) entirely ink is no
# pen stroke; such solid regions touching the frame's border (an inverted
# band, a page edge, a shadow; the image repeated beyond its border) are
# removed with a margin of the window around them.
_SOLID_FRACTION = 9 / 28
# Largest deskewing shear (column shift per row).
_MAX_SHEAR = 1.0
# Images prepared at a time.
_CHUNK_IMAGES = 512


def _frame_shape(n_pixels, image_shape):
    """(height, width) of rows of ``n_pixels``: the given shape, else a square,
    else one row of pixels."""
    if image_shape is not None:
        return tuple(image_shape)
    side = math.isqrt(n_pixels)
    return (side, side) if side * side == n_pixels else (1, n_pixels)


def _extreme3(x, ufunc):
    """3x3 maximum (``np.maximum``) or minimum of each image, zeros outside:
    SciPy's ``maximum_filter(x, (1, 3, 3), mode="constant")``, 5x faster."""
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    rows = ufunc(ufunc(p[:, :-2], p[:, 1:-1]), p[:, 2:])
    return ufunc(ufunc(rows[:, :, :-2], rows[:, :, 1:-1]), rows[:, :, 2:])


def _window_sums(mask, size, mode):
    """Sum of ``mask`` over each pixel's ``size`` x ``size`` window (odd size),
    the image repeated (``"edge"``) or zeros (``"constant"``) beyond it."""
    r = size // 2
    p = np.pad(mask, ((0, 0), (r + 1, r), (r + 1, r)), mode=mode)
    p[:, 0] = 0
    p[:, :, 0] = 0
    c = p.astype(np.int32).cumsum(axis=1).cumsum(axis=2)
    return (
        c[:, size:, size:]
        - c[:, :-size, size:]
        - c[:, size:, :-size]
        + c[:, :-size, :-size]
    )


def _remove_stray_ink(x, ink, *, solid=True):
    """Zero the solid border regions and the light parts of each image, in place.

    ``x`` is ``(n, h, w)`` float32 with peaks 1, ``ink`` its ``x > _INK_LEVEL``.
    ``solid=False`` keeps solid regions (a picture cropped tight to a bold
    digit has one at its border). Returns the updated ink mask.
    """
    from scipy import ndimage

    n, height, width = x.shape
    planar = np.zeros((3, 3, 3), dtype=bool)
    planar[1] = True  # 8-connected within an image, never across images
    window = 2 * round(_SOLID_FRACTION * min(height, width) / 2) + 1
    if solid and min(height, width) >= window:
        core = _window_sums(ink, window, "edge") == window * window
        busy = np.flatnonzero(core.any(axis=(1, 2)))
        if len(busy):
            labels, _ = ndimage.label(core[busy], structure=planar)
            border = np.concatenate(
                [
                    labels[:, 0].ravel(),
                    labels[:, -1].ravel(),
                    labels[:, :, 0].ravel(),
                    labels[:, :, -1].ravel(),
                ]
            )
            touching = np.isin(labels, border[border > 0])
            region = _window_sums(touching, window, "constant") > 0
            part = x[busy]
            part[region] = 0
            x[busy] = part
            ink[busy] &= ~region
    labels, n_labels = ndimage.label(ink, structure=planar)
    if n_labels == 0:
        return ink
    mass = np.bincount(labels.ravel(), weights=x.ravel(), minlength=n_labels + 1)
    image_of_label = np.zeros(n_labels + 1, dtype=np.intp)
    image_of_label[labels.ravel()] = np.repeat(np.arange(n), height * width)
    heaviest = np.zeros(n)
    np.maximum.at(heaviest, image_of_label[1:], mass[1:])
    keep = mass >= _MIN_PART * heaviest[image_of_label]
    keep[0] = False
    kept = keep[labels]
    support = _extreme3(kept, np.maximum)
    x *= support
    return kept


def _stroke_width(x):
    """Mean stroke width of each image, in pixels: twice its ink over the
    length of its edges (the total variation), exact for long straight strokes."""
    edges = np.abs(np.diff(x, axis=1)).sum(axis=(1, 2), dtype=np.float64)
    edges += np.abs(np.diff(x, axis=2)).sum(axis=(1, 2), dtype=np.float64)
    mass = x.sum(axis=(1, 2), dtype=np.float64)
    return np.divide(2 * mass, edges, out=np.zeros_like(mass), where=edges > 0)


def _set_stroke_width(x, target):
    """Thicken thin strokes and thin thick ones towards ``target`` pixels: a
    blend of each image with its 3x3 grey dilation (2 pixels wider) or erosion
    (2 pixels thinner), in proportion to the difference, at most one step."""
    change = (target - _stroke_width(x)) / 2
    thicker = np.clip(change, 0, 1).astype(np.float32)[:, None, None]
    thinner = np.clip(-change, 0, 1).astype(np.float32)[:, None, None]
    if thicker.any():
        x += thicker * (_extreme3(x, np.maximum) - x)
    if thinner.any():
        x += thinner * (_extreme3(x, np.minimum) - x)
    return x


def prepare_digits(images, *, deskew=True, remove_stray_ink=True, stroke_width=None):
    """MNIST's preparation of digit images, vectorised over the images.

    Each image's background level (its 20% quantile) is subtracted and its
    brightest ink scaled to 1. With `remove_stray_ink`, solid regions that
    touch the border and parts of the ink lighter than a tenth of the
    heaviest part are removed. The digit is then deskewed (a horizontal shear
    that makes its second moments upright), sized so the longer side of its
    ink's box is 20/28 of the frame (the aspect ratio kept) and moved so its
    centre of mass is at the frame's centre (14, 14 in a 28x28 frame): one
    affine map, read bilinearly with zeros outside the image.

    Parameters
    ----------
    images : ndarray of shape (n_images, height, width)
        Grayscale digits, white (high) on black, finite, any intensity unit.

    deskew : bool, default=True
        Deskew by the second moments.

    remove_stray_ink : bool, default=True
        Remove solid border regions and light detached parts before the
        geometry is measured (and from the output).

    stroke_width : float or None, default=None
        Bring each digit's mean stroke width (twice its ink over the length
        of its edges, in pixels of the output) towards this value, by up to
        2 pixels either way. None leaves strokes as they are.

    Returns
    -------
    prepared : ndarray of shape (n_images, height, width), dtype float32
        The digits in [0, 1]. A blank image (no pixel above its background)
        gives an image of zeros.
    """
    images = np.asarray(images)
    if len(images) <= _CHUNK_IMAGES:
        return _prepare(images, deskew, remove_stray_ink, stroke_width)
    # Chunks whose temporaries stay in the CPU's caches: 1.8x faster.
    out = np.empty(images.shape, dtype=np.float32)
    for start in range(0, len(images), _CHUNK_IMAGES):
        stop = start + _CHUNK_IMAGES
        out[start:stop] = _prepare(
            images[start:stop], deskew, remove_stray_ink, stroke_width
        )
    return out


def _prepare(images, deskew, remove_stray_ink, stroke_width):
    x = np.array(images, dtype=np.float32)
    n, height, width = x.shape
    if n == 0 or x.size == 0:
        return x
    background = np.quantile(x, _BACKGROUND_QUANTILE, axis=(1, 2), keepdims=True)
    x -= background
    np.maximum(x, 0, out=x)
    peak = x.max(axis=(1, 2), keepdims=True)
    present = peak[:, 0, 0] > 0
    np.divide(x, peak, out=x, where=peak > 0)
    ink = x > _INK_LEVEL
    if remove_stray_ink:
        ink = _remove_stray_ink(x, ink)
    rows = np.arange(height, dtype=np.float64)
    cols = np.arange(width, dtype=np.float64)
    row_mass = x.sum(axis=2, dtype=np.float64)
    col_mass = x.sum(axis=1, dtype=np.float64)
    mass = row_mass.sum(axis=1)
    present &= mass > 0
    mass = np.where(present, mass, 1.0)
    cy = row_mass @ rows / mass
    cx = col_mass @ cols / mass
    alpha = np.zeros(n)
    if deskew:
        var_y = row_mass @ (rows * rows) / mass - cy * cy
        cov = (x @ cols) @ rows / mass - cy * cx  # float64, like the masses
        np.divide(cov, var_y, out=alpha, where=var_y > 1e-6)
        np.clip(alpha, -_MAX_SHEAR, _MAX_SHEAR, out=alpha)
    # The ink's box after deskewing: rows as they are, each row's first and
    # last ink columns sheared.
    inked = ink.any(axis=2)
    first = ink.argmax(axis=2)
    last = width - 1 - ink[:, :, ::-1].argmax(axis=2)
    shift = alpha[:, None] * (rows[None] - cy[:, None])
    top = np.where(inked, rows, np.inf).min(axis=1)
    bottom = np.where(inked, rows, -np.inf).max(axis=1)
    left = np.where(inked, first - shift, np.inf).min(axis=1)
    right = np.where(inked, last - shift, -np.inf).max(axis=1)
    present &= inked.any(axis=1)
    extent = np.where(present, np.maximum(bottom - top, right - left) + 1, 1.0)
    box = BOX_FRACTION * min(height, width)
    factor = np.where(present, box / extent, 1.0)
    # Output pixel (u, v) reads the input at row cy + u / factor, column
    # cx + v / factor + alpha * (that row - cy), (u, v) from the target centre.
    u = np.arange(height) - CENTRE_FRACTION * height
    v = np.arange(width) - CENTRE_FRACTION * width
    src_r = cy[:, None] + u[None] / factor[:, None]
    src_c = (cx[:, None] + alpha[:, None] * (src_r - cy[:, None]))[:, :, None] + (
        v[None] / factor[:, None]
    )[:, None, :]
    out = _bilinear(x, src_r, src_c.astype(np.float32))
    out[~present] = 0
    if stroke_width is not None:
        out = _set_stroke_width(out, stroke_width)
    return out


def _bilinear(x, src_r, src_c):
    """Images ``x`` read bilinearly, zeros outside: output pixel (i, u, v) at
    row ``src_r[i, u]`` and column ``src_c[i, u, v]``."""
    n, height, width = x.shape
    padded = np.zeros((n, height + 2, width + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = x
    # Rows first (one source row per output row), then columns.
    src_r = np.clip(src_r, -1.0, height) + 1
    r0 = np.minimum(src_r.astype(np.intp), height)
    wr = (src_r - r0).astype(np.float32)[:, :, None]
    upper = np.take_along_axis(padded, r0[:, :, None], axis=1)
    lower = np.take_along_axis(padded, r0[:, :, None] + 1, axis=1)
    mixed = upper + wr * (lower - upper)
    src_c = np.clip(src_c, np.float32(-1.0), np.float32(width)) + np.float32(1)
    c0 = np.minimum(src_c.astype(np.intp), width)
    wc = (src_c - c0).astype(np.float32)
    flat = mixed.reshape(-1)
    base = c0 + (np.arange(n * height) * (width + 2)).reshape(n, height, 1)
    left = flat.take(base)
    right = flat.take(base + 1)
    return left + wc * (right - left)
