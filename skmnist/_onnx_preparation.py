"""MNIST's preparation of digits as ONNX operators.

The ONNX graph of :func:`skmnist._preparation.prepare_digits`, step by step
and in its floating-point order, so that onnxruntime gives the same prepared
digits as NumPy (the same float32 operations where NumPy uses float32,
float64 where it accumulates in float64): bit for bit on 8-bit pictures,
whose float64 sums are exact; within float32 rounding on floats of any
range, whose sums the two libraries add in another order. Its non-local
steps, connected parts of the ink, solid regions reaching the border and the
holes of an outline drawing, are label propagations: a 3x3 ``MaxPool`` (for
the holes, 4-connected: a 3x1 and a 1x3 one) inside a ``Loop`` until nothing
changes. The warp is two ``GatherElements`` (a source row per output row,
then a source column per pixel), read bilinearly like
``_preparation._bilinear``.

:func:`preparation_graph` only writes nodes through the two callables it is
given, so it knows nothing of skl2onnx; :mod:`skmnist.onnx` registers it as
the converter of :class:`~skmnist.DigitNormalizer`. Reductions take their
axes as inputs: the graph needs opset 18 or later.
"""

import math

import numpy as np
from onnx import TensorProto, helper

from skmnist._preparation import (
    _BACKGROUND_QUANTILE,
    _INK_LEVEL,
    _MARGIN_BACKGROUND,
    _MAX_SHEAR,
    _MIN_PART,
    _OUTLINE_WIDTH,
    BOX_FRACTION,
    CENTRE_FRACTION,
    _local_window,
    _loop_erosions,
    _margin,
)

__all__ = ["MIN_OPSET", "preparation_graph"]

#: The first opset whose reductions take their axes as an input.
MIN_OPSET = 18

_I64 = np.int64
_F64 = np.float64
_ONNX_TYPES = {
    np.float32: TensorProto.FLOAT,
    _F64: TensorProto.DOUBLE,
    _I64: TensorProto.INT64,
}


class _Graph:
    """The node and constant writers, with the few compound operations the
    preparation repeats."""

    def __init__(self, node, const, height, width):
        self.node = node
        self.const = const
        self.height = height
        self.width = width

    def __call__(self, op_type, *inputs, **attrs):
        return self.node(op_type, list(inputs), **attrs)

    def f32(self, value):
        return self.const(value, np.float32)

    def f64(self, value):
        return self.const(value, _F64)

    def i64(self, value):
        return self.const(value, _I64)

    def cast(self, x, dtype):
        return self("Cast", x, to=_ONNX_TYPES[dtype])

    def reduce(self, op_type, x, axes, keepdims=0):
        return self(op_type, x, self.i64(axes), keepdims=keepdims)

    def dot(self, x, weights, axis=1):
        """Sum over ``axis`` (the last) of ``x`` times the float64 ``weights``:
        a ``Mul`` and a ``ReduceSum``, as ``_prepare`` sums its moments."""
        return self.reduce("ReduceSum", self("Mul", x, self.f64(weights)), [axis])

    def images(self, x):
        """``(N, h, w)`` as ``(N, 1, h, w)``, for the pooling operators."""
        return self("Reshape", x, self.i64([-1, 1, self.height, self.width]))

    def planes(self, x):
        """``(N, 1, h, w)`` back to ``(N, h, w)``."""
        return self("Reshape", x, self.i64([-1, self.height, self.width]))

    def max_pool(self, x, size, pads):
        """``size`` x ``size`` maximum of ``(N, 1, h', w')``, ``pads`` on each side."""
        return self(
            "MaxPool", x, kernel_shape=[size, size], pads=[pads] * 4, strides=[1, 1]
        )

    def extreme3(self, x, maximum):
        """``_preparation._window_extreme`` of size 3: zeros outside."""
        padded = self("Pad", self.images(x), self.i64([0, 0, 1, 1, 0, 0, 1, 1]))
        if maximum:
            return self.planes(self.max_pool(padded, 3, 0))
        negated = self.max_pool(self("Neg", padded), 3, 0)
        return self.planes(self("Neg", negated))

    def where(self, condition, a, b):
        return self("Where", condition, a, b)


