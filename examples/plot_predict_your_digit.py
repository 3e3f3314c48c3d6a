"""
=====================================
Predict a digit you drew yourself
=====================================

A network trained on MNIST expects what MNIST holds: 28x28 grey images, a
white digit on black, scaled to fit a 20x20 box and centred by its centre of
mass. A photo or a drawing of a digit looks nothing like that.
:func:`~skmnist.images.load_digit_image` reads a picture file and converts it
the MNIST way, so the pipeline can predict on it.

This example draws a few digits with Pillow (dark ink on light paper, as on a
sheet of paper), saves them as PNG files in a temporary folder, converts them,
and predicts them with a fitted pipeline. It then saves the pipeline with
:func:`~skmnist.save_model` and loads it back with :func:`~skmnist.load_model`.

To keep the example fast, the network is trained on the first 10,000 training
images for 5 epochs (2,000 images and 3 epochs when the environment variable
``SKMNIST_EXAMPLES_FAST`` is ``1``, as in the documentation build).
"""

# %%
# ``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) trains on fewer
# images for fewer epochs, so that the example runs in a few seconds.
import os

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 2_000 if FAST else 10_000
epochs = 3 if FAST else 5

# %%
# Train the pipeline on 28x28 images
# ----------------------------------
#
# The pipeline is fitted on ``load_mnist().images``, of shape
# ``(n_samples, 28, 28)``, so it predicts on images of that shape: exactly what
# :func:`~skmnist.images.load_digit_image` returns (with a first axis added).
# ``skmnist train`` fits its models the same way.
from skmnist import load_mnist, make_mnist_pipeline

train = load_mnist(subset="train")
pipe = make_mnist_pipeline(epochs=epochs, random_state=0)
pipe.fit(train.images[:n_train], train.target[:n_train])

# %%
# Draw digits into PNG files
# --------------------------
#
# Each digit is a few thick pen strokes on a 300x400 pixel sheet of light grey
# "paper". Any picture of a single digit works: a scan, a photo, a drawing
# saved from a paint program.
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

INK, PAPER, PEN = 20, 235, 40  # grey levels and pen width, in pixels


def draw_digit(lines=(), arcs=(), ellipses=()):
    """A picture of a digit: polylines, arcs and ellipses drawn with a pen."""
    picture = Image.new("L", (300, 400), color=PAPER)
    pen = ImageDraw.Draw(picture)
    for points in lines:
        pen.line(points, fill=INK, width=PEN, joint="curve")
    for box, start, end in arcs:
        pen.arc(box, start=start, end=end, fill=INK, width=PEN)
    for box in ellipses:
        pen.ellipse(box, outline=INK, width=PEN)
    return picture


drawings = {
    "seven": draw_digit(lines=[[(60, 80), (240, 80), (130, 340)]]),
    "one": draw_digit(lines=[[(120, 110), (170, 60), (170, 340)]]),
    "zero": draw_digit(ellipses=[(60, 50, 240, 350)]),
    "two": draw_digit(
        arcs=[((60, 50, 240, 200), 180, 40)],
        lines=[[(225, 160), (60, 340), (250, 340)]],
    ),
    "four": draw_digit(lines=[[(190, 340), (190, 60), (50, 250), (250, 250)]]),
}

folder = tempfile.TemporaryDirectory()
paths = []
for name, picture in drawings.items():
    path = Path(folder.name) / f"{name}.png"
    picture.save(path)
    paths.append(path)
print("\n".join(path.name for path in paths))

# %%
# Convert them the MNIST way
# --------------------------
#
# :func:`~skmnist.images.load_digit_image` reads each file in grayscale,
# inverts it when the digit is dark on a light background (judged from the
# border of the picture), subtracts the paper's grey level, drops detached
# specks of ink, crops it to the digit and scales it so that its longer side
# is 20 pixels. It ends with MNIST's preparation, the function of the
# pipeline's :class:`~skmnist.DigitNormalizer` step: the digit is deskewed,
# sized into a 20x20 box and placed in a 28x28 frame with its centre of mass
# in the middle. The result is ``uint8`` in ``0..255``, like the MNIST
# images. (:func:`~skmnist.images.to_mnist_image` does the same for an array
# you already have in memory; ``skmnist predict`` and ``skmnist serve`` use
# the same conversion.)
import matplotlib.pyplot as plt
import numpy as np

from skmnist.images import load_digit_image

digits = np.stack([load_digit_image(path) for path in paths])
print(digits.shape, digits.dtype)

fig, axes = plt.subplots(2, len(paths), figsize=(9, 4.2), layout="constrained")
for k, path in enumerate(paths):
    axes[0, k].imshow(Image.open(path), cmap="gray", vmin=0, vmax=255)
    axes[0, k].set_title(path.name)
    axes[1, k].imshow(digits[k], cmap="gray", vmin=0, vmax=255)
    axes[1, k].set_title("28x28, as in MNIST")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

# %%
# Predict
# -------
#
# The converted digits are a batch of ``(n, 28, 28)`` images: predict them like
# MNIST test images. The pipeline's :class:`~skmnist.DigitNormalizer` prepares
# them once more, as it prepared the training digits (a converted digit is
# already prepared, so this changes little). ``predict_proba`` tells how sure
# the network is.
proba = pipe.predict_proba(digits)
predicted = pipe.classes_[proba.argmax(axis=1)]
for path, label, p in zip(paths, predicted, proba.max(axis=1)):
    print(f"{path.name:10} -> {label} (probability {p:.3f})")

# %%
# :func:`~skmnist.plotting.plot_digits` draws the converted digits with their
# predictions.
from skmnist.plotting import plot_digits

plot_digits(digits, predictions=predicted, probabilities=proba, n_cols=len(paths))
plt.show()

# %%
# Save the model and load it back
# -------------------------------
#
# :func:`~skmnist.save_model` writes the fitted pipeline to a folder:
# ``skmnist.json`` describes the steps, their parameters and fitted
# attributes, and ``arrays.npz`` holds the network's weights as arrays. Unlike
# a pickle, loading it with :func:`~skmnist.load_model` runs no code from the
# files, and it imports no TensorFlow.
import json

from skmnist import load_model, save_model

model_dir = save_model(pipe, Path(folder.name) / "model")
print(sorted(path.name for path in model_dir.iterdir()))

metadata = json.loads((model_dir / "skmnist.json").read_text())
print("Steps:", [step["class"] for step in metadata["steps"]])

loaded = load_model(model_dir)
same = np.array_equal(loaded.predict_proba(digits), proba)
print(f"Loaded {type(loaded).__name__}; same probabilities: {same}")

# %%
# The command line does the same conversion and prediction on picture files:
# ``skmnist predict MODEL FILE...`` (see the :ref:`command_line` section of the
# user guide). Here it runs in-process, from the temporary folder, as
# ``skmnist predict model seven.png one.png ...`` would in a terminal.
from skmnist.cli import main

cwd = os.getcwd()
os.chdir(folder.name)
try:
    status = main(["predict", "model", *(path.name for path in paths)])
finally:
    os.chdir(cwd)

# %%
# Remove the temporary folder, its pictures and the saved model.
folder.cleanup()
