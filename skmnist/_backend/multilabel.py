"""The accuracy of a multilabel network: MLPClassifier's validation score."""

import keras


def _subset_accuracy(y_true, y_pred):
    """1 for a sample whose every label is predicted right (output > 0.5)."""
    right = keras.ops.equal(y_true > 0.5, y_pred > 0.5)
    return keras.ops.cast(keras.ops.all(right, axis=-1), y_pred.dtype)


@keras.saving.register_keras_serializable(package="skmnist")
class SubsetAccuracy(keras.metrics.MeanMetricWrapper):
    """Fraction of samples whose labels are all right, named ``"accuracy"``.

    scikit-learn's ``accuracy_score`` on indicator matrices (and so
    MLPClassifier's validation score for multilabel y), under the name the
    single-label networks' metric has, so ``history_`` keeps its keys.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=_subset_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