def _propagation_body(cross):
    """The ``Loop`` body of a propagation: the maximum of the values over each
    pixel's 3x3 window (``cross``: the pixel and its 4 neighbours), kept on
    the mask, until an iteration changes nothing."""
    value = helper.make_tensor_value_info
    names = ["iteration", "cond_in", "values_in", "mask_in"]
    windows = (
        [("columns", [3, 1], [1, 0, 1, 0]), ("rows", [1, 3], [0, 1, 0, 1])]
        if cross
        else [("pooled", [3, 3], [1, 1, 1, 1])]
    )
    pools = [
        helper.make_node(
            "MaxPool",
            ["values_in"],
            [name],
            kernel_shape=kernel,
            pads=pads,
            strides=[1, 1],
        )
        for name, kernel, pads in windows
    ]
    if cross:
        pools.append(helper.make_node("Max", ["columns", "rows"], ["pooled"]))
    nodes = pools + [
        helper.make_node("Mul", ["pooled", "mask_in"], ["values_out"]),
        helper.make_node("Sub", ["values_out", "values_in"], ["grown"]),
        helper.make_node("ReduceMax", ["grown"], ["most"], keepdims=0),
        helper.make_node(
            "Constant",
            [],
            ["zero"],
            value=helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
        ),
        helper.make_node("Greater", ["most", "zero"], ["cond_out"]),
        helper.make_node("Identity", ["mask_in"], ["mask_out"]),
    ]
    inputs = [
        value(names[0], TensorProto.INT64, []),
        value(names[1], TensorProto.BOOL, []),
        value(names[2], TensorProto.FLOAT, None),
        value(names[3], TensorProto.FLOAT, None),
    ]
    outputs = [
        value("cond_out", TensorProto.BOOL, []),
        value("values_out", TensorProto.FLOAT, None),
        value("mask_out", TensorProto.FLOAT, None),
    ]
    return helper.make_graph(nodes, "propagation", inputs, outputs)


def _propagate(g, values, mask, *, cross=False):
    """Grow ``values`` (``(N, 1, h, w)``, >= 0, zero off ``mask``) over the
    8-connected (``cross``: 4-connected) parts of ``mask`` until each part
    holds its largest value."""
    limit = g.i64(g.height * g.width)
    start = g.const(True, np.bool_)
    loop = g.node(
        "Loop",
        [limit, start, values, mask],
        output=None,
        body=_propagation_body(cross),
        outputs=2,
    )
    return loop[0]


def _subtract_background(g, x):
    """Each image's 20% quantile (NumPy's linear method) subtracted, then
    its brightest pixel scaled to 1; returns ``(x, present)``."""
    n_pixels = g.height * g.width
    virtual = (n_pixels - 1) * _BACKGROUND_QUANTILE
    previous = math.floor(virtual)
    following = min(previous + 1, n_pixels - 1)
    gamma = virtual - previous
    flat = g("Reshape", x, g.i64([-1, n_pixels]))
    smallest = g.node(
        "TopK",
        [flat, g.i64([following + 1])],
        axis=1,
        largest=0,
        sorted=1,
        outputs=2,
    )[0]
    a = g("Slice", smallest, g.i64([previous]), g.i64([previous + 1]), g.i64([1]))
    b = g("Slice", smallest, g.i64([following]), g.i64([following + 1]), g.i64([1]))
    difference = g("Sub", b, a)
    # numpy.lib._function_base_impl._lerp, in float32 for a float q.
    if gamma >= 0.5:
        level = g("Sub", b, g("Mul", difference, g.f32(1 - gamma)))
    else:
        level = g("Add", a, g("Mul", difference, g.f32(gamma)))
    level = g("Reshape", level, g.i64([-1, 1, 1]))
    x = g("Max", g("Sub", x, level), g.f32(0))
    return _normalise(g, x, None)


def _normalise(g, x, present):
    """Each image's brightest pixel scaled to 1; returns ``(x, present)``."""
    peak = g.reduce("ReduceMax", x, [1, 2], keepdims=1)
    lit = g("Greater", peak, g.f32(0))
    x = g.where(lit, g("Div", x, peak), x)
    lit = g("Reshape", lit, g.i64([-1]))
    return x, lit if present is None else g("And", present, lit)


def _subtract_local_background(g, x, present):
    """``_preparation._subtract_local_background``: where a background is
    left in the margin, ``x`` less its grey opening, scaled again."""
    height, width = g.height, g.width
    window, margin = _local_window(height, width), _margin(height, width)
    if window == 1 or margin == 0:
        return x, present
    r = window // 2
    negated = g(
        "Pad", g("Neg", g.images(x)), g.i64([0, 0, r, r, 0, 0, r, r]), mode="edge"
    )
    eroded = g("Neg", g.max_pool(negated, window, 0))
    opened = g.planes(g.max_pool(eroded, window, r))
    ring = np.ones((height, width), dtype=np.float32)
    ring[margin:-margin, margin:-margin] = 0
    left = g.reduce("ReduceSum", g.cast(g("Mul", opened, g.f32(ring)), _F64), [1, 2])
    foggy = g("Greater", left, g.f64(_MARGIN_BACKGROUND * int(ring.sum())))
    foggy = g("Reshape", foggy, g.i64([-1, 1, 1]))
    x = g("Sub", x, g.where(foggy, opened, g.f32(0)))
    return _normalise(g, x, present)


