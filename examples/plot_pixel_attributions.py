"""
=====================================================
Why 7 and not 1? Pixel attributions and weights
=====================================================

A fitted :class:`~skmnist.MNISTDenseClassifier` is a few NumPy arrays, so the
gradient of a class score with respect to the pixels is a few exact matrix
products. :func:`~skmnist.inspection.pixel_attributions` turns it into
*integrated gradients*: how much each pixel moved a class's score (its logit)
on the way from a black image to the digit. The attributions of a digit add
up to its score minus the black image's score.

This example trains the standard pipeline, then draws

- a few test digits beside their attributions toward the predicted class and
  toward the runner-up (:class:`~skmnist.plotting.AttributionDisplay`),
- the most confident errors, toward the prediction and toward the true class,
- the first layer's weights as images
  (:class:`~skmnist.plotting.WeightsDisplay`), the plot scikit-learn's gallery
  draws by hand for MLPClassifier.

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
# Train the pipeline
# ------------------
import numpy as np

from skmnist import load_mnist, make_mnist_pipeline

train = load_mnist(subset="train")
test = load_mnist(subset="test")
pipe = make_mnist_pipeline(epochs=epochs, random_state=0)
pipe.fit(train.images[:n_train], train.target[:n_train])
print(f"Test accuracy: {pipe.score(test.images, test.target):.4f}")

# %%
# Attributions, and what they add up to
# -------------------------------------
#
# On a pipeline, the attributions are computed on the image the network sees
# (scaled to [0, 1] by the pipeline's PixelScaler), returned beside them. By
# default the class explained is the predicted one.
from skmnist.inspection import pixel_attributions

result = pixel_attributions(pipe, test.images[:5], n_steps=32)
print("explained classes:", result.target)
print("shapes:", result.attributions.shape, result.images.shape)
totals = result.attributions.sum(axis=(1, 2))
for total, score, base in zip(totals, result.scores, result.baseline_scores):
    print(f"sum {total:7.3f}   score - black image's score {score - base:7.3f}")

# %%
# The sums match up to the error of the 32-step integral, which shrinks as
# ``n_steps`` grows:
for n_steps in (4, 32, 256):
    r = pixel_attributions(pipe, test.images[:100], n_steps=n_steps)
    gap = np.abs(r.attributions.sum(axis=(1, 2)) - (r.scores - r.baseline_scores))
    print(f"{n_steps:>4} steps: largest completeness error {gap.max():.4f}")

# %%
# The prediction against the runner-up
# ------------------------------------
#
# Red pixels raised the class's score, blue ones lowered it; the two maps of a
# digit share one scale, centred on zero. The digit's outline is drawn over
# the maps in grey.
from skmnist.plotting import AttributionDisplay

AttributionDisplay.from_estimator(pipe, test.images, test.target, n_images=6)

# %%
# The most confident errors
# -------------------------
#
# For each error, what pushed the network toward its answer, and what spoke
# for the true class (``versus="true"``).
AttributionDisplay.from_estimator(
    pipe,
    test.images,
    test.target,
    select="misclassified",
    versus="true",
    n_images=6,
)

# %%
# The first layer's weights
# -------------------------
#
# Each first-layer unit weighs every pixel; here the 16 units whose weights
# have the largest norm, on one colour scale centred on zero.
from skmnist.plotting import WeightsDisplay

WeightsDisplay.from_estimator(pipe, n_units=16)
