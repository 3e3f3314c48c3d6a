"""
=========================================
Quick start: a dense network on MNIST
=========================================

This example loads MNIST with :func:`~skmnist.load_mnist`, fits the standard
pipeline built by :func:`~skmnist.make_mnist_pipeline` (pixel scaling,
flattening, then a :class:`~skmnist.MNISTDenseClassifier`) and evaluates it on
the test set.

To keep it fast, the network is trained on the first 10,000 training images
for 5 epochs (2,000 images and 2 epochs when the environment variable
``SKMNIST_EXAMPLES_FAST`` is ``1``, as in the documentation build); on the
full 60,000 images and with the default preset (16 epochs on lightly distorted
images) it reaches 98.9% test accuracy.
"""

# %%
# ``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) trains on fewer
# images for fewer epochs, so that the example runs in a few seconds.
import os

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 2_000 if FAST else 10_000
epochs = 2 if FAST else 5

# %%
# Load the data
# -------------
#
# :func:`~skmnist.load_mnist` returns raw ``uint8`` pixels in ``0..255``:
# ``data`` holds one row of 784 pixels per image and ``images`` the same
# pixels as ``(n_samples, 28, 28)`` arrays. Scaling is left to the pipeline.
# Set the ``SKMNIST_DATA`` environment variable to a folder holding the IDX
# files to load them offline.
from skmnist import load_mnist

train = load_mnist(subset="train")
test = load_mnist(subset="test")

X_train, y_train = train.images[:n_train], train.target[:n_train]
X_test, y_test = test.images, test.target
print(f"Training images: {X_train.shape}, {X_train.dtype}")
print(f"Test images: {X_test.shape}, {X_test.dtype}")

# %%
# Fit the pipeline
# ----------------
#
# The pipeline takes the raw images: :class:`~skmnist.PixelScaler` maps
# ``0..255`` to ``[0, 1]``, :class:`~skmnist.ImageFlattener` turns each
# ``28 x 28`` image into a row of 784 pixels and the classifier trains a
# dense network with two hidden layers (256 and 128 units). ``random_state``
# makes the fit reproducible.
from skmnist import make_mnist_pipeline

pipe = make_mnist_pipeline(epochs=epochs, batch_size=128, random_state=0)
pipe.fit(X_train, y_train)
pipe

# %%
# The fitted classifier records the training loss and accuracy of each epoch
# in ``history_``.
clf = pipe[-1]
for epoch, (loss, acc) in enumerate(
    zip(clf.history_["loss"], clf.history_["accuracy"]), start=1
):
    print(f"epoch {epoch}: loss={loss:.4f} accuracy={acc:.4f}")

# %%
# Evaluate on the test set
# ------------------------
#
# ``score`` is the accuracy, as for any scikit-learn classifier, and
# :func:`~sklearn.metrics.classification_report` gives per-digit precision and
# recall.
from sklearn.metrics import classification_report

print(f"Test accuracy: {pipe.score(X_test, y_test):.4f}")

y_pred = pipe.predict(X_test)
print(classification_report(y_test, y_pred, digits=3))

# %%
# Look at some predictions
# ------------------------
#
# The first test digits with their predicted label; wrong predictions are
# titled in red.
import matplotlib.pyplot as plt

fig, axes = plt.subplots(3, 8, figsize=(8, 3.6), layout="constrained")
for ax, image, label, pred in zip(axes.ravel(), X_test, y_test, y_pred):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(f"pred: {pred}", color="black" if pred == label else "red")
    ax.set_axis_off()
fig.suptitle("First test digits and predicted labels")
plt.show()

# %%
# Misclassified digits
# --------------------
#
# ``predict_proba`` gives the probability of each class: plot the wrong
# predictions the network was most confident about.
import numpy as np

proba = pipe.predict_proba(X_test)
wrong = np.flatnonzero(y_pred != y_test)
worst = wrong[np.argsort(proba[wrong].max(axis=1))[::-1][:8]]

fig, axes = plt.subplots(1, 8, figsize=(8, 1.6), layout="constrained")
for ax, i in zip(axes, worst):
    ax.imshow(X_test[i], cmap="gray_r")
    ax.set_title(f"{y_pred[i]} ({proba[i].max():.0%})\ntrue: {y_test[i]}", fontsize=8)
    ax.set_axis_off()
plt.show()