def _remove_solid_border_regions(g, x, ink):
    """``_remove_stray_ink``'s first step: regions of ``window`` x ``window``
    ink (the image's edge repeated beyond it) reaching the border, and the
    window around them, zeroed in ``x`` and ``ink``."""
    height, width = g.height, g.width
    window = _local_window(height, width)
    if min(height, width) < window:
        return x, ink
    r = window // 2
    blank = g("Sub", g.f32(1), g.images(ink))
    edged = g("Pad", blank, g.i64([0, 0, r, r, 0, 0, r, r]), mode="edge")
    core = g("Sub", g.f32(1), g.max_pool(edged, window, 0))
    border = np.ones((1, 1, height, width), dtype=np.float32)
    border[..., 1:-1, 1:-1] = 0
    touching = _propagate(g, g("Mul", core, g.f32(border)), core)
    region = g("Greater", g.max_pool(touching, window, r), g.f32(0))
    region = g.planes(region)
    x = g.where(region, g.f32(0), x)
    ink = g.where(region, g.f32(0), ink)
    return x, ink


def _keep_heavy_parts(g, x, ink):
    """``_remove_stray_ink``'s second step: the ink's 8-connected parts
    lighter than ``_MIN_PART`` of each image's heaviest part removed, with
    their faint edges; returns ``(x, ink)``."""
    height, width = g.height, g.width
    n_pixels = height * width
    # Labels are pixel numbers in float32 (MaxPool's type): exact up to 2**24.
    index = np.arange(1, n_pixels + 1, dtype=np.float32).reshape(1, 1, height, width)
    mask = g.images(ink)
    labels = _propagate(g, g("Mul", mask, g.f32(index)), mask)
    labels = g.cast(g("Reshape", labels, g.i64([-1, n_pixels])), _I64)
    flat = g.cast(g("Reshape", x, g.i64([-1, n_pixels])), _F64)
    zeros = g("Mul", g("Slice", flat, g.i64([0]), g.i64([1]), g.i64([1])), g.f64(0))
    zeros = g("Tile", zeros, g.i64([1, n_pixels + 1]))
    mass = g("ScatterElements", zeros, labels, flat, axis=1, reduction="add")
    parts = g("Slice", mass, g.i64([1]), g.i64([n_pixels + 1]), g.i64([1]))
    heaviest = g.reduce("ReduceMax", parts, [1], keepdims=1)
    keep = g("GreaterOrEqual", mass, g("Mul", heaviest, g.f64(_MIN_PART)))
    kept = g(
        "And", g("GatherElements", keep, labels, axis=1), g("Greater", labels, g.i64(0))
    )
    kept = g.cast(g("Reshape", kept, g.i64([-1, height, width])), np.float32)
    x = g("Mul", x, g.extreme3(kept, maximum=True))
    return x, kept


