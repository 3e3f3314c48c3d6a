"""
=======================================================
The MNIST family: digits, clothing and other characters
=======================================================

Fashion-MNIST, Kuzushiji-MNIST and EMNIST share MNIST's format (28x28
grayscale images in IDX files), so the same loader code reads them all
(:func:`~skmnist.datasets.load_mnist`,
:func:`~skmnist.datasets.load_fashion_mnist`,
:func:`~skmnist.datasets.load_kmnist`,
:func:`~skmnist.datasets.load_emnist`) and the same pipeline learns them. This
example fits :func:`~skmnist.make_mnist_pipeline` on each data set found on
this machine, with the data set's preset, and compares the test accuracy, the
confusion matrices and the most confused pairs, by class name.

The data are read offline (``download=False``), from the folders given by
each data set's environment variable (``SKMNIST_DATA``,
``SKMNIST_FASHION_MNIST_DATA``, ``SKMNIST_KMNIST_DATA``,
``SKMNIST_EMNIST_DATA``); a data set whose files are not there is left out.
To keep the example fast it trains on 10,000 images for 5 epochs (2,000
images and 2 epochs when ``SKMNIST_EXAMPLES_FAST`` is ``1``, as in the
documentation build); the full-size figures are in the notes of
:func:`~skmnist.make_mnist_pipeline`: 98.7% on MNIST, about 90% on
Fashion-MNIST.
"""

# %%
# Load what is available
# ----------------------
#
# Every loader returns the class names in ``target_names``;
# ``target_names[target]`` gives each image's name, so the fitted pipeline
# predicts names and every report shows them (as ``skmnist train --dataset``
# does).
import os
from functools import partial

from skmnist.datasets import (
    load_emnist,
    load_fashion_mnist,
    load_kmnist,
    load_mnist,
)

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 2_000 if FAST else 10_000
epochs = 2 if FAST else 5

loaders = {
    "mnist": load_mnist,
    "fashion-mnist": load_fashion_mnist,
    "kmnist": load_kmnist,
    "emnist-letters": partial(load_emnist, split="letters"),
}
data = {}
for name, load in loaders.items():
    try:
        train, test = (load(subset, download=False) for subset in ("train", "test"))
    except OSError:
        print(f"{name}: not found on this machine, left out")
        continue
    for bunch in (train, test):
        bunch.target = bunch.target_names[bunch.target].astype(str)
    data[name] = train, test
print("Data sets:", ", ".join(data))

# %%
# Train one pipeline per data set
# -------------------------------
#
# :func:`~skmnist.pipeline.preset_for_dataset` picks the data set's preset:
# the default one (light rotations, scalings and shifts of the training
# images) for handwriting, none of these distortions for clothing, where they
# cost accuracy.
from skmnist import make_mnist_pipeline
from skmnist.evaluation import EvaluationReport
from skmnist.pipeline import preset_for_dataset

reports = {}
for name, (train, test) in data.items():
    pipe = make_mnist_pipeline(preset_for_dataset(name), epochs=epochs, random_state=0)
    pipe.fit(train.images[:n_train], train.target[:n_train])
    reports[name] = EvaluationReport.from_estimator(pipe, test.images, test.target)
    print(
        f"{name:>15}: preset {preset_for_dataset(name)!r}, "
        f"test accuracy {reports[name].accuracy:.2%}"
    )

# %%
# Accuracy side by side
# ---------------------
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 2 + 0.4 * len(reports)))
names = list(reports)
ax.barh(names, [reports[name].accuracy for name in names], color="tab:blue")
for i, name in enumerate(names):
    ax.text(reports[name].accuracy, i, f" {reports[name].accuracy:.1%}", va="center")
ax.set_xlim(0, 1.1)
ax.set_xlabel("test accuracy")
ax.invert_yaxis()
ax.set_title(f"{n_train:,} training images, {epochs} epochs")
fig.tight_layout()

# %%
# Confusion matrices, with the class names
# ----------------------------------------
#
# On MNIST the errors are scattered; on Fashion-MNIST they gather in one
# block: shirts, T-shirts, pullovers and coats look alike at 28x28 pixels.
from skmnist.plotting import plot_confusion_matrix

for name, report in reports.items():
    fig, ax = plt.subplots(figsize=(7, 6))
    plot_confusion_matrix(report=report, ax=ax)
    ax.set_title(name)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    fig.tight_layout()

# %%
# The most confused pairs
# -----------------------
for name, report in reports.items():
    pairs = ", ".join(
        f"{pair['true']} -> {pair['predicted']} ({pair['count']})"
        for pair in report.most_confused(3)
    )
    print(f"{name:>15}: {pairs}")
