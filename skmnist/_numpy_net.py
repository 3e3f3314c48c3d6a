"""NumPy versions of the hidden-layer activations, for forward passes."""

import numpy as np
from scipy.special import erf, expit


def _relu(x):
    return np.maximum(x, 0, out=x)


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def _gelu(x):
    # Keras' exact (erf) GELU, its default.
    return 0.5 * x * (1 + erf(x / np.sqrt(np.float32(2)).astype(x.dtype)))


ACTIVATIONS = {
    "identity": lambda x: x,
    "logistic": expit,
    "tanh": np.tanh,
    "relu": _relu,
    "elu": _elu,
    "gelu": _gelu,
}
