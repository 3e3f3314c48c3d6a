"""
===========================================
MNIST as a pandas DataFrame from a CSV file
===========================================

MNIST is often shared as a CSV file with one row per image: a ``label``
column, then the 784 pixels as ``pixel0`` ... ``pixel783`` (row by row, values
``0..255``), as in Kaggle's "Digit Recognizer" competition. This example
writes the digits in that layout with pandas, reads them back with
:func:`pandas.read_csv`, and fits the pipeline built by
:func:`~skmnist.make_mnist_pipeline` on the DataFrame. With
``set_output(transform="pandas")`` the transformers of the pipeline return
DataFrames too, whose columns keep the pixel names.

To keep the example fast, the network is trained on the first 10,000 training
images for 5 epochs (2,000 images and 2 epochs when the environment variable
``SKMNIST_EXAMPLES_FAST`` is ``1``, as in the documentation build).
"""

# %%
# ``SKMNIST_EXAMPLES_FAST=1`` (set by the documentation build) trains on fewer
# images for fewer epochs, so that the example runs in a few seconds.
import os

FAST = os.environ.get("SKMNIST_EXAMPLES_FAST") == "1"
n_train = 2_000 if FAST else 10_000
n_test = 2_000 if FAST else 10_000
epochs = 2 if FAST else 5

# %%
# Write MNIST as CSV files
# ------------------------
#
# Build the DataFrames from the arrays :func:`~skmnist.load_mnist` returns:
# the label first, then one column per pixel. (``load_mnist(as_frame=True)``
# gives a DataFrame directly, with columns named ``pixel_{row}_{col}`` and the
# label in a ``class`` column.)
import tempfile
from pathlib import Path

import pandas as pd

from skmnist import load_mnist

pixel_columns = [f"pixel{i}" for i in range(784)]


def to_frame(X, y):
    """Rows of 784 pixels and their labels in the Kaggle CSV layout."""
    frame = pd.DataFrame(X, columns=pixel_columns)
    frame.insert(0, "label", y)
    return frame


X_train, y_train = load_mnist(subset="train", return_X_y=True)
X_test, y_test = load_mnist(subset="test", return_X_y=True)

folder = tempfile.TemporaryDirectory()
train_csv = Path(folder.name) / "train.csv"
test_csv = Path(folder.name) / "test.csv"
to_frame(X_train[:n_train], y_train[:n_train]).to_csv(train_csv, index=False)
to_frame(X_test[:n_test], y_test[:n_test]).to_csv(test_csv, index=False)

with open(train_csv) as f:
    print(f.readline()[:70], "...")
print(f"{train_csv.name}: {train_csv.stat().st_size / 1e6:.1f} MB")

# %%
# Read them back
# --------------
#
# :func:`pandas.read_csv` reads the pixels as integers. Split each file into
# the pixel columns ``X`` and the ``label`` column ``y``.
train_df = pd.read_csv(train_csv)
test_df = pd.read_csv(test_csv)

X_train_df, y_train_df = train_df.drop(columns="label"), train_df["label"]
X_test_df, y_test_df = test_df.drop(columns="label"), test_df["label"]
print(f"X: {X_train_df.shape}, y: {y_train_df.shape}")
train_df.iloc[:5, [0, 1, 2, 300, 301, 302, -1]]

# %%
# Fit the pipeline on the DataFrame
# ---------------------------------
#
# The pipeline takes the DataFrame as it is: 784 pixel columns are the flat
# rows :class:`~skmnist.ImageFlattener` passes through. ``set_output`` on the
# pipeline reaches its transformers (:class:`~skmnist.PixelScaler` and
# :class:`~skmnist.ImageFlattener`), which then return DataFrames; the
# classifier is not a transformer and is left alone.
from skmnist import make_mnist_pipeline

pipe = make_mnist_pipeline(epochs=epochs, random_state=0)
pipe.set_output(transform="pandas")
pipe.fit(X_train_df, y_train_df)
print(f"Test accuracy: {pipe.score(X_test_df, y_test_df):.4f}")

# %%
# Feature names
# -------------
#
# Fitted on a DataFrame, each step stores the column names in
# ``feature_names_in_``, and the transformers give them back from
# ``get_feature_names_out``:
clf = pipe[-1]
print("Classifier input:", list(clf.feature_names_in_[:4]), "...")
print("Transformers output:", list(pipe[:-1].get_feature_names_out()[:4]), "...")

# %%
# The transformers alone, ``pipe[:-1]``, show what the network is fed: the
# same pixel columns, scaled from ``0..255`` to ``[0, 1]``.
scaled = pipe[:-1].transform(X_test_df.head())
scaled.iloc[:, 300:306]

# %%
# Predictions are labels like those of the ``label`` column. As everywhere in
# scikit-learn, the columns are checked at prediction time: a DataFrame with
# other column names raises an error, and a NumPy array without names draws a
# warning.
pd.DataFrame(
    {
        "label": y_test_df.head(8),
        "predicted": pipe.predict(X_test_df.head(8)),
        "probability": pipe.predict_proba(X_test_df.head(8)).max(axis=1).round(3),
    }
)

# %%
# Look at the digits of the CSV file
# ----------------------------------
#
# A row of 784 pixels is an image once reshaped to ``28 x 28``.
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 8, figsize=(8, 1.6), layout="constrained")
for ax, (_, row) in zip(axes, test_df.head(8).iterrows()):
    ax.imshow(row[pixel_columns].to_numpy().reshape(28, 28), cmap="gray_r")
    ax.set_title(f"label {row['label']}")
    ax.set_axis_off()
plt.show()

# %%
# Remove the temporary folder and its CSV files.
folder.cleanup()
