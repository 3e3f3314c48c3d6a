"""skmnist as a user installs it: the smoke test that .ci/smoke.sh runs.

It runs in a fresh virtual environment where the wheel is installed (not
editable) with the serve extra, from a folder outside the source tree, so
only the installed package can be imported. Each stage prints its time.
Needs SKMNIST_DATA (the MNIST files); writes only into the current folder.
"""

import gzip
import importlib.metadata
import json
import pickle
import re
import signal
import struct
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import numpy as np

HERE = Path.cwd()
BIN = Path(sys.executable).parent
N_TRAIN, N_TEST = 2000, 500  # rows fitted and predicted: seconds, not minutes


@contextmanager
def stage(name):
    start = time.perf_counter()
    yield
    print(f"smoke: {name}: ok ({time.perf_counter() - start:.1f} s)", flush=True)


def run(*args, timeout=600):
    """Run a command; fail with its output unless it exits with 0."""
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, args))} exited with {done.returncode}:\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def write_idx(path, array):
    """Write ``array`` (uint8) as a gzipped IDX file, MNIST's format."""
    magic = 0x0800 + array.ndim
    header = struct.pack(f">I{array.ndim}I", magic, *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


with stage("import skmnist from the wheel"):
    import skmnist

    where = Path(skmnist.__file__).resolve()
    assert where.is_relative_to(Path(sys.prefix).resolve()), where
    assert skmnist.__version__ == importlib.metadata.version("skmnist")
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules
    print(f"smoke: skmnist {skmnist.__version__} from {where.parent}")

with stage("load_mnist and its DESCR"):
    from skmnist import load_mnist

    test = load_mnist("test", download=False)
    assert test.data.shape == (10000, 784), test.data.shape
    assert test.DESCR.startswith(".. _mnist_dataset:"), test.DESCR[:80]
    assert "LeCun" in test.DESCR
    X_train, y_train = load_mnist("train", return_X_y=True, download=False)
    X_train, y_train = X_train[:N_TRAIN], y_train[:N_TRAIN]
    X_test, y_test = test.data[:N_TEST], test.target[:N_TEST]

with stage(f"fit a pipeline on {N_TRAIN} rows (1 epoch) and pickle it"):
    from skmnist import make_mnist_pipeline

    model = make_mnist_pipeline(hidden_layer_sizes=(64,), epochs=1, random_state=0)
    model.fit(X_train, y_train)
    accuracy = float(np.mean(model.predict(X_test) == y_test))
    print(f"smoke: test accuracy on {N_TEST} rows: {accuracy:.3f}")
    assert accuracy > 0.5, accuracy  # ten classes: chance is 0.1
    (HERE / "model.pkl").write_bytes(pickle.dumps(model))
    np.save(HERE / "X_test.npy", X_test)
    np.save(HERE / "proba.npy", model.predict_proba(X_test))

with stage("unpickle and predict in a fresh process without TensorFlow"):
    code = """if True:
        import pickle, sys
        import numpy as np
        with open("model.pkl", "rb") as f:
            model = pickle.load(f)
        np.save("proba-fresh.npy", model.predict_proba(np.load("X_test.npy")))
        loaded = sorted(m for m in ("tensorflow", "keras", "jax") if m in sys.modules)
        assert not loaded, f"predicting imported {loaded}"
    """
    run(sys.executable, "-c", code)
    np.testing.assert_array_equal(
        np.load(HERE / "proba-fresh.npy"), np.load(HERE / "proba.npy")
    )

with stage("skmnist --help"):
    out = run(BIN / "skmnist", "--help")
    for command in ("train", "evaluate", "predict", "serve"):
        assert re.search(rf"^\s+{command}\s", out, re.MULTILINE), out

with stage(f"skmnist train --epochs 1 on {N_TRAIN} + {N_TEST} images"):
    # MNIST's file names and format, fewer rows: the loader checks structure,
    # never checksums, so this is a legitimate data folder.
    data = HERE / "mnist-subset"
    data.mkdir()
    test_images = test.images[:N_TEST]
    write_idx(data / "train-images-idx3-ubyte.gz", X_train.reshape(-1, 28, 28))
    write_idx(data / "train-labels-idx1-ubyte.gz", y_train)
    write_idx(data / "t10k-images-idx3-ubyte.gz", test_images)
    write_idx(data / "t10k-labels-idx1-ubyte.gz", y_test)
    report = HERE / "report"
    args = ["--data-home", data, "--no-download", "--out", report, "--quiet"]
    run(BIN / "skmnist", "train", "--epochs", "1", *args)
    metrics = json.loads((report / "metrics.json").read_text("utf-8"))
    print(f"smoke: skmnist train's test accuracy: {metrics['accuracy']:.3f}")
    assert (report / "report.html").stat().st_size > 0
    assert (report / "model").is_dir()

with stage("skmnist serve: the page, its static files and a prediction"):
    server = subprocess.Popen(
        [BIN / "skmnist", "serve", report / "model", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert found, f"{line!r}; stderr: {server.stderr.read() if not line else ''}"
        url = found.group(1)
        static = resources.files("skmnist.serve") / "static"
        for path, name in [
            ("", "index.html"),
            ("static/app.js", "app.js"),
            ("static/style.css", "style.css"),
            ("favicon.ico", "favicon.svg"),
        ]:
            with urllib.request.urlopen(url + path, timeout=30) as response:
                assert response.status == 200, (path, response.status)
                body = response.read()
            assert body and body == (static / name).read_bytes(), path
        request = urllib.request.Request(
            url + "api/predict",
            data=json.dumps({"pixels": X_test[0].tolist()}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            label = json.load(response)["label"]
        assert label in range(10), label
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C, as a user stops it
        server.communicate(timeout=60)

print(f"smoke: passed on Python {sys.version.split()[0]}")
