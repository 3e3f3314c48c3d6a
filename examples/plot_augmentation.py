"""
==========================================================
Training-time augmentation and the "best dense" preset
==========================================================

A dense network sees pixels, not shapes: a digit shifted by two pixels is, to
it, a different input. :class:`~skmnist.augmentation.RandomDistortion`
distorts every training image anew at every epoch (a random rotation,
scaling and shift composed with an elastic distortion, Simard et al. 2003,
and, with ``stray_lines``, a random line across some of them), so the
network learns what stays the same. It acts only while the network trains;
``predict`` sees the images as they are.

This example shows the distortions, then trains the same network with and
without them on part of MNIST. The ``"best-dense"`` preset of
:func:`~skmnist.make_mnist_pipeline` is the same idea at full scale: a
1024-1024 network trained on distorted images for 100 epochs: 99.45%
test accuracy in 10.7 minutes on 2 CPU cores with ``KERAS_BACKEND=jax``,
99.41% in 16 minutes with TensorFlow (``benchmarks/accuracy.py``).

``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) trains on fewer
images for fewer epochs.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

from skmnist import load_mnist, make_mnist_pipeline
from skmnist.augmentation import RandomDistortion

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 2_000 if FAST else 10_000
epochs = 4 if FAST else 30

X, y = load_mnist("train", return_X_y=True)
X_test, y_test = load_mnist("test", return_X_y=True)

# %%
# What the network is trained on
# ------------------------------
#
# :meth:`~skmnist.augmentation.RandomDistortion.distort` runs, eagerly, the
# code the network runs on each training batch. Each row below is one kind of
# distortion, each column the same digit.
images = X[:8] / np.float32(255)
kinds = {
    "original": None,
    "shift 2 px": RandomDistortion(shift=2, rotation=0, scale=0),
    "rotate 15°": RandomDistortion(shift=0, rotation=15, scale=0),
    "scale 15%": RandomDistortion(shift=0, rotation=0, scale=0.15),
    "elastic": RandomDistortion(shift=0, rotation=0, scale=0, elastic_alpha=34),
    "stray lines": RandomDistortion(shift=0, rotation=0, scale=0, stray_lines=1.0),
    "best-dense": make_mnist_pipeline("best-dense")[-1].augmentation,
}
fig, axes = plt.subplots(len(kinds), 8, figsize=(8, 1.1 * len(kinds)))
for row, (name, spec) in zip(axes, kinds.items()):
    shown = images if spec is None else spec.distort(images, random_state=0)
    for ax, image in zip(row, shown):
        ax.imshow(image.reshape(28, 28), cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(name, rotation=0, ha="right", va="center")
fig.tight_layout()

# %%
# With and without augmentation
# -----------------------------
#
# The same network, the same epochs and seed; only ``augmentation`` differs.
# With few training images, the distortions act as many more.
params = dict(hidden_layer_sizes=(256, 128), epochs=epochs, random_state=0)
plain = make_mnist_pipeline(**params, augmentation=None)
augmented = make_mnist_pipeline(
    **params, augmentation=RandomDistortion(shift=2, rotation=10, scale=0.1)
)
for name, pipe in [("plain", plain), ("augmented", augmented)]:
    pipe.fit(X[:n_train], y[:n_train])
    print(f"{name:>9}: test accuracy {pipe.score(X_test, y_test):.4f}")

# %%
# The augmented network's training loss is higher (its training images are
# harder) while its test accuracy is higher: it overfits less.
fig, ax = plt.subplots(figsize=(5, 3))
for name, pipe in [("plain", plain), ("augmented", augmented)]:
    ax.plot(pipe[-1].loss_curve_, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# The full-scale configuration is one call (15 minutes on 2 CPU cores)::
#
#     best = make_mnist_pipeline("best-dense", random_state=0).fit(X, y)
#
# or ``skmnist train --preset best-dense`` on the command line.
