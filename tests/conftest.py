"""Data fixtures, shared read-only (the environment is set in ../conftest.py)."""

import os

import numpy as np
import pytest


def _load_benchmark(name):
    """The script ``benchmarks/<name>.py`` as a module, imported as when it
    runs: its folder (machine.py, compare.py) on ``sys.path``."""
    import importlib.util
    import sys
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "benchmarks"
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module


@pytest.fixture(scope="session")
def load_benchmark():
    """:func:`_load_benchmark`: a benchmark script by name, as a module."""
    return _load_benchmark


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST train and test sets, from SKMNIST_DATA (no download)."""
    from skmnist import load_mnist

    if not os.environ.get("SKMNIST_DATA"):
        pytest.skip("SKMNIST_DATA is not set: point it at the four MNIST IDX files")
    train = load_mnist("train", download=False)
    test = load_mnist("test", download=False)
    return train, test


@pytest.fixture(scope="session")
def mnist_small(mnist):
    """3,000 training and 1,000 test images, scaled to [0, 1] float32."""
    train, test = mnist
    X_train = (train.data[:3000] / np.float32(255)).astype(np.float32)
    X_test = (test.data[:1000] / np.float32(255)).astype(np.float32)
    return X_train, train.target[:3000], X_test, test.target[:1000]


@pytest.fixture(scope="session")
def fitted_classifier(mnist_small):
    """One fitted classifier, shared read-only by the tests."""
    from skmnist import MNISTDenseClassifier

    X_train, y_train, _, _ = mnist_small
    return MNISTDenseClassifier(epochs=3, random_state=0).fit(X_train, y_train)


def relu_softmax_forward(coefs, intercepts, X):
    """The class probabilities of a ReLU network with a softmax output.

    Written out with NumPy, independently of skmnist._forward, as the tests'
    one reference for what ``predict_proba`` computes from the fitted
    ``coefs_`` and ``intercepts_``.
    """
    hidden = X
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        hidden = np.maximum(hidden @ W + b, 0)
    logits = hidden @ coefs[-1] + intercepts[-1]
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    return proba / proba.sum(axis=1, keepdims=True)


@pytest.fixture(scope="session")
def numpy_forward():
    """:func:`relu_softmax_forward`, for test modules."""
    return relu_softmax_forward


def outlines_of(images):
    """The edges of the strokes of uint8 ``images`` ``(n, h, w)``, a pixel
    thin, all 0 or 255: what an edge detector draws (MNIST-C's canny edges)."""
    ink = np.pad(images > 100, ((0, 0), (1, 1), (1, 1)))
    core = ink[:, 1:-1, 1:-1] & ink[:, :-2, 1:-1] & ink[:, 2:, 1:-1]
    core &= ink[:, 1:-1, :-2] & ink[:, 1:-1, 2:]
    return (ink[:, 1:-1, 1:-1] & ~core).astype(np.uint8) * 255


def ring(inner, outer):
    """A 28x28 uint8 "0": 255 from ``inner`` to ``outer`` pixels from the centre."""
    radius = np.hypot(*(np.mgrid[:28, :28] - 14))
    return ((radius >= inner) & (radius <= outer)).astype(np.uint8) * 255


@pytest.fixture(scope="session")
def outline_drawings():
    """:func:`outlines_of` and :func:`ring`, for test modules."""
    return outlines_of, ring


@pytest.fixture
def pyplot():
    """matplotlib.pyplot, closing every figure after the test."""
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def write_idx(folder, stem, array, magic):
    """Write ``array`` (uint8) as a gzipped IDX file ``folder/stem.gz``."""
    import gzip

    header = np.array([magic, *array.shape], dtype=">i4").tobytes()
    with gzip.open(folder / f"{stem}.gz", "wb") as f:
        f.write(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


@pytest.fixture(scope="session")
def write_idx_file():
    """The :func:`write_idx` helper, for test modules."""
    return write_idx


@pytest.fixture(scope="session")
def small_mnist_dir(mnist, tmp_path_factory):
    """A folder of real-format IDX files: 3,000 training and 500 test digits."""
    train, test = mnist
    folder = tmp_path_factory.mktemp("small-mnist")
    for prefix, bunch, n in (("train", train, 3000), ("t10k", test, 500)):
        write_idx(folder, f"{prefix}-images-idx3-ubyte", bunch.images[:n], 2051)
        write_idx(folder, f"{prefix}-labels-idx1-ubyte", bunch.target[:n], 2049)
    return folder


@pytest.fixture(scope="session")
def digits_model():
    """LogisticRegression on sklearn's 8x8 digits (bundled, no download)."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    X, y = load_digits(return_X_y=True)
    clf = LogisticRegression(max_iter=2000).fit(X[:1000], y[:1000])
    return clf, X[1000:], y[1000:]


@pytest.fixture
def outputs_of_two_processes(tmp_path):
    """Run a script in two fresh interpreters with different hash seeds.

    The returned function takes the script's source, which saves an array to
    the .npy path in ``sys.argv[1]``, and returns the arrays of both runs.
    """
    import subprocess
    import sys

    def run(script):
        runs = []
        for i in range(2):
            out = tmp_path / f"output{i}.npy"
            subprocess.run(
                [sys.executable, "-c", script, str(out)],
                check=True,
                env={**os.environ, "PYTHONHASHSEED": str(i)},
            )
            runs.append(np.load(out))
        return runs

    return run
