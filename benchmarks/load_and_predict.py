"""A saved skmnist model against a joblib-loaded MLPClassifier, in fresh processes.

Two jobs, each done by both contenders in a fresh process, rounds alternated,
medians reported with their ratio:

- ``digit``: classify one 200x200 PNG (read, centred the MNIST way by
  ``skmnist.images.load_digit_image``, predicted, printed). skmnist runs its
  command line, ``python -m skmnist predict MODEL digit.png``. Issue 22's
  goal: at most 1.5 s wall and 250 MB peak RSS on a 2-core machine, which
  holds because loading a model imports no TensorFlow.
- ``10k``: load the model and predict the 10,000 MNIST test images. Issue
  23's goal: peak RSS at most 1.1x MLPClassifier's.

MLPClassifier has the same network (784-256-128-10). Usage::

    SKMNIST_DATA=../shared/data/mnist python benchmarks/load_and_predict.py [--rounds 7]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETUP = r"""
import sys, warnings
import joblib, numpy as np
from PIL import Image
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from skmnist import load_mnist, make_mnist_pipeline, save_model
folder = sys.argv[1]
X, y = load_mnist("train", return_X_y=True, download=False)
X, y = X[:5000], y[:5000]
pipe = make_mnist_pipeline(epochs=1, random_state=0).fit(X, y)
save_model(pipe, folder + "/skmnist-model")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    mlp = MLPClassifier((256, 128), max_iter=1, random_state=0).fit(X / 255.0, y)
joblib.dump(mlp, folder + "/mlp.joblib")
digit = 255 - X[0].reshape(28, 28)   # dark ink on white, as a photo of a digit
Image.fromarray(digit).resize((200, 200)).save(folder + "/digit.png")
"""

MLP = r"""
import sys
import joblib
from skmnist.images import load_digit_image
model = joblib.load(sys.argv[1])
image = load_digit_image(sys.argv[2])
proba = model.predict_proba(image.reshape(1, -1) / 255.0)[0]
label = model.classes_[proba.argmax()]
print(f"{sys.argv[2]}: {label} (probability {proba.max():.3f})")
"""

PREDICT_10K = r"""
import sys
import numpy as np
from skmnist import load_mnist
X, y = load_mnist("test", return_X_y=True, download=False)
if sys.argv[1] == "skmnist":
    from skmnist import load_model
    accuracy = np.mean(load_model(sys.argv[2]).predict(X) == y)
else:
    import joblib
    accuracy = np.mean(joblib.load(sys.argv[2]).predict(X / 255.0) == y)
print(f"accuracy {accuracy:.4f}")
"""


def _run(command):
    """Wall seconds and peak RSS (MB) of ``command`` in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    out = process.stdout.read().decode()
    process.stdout.close()
    process.stderr.close()
    if status != 0:
        raise RuntimeError(f"{command} failed with status {status}")
    return wall, usage.ru_maxrss / 1024, out.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="skmnist-cli-bench-"))
    subprocess.run([sys.executable, "-c", SETUP, str(folder)], check=True)
    png = str(folder / "digit.png")
    model, mlp = str(folder / "skmnist-model"), str(folder / "mlp.joblib")
    commands = {
        "digit: skmnist predict": [
            sys.executable,
            "-m",
            "skmnist",
            "predict",
            model,
            png,
        ],
        "digit: MLPClassifier": [sys.executable, "-c", MLP, mlp, png],
        "10k: load_model": [sys.executable, "-c", PREDICT_10K, "skmnist", model],
        "10k: MLPClassifier": [sys.executable, "-c", PREDICT_10K, "mlp", mlp],
    }
    results = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            results[name].append(_run(command))
    rows = {}
    for name, runs in results.items():
        rows[name] = {
            "wall_s": round(statistics.median(r[0] for r in runs), 3),
            "peak_rss_mb": round(statistics.median(r[1] for r in runs), 1),
            "output": runs[-1][2],
        }
    print(json.dumps(rows, indent=2))
    for job, goal in (("digit", "<= 1.5 s, <= 250 MB"), ("10k", "RSS <= 1.1x")):
        (name, ours), (other, theirs) = [
            (n, r) for n, r in rows.items() if n.startswith(job)
        ]
        print(
            f"{name}: {ours['wall_s']} s, {ours['peak_rss_mb']} MB (goal: {goal}); "
            f"{other}: {theirs['wall_s']} s, {theirs['peak_rss_mb']} MB; ratios "
            f"{ours['wall_s'] / theirs['wall_s']:.2f}x wall, "
            f"{ours['peak_rss_mb'] / theirs['peak_rss_mb']:.2f}x RSS "
            f"(medians of {args.rounds} alternated rounds)"
        )


if __name__ == "__main__":
    main()
