"""The network's forward pass in NumPy, on the fitted ``coefs_`` and ``intercepts_``.

Pure functions, like ``sklearn/neural_network/_base.py``: the activations
(the one table of them), the shapes the layers' arrays must have, and the
pass from validated rows to the output layer's logits. Dropout and the
training-time distortion are the identity at inference, so the fitted network
is a few matrix products.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import erf, expit


def _relu(x):
    return np.maximum(x, 0, out=x)


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def _gelu(x):
    # Keras' exact (erf) GELU, its default.
    return 0.5 * x * (1 + erf(x / np.sqrt(np.float32(2)).astype(x.dtype)))


def _tanh(x):
    return np.tanh(x, out=x)


def _logistic(x):
    return expit(x, out=x)


# Each activation's derivative, from its input z (the pre-activation), as a
# new array: the backward pass of skmnist.inspection.


def _relu_derivative(z):
    return (z > 0).astype(z.dtype)


def _elu_derivative(z):
    return np.where(z > 0, 1, np.exp(np.minimum(z, 0))).astype(z.dtype)


def _gelu_derivative(z):
    # d/dz of 0.5 z (1 + erf(z / sqrt 2)): Phi(z) + z phi(z).
    root2 = np.sqrt(np.float32(2)).astype(z.dtype)
    density = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi).astype(z.dtype)
    return 0.5 * (1 + erf(z / root2)) + z * density


def _tanh_derivative(z):
    t = np.tanh(z)
    return 1 - t * t


def _logistic_derivative(z):
    s = expit(z)
    return s * (1 - s)


class Activation(NamedTuple):
    """A hidden activation: NumPy's function and its names elsewhere."""

    #: In NumPy, in place where it can be (``logits`` owns its arrays).
    function: Callable
    #: Keras' name of the same function (the training engine's layers).
    keras: str
    #: The ONNX operator, or None where the export composes it (identity is
    #: no node; GELU is Erf, Div, Add and Mul).
    onnx: str | None
    #: Its derivative from the pre-activation, as a new array.
    derivative: Callable


def _identity(x):
    return x


#: The hidden layers' activations, by MLPClassifier's names: the one table
#: that the classifier's parameter check, the training engine and the ONNX
#: export read.
ACTIVATIONS = {
    "identity": Activation(_identity, "linear", None, np.ones_like),
    "logistic": Activation(_logistic, "sigmoid", "Sigmoid", _logistic_derivative),
    "tanh": Activation(_tanh, "tanh", "Tanh", _tanh_derivative),
    "relu": Activation(_relu, "relu", "Relu", _relu_derivative),
    "elu": Activation(_elu, "elu", "Elu", _elu_derivative),
    "gelu": Activation(_gelu, "gelu", None, _gelu_derivative),
}


def layer_shapes_match(coefs, intercepts, units):
    """Whether ``coefs`` and ``intercepts`` are the dense layers of ``units``.

    ``units`` lists the number of inputs, each hidden layer's units and the
    number of outputs; layer ``i`` then has a kernel of shape
    ``(units[i], units[i + 1])`` and a bias of shape ``(units[i + 1],)``.
    """
    kernels = [tuple(W.shape) for W in coefs]
    biases = [tuple(b.shape) for b in intercepts]
    return kernels == list(zip(units[:-1], units[1:])) and biases == [
        (n,) for n in units[1:]
    ]


#: Up to this many rows, X itself is summed to check it is finite; above, the
#: first layer's product is (a third of X's size for 784 inputs, 256 units).
SMALL_ROWS = 64


def logits(X, coefs, intercepts, activation, *, check_finite=False, name=None):
    """The output layer's pre-softmax values for rows ``X`` (never written to).

    With ``check_finite``, ``X`` (validated but not yet checked for NaN and
    infinity) is checked on the way, see :func:`_check_finite`; ``name`` is
    the estimator's, for the error message.
    """
    hidden = ACTIVATIONS[activation].function
    out = X
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        if i == 0 and check_finite:
            # A NaN in X makes NaN products: checked right after, not warned.
            with np.errstate(invalid="ignore", over="ignore"):
                out = out @ W
            _check_finite(X, out, W, name)
        else:
            out = out @ W  # a new array
        out += b
        if i < len(coefs) - 1:
            out = hidden(out)
    return out


def _check_finite(X, product, W, name):
    """scikit-learn's error for NaN or infinity in X, at little cost.

    A NaN or an infinity in a row of X makes every entry of that row of
    ``X @ W`` NaN or infinite (0 * inf is NaN), so the sum of the product
    tells whether X is finite. Only an input whose weights are all zero
    could hide one (a BLAS may skip zero weights): those columns of X are
    summed on their own. A few rows are cheaper to sum whole. When a sum is
    not finite, scikit-learn's check raises its usual error (or passes, for
    finite values whose sum overflows).
    """
    from sklearn.utils import assert_all_finite

    with np.errstate(over="ignore", invalid="ignore"):
        if X.shape[0] <= SMALL_ROWS:
            finite = np.isfinite(X.sum())
        else:
            finite = np.isfinite(product.sum())
            dead = np.flatnonzero(~W.any(axis=1)) if finite else ()
            if len(dead):
                finite = np.isfinite(X[:, dead].sum())
    if not finite:
        assert_all_finite(X, input_name="X", estimator_name=name)


def softmax(z):
    """Row-wise softmax of logits ``z``, in place."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def log_softmax(z):
    """Row-wise log-softmax of logits ``z``, in place (finite everywhere)."""
    z -= z.max(axis=1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=1, keepdims=True))
    return z


def first_layer_gradient(
    first, coefs, intercepts, activation, output_weights, *, overwrite=False
):
    """The logits, and their gradient with respect to the first pre-activations.

    ``first`` is the first layer's pre-activation ``X @ coefs[0] +
    intercepts[0]`` (written to only with ``overwrite``); the rest of the
    pass runs from it.
    Returns ``(logits, gradient)`` where ``gradient`` is the derivative of
    ``(output_weights * logits).sum()`` with respect to ``first``, shaped
    like it: row by row, the gradient of the weighted sum of that row's
    logits (a one-hot row of ``output_weights`` picks one class's logit).
    The gradient with respect to X is ``gradient @ coefs[0].T``; it is
    linear in ``gradient``, so a sum of gradients needs one such product.
    """
    hidden, derivative = (
        ACTIVATIONS[activation].function,
        ACTIVATIONS[activation].derivative,
    )
    slopes = []  # each hidden layer's activation derivatives
    out = first
    for W, b in zip(coefs[1:], intercepts[1:]):
        slopes.append(derivative(out))
        # The activations work in place: on ``first`` only if allowed.
        keep = out is first and not overwrite
        out = hidden(out.copy() if keep else out) @ W
        out += b
    gradient = np.asarray(output_weights, dtype=out.dtype)
    for slope, W in zip(reversed(slopes), reversed(coefs[1:])):
        gradient = gradient @ W.T
        gradient *= slope
    return out, gradient
