"""Export fitted skmnist models to ONNX, through skl2onnx.

Importing this module registers skl2onnx converters for
:class:`~skmnist.PixelScaler`, :class:`~skmnist.DigitNormalizer`,
:class:`~skmnist.ImageFlattener` and :class:`~skmnist.MNISTDenseClassifier`,
so :func:`skl2onnx.to_onnx` converts our pipeline, or a pipeline that mixes
our steps with scikit-learn's, like any scikit-learn model. The network
becomes ``MatMul``/``Add``/activation nodes written from the fitted
``coefs_`` and ``intercepts_``, followed by ``Softmax``; no TensorFlow is
involved. The digits' preparation is the graph of
``skmnist/_onnx_preparation.py`` (opset 18 or later), which repeats NumPy's
operations in their order and precision: float32, and float64 for the sums
NumPy takes in float64.

:func:`to_onnx` is the short route: it picks the input type, turns off
skl2onnx's ZipMap (the probabilities come out as a tensor, like
``predict_proba``'s) and writes the model to a file atomically.

skl2onnx and onnx come with the ``onnx`` extra: ``pip install "skmnist[onnx]"``.
"""

import functools
import os

import numpy as np
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

try:
    import onnx
    import skl2onnx
    from onnx import numpy_helper
    from skl2onnx.common.data_types import (
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
        UInt8TensorType,
        guess_proto_type,
    )
except ImportError as exc:  # pragma: no cover - the extra is installed in CI
    raise ImportError(
        f'ONNX export needs skl2onnx and onnx ({exc}): pip install "skmnist[onnx]"'
    ) from None

from skmnist._classifier import MNISTDenseClassifier
from skmnist._forward import ACTIVATIONS
from skmnist._io import atomic_write
from skmnist._onnx_preparation import MIN_OPSET, preparation_graph
from skmnist.preprocessing import DigitNormalizer, ImageFlattener, PixelScaler

__all__ = ["to_onnx"]

_FLOAT = onnx.TensorProto.FLOAT

# The hidden activations that are one ONNX operator (the others are
# composed in _hidden_activation), from the one table in skmnist/_forward.py.
_ACTIVATION_OPS = {
    name: activation.onnx
    for name, activation in ACTIVATIONS.items()
    if activation.onnx is not None
}


def _node(scope, container, op_type, inputs, output=None, *, outputs=1, **attrs):
    """Add one ``op_type`` node; return the name of its output (a list of
    ``outputs`` names when it has several)."""
    if output is not None and outputs != 1:
        raise ValueError(f"{op_type}: one output name for {outputs} outputs.")
    if output is None:
        names = [
            scope.get_unique_variable_name(op_type.lower()) for _ in range(outputs)
        ]
    else:
        names = [output]
    container.add_node(
        op_type,
        inputs,
        names,
        name=scope.get_unique_operator_name(op_type),
        **attrs,
    )
    return names[0] if outputs == 1 else names


def _constant(scope, container, values, dtype=np.float32):
    """Add a numeric initializer holding ``values``; return its name."""
    name = scope.get_unique_variable_name("const")
    array = np.array(values, dtype=dtype, order="C")  # scalars stay 0-d
    container.add_initializer(
        name, None, list(array.shape), numpy_helper.from_array(array, name)
    )
    return name


def _as_float(scope, container, name, variable):
    """``name`` cast to float32, unless it is float32 already."""
    if guess_proto_type(variable.type) == _FLOAT:
        return name
    return _node(scope, container, "Cast", [name], to=_FLOAT)


def _flat(scope, container, name, variable):
    """``name`` as rows: images ``(N, h, w[, c])`` flattened, rows unchanged."""
    shape = variable.type.shape
    if shape is not None and len(shape) == 2:
        return name
    return _node(scope, container, "Flatten", [name], axis=1)


def _flat_width(shape):
    """The row width of a tensor of ``shape`` once flattened, or None."""
    if shape is None or any(not isinstance(d, int) for d in shape[1:]):
        return None
    return int(np.prod(shape[1:]))


