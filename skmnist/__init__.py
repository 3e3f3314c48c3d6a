"""skmnist: the classic MNIST dense neural network as a scikit-learn estimator.

The public names are imported lazily (PEP 562 module ``__getattr__``, as SciPy
and scikit-learn do), so ``import skmnist`` stays light: TensorFlow and Keras
are imported only when a model is fitted or loaded.
"""

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("skmnist")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_LAZY = {
    "MNISTDenseClassifier": "skmnist._classifier",
    "PixelScaler": "skmnist.preprocessing",
    "DigitNormalizer": "skmnist.preprocessing",
    "ImageFlattener": "skmnist.preprocessing",
    "OneHotLabelEncoder": "skmnist.preprocessing",
    "make_mnist_pipeline": "skmnist.pipeline",
    "load_mnist": "skmnist.datasets",
    "load_fashion_mnist": "skmnist.datasets",
    "load_kmnist": "skmnist.datasets",
    "load_emnist": "skmnist.datasets",
    "save_model": "skmnist.persistence",
    "load_model": "skmnist.persistence",
    "to_onnx": "skmnist.onnx",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skmnist' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