def _warp(g, x, ink, present, deskew):
    """Deskew, size into the box and centre the mass: the source of each
    output pixel, as ``_preparation._prepare`` computes it; returns
    ``(source rows (N, h) float64, source columns (N, h, w) float32,
    present)``."""
    height, width = g.height, g.width
    rows = np.arange(height, dtype=_F64)
    cols = np.arange(width, dtype=_F64)
    x64 = g.cast(x, _F64)
    row_mass = g.reduce("ReduceSum", x64, [2])
    col_mass = g.reduce("ReduceSum", x64, [1])
    mass = g.reduce("ReduceSum", row_mass, [1])
    present = g("And", present, g("Greater", mass, g.f64(0)))
    mass = g.where(present, mass, g.f64(1))
    cy = g("Div", g.dot(row_mass, rows), mass)
    cx = g("Div", g.dot(col_mass, cols), mass)
    if deskew:
        var_y = g(
            "Sub",
            g("Div", g.dot(row_mass, rows * rows), mass),
            g("Mul", cy, cy),
        )
        row_moments = g.dot(x64, cols, axis=2)
        cov = g(
            "Sub",
            g("Div", g.dot(row_moments, rows), mass),
            g("Mul", cy, cx),
        )
        alpha = g.where(
            g("Greater", var_y, g.f64(1e-6)), g("Div", cov, var_y), g.f64(0)
        )
        alpha = g("Clip", alpha, g.f64(-_MAX_SHEAR), g.f64(_MAX_SHEAR))
    else:
        alpha = g("Mul", cy, g.f64(0))
    column = g.i64([-1, 1])
    cy_, cx_, alpha_ = (g("Reshape", v, column) for v in (cy, cx, alpha))
    # The ink's box after deskewing.
    inked = g.reduce("ReduceMax", g.cast(ink, np.float32), [2])
    inked = g("Greater", inked, g.f32(0))
    first = g.cast(g("ArgMax", ink, axis=2, keepdims=0), _F64)
    last = g.cast(g("ArgMax", ink, axis=2, keepdims=0, select_last_index=1), _F64)
    rows_ = g.f64(rows[None])
    shift = g("Mul", alpha_, g("Sub", rows_, cy_))
    inf, minus_inf = g.f64(np.inf), g.f64(-np.inf)
    top = g.reduce("ReduceMin", g.where(inked, rows_, inf), [1])
    bottom = g.reduce("ReduceMax", g.where(inked, rows_, minus_inf), [1])
    left = g.reduce("ReduceMin", g.where(inked, g("Sub", first, shift), inf), [1])
    right = g.reduce("ReduceMax", g.where(inked, g("Sub", last, shift), minus_inf), [1])
    any_ink = g(
        "Greater", g.reduce("ReduceMax", g.cast(inked, np.float32), [1]), g.f32(0)
    )
    present = g("And", present, any_ink)
    extent = g("Add", g("Max", g("Sub", bottom, top), g("Sub", right, left)), g.f64(1))
    extent = g.where(present, extent, g.f64(1))
    box = BOX_FRACTION * min(height, width)
    factor = g.where(present, g("Div", g.f64(box), extent), g.f64(1))
    factor_ = g("Reshape", factor, column)
    u = np.arange(height) - CENTRE_FRACTION * height
    v = np.arange(width) - CENTRE_FRACTION * width
    src_r = g("Add", cy_, g("Div", g.f64(u[None]), factor_))
    sheared = g("Add", cx_, g("Mul", alpha_, g("Sub", src_r, cy_)))
    across = g("Div", g.f64(v[None]), factor_)
    src_c = g(
        "Add",
        g("Unsqueeze", sheared, g.i64([2])),
        g("Unsqueeze", across, g.i64([1])),
    )
    return src_r, g.cast(src_c, np.float32), present


def _bilinear(g, x, src_r, src_c):
    """``_preparation._bilinear`` in ONNX: zeros outside, rows then columns."""
    height, width = g.height, g.width
    padded = g("Pad", x, g.i64([0, 1, 1, 0, 1, 1]))
    src_r = g("Add", g("Clip", src_r, g.f64(-1.0), g.f64(height)), g.f64(1))
    r0 = g("Min", g.cast(src_r, _I64), g.i64(height))
    wr = g.cast(g("Sub", src_r, g.cast(r0, _F64)), np.float32)
    wr = g("Unsqueeze", wr, g.i64([2]))
    spread = g.i64([1, 1, width + 2])
    r0_ = g("Tile", g("Unsqueeze", r0, g.i64([2])), spread)
    upper = g("GatherElements", padded, r0_, axis=1)
    lower = g("GatherElements", padded, g("Add", r0_, g.i64(1)), axis=1)
    mixed = g("Add", upper, g("Mul", wr, g("Sub", lower, upper)))
    src_c = g("Add", g("Clip", src_c, g.f32(-1.0), g.f32(width)), g.f32(1))
    c0 = g("Min", g.cast(src_c, _I64), g.i64(width))
    wc = g("Sub", src_c, g.cast(c0, np.float32))
    left = g("GatherElements", mixed, c0, axis=2)
    right = g("GatherElements", mixed, g("Add", c0, g.i64(1)), axis=2)
    return g("Add", left, g("Mul", wc, g("Sub", right, left)))


def _stroke_width(g, x):
    """``_preparation._stroke_width``: (N,) float64."""
    x64 = g.cast(x, _F64)
    h, w = g.height, g.width

    def edge_sum(axis, length):
        start = g("Slice", x, g.i64([1]), g.i64([length]), g.i64([axis]))
        stop = g("Slice", x, g.i64([0]), g.i64([length - 1]), g.i64([axis]))
        steps = g.cast(g("Abs", g("Sub", start, stop)), _F64)
        return g.reduce("ReduceSum", steps, [1, 2])

    edges = g("Add", edge_sum(1, h), edge_sum(2, w))
    mass = g.reduce("ReduceSum", x64, [1, 2])
    ratio = g("Div", g("Mul", g.f64(2), mass), edges)
    return g.where(g("Greater", edges, g.f64(0)), ratio, g.f64(0))


