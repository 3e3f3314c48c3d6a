"""The classifier on Keras' other backend, JAX.

Keras picks its backend once, at import, so the JAX run is a fresh Python
process with ``KERAS_BACKEND=jax`` (the rest of the tests use TensorFlow).
"""

import importlib.util
import json
import os
import subprocess
import sys
from xml.etree import ElementTree

import numpy as np
import pytest

HAS_JAX = importlib.util.find_spec("jax") is not None

SCRIPT = """
import json, sys
import keras
import numpy as np
from skmnist import MNISTDenseClassifier, load_model, save_model
from skmnist.augmentation import RandomDistortion

data = np.load(sys.argv[1])
X, y, X_test, y_test = data["X"], data["y"], data["X_test"], data["y_test"]
params = dict(hidden_layer_sizes=(32,), epochs=2, batch_size=32, learning_rate=0.01)
clf = MNISTDenseClassifier(**params, random_state=0).fit(X, y)
proba = clf.predict_proba(X_test)
again = MNISTDenseClassifier(**params, random_state=0).fit(X, y).predict_proba(X_test)
tensorflow_imported = "tensorflow" in sys.modules  # Keras' saving imports it
save_model(clf, sys.argv[2])
loaded = load_model(sys.argv[2])
# float64 data: a float32 network without JAX's 64-bit mode, and no warning
# that JAX truncates float64 (an error here, through -W).
clf64 = MNISTDenseClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=0)
clf64.fit(X[:100].astype(np.float64), y[:100])
# The training-time distortion (stray lines, blur and noise too) is written
# in keras.ops: it runs on JAX too.
spec = RandomDistortion(elastic_alpha=20, stray_lines=0.5, blur=0.5, noise=0.05)
augmented = MNISTDenseClassifier(**params, random_state=0, augmentation=spec)
augmented.fit(X, y)
distorted = spec.distort(X[:20], random_state=0)
print(json.dumps({
    "augmented_score": augmented.score(X_test, y_test),
    "distortion_changes_images": bool(np.abs(distorted - X[:20]).max() > 0.1),
    "backend": keras.backend.backend(),
    "score": clf.score(X_test, y_test),
    "reproducible": bool(np.array_equal(proba, again)),
    "equal_predict": bool(np.array_equal(clf.predict(X_test), loaded.predict(X_test))),
    "equal_proba": bool(np.array_equal(proba, loaded.predict_proba(X_test))),
    "float64_network_dtype": str(clf64.predict_proba(X[:2]).dtype),
    "tensorflow_imported": tensorflow_imported,
}))
"""


@pytest.mark.skipif(
    not HAS_JAX, reason="jax is not installed (pip install 'skmnist[jax]')"
)
def test_fit_predict_save_load_on_jax(mnist_small, tmp_path):
    X, y, X_test, y_test = mnist_small
    data = tmp_path / "data.npz"
    np.savez(data, X=X[:500], y=y[:500], X_test=X_test, y_test=y_test)
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "JAX_ENABLE_X64": "0",
    }
    warning = "error:Explicitly requested dtype:UserWarning"
    command = [sys.executable, "-W", warning, "-c", SCRIPT]
    proc = subprocess.run(
        [*command, str(data), str(tmp_path / "model")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["backend"] == "jax"
    assert result["score"] > 0.4, result  # chance is 0.1
    assert result["reproducible"]
    assert result["equal_predict"] and result["equal_proba"]
    assert result["float64_network_dtype"] == "float32"
    assert result["augmented_score"] > 0.3 and result["distortion_changes_images"]
    # Fit and predict on JAX do not load TensorFlow (scikeras would, for a
    # random_state skmnist does not use).
    assert not result["tensorflow_imported"]


def _run_pytest(args, env):
    """``python -m pytest args`` in a new process; asserts its exit status 0."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout


def _passed_on_jax(tmp_path, test_file, expression):
    """Run ``test_file``'s tests selected by ``-k expression`` on JAX.

    Returns the ids of the tests selected on the default backend (TensorFlow,
    collected only) and of those that passed on JAX, as JUnit XML records
    them: equal sets mean every selected test ran and passed, none skipped.
    """
    path = os.path.join(os.path.dirname(__file__), test_file)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("KERAS_BACKEND", None)
    listed = _run_pytest(["--collect-only", path, "-k", expression], env)
    selected = {line.rsplit("::", 1)[1] for line in listed.splitlines() if "::" in line}
    report = tmp_path / "junit.xml"
    _run_pytest(
        [path, "-k", expression, f"--junitxml={report}"],
        {**env, "KERAS_BACKEND": "jax"},
    )
    passed = {
        case.get("name")
        for case in ElementTree.parse(report).iter("testcase")
        # A failure, error or skip is a child element of its case.
        if not {child.tag for child in case} & {"failure", "error", "skipped"}
    }
    return selected, passed


@pytest.mark.skipif(
    not HAS_JAX, reason="jax is not installed (pip install 'skmnist[jax]')"
)
def test_network_fit_on_arrays_on_jax(tmp_path):
    # The network's own fit (batches gathered in a compiled loop around Keras'
    # stateless train step) against Keras' fit: tests/test_keras.py's fit
    # tests, run again with KERAS_BACKEND=jax.
    selected, passed = _passed_on_jax(tmp_path, "test_keras.py", "network_fit")
    assert selected and passed == selected


@pytest.mark.skipif(
    not HAS_JAX, reason="jax is not installed (pip install 'skmnist[jax]')"
)
def test_resuming_from_arrays_on_jax(tmp_path):
    # tests/test_seam.py's resuming tests, run again with KERAS_BACKEND=jax:
    # a loaded or pickled model continues exactly as the original, a failed
    # warm start leaves the arrays untouched (JAX may alias host memory and
    # donates its buffers), edited arrays are continued as edited.
    expression = "resume or interrupted or failed_warm or edited or 0_1"
    selected, passed = _passed_on_jax(tmp_path, "test_seam.py", expression)
    assert selected and passed == selected