# --- PixelScaler -------------------------------------------------------------


def _float_of_input_shape(operator):
    """Shape calculator of the steps whose output is float32 of their input's shape."""
    check_is_fitted(operator.raw_operator)
    shape = operator.inputs[0].type.shape
    operator.outputs[0].type = FloatTensorType(None if shape is None else list(shape))


def _pixel_scaler_converter(scope, operator, container):
    scaler = operator.raw_operator
    x = _as_float(scope, container, operator.inputs[0].full_name, operator.inputs[0])
    low, width = scaler.data_min_, scaler.data_max_ - scaler.data_min_
    # The same float32 operations as PixelScaler.transform, in its order.
    if low != 0:
        x = _node(scope, container, "Sub", [x, _constant(scope, container, low)])
    if width != 1:
        x = _node(scope, container, "Div", [x, _constant(scope, container, width)])
    if scaler.clip:
        bounds = [_constant(scope, container, v) for v in (0, 1)]
        x = _node(scope, container, "Clip", [x, *bounds])
    _node(scope, container, "Identity", [x], output=operator.outputs[0].full_name)


# --- DigitNormalizer ---------------------------------------------------------


def _digit_normalizer_converter(scope, operator, container):
    normalizer = operator.raw_operator
    if container.target_opset < MIN_OPSET:
        raise RuntimeError(
            f"DigitNormalizer converts to ONNX from opset {MIN_OPSET}; "
            f"target_opset is {container.target_opset}."
        )
    variable = operator.inputs[0]
    shape = variable.type.shape
    prepared = preparation_graph(
        functools.partial(_node, scope, container),
        functools.partial(_constant, scope, container),
        _as_float(scope, container, variable.full_name, variable),
        image_shape=normalizer.image_shape_,
        flat=shape is not None and len(shape) == 2,
        deskew=normalizer.deskew,
        remove_stray_ink=normalizer.remove_stray_ink,
        stroke_width=normalizer.stroke_width,
        local_background=normalizer.local_background,
        fill_outlines=normalizer.fill_outlines,
    )
    _node(
        scope, container, "Identity", [prepared], output=operator.outputs[0].full_name
    )


# --- ImageFlattener ----------------------------------------------------------


def _image_flattener_shape(operator):
    check_is_fitted(operator.raw_operator)
    variable = operator.inputs[0]
    shape = variable.type.shape
    n = variable.get_first_dimension()
    operator.outputs[0].type = type(variable.type)([n, _flat_width(shape)])


def _image_flattener_converter(scope, operator, container):
    variable = operator.inputs[0]
    x = _flat(scope, container, variable.full_name, variable)
    _node(scope, container, "Identity", [x], output=operator.outputs[0].full_name)


# --- MNISTDenseClassifier ----------------------------------------------------


def _labels(classifier, nocl):
    """``classes_`` as ONNX labels: (int64 array, None) or (None, list of bytes)."""
    classes = np.asarray(classifier.classes_)
    if nocl:
        return np.arange(len(classes), dtype=np.int64), None
    if classes.dtype.kind in "iub":
        return classes.astype(np.int64), None
    if classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes)):
        # skl2onnx's convention: float labels that are integers become int64.
        return classes.astype(np.int64), None
    values = classes.tolist()
    if all(isinstance(v, str) for v in values):
        return None, [v.encode("utf-8") for v in values]
    raise ValueError(
        f"{type(classifier).__name__} has classes_ {values[:5]!r}... of dtype "
        f"{classes.dtype}; ONNX labels must be integers or strings."
    )


def _nocl(scope, classifier):
    return bool(scope.get_options(classifier, dict(nocl=False))["nocl"])


def _classifier_shape(operator):
    classifier = operator.raw_operator
    check_is_fitted(classifier)
    numbers, _ = _labels(classifier, _nocl(operator.scope_inst, classifier))
    n = operator.inputs[0].get_first_dimension()
    label_type = Int64TensorType if numbers is not None else StringTensorType
    operator.outputs[0].type = label_type([n])
    operator.outputs[1].type = FloatTensorType([n, len(classifier.classes_)])