def _fill_outlines(g, x):
    """``_preparation._fill_outlines``: in binary images of strokes under
    ``_OUTLINE_WIDTH`` pixels, the holes (background that the border does
    not reach, 4-connected) filled but for those holding a core that
    survives ``_loop_erosions`` 3x3 erosions. Only outlines seed the two
    propagations, so a batch without one stops them at once."""
    level = g("Or", g("Equal", x, g.f32(0)), g("Equal", x, g.f32(1)))
    binary = g.reduce("ReduceMin", g.cast(level, np.float32), [1, 2])
    thin = g("Less", _stroke_width(g, x), g.f64(_OUTLINE_WIDTH))
    outline = g("And", g("Greater", binary, g.f32(0)), thin)
    outline = g("Reshape", outline, g.i64([-1, 1, 1]))
    edges = g.cast(g("Greater", x, g.f32(0)), np.float32)
    background = g.images(g("Sub", g.f32(1), edges))
    border = np.ones((1, 1, g.height, g.width), dtype=np.float32)
    border[..., 1:-1, 1:-1] = 0
    only = g("Reshape", g.cast(outline, np.float32), g.i64([-1, 1, 1, 1]))
    seeds = g("Mul", g("Mul", background, g.f32(border)), only)
    outside = _propagate(g, seeds, background, cross=True)
    holes = g.planes(g("Mul", g("Sub", background, outside), only))
    cores = holes
    for _ in range(_loop_erosions(g.height, g.width)):
        cores = g.extreme3(cores, False)
    loops = _propagate(g, g.images(cores), g.images(holes), cross=True)
    filled = g("Add", edges, g("Sub", holes, g.planes(loops)))
    return g.where(outline, filled, x)


def _set_stroke_width(g, x, target):
    """``_preparation._set_stroke_width``: towards ``target`` pixels."""
    change = g("Div", g("Sub", g.f64(target), _stroke_width(g, x)), g.f64(2))
    shape = g.i64([-1, 1, 1])
    thicker = g.cast(g("Clip", change, g.f64(0), g.f64(1)), np.float32)
    thinner = g.cast(g("Clip", g("Neg", change), g.f64(0), g.f64(1)), np.float32)
    thicker, thinner = g("Reshape", thicker, shape), g("Reshape", thinner, shape)
    x = g("Add", x, g("Mul", thicker, g("Sub", g.extreme3(x, True), x)))
    return g("Add", x, g("Mul", thinner, g("Sub", g.extreme3(x, False), x)))


def preparation_graph(
    node,
    const,
    x,
    *,
    image_shape,
    flat,
    deskew,
    remove_stray_ink,
    stroke_width,
    local_background,
    fill_outlines,
):
    """Write the nodes that prepare the digits ``x``; return the output's name.

    Parameters
    ----------
    node : callable
        ``node(op_type, inputs, output=None, **attributes)`` adds one node and
        returns the name of its output, or of its outputs (a list) when
        ``outputs=n`` asks for several.
    const : callable
        ``const(values, dtype)`` adds an initializer and returns its name.
    x : str
        The float32 input: rows ``(N, h * w)`` or images ``(N, h, w)``.
    image_shape : tuple of int
        ``(h, w)``.
    flat : bool
        Whether the output is rows (else images).
    deskew, remove_stray_ink, stroke_width, local_background, fill_outlines
        :class:`~skmnist.DigitNormalizer`'s parameters.
    """
    height, width = image_shape
    g = _Graph(node, const, height, width)
    x = g("Reshape", x, g.i64([-1, height, width]))
    x, present = _subtract_background(g, x)
    if local_background:
        x, present = _subtract_local_background(g, x, present)
    if fill_outlines:
        x = _fill_outlines(g, x)
    ink = g.cast(g("Greater", x, g.f32(_INK_LEVEL)), np.float32)
    if remove_stray_ink:
        x, ink = _remove_solid_border_regions(g, x, ink)
        x, ink = _keep_heavy_parts(g, x, ink)
    src_r, src_c, present = _warp(g, x, ink, present, deskew)
    out = _bilinear(g, x, src_r, src_c)
    out = g.where(g("Reshape", present, g.i64([-1, 1, 1])), out, g.f32(0))
    if stroke_width is not None:
        out = _set_stroke_width(g, out, float(stroke_width))
    return g(
        "Reshape", out, g.i64([-1, height * width] if flat else [-1, height, width])
    )
