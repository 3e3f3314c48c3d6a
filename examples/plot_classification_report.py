"""
=====================================================
Classification report and the most confused digits
=====================================================

:class:`~skmnist.evaluation.EvaluationReport` gathers in one object what
scikit-learn's metrics say about a classifier on a test set: accuracy,
per-digit precision, recall and F1, the classification report, the confusion
matrix, the most confused pairs of digits and the misclassified images.
:mod:`skmnist.plotting` draws it (:func:`~skmnist.plotting.plot_confusion_matrix`,
:class:`~skmnist.plotting.DigitGridDisplay`) and
:func:`~skmnist.report.save_report` writes it to a folder.

To keep the example fast, the network is trained on the first 10,000 training
images for 5 epochs (2,000 images and 2 epochs when the environment variable
``SKMNIST_EXAMPLES_FAST`` is ``1``, as in the documentation build) and
evaluated on the 10,000 test images.
"""

# %%
# ``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) trains on fewer
# images for fewer epochs, so that the example runs in a few seconds.
import os

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 2_000 if FAST else 10_000
epochs = 2 if FAST else 5

# %%
# Train the pipeline
# ------------------
#
# The pipeline is fitted on raw ``28 x 28`` images; the same images of the
# test set are then both what it predicts on and the thumbnails of the plots.
from skmnist import load_mnist, make_mnist_pipeline

train = load_mnist(subset="train")
test = load_mnist(subset="test")
X_train, y_train = train.images[:n_train], train.target[:n_train]
X_test, y_test = test.images, test.target

pipe = make_mnist_pipeline(epochs=epochs, random_state=0)
pipe.fit(X_train, y_train)

# %%
# Build the report
# ----------------
#
# :meth:`EvaluationReport.from_estimator
# <skmnist.evaluation.EvaluationReport.from_estimator>` predicts on the test
# set (labels with ``predict``, probabilities with ``predict_proba``) and
# computes everything at once. ``X_test`` holds square images, so the report
# keeps them for the plots.
from skmnist.evaluation import EvaluationReport

report = EvaluationReport.from_estimator(pipe, X_test, y_test)
report

# %%
# ``classification_report`` is scikit-learn's
# :func:`~sklearn.metrics.classification_report`, with 4 digits:
print(report.classification_report)

# %%
# The same per-digit scores are arrays, in the order of ``report.labels``:
import pandas as pd

per_digit = pd.DataFrame(
    {
        "precision": report.precision,
        "recall": report.recall,
        "f1": report.f1,
        "support": report.support,
    },
    index=pd.Index(report.labels, name="digit"),
)
per_digit.sort_values("f1").round(4)

# %%
# The confusion matrix
# --------------------
#
# :func:`~skmnist.plotting.plot_confusion_matrix` draws the report's confusion
# matrix with scikit-learn's :class:`~sklearn.metrics.ConfusionMatrixDisplay`:
# rows are true digits, columns predicted ones. With ``normalize="true"`` each
# row sums to 1, so the diagonal is the recall of each digit.
import matplotlib.pyplot as plt

from skmnist.plotting import plot_confusion_matrix

fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), layout="constrained")
plot_confusion_matrix(report=report, ax=axes[0])
plot_confusion_matrix(report=report, normalize="true", ax=axes[1])
plt.show()

# %%
# It also works straight from a fitted classifier and test data,
# ``plot_confusion_matrix(pipe, X_test, y_test)``, which predicts on them.
# The counts are in ``report.confusion_matrix``:
report.confusion_matrix

# %%
# The most confused pairs of digits
# ---------------------------------
#
# :meth:`~skmnist.evaluation.EvaluationReport.most_confused` reads the largest
# off-diagonal cells of the confusion matrix: which true digit is most often
# taken for which other one.
pd.DataFrame(report.most_confused(8))

# %%
# The misclassified digits
# ------------------------
#
# :class:`~skmnist.plotting.DigitGridDisplay` draws digits with their
# predictions; ``select="misclassified"`` shows the wrong predictions, those
# the network was most confident about first. Each thumbnail reads
# ``true / pred (probability)``. Looking at them tells sloppy or ambiguous
# digits apart from real weaknesses of the model. Like scikit-learn's
# displays, ``from_predictions`` takes predictions already made (here the
# report's), ``from_estimator`` predicts itself, and the display keeps the
# figure (``figure_``) and the grid of axes (``axes_``).
from skmnist.plotting import DigitGridDisplay

print(f"{report.n_errors} errors in {report.n_samples} test images")
errors = DigitGridDisplay.from_predictions(
    report.images,
    report.y_true,
    report.y_pred,
    probabilities=report.prediction_confidence(),
    select="misclassified",
    n_images=18,
)
plt.show()

# %%
# :func:`~skmnist.plotting.plot_misclassified` draws the same in one call,
# ``plot_misclassified(report=report, max_images=18)``.

# %%
# :func:`~skmnist.plotting.plot_sample_predictions` draws random test digits
# instead, right and wrong alike.
from skmnist.plotting import plot_sample_predictions

plot_sample_predictions(report=report, n=18, random_state=0)
plt.show()

# %%
# Save the report
# ---------------
#
# :func:`~skmnist.report.save_report` writes the metrics as JSON
# (:meth:`~skmnist.evaluation.EvaluationReport.to_dict`), the text report, the
# figures as PNG files and one self-contained HTML page; ``skmnist train`` and
# ``skmnist evaluate`` write the same files.
import tempfile
from pathlib import Path

from skmnist.report import save_report

with tempfile.TemporaryDirectory() as folder:
    written = save_report(report, Path(folder) / "evaluation")
    for name, path in written.items():
        print(f"{name:28} {os.path.getsize(path):>9,} bytes")
