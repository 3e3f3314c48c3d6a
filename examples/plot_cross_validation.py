"""
=============================================
Cross-validation and the confusion matrix
=============================================

:func:`~sklearn.model_selection.cross_validate` estimates how well the pipeline
built by :func:`~skmnist.make_mnist_pipeline` generalises, and
:meth:`ConfusionMatrixDisplay.from_estimator
<sklearn.metrics.ConfusionMatrixDisplay.from_estimator>` shows which digits it
confuses on the test set. Both need nothing beyond the scikit-learn API:
:class:`~skmnist.MNISTDenseClassifier` is recognised as a classifier, so the
folds are stratified and the display accepts the fitted pipeline.

To keep the example fast, cross-validation runs on the first 5,000 training
images and the final model on the first 10,000 (1,000 and 2,000 with fewer
epochs when the environment variable ``SKMNIST_EXAMPLES_FAST`` is ``1``, as in
the documentation build).
"""

# %%
# ``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) trains on fewer
# images for fewer epochs, so that the example runs in a few seconds.
import os

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_cv = 1_000 if FAST else 5_000
n_train = 2_000 if FAST else 10_000
epochs = 2 if FAST else 5

# %%
# Load the data
# -------------
from skmnist import load_mnist

X_train, y_train = load_mnist(subset="train", return_X_y=True)
X_test, y_test = load_mnist(subset="test", return_X_y=True)

# %%
# Cross-validate the pipeline
# ---------------------------
#
# Every fold clones and refits the whole pipeline, scaler included, so no
# statistic of a validation fold reaches its training folds. With an integer
# ``random_state`` each fold's network is initialised and shuffled the same
# way, so the run is reproducible.
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_validate

from skmnist import make_mnist_pipeline

pipe = make_mnist_pipeline(hidden_layer_sizes=(128,), epochs=epochs, random_state=0)
cv = StratifiedKFold(n_splits=4, shuffle=True, random_state=0)
scores = cross_validate(
    pipe,
    X_train[:n_cv],
    y_train[:n_cv],
    cv=cv,
    scoring=["accuracy", "balanced_accuracy"],
    return_train_score=True,
)
scores = pd.DataFrame(scores)
scores

# %%
print(
    f"Accuracy: {scores['test_accuracy'].mean():.4f} "
    f"+/- {scores['test_accuracy'].std():.4f} over {cv.get_n_splits()} folds"
)

# %%
# Fit on more data and look at the test errors
# --------------------------------------------
#
# Refit the pipeline on more training images, then draw the confusion matrix
# of its predictions on the 10,000 test images. Rows are true digits, columns
# predicted ones; the normalised version divides each row by the number of
# test images of that digit, so the diagonal is the per-digit recall.
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay

pipe.fit(X_train[:n_train], y_train[:n_train])
print(f"Test accuracy: {pipe.score(X_test, y_test):.4f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
ConfusionMatrixDisplay.from_estimator(pipe, X_test, y_test, ax=axes[0], colorbar=False)
axes[0].set_title("Counts")
ConfusionMatrixDisplay.from_estimator(
    pipe,
    X_test,
    y_test,
    normalize="true",
    values_format=".0%",
    ax=axes[1],
    colorbar=False,
)
axes[1].set_title("Normalised by true digit")
plt.show()

# %%
# The most frequent confusions
# ----------------------------
#
# The largest off-diagonal counts name the pairs of digits the network mixes
# up most often. (:class:`~skmnist.evaluation.EvaluationReport` computes them
# for you, with the misclassified digits: see
# :ref:`sphx_glr_auto_examples_plot_classification_report.py`.)
import numpy as np
from sklearn.metrics import confusion_matrix

cm = confusion_matrix(y_test, pipe.predict(X_test))
np.fill_diagonal(cm, 0)
pairs = pd.DataFrame(
    [(true, pred, cm[true, pred]) for true, pred in zip(*np.nonzero(cm))],
    columns=["true digit", "predicted digit", "count"],
)
pairs.sort_values("count", ascending=False).head(5).reset_index(drop=True)
