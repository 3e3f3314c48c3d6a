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
# The margin of the frame that MNIST's digits leave blank (4 of 28 pixels);
# where the grey opening leaves more than this mean level there (a fraction
# of the brightest ink), the image has a background to remove (fog, uneven
# light). On the validation split, clean, blurred, drawn and scanned digits
# stayed below 0.02 (99.9% of each set), 83% of MNIST-C's fog above 0.05.
_MARGIN_FRACTION = 4 / 28
_MARGIN_BACKGROUND = 0.025
# Outline drawings (an edge detector's, MNIST-C's canny edges) have strokes
# of 0.8 to 1.0 pixel by _stroke_width, all their pixels 0 or 1; MNIST's
# digits have 1.1 pixels or more (99.9%) and grey edges.
_OUTLINE_WIDTH = 1.05
# An outline's hole that holds a square block of this fraction of the frame
# (5x5 pixels of 28x28) is a loop of the digit, left open; narrower holes,
# the insides of strokes (MNIST's are at most 4 pixels wide), are filled.
# On the validation split a 7x7 block did a point better on canny edges
# (benchmarks/results/robustness.md, `loops-5`), but it filled the loops of
# digits drawn with a 1-pixel pen up to 7 pixels across.
_LOOP_FRACTION = 5 / 28
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


def _running_extreme(p, size, ufunc, axis, length):
    """``ufunc`` over ``size`` consecutive entries along ``axis`` (1 or 2),
    for the first ``length`` starts: spans doubled, then two overlapping
    spans (``ufunc`` is a maximum or a minimum, so the overlap is harmless)."""

    def part(a, start, stop):
        return a[:, start:stop] if axis == 1 else a[:, :, start:stop]

    acc, span = p, 1
    while 2 * span <= size:
        extent = acc.shape[axis]
        acc = ufunc(part(acc, 0, extent - span), part(acc, span, extent))
        span *= 2
    if span == size:
        return part(acc, 0, length)
    offset = size - span
    return ufunc(part(acc, 0, length), part(acc, offset, offset + length))


def _pad(x, r, mode):
    """``np.pad(x, ((0, 0), (r, r), (r, r)), mode=mode)`` for ``"constant"``
    (zeros) and ``"edge"``, by slices: np.pad's own cost (20 us) is most of
    a window's on one image."""
    n, height, width = x.shape
    if r == 0:
        return x.copy()
    if mode == "constant":
        p = np.zeros((n, height + 2 * r, width + 2 * r), dtype=x.dtype)
        p[:, r:-r, r:-r] = x
        return p
    p = np.empty((n, height + 2 * r, width + 2 * r), dtype=x.dtype)
    p[:, r:-r, r:-r] = x
    p[:, :r, r:-r] = x[:, :1]
    p[:, -r:, r:-r] = x[:, -1:]
    p[:, :, :r] = p[:, :, r : r + 1]
    p[:, :, -r:] = p[:, :, -r - 1 : -r]
    return p


def _background_level(x):
    """Each image's ``_BACKGROUND_QUANTILE`` quantile, ``(n, 1, 1)``: bit for
    bit ``np.quantile(x, _BACKGROUND_QUANTILE, axis=(1, 2), keepdims=True)``
    on float32 images (the same partition of each image's pixels, the same
    linear interpolation), without np.quantile's 40 us of overhead."""
    n = len(x)
    count = x.shape[1] * x.shape[2]
    virtual = (count - 1) * _BACKGROUND_QUANTILE
    if virtual >= count - 1:
        return x.max(axis=(1, 2), keepdims=True)
    below = math.floor(virtual)
    gamma = virtual - below
    # NumPy's kth: both neighbours, and the first and last (for its NaN check).
    kth = sorted({0, -1, below, below + 1})
    parted = np.partition(x.reshape(n, count), kth, axis=1)
    low, high = parted[:, below], parted[:, below + 1]
    # NumPy's _lerp, with the weight a Python float (weak promotion).
    diff = high - low
    level = high - diff * (1 - gamma) if gamma >= 0.5 else low + diff * gamma
    return level.reshape(n, 1, 1)