def _hidden_activation(scope, container, x, activation):
    """The hidden layers' ``activation`` of ``x`` (exact erf GELU)."""
    if activation == "identity":
        return x
    if activation in _ACTIVATION_OPS:
        return _node(scope, container, _ACTIVATION_OPS[activation], [x])
    if activation != "gelu":
        raise ValueError(
            f"MNISTDenseClassifier(activation={activation!r}) has no ONNX "
            f"converter; the activations that convert are "
            f"{sorted([*_ACTIVATION_OPS, 'gelu', 'identity'])}."
        )
    erf = _node(
        scope,
        container,
        "Erf",
        [_node(scope, container, "Div", [x, _constant(scope, container, np.sqrt(2))])],
    )
    one_plus = _node(scope, container, "Add", [erf, _constant(scope, container, 1)])
    half_x = _node(scope, container, "Mul", [x, _constant(scope, container, 0.5)])
    return _node(scope, container, "Mul", [half_x, one_plus])


def _classifier_converter(scope, operator, container):
    classifier = operator.raw_operator
    variable = operator.inputs[0]
    x = _flat(scope, container, variable.full_name, variable)
    x = _as_float(scope, container, x, variable)
    coefs, intercepts = classifier.coefs_, classifier.intercepts_
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        x = _node(scope, container, "MatMul", [x, _constant(scope, container, W)])
        x = _node(scope, container, "Add", [x, _constant(scope, container, b)])
        if i < len(coefs) - 1:
            x = _hidden_activation(scope, container, x, classifier.activation)
    label_out, proba_out = (out.full_name for out in operator.outputs[:2])
    _node(scope, container, "Softmax", [x], output=proba_out, axis=1)
    # The largest logit, as predict takes it (first one on ties).
    index = _node(scope, container, "ArgMax", [x], axis=1, keepdims=0)
    numbers, strings = _labels(classifier, _nocl(scope, classifier))
    if numbers is not None:
        classes = _constant(scope, container, numbers, dtype=np.int64)
    else:
        classes = scope.get_unique_variable_name("classes")
        container.add_initializer(
            classes, onnx.TensorProto.STRING, [len(strings)], strings
        )
    _node(scope, container, "Gather", [classes, index], output=label_out, axis=0)


def _register():
    """Register our four estimators with skl2onnx."""
    skl2onnx.update_registered_converter(
        PixelScaler,
        "SkmnistPixelScaler",
        _float_of_input_shape,
        _pixel_scaler_converter,
    )
    skl2onnx.update_registered_converter(
        DigitNormalizer,
        "SkmnistDigitNormalizer",
        _float_of_input_shape,
        _digit_normalizer_converter,
    )
    skl2onnx.update_registered_converter(
        ImageFlattener,
        "SkmnistImageFlattener",
        _image_flattener_shape,
        _image_flattener_converter,
    )
    skl2onnx.update_registered_converter(
        MNISTDenseClassifier,
        "SkmnistMNISTDenseClassifier",
        _classifier_shape,
        _classifier_converter,
        options={"zipmap": [True, False, "columns"], "nocl": [True, False]},
    )


_register()


# --- to_onnx -----------------------------------------------------------------


def _steps(estimator, where="estimator"):
    """Yield ``(where, step)`` for every estimator of (nested) pipelines."""
    if isinstance(estimator, Pipeline):
        for name, step in estimator.steps:
            if step is not None and not isinstance(step, str):
                yield from _steps(step, f"step {name!r}")
    else:
        yield where, estimator


def _check_convertible(estimator):
    """Raise a clear error for an unfitted or unknown step, before skl2onnx."""
    for where, step in _steps(estimator):
        try:
            skl2onnx.get_model_alias(type(step))
        except RuntimeError:
            raise TypeError(
                f"Cannot export to ONNX: {where} is a {type(step).__name__}, "
                "for which skl2onnx has no converter. skmnist registers "
                "PixelScaler, DigitNormalizer, ImageFlattener and "
                "MNISTDenseClassifier; see "
                "skl2onnx's documentation for the scikit-learn estimators it "
                "converts."
            ) from None
        check_is_fitted(step)
        if getattr(step, "out_activation_", None) == "logistic":
            raise ValueError(
                f"Cannot export to ONNX: {where} was fitted on a multilabel y "
                "(sigmoid outputs); the ONNX export writes single-label "
                "classifiers (softmax outputs) only."
            )


