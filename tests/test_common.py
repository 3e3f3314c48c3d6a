"""scikit-learn's estimator checks on every skmnist estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmnist import MNISTDenseClassifier
from skmnist.utils.discovery import all_estimators

# Small and fast: one full batch (bigger than any check's data set), so that the
# checks' results do not depend on shuffling (scikeras' own check settings).
FAST_PARAMS = {
    MNISTDenseClassifier: dict(
        hidden_layer_sizes=(16,),
        epochs=30,
        learning_rate=0.03,
        batch_size=1000,
        random_state=0,
    ),
}

# One honest reason per expected failure.
EXPECTED_FAILED_CHECKS = {
    "MNISTDenseClassifier": {},
}


def _instances():
    for _, cls in all_estimators():
        yield cls(**FAST_PARAMS.get(cls, {}))
    # Issue 27: the classifier exactly as a user constructs it, defaults and
    # all (256-128 units, 20 epochs, batches of 128, no dropout).
    yield MNISTDenseClassifier()


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(
    list(_instances()), expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_all_estimators_are_found():
    names = [name for name, _ in all_estimators()]
    assert names == [
        "DigitNormalizer",
        "ImageFlattener",
        "MNISTDenseClassifier",
        "OneHotLabelEncoder",
        "PixelScaler",
    ]
    assert [n for n, _ in all_estimators("classifier")] == ["MNISTDenseClassifier"]
    with pytest.raises(ValueError, match="type_filter"):
        all_estimators("regressor")
