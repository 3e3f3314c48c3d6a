"""Tests of skmnist.evaluation: EvaluationReport metrics, to_dict and save."""

import base64
import json
import os
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

from skmnist.evaluation import EvaluationReport, _atomic_write

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
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
    macro = precision_recall_fscore_support(
        report.y_true, report.y_pred, average="macro", zero_division=0
    )
    assert_allclose(
        [d["macro_avg"][k] for k in ("precision", "recall", "f1")], macro[:3]
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


def test_modules_import_no_tensorflow(tmp_path):
    code = (
        "import sys\n"
        "from skmnist.evaluation import EvaluationReport\n"
        "import skmnist.plotting\n"
        "r = EvaluationReport.from_predictions([0, 1, 1], [0, 1, 0])\n"
        "r.to_dict()\n"
        f"r.save({str(tmp_path)!r})\n"
        "bad = {'tensorflow', 'keras', 'scikeras', 'jax'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert (tmp_path / "report.html").exists()


def _png_size(path):
    import matplotlib.image

    image = matplotlib.image.imread(path)
    return image.shape[1], image.shape[0]


def test_save_writes_every_file(fitted_classifier, mnist, mnist_small, tmp_path):
    _, test = mnist
    _, _, X_test, y_test = mnist_small
    report = EvaluationReport.from_estimator(
        fitted_classifier, X_test, y_test, images=test.images[:1000], fit_time=3.5
    )
    out_dir = tmp_path / "new" / "run"
    paths = report.save(out_dir)

    figures = [
        "confusion_matrix.png",
        "learning_curves.png",
        "sample_predictions.png",
        "misclassified.png",
    ]
    expected = {"metrics.json", "classification_report.txt", "report.html", *figures}
    assert set(paths) == expected
    assert {p.name for p in out_dir.iterdir()} == expected  # no temporary files
    for name, path in paths.items():
        assert os.path.samefile(path, out_dir / name)

    for name in figures:
        data = (out_dir / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        width, height = _png_size(out_dir / name)
        assert 400 <= width <= 3000 and 300 <= height <= 3000, (name, width, height)

    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["accuracy"] == report.accuracy
    assert metrics["fit_time"] == 3.5
    assert metrics["history"] == report.history
    text = (out_dir / "classification_report.txt").read_text()
    assert text == report.classification_report

    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("data:image/png;base64,") == len(figures)
    for name in figures:
        encoded = base64.b64encode((out_dir / name).read_bytes()).decode("ascii")
        assert f'data:image/png;base64,{encoded}"' in page
    assert f"{report.accuracy:.4f}" in page
    assert "3.50 s" in page
    assert "<script" not in page and "<link" not in page and "http" not in page
    for pair in report.most_confused_pairs[:3]:
        assert f"<td>{pair['true']}</td>" in page


def test_save_without_images_or_history(tmp_path, pyplot):
    report = EvaluationReport.from_predictions(
        ["cat", "dog", "dog"], ["cat", "cat", "dog"]
    )
    paths = report.save(tmp_path)
    assert set(paths) == {
        "metrics.json",
        "classification_report.txt",
        "confusion_matrix.png",
        "report.html",
    }
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 1
    assert "0.6667" in page
    # Figures for files are drawn without pyplot: nothing left open.
    assert pyplot.get_fignums() == []


def test_save_replaces_existing_files(tmp_path):
    report = EvaluationReport.from_predictions([0, 1, 1, 0], [0, 1, 1, 1])
    (tmp_path / "metrics.json").write_text("old")
    report.save(tmp_path)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["accuracy"] == report.accuracy == 0.75
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_save_failure_leaves_no_partial_file(digits_model, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    report = EvaluationReport.from_estimator(*digits_model)

    (tmp_path / "confusion_matrix.png").write_bytes(b"old")

    def broken_savefig(self, fname, *args, **kwargs):
        fname.write(PNG_SIGNATURE + b"half a figure")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    with pytest.raises(RuntimeError, match="disk on fire"):
        report.save(tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    # Files written before the crash are complete; the rest are absent or old.
    assert names == {
        "metrics.json",
        "classification_report.txt",
        "confusion_matrix.png",
    }
    assert (tmp_path / "confusion_matrix.png").read_bytes() == b"old"
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["n_samples"] == report.n_samples


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_atomic_write_failure_keeps_old_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "metrics.json"
    target.write_text("old")

    def fail(*args, **kwargs):
        raise OSError("crash")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="crash"):
        _atomic_write(target, "new content")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]

    _atomic_write(tmp_path / "fresh.txt", "new")
    assert (tmp_path / "fresh.txt").read_text() == "new"