def _initial_types(estimator, X):
    """The ONNX input ``X``: float32 rows by default, else X's dtype and shape."""
    if X is None:
        # Pixels per image: n_features_in_ of our steps counts them for
        # images and rows alike, and a Pipeline has its first step's.
        width = int(estimator.n_features_in_)
        return [("X", FloatTensorType([None, width]))]
    X = np.asarray(X)
    if X.ndim < 2 or X.dtype.kind not in "biuf":
        raise ValueError(
            "X must be a numeric array of shape (n_samples, n_features) or "
            f"(n_samples, h, w[, c]), as passed to predict; got shape {X.shape} "
            f"and dtype {X.dtype}."
        )
    tensor = UInt8TensorType if X.dtype == np.uint8 else FloatTensorType
    return [("X", tensor([None, *X.shape[1:]]))]


def _check_folder(path):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot write the ONNX model to {path}: folder {folder} does not exist."
        )


def to_onnx(estimator, X=None, *, path=None):
    """Convert a fitted pipeline or classifier to an ONNX model.

    The model takes raw pixel rows the way the pipeline does and outputs the
    predicted labels and the class probabilities. It is built with
    :func:`skl2onnx.to_onnx` and this module's converters, so any step that
    skl2onnx converts (``StandardScaler``, ``PCA``, ...) may sit beside ours.

    Parameters
    ----------
    estimator : estimator or Pipeline
        A fitted :class:`~skmnist.MNISTDenseClassifier`, a pipeline from
        :func:`~skmnist.make_mnist_pipeline`, or any fitted pipeline of steps
        that skl2onnx converts.

    X : array-like or None, default=None
        Sample input, to choose the ONNX input's type and shape: uint8 X gives
        a uint8 input, any other numeric X a float32 one, of shape
        ``(N, *X.shape[1:])``. If None, the input is float32 rows
        ``(N, 784)`` (the number of pixels the estimator expects).

    path : str or path-like or None, default=None
        If given, the model is also written there, atomically.

    Returns
    -------
    model : onnx.ModelProto
        The ONNX model. Its input is named ``"X"``; a classifier's outputs
        are ``"label"`` (``(N,)``, int64 or string labels from ``classes_``,
        as ``predict`` returns) and ``"probabilities"`` (``(N, n_classes)``
        float32, the columns in the order of ``classes_``, as
        ``predict_proba`` returns). Its metadata ``skmnist_version`` says
        which skmnist wrote it.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator or one of its steps is not fitted.
    TypeError
        If a step has no ONNX converter; the error names the step.
    ValueError
        If the classifier was fitted on a multilabel y.

    See Also
    --------
    skl2onnx.to_onnx : The general converter, with options such as ``zipmap``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmnist import ImageFlattener, PixelScaler
    >>> from skmnist.onnx import to_onnx
    >>> images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    >>> scaling = make_pipeline(PixelScaler(), ImageFlattener()).fit(images)
    >>> model = to_onnx(scaling, images)
    >>> [i.name for i in model.graph.input], [o.name for o in model.graph.output]
    (['X'], ['variable'])
    """
    if path is not None:
        _check_folder(path)
    _check_convertible(estimator)
    final = next(reversed(list(_steps(estimator))))[1]
    options = {id(final): {"zipmap": False}} if is_classifier(final) else None
    model = skl2onnx.to_onnx(
        estimator,
        initial_types=_initial_types(estimator, X),
        options=options,
        target_opset=None,
    )
    from skmnist import __version__

    onnx.helper.set_model_props(model, {"skmnist_version": __version__})
    if path is not None:
        atomic_write(path, model.SerializeToString())
    return model
