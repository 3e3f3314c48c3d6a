"""Settings shared by the tests and the doctests (``pytest --doctest-modules``)."""

import os

# Before any Keras import: the backend, and quiet TensorFlow's C++ logging.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")

# Hypothesis draws new examples on every run; CI (.ci/run sets
# SKMNIST_HYPOTHESIS_PROFILE=ci) draws the same ones each time, so that a
# landing is not decided by a new random example. Elsewhere the property
# tests keep exploring.
try:
    from hypothesis import settings as _hypothesis_settings
except ImportError:  # Hypothesis comes with the tests extra
    pass
else:
    _hypothesis_settings.register_profile("ci", derandomize=True)
    _hypothesis_settings.load_profile(
        os.environ.get("SKMNIST_HYPOTHESIS_PROFILE", "default")
    )

# Doctests that read the real MNIST files (no network in tests).
_NEEDS_MNIST = ("load_mnist", "MNISTDenseClassifier")


def pytest_runtest_setup(item):
    if isinstance(item, pytest.DoctestItem) and not os.environ.get("SKMNIST_DATA"):
        if item.name.rsplit(".", 1)[-1] in _NEEDS_MNIST:
            pytest.skip("SKMNIST_DATA is not set: this example reads MNIST")
