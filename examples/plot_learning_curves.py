"""
=========================================
Learning curves and early stopping
=========================================

With ``early_stopping=True``, :class:`~skmnist.MNISTDenseClassifier` holds out
part of its training data, measures the validation loss after each epoch and
stops once it no longer improves, restoring the weights of the best epoch.
Its ``history_`` records the loss and accuracy of every epoch on both sets,
and :class:`~skmnist.plotting.LossCurveDisplay` draws them.

A second kind of learning curve shows the score against the number of
training images: scikit-learn's
:class:`~sklearn.model_selection.LearningCurveDisplay` draws it for the
pipeline like for any estimator.

To keep the example fast, the network is trained on the first 10,000 training
images (2,000 images and fewer epochs when the environment variable
``SKMNIST_EXAMPLES_FAST`` is ``1``, as in the documentation build).
"""

# %%
# ``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) trains on fewer
# images for fewer epochs, so that the example runs in a few seconds.
import os

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 2_000 if FAST else 10_000
max_epochs = 8 if FAST else 30
n_curve = 1_000 if FAST else 3_000  # images for the learning curve over sizes
n_folds = 2 if FAST else 3

# %%
# Train with early stopping
# -------------------------
#
# ``epochs`` is only an upper bound here: 10% of the training images
# (``validation_fraction``, stratified by digit) are held out, and training
# stops once the validation loss has not improved for ``n_iter_no_change``
# epochs.
from skmnist import load_mnist, make_mnist_pipeline

X, y = load_mnist(subset="train", return_X_y=True)
X_test, y_test = load_mnist(subset="test", return_X_y=True)

pipe = make_mnist_pipeline(
    epochs=max_epochs,
    early_stopping=True,
    validation_fraction=0.1,
    n_iter_no_change=3,
    random_state=0,
)
pipe.fit(X[:n_train], y[:n_train])
clf = pipe[-1]
print(f"Epochs run: {clf.n_iter_} of at most {max_epochs}")
print(f"Test accuracy: {pipe.score(X_test, y_test):.4f}")

# %%
# ``best_epoch_`` is the index, from 0, of the epoch with the lowest validation
# loss: the weights of that epoch are the ones the classifier keeps.
best = clf.best_epoch_
print(
    f"Best epoch: {best + 1} (best_epoch_={best}), "
    f"validation loss {clf.history_['val_loss'][best]:.4f}, "
    f"validation accuracy {clf.history_['val_accuracy'][best]:.4f}"
)

# %%
# ``history_`` maps each metric to its per-epoch values:
import pandas as pd

history = pd.DataFrame(clf.history_)
history.index = pd.RangeIndex(1, len(history) + 1, name="epoch")
history.round(4)

# %%
# Plot the learning curves
# ------------------------
#
# :class:`~skmnist.plotting.LossCurveDisplay` draws the loss and the accuracy
# per epoch, training against validation: ``from_estimator`` reads the fitted
# classifier's ``history_`` (also at the end of a pipeline), and
# ``LossCurveDisplay(history).plot()`` draws a history dict. The dotted line
# marks the best epoch, counted from 1, also kept as ``best_epoch``. The
# training metrics are averages over each epoch, while the weights still
# change and with dropout on; the validation metrics are measured at the end
# of the epoch, without dropout. That is why the training curves start out
# worse than the validation ones, before the network fits its training images
# better than the held-out ones.
import matplotlib.pyplot as plt

from skmnist.plotting import LossCurveDisplay

curves = LossCurveDisplay.from_estimator(clf)
print(f"Lowest validation loss after epoch {curves.best_epoch}")
plt.show()

# %%
# :func:`~skmnist.plotting.plot_learning_curves` does the same in one call and
# returns the figure: ``plot_learning_curves(clf)``.

# %%
# Score against the number of training images
# -------------------------------------------
#
# :class:`~sklearn.model_selection.LearningCurveDisplay` cross-validates the
# pipeline on growing parts of the data: here on 10%, 40% and 100% of the
# training folds of a 3-fold cross-validation (2 folds with
# ``SKMNIST_EXAMPLES_FAST=1``) on a subset of the training set, with a smaller
# network trained for a fixed 5 epochs. Each point costs one fit per fold. The
# gap between the two curves narrows as the training set grows: more images,
# less over-fitting.
from sklearn.model_selection import LearningCurveDisplay, StratifiedKFold

small_pipe = make_mnist_pipeline(hidden_layer_sizes=(128,), epochs=5, random_state=0)
display = LearningCurveDisplay.from_estimator(
    small_pipe,
    X[:n_curve],
    y[:n_curve],
    train_sizes=[0.1, 0.4, 1.0],
    cv=StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0),
    score_type="both",
    scoring="accuracy",
    score_name="Accuracy",
)
display.ax_.set_title(f"Learning curve on {n_curve:,} MNIST images (cv={n_folds})")
plt.show()