def _window_extreme(x, size, ufunc, mode="constant"):
    """Maximum (``np.maximum``) or minimum of each image over each pixel's
    ``size`` x ``size`` window (odd size), zeros (``"constant"``) or the
    image's edge (``"edge"``) beyond it: SciPy's ``maximum_filter(x, (1, size,
    size), mode=...)``, separably and 5x faster; on booleans, an erosion or a
    dilation."""
    _, height, width = x.shape
    p = _pad(x, size // 2, mode)
    rows = _running_extreme(p, size, ufunc, 1, height)
    return _running_extreme(rows, size, ufunc, 2, width)


def _remove_stray_ink(x, ink, *, solid=True):
    """Zero the solid border regions and the light parts of each image, in place.

    ``x`` is ``(n, h, w)`` float32 with peaks 1, ``ink`` its ``x > _INK_LEVEL``.
    ``solid=False`` keeps solid regions (a picture cropped tight to a bold
    digit has one at its border). Returns the updated ink mask.
    """
    from scipy import ndimage

    _, height, width = x.shape
    planar = np.zeros((3, 3, 3), dtype=bool)
    planar[1] = True  # 8-connected within an image, never across images
    window = _local_window(height, width)
    if solid and min(height, width) >= window:
        core = _window_extreme(ink, window, np.minimum, mode="edge")
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
            region = _window_extreme(touching, window, np.maximum)
            part = x[busy]
            part[region] = 0
            x[busy] = part
            ink[busy] &= ~region
    labels, n_labels = ndimage.label(ink, structure=planar)
    if n_labels == 0:
        return ink
    # Over the ink only (labels > 0): each part's sum in the same order.
    mass = np.bincount(labels[ink], weights=x[ink], minlength=n_labels + 1)
    # Each pixel's part's mass, and each image's heaviest part.
    part_mass = mass[labels]
    heaviest = part_mass.max(axis=(1, 2), keepdims=True)
    kept = (part_mass >= _MIN_PART * heaviest) & (labels > 0)
    support = _window_extreme(kept, 3, np.maximum)
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
    # Each image is thickened or thinned (or neither): its own window only.
    for amount, ufunc in ((thicker, np.maximum), (thinner, np.minimum)):
        some = np.flatnonzero(amount)
        if len(some) == len(x):
            x += amount * (_window_extreme(x, 3, ufunc) - x)
        elif len(some):
            part = x[some]
            part += amount[some] * (_window_extreme(part, 3, ufunc) - part)
            x[some] = part
    return x


def prepare_digits(
    images,
    *,
    deskew=True,
    remove_stray_ink=True,
    stroke_width=None,
    local_background=True,
    fill_outlines=True,
):
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

    local_background : bool, default=True
        Where a background is left in the frame's margin after the quantile
        is subtracted, subtract the image's grey opening as well (see
        :func:`_subtract_local_background`).

    fill_outlines : bool, default=True
        Fill outline drawings (all pixels 0 or 1 once scaled, strokes under
        ``_OUTLINE_WIDTH`` pixels wide: an edge detector's output) into
        strokes: their narrow holes, the insides of strokes, are filled and
        the digit's loops left open (see :func:`_fill_outlines`).

    Returns
    -------
    prepared : ndarray of shape (n_images, height, width), dtype float32
        The digits in [0, 1]. A blank image (no pixel above its background)
        gives an image of zeros.
    """
    images = np.asarray(images)
    options = {
        "deskew": deskew,
        "remove_stray_ink": remove_stray_ink,
        "stroke_width": stroke_width,
        "local_background": local_background,
        "fill_outlines": fill_outlines,
    }
    if len(images) <= _CHUNK_IMAGES:
        return _prepare(images, **options)
    # Chunks whose temporaries stay in the CPU's caches: 1.8x faster.
    out = np.empty(images.shape, dtype=np.float32)
    for start in range(0, len(images), _CHUNK_IMAGES):
        stop = start + _CHUNK_IMAGES
        out[start:stop] = _prepare(images[start:stop], **options)
    return out


def _local_window(height, width):
    """The side of the solid-ink and local-background window: an odd number
    of pixels, ``_SOLID_FRACTION`` of the frame."""
    return 2 * round(_SOLID_FRACTION * min(height, width) / 2) + 1


def _loop_erosions(height, width):
    """3x3 erosions that the hole of a loop survives: it holds a block of
    ``_LOOP_FRACTION`` of the frame, ``2 * erosions + 1`` pixels square."""
    return max(1, round((_LOOP_FRACTION * min(height, width) - 1) / 2))


def _margin(height, width):
    """The frame's margin, where MNIST's digits have no ink: 4 of 28 pixels."""
    return round(_MARGIN_FRACTION * min(height, width))


def _subtract_local_background(x, present):
    """Where a background is left in the margin (fog, uneven light), the
    white top-hat: each image less its grey opening (the largest of window
    minima, the image's edge repeated beyond it), scaled to 1 again.

    The opening is what is as wide as the window (9 of 28 pixels): the
    background, solid regions, and the centre of a blot. Clean digits have
    no background in the margin; they are left as they are.
    """
    _, height, width = x.shape
    window, margin = _local_window(height, width), _margin(height, width)
    if window == 1 or margin == 0:
        return x, present
    ring = np.ones((height, width), dtype=bool)
    ring[margin:-margin, margin:-margin] = False
    level = _MARGIN_BACKGROUND * ring.sum()
    # The opening is at most the image: only images with that much ink in
    # their margin can have a background left there (4% of MNIST's digits,
    # none of which keeps one after the opening).
    candidates = np.flatnonzero((x * ring).sum(axis=(1, 2), dtype=np.float64) > level)
    if not len(candidates):
        return x, present
    part = x[candidates]
    opened = _window_extreme(
        _window_extreme(part, window, np.minimum, mode="edge"), window, np.maximum
    )
    foggy = (opened * ring).sum(axis=(1, 2), dtype=np.float64) > level
    if not foggy.any():
        return x, present
    part[foggy] -= opened[foggy]
    x[candidates] = part
    peak = x.max(axis=(1, 2), keepdims=True)
    np.divide(x, peak, out=x, where=peak > 0)
    return x, present & (peak[:, 0, 0] > 0)


def _fill_outlines(x):
    """Outline drawings filled into strokes, in place: images whose pixels
    are all 0 or 1 and whose mean stroke width is under ``_OUTLINE_WIDTH``
    (the two edges of each stroke, as an edge detector draws them). Each hole
    of such a drawing (background that no 4-connected path joins to the
    border) is filled when it is narrow, the inside of a stroke; a hole that
    holds a block of ``_LOOP_FRACTION`` of the frame (it survives
    :func:`_loop_erosions` 3x3 erosions) is a loop of the digit and stays
    open, all of it. Greyscale digits, and binary ones with strokes of a
    pixel or more, are left as they are."""
    from scipy import ndimage

    binary = np.flatnonzero(((x == 0) | (x == 1)).all(axis=(1, 2)))
    if not len(binary):
        return x
    outlines = binary[_stroke_width(x[binary]) < _OUTLINE_WIDTH]
    if len(outlines):
        edges = x[outlines] > 0
        cross = np.zeros((3, 3, 3), dtype=bool)
        cross[1] = ndimage.generate_binary_structure(2, 1)  # never across images
        holes = ndimage.binary_fill_holes(edges, structure=cross) & ~edges
        cores = holes
        for _ in range(_loop_erosions(*x.shape[1:])):
            cores = _window_extreme(cores, 3, np.minimum)
        loops = ndimage.binary_propagation(cores, structure=cross, mask=holes)
        x[outlines] = edges | (holes & ~loops)
    return x


def _prepare(
    images, *, deskew, remove_stray_ink, stroke_width, local_background, fill_outlines
):
    x = np.array(images, dtype=np.float32)
    n, height, width = x.shape
    if n == 0 or x.size == 0:
        return x
    x -= _background_level(x)
    np.maximum(x, 0, out=x)
    peak = x.max(axis=(1, 2), keepdims=True)
    present = peak[:, 0, 0] > 0
    np.divide(x, peak, out=x, where=peak > 0)
    if local_background:
        x, present = _subtract_local_background(x, present)
    if fill_outlines:
        x = _fill_outlines(x)
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
    # Moments as sums of products, not BLAS products, whose order of addition
    # depends on where an image lies in memory: an image is prepared alike
    # alone or in any batch.
    cy = (row_mass * rows).sum(axis=1) / mass
    cx = (col_mass * cols).sum(axis=1) / mass
    alpha = np.zeros(n)
    if deskew:
        var_y = (row_mass * (rows * rows)).sum(axis=1) / mass - cy * cy
        # Cast a buffer at a time: no float64 copy of the images.
        row_moments = np.einsum("nhw,w->nh", x, cols)
        cov = (row_moments * rows).sum(axis=1) / mass - cy * cx
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
    images = np.arange(n)[:, None]
    upper = padded[images, r0]
    # upper + wr * (lower - upper), in place (fewer temporaries in cache).
    mixed = padded[images, r0 + 1]
    mixed -= upper
    mixed *= wr
    mixed += upper
    src_c = np.clip(src_c, np.float32(-1.0), np.float32(width))
    src_c += np.float32(1)
    index = src_c.astype(np.intp)
    np.minimum(index, width, out=index)
    # A float32 less its integer part is exact in float32: no float64 detour.
    wc = np.subtract(src_c, index, out=src_c, dtype=np.float32)
    flat = mixed.reshape(-1)
    index += (np.arange(n * height) * (width + 2)).reshape(n, height, 1)
    left = flat.take(index)
    index += 1
    # left + wc * (right - left), in place.
    right = flat.take(index)
    right -= left
    right *= wc
    right += left
    return right
