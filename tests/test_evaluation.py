"""Tests of skmnist.evaluation: EvaluationReport metrics and to_dict."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    precision_recall_fscore_support,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmnist.evaluation import EvaluationReport

HISTORY = {
    "loss": [0.9, 0.5, 0.4],
    "accuracy": [0.7, 0.85, 0.9],
    "val_loss": [0.6, 0.45, 0.5],
    "val_accuracy": [0.8, 0.87, 0.86],
}


@pytest.fixture(scope="module")
def mnist_report(mnist):
    """Report of a quick LogisticRegression on real MNIST, raw uint8 images."""
    train, test = mnist
    X_train = train.data[:1000] / np.float32(255)
    X_test = test.data[:1000] / np.float32(255)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LogisticRegression(max_iter=50).fit(X_train, train.target[:1000])
    return EvaluationReport.from_estimator(
        clf,
        X_test,
        test.target[:1000],
        images=test.images[:1000],
        fit_time=0.5,
        params={"C": 1.0, "max_iter": 50},
    )


def test_metrics_agree_with_sklearn():
    rng = np.random.RandomState(0)
    y_true = rng.randint(0, 10, size=500)
    y_pred = np.where(rng.rand(500) < 0.8, y_true, rng.randint(0, 10, size=500))
    report = EvaluationReport.from_predictions(y_true, y_pred)

    assert report.accuracy == accuracy_score(y_true, y_pred)
    assert isinstance(report.accuracy, float)
    assert_array_equal(report.labels, np.arange(10))
    assert_array_equal(report.confusion_matrix, confusion_matrix(y_true, y_pred))
    assert report.confusion_matrix.dtype.kind == "i"
    expected = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    for got, want in zip(
        (report.precision, report.recall, report.f1, report.support), expected
    ):
        assert_allclose(got, want)
    assert report.classification_report == classification_report(
        y_true, y_pred, digits=4
    )
    assert_array_equal(report.misclassified, np.flatnonzero(y_true != y_pred))
    assert report.n_samples == 500
    assert report.n_errors == int(np.sum(y_true != y_pred))
    assert report.y_proba is None and report.prediction_confidence() is None


def test_most_confused_pairs_hand_made():
    y_true = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3]
    y_pred = [0, 1, 1, 1, 0, 2, 3, 3, 0, 3]
    report = EvaluationReport.from_predictions(y_true, y_pred)
    expected = [
        {"true": 0, "predicted": 1, "count": 2},
        {"true": 2, "predicted": 3, "count": 2},
        {"true": 1, "predicted": 0, "count": 1},
        {"true": 2, "predicted": 0, "count": 1},
    ]
    assert report.most_confused_pairs == expected
    assert report.most_confused(n=2) == expected[:2]
    assert report.most_confused(n=None) == expected
    assert report.most_confused(n=0) == []
    assert all(type(p["true"]) is int for p in report.most_confused_pairs)
    assert_array_equal(report.misclassified, [1, 2, 4, 6, 7, 8])
    with pytest.raises(ValueError, match="non-negative"):
        report.most_confused(n=-1)


def test_most_confused_pairs_keeps_the_top_10():
    # 12 distinct errors: (t, t+1) seen t+1 times for t = 0..11.
    y_true, y_pred = [], []
    for t in range(12):
        y_true += [t] * (t + 1)
        y_pred += [t + 1] * (t + 1)
    report = EvaluationReport.from_predictions(y_true, y_pred)
    pairs = report.most_confused_pairs
    assert len(pairs) == 10
    assert [p["count"] for p in pairs] == list(range(12, 2, -1))
    assert pairs[0] == {"true": 11, "predicted": 12, "count": 12}
    assert len(report.most_confused(None)) == 12


def test_labels_order_and_absent_classes():
    report = EvaluationReport.from_predictions(
        ["b", "a", "a"], ["b", "a", "b"], labels=["c", "b", "a"]
    )
    assert_array_equal(report.labels, ["c", "b", "a"])
    assert_array_equal(report.confusion_matrix, [[0, 0, 0], [0, 1, 0], [0, 1, 1]])
    assert_array_equal(report.support, [0, 1, 2])
    assert report.most_confused_pairs == [{"true": "a", "predicted": "b", "count": 1}]
    d = report.to_dict()
    assert list(d["per_class"]) == ["c", "b", "a"]
    assert json.loads(json.dumps(d)) == d


def test_prediction_confidence_follows_label_columns():
    # Columns in the order of labels=[2, 0, 1], not sorted.
    y_proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    report = EvaluationReport.from_predictions(
        [2, 1, 1], [2, 1, 0], y_proba=y_proba, labels=[2, 0, 1]
    )
    assert_allclose(report.prediction_confidence(), [0.7, 0.6, 0.5])


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="3 samples but y_pred has 2"):
        EvaluationReport.from_predictions([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="0 samples"):
        EvaluationReport.from_predictions([], [])
    with pytest.raises(ValueError, match="y_proba must have shape"):
        EvaluationReport.from_predictions([0, 1], [0, 1], y_proba=np.ones((2, 3)))
    with pytest.raises(ValueError, match="images has 1 samples"):
        EvaluationReport.from_predictions([0, 1], [0, 1], images=np.zeros((1, 784)))
    with pytest.raises(ValueError, match="images must be"):
        EvaluationReport.from_predictions([0, 1], [0, 1], images=np.zeros((2, 783)))


def test_from_estimator_any_sklearn_classifier(digits_model):
    clf, X, y = digits_model
    report = EvaluationReport.from_estimator(clf, X, y, fit_time=1.25)
    y_pred = clf.predict(X)
    assert_array_equal(report.y_pred, y_pred)
    assert report.accuracy == pytest.approx(clf.score(X, y))
    assert_allclose(report.y_proba, clf.predict_proba(X))
    assert_allclose(report.prediction_confidence(), clf.predict_proba(X).max(axis=1))
    # The 64 pixel columns are seen as 8x8 images; no history for sklearn models.
    assert report.images.shape == (len(X), 8, 8)
    assert report.history is None
    assert report.fit_time == 1.25
    assert report.params["C"] == 1.0 and report.params["max_iter"] == 2000
    assert repr(report) == (
        f"EvaluationReport(accuracy={report.accuracy:.4f}, n_samples={len(X)}, "
        f"n_errors={report.n_errors}, n_classes=10)"
    )


def test_from_estimator_reads_history_of_last_pipeline_step(digits_model):
    _, X, y = digits_model
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    pipe.fit(X, y)
    pipe[-1].history_ = HISTORY
    report = EvaluationReport.from_estimator(pipe, X, y, params={"a": 1})
    assert report.history == HISTORY
    assert report.params == {"a": 1}
    assert report.to_dict()["history"] == HISTORY


def test_from_estimator_on_mnist_dense_classifier(fitted_classifier, mnist_small):
    _, _, X_test, y_test = mnist_small
    report = EvaluationReport.from_estimator(fitted_classifier, X_test, y_test)
    assert report.accuracy == pytest.approx(fitted_classifier.score(X_test, y_test))
    assert report.images.shape == (1000, 28, 28)
    assert report.y_proba.shape == (1000, 10)
    assert set(report.history) == {"loss", "accuracy"}
    assert len(report.history["loss"]) == 3
    assert report.params["epochs"] == 3


def test_to_dict_is_json_and_round_trips(mnist_report):
    report = mnist_report
    d = report.to_dict()
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert d["accuracy"] == report.accuracy
    assert d["n_samples"] == 1000
    assert (
        d["n_errors"] == report.n_errors == int(np.sum(report.y_true != report.y_pred))
    )
    assert d["labels"] == list(range(10))
    assert d["confusion_matrix"] == report.confusion_matrix.tolist()
    assert d["most_confused_pairs"] == report.most_confused_pairs
    for k, label in enumerate(report.labels):
        row = d["per_class"][str(label)]
        assert row["precision"] == report.precision[k]
        assert row["recall"] == report.recall[k]
        assert row["f1"] == report.f1[k]
        assert row["support"] == report.support[k]
    for average in ("macro", "weighted"):
        expected = precision_recall_fscore_support(
            report.y_true, report.y_pred, average=average, zero_division=0
        )
        assert_allclose(
            [d[f"{average}_avg"][k] for k in ("precision", "recall", "f1")],
            expected[:3],
        )
    assert d["weighted_avg"]["support"] == 1000
    assert d["fit_time"] == 0.5
    assert d["params"] == {"C": 1.0, "max_iter": 50}
    assert d["history"] is None
    versions = d["versions"]
    for name in ("python", "skmnist", "scikit-learn", "numpy", "keras", "tensorflow"):
        assert versions[name], name
    assert "scikeras" in versions


def test_to_dict_converts_params_to_json():
    params = {"sizes": (256, 128), "lr": np.float32(0.5), "n": np.int64(3), 7: None}
    d = EvaluationReport.from_predictions([0, 1], [0, 1], params=params).to_dict()
    assert d["params"] == {"sizes": [256, 128], "lr": 0.5, "n": 3, "7": None}
    assert json.loads(json.dumps(d)) == d


def test_from_estimator_reads_mlp_loss_curve(digits_model):
    from sklearn.neural_network import MLPClassifier

    _, X, y = digits_model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((8,), max_iter=3, random_state=0).fit(X, y)
    report = EvaluationReport.from_estimator(mlp, X, y)
    assert report.history == {"loss": mlp.loss_curve_}
    assert len(report.history["loss"]) == 3


def test_history_must_be_a_dict_of_numbers():
    with pytest.raises(TypeError, match="history must be a dict"):
        EvaluationReport([0, 1], [0, 1], history=[0.5, 0.4])
    with pytest.raises(ValueError, match=r"history\['loss'\] must hold numbers"):
        EvaluationReport([0, 1], [0, 1], history={"loss": ["low", "high"]})
    report = EvaluationReport([0, 1], [0, 1], history={"loss": np.float32([1, 0.5])})
    assert report.history == {"loss": [1.0, 0.5]}


def test_importing_evaluation_imports_no_plotting_nor_backend():
    code = (
        "import sys\n"
        "from skmnist.evaluation import EvaluationReport\n"
        "r = EvaluationReport.from_predictions([0, 1, 1], [0, 1, 0])\n"
        "r.to_dict()\n"
        "bad = {'matplotlib', 'skmnist.plotting', 'skmnist.report', 'tensorflow',\n"
        "       'keras', 'scikeras', 'jax'} & set(sys.modules)\n"
        "print(sorted(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[]"
