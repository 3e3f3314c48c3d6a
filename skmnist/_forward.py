"""The network's forward pass in NumPy, on the fitted ``coefs_`` and ``intercepts_``.

Pure functions, like ``sklearn/neural_network/_base.py``: the activations, and
the pass from validated rows to the output layer's logits. Dropout and the
training-time distortion are the identity at inference, so the fitted network
is a few matrix products.
"""

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


#: The hidden layers' activations, by MLPClassifier's names.
ACTIVATIONS = {
    "identity": lambda x: x,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "elu": _elu,
    "gelu": _gelu,
}


def dead_inputs(coefs):
    """Inputs whose first-layer weights are all zero (see :func:`logits`)."""
    return np.flatnonzero(~coefs[0].any(axis=1))


def logits(X, coefs, intercepts, activation, *, dead=None, estimator_name=None):
    """The output layer's pre-softmax values for rows ``X``.

    ``X`` is never written to. Unless ``dead`` is None, ``X`` (validated but
    not yet checked for NaN and infinity) is checked on the first product: a
    NaN or an infinity in a row of X makes every entry of that row of ``X @
    W`` NaN or infinite (0 * inf is NaN), so the sum of the product, a third
    of the size of X for 784 inputs and 256 units, tells whether X is finite.
    Only an input whose weights are all zero (``dead``, from
    :func:`dead_inputs`) could hide one (a BLAS may skip zero weights): those
    columns are checked on their own. When the sum is not finite,
    scikit-learn's check raises its usual error, or passes for a finite X
    whose product overflows.
    """
    hidden = ACTIVATIONS[activation]
    out = X
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        out = out @ W  # a new array
        if i == 0 and dead is not None:
            _check_finite(X, out, dead, estimator_name)
        out += b
        if i < len(coefs) - 1:
            out = hidden(out)
    return out


def _check_finite(X, product, dead, estimator_name):
    from sklearn.utils import assert_all_finite

    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(product.sum())
        if finite and len(dead):
            finite = np.isfinite(X[:, dead].sum())
    if not finite:
        assert_all_finite(X, input_name="X", estimator_name=estimator_name)


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
