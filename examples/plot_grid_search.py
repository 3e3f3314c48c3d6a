"""
=======================================================
Grid search over epochs and batch size in the pipeline
=======================================================

:class:`~skmnist.MNISTDenseClassifier` is a scikit-learn estimator, so
:class:`~sklearn.model_selection.GridSearchCV` can tune it inside the pipeline
built by :func:`~skmnist.make_mnist_pipeline`. Parameters of the classifier
step are addressed as ``mnistdenseclassifier__<name>``.

Pixel scaling is a step of the pipeline, so it is fitted on the training folds
only and the cross-validation scores do not leak information from the
validation folds. To keep the example fast, the search runs on 3,000 training
images with a smaller network and ``cv=3`` (1,000 images, shorter trainings
and ``cv=2`` when the environment variable ``SKMNIST_EXAMPLES_FAST`` is ``1``,
as in the documentation build).
"""

# %%
# ``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) searches on fewer
# images, fewer epochs and folds, so that the example runs in a few seconds.
import os

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 1_000 if FAST else 3_000
epochs_grid = [1, 2] if FAST else [2, 5]
cv = 2 if FAST else 3

# %%
# Load a subset of MNIST
# ----------------------
from skmnist import load_mnist

X, y = load_mnist(subset="train", return_X_y=True)
X, y = X[:n_train], y[:n_train]
print(X.shape, y.shape)

# %%
# Search the grid
# ---------------
#
# Four candidates (2 values of ``epochs`` times 2 of ``batch_size``), each
# fitted on ``cv`` folds, then the best one refitted on the whole subset. The
# pipeline is a classifier for scikit-learn, so the folds are stratified by
# digit.
from sklearn.model_selection import GridSearchCV

from skmnist import make_mnist_pipeline

pipe = make_mnist_pipeline(hidden_layer_sizes=(128,), random_state=0)
param_grid = {
    "mnistdenseclassifier__epochs": epochs_grid,
    "mnistdenseclassifier__batch_size": [32, 128],
}
search = GridSearchCV(pipe, param_grid, cv=cv, scoring="accuracy")
search.fit(X, y)

print("Best parameters:", search.best_params_)
print(f"Best cross-validated accuracy: {search.best_score_:.4f}")

# %%
# The cross-validation results
# ----------------------------
#
# ``cv_results_`` holds one row per candidate; pandas makes it readable.
import pandas as pd

results = pd.DataFrame(search.cv_results_)
columns = {
    "param_mnistdenseclassifier__epochs": "epochs",
    "param_mnistdenseclassifier__batch_size": "batch_size",
    "mean_test_score": "mean accuracy",
    "std_test_score": "std",
    "mean_fit_time": "fit time (s)",
    "rank_test_score": "rank",
}
table = results[list(columns)].rename(columns=columns).sort_values("rank")
table

# %%
# Plot the mean test score
# ------------------------
#
# Smaller batches mean more gradient updates per epoch: on this small subset
# they reach a good accuracy in fewer epochs.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for batch_size, group in table.sort_values("epochs").groupby("batch_size"):
    ax.errorbar(
        group["epochs"].astype(int),
        group["mean accuracy"],
        yerr=group["std"],
        marker="o",
        capsize=3,
        label=f"batch_size={batch_size}",
    )
ax.set_xlabel("epochs")
ax.set_ylabel("mean cross-validated accuracy")
ax.set_xticks(param_grid["mnistdenseclassifier__epochs"])
ax.set_title(f"GridSearchCV on {n_train:,} MNIST images (cv={cv})")
ax.legend()
plt.show()

# %%
# The same scores as a heatmap
# ----------------------------
#
# :func:`~skmnist.plotting.plot_search_heatmap` draws ``cv_results_`` over two
# parameters, one cell per pair of values, the best one framed in red. It is
# the ``search_heatmap.png`` that ``skmnist search`` writes.
from skmnist.plotting import plot_search_heatmap

ax = plot_search_heatmap(
    search.cv_results_,
    "mnistdenseclassifier__batch_size",
    "mnistdenseclassifier__epochs",
)
plt.show()

# %%
# Score the refitted best pipeline
# --------------------------------
#
# ``best_estimator_`` is the whole pipeline refitted with the best parameters;
# it scores held-out data like any classifier.
X_test, y_test = load_mnist(subset="test", return_X_y=True)
print(f"Test accuracy of the best pipeline: {search.score(X_test, y_test):.4f}")
