"""Faults during training, concurrency and large predictions."""

import threading

import keras
import numpy as np
import pytest

from skmnist import MNISTDenseClassifier, _classifier

SMALL = dict(hidden_layer_sizes=(32,), epochs=3, random_state=0)


class _InterruptAt(keras.callbacks.Callback):
    """Raise KeyboardInterrupt in the middle of an epoch, like Ctrl-C."""

    def __init__(self, batch):
        super().__init__()
        self.batch = batch

    def on_train_batch_end(self, batch, logs=None):
        # Keras reports every 128th batch (steps_per_execution=128).
        if batch >= self.batch:
            raise KeyboardInterrupt


def test_interrupted_first_fit_leaves_the_estimator_unfitted(mnist_small):
    from sklearn.exceptions import NotFittedError

    X, y, X_test, _ = mnist_small
    clf = MNISTDenseClassifier(**SMALL, callbacks=[_InterruptAt(5)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert not hasattr(clf, "model_") and not hasattr(clf, "classes_")
    with pytest.raises(NotFittedError):
        clf.predict(X_test)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit", "refit"])
def test_interrupted_fit_keeps_the_previous_fitted_state(mnist_small, how):
    X, y, X_test, _ = mnist_small
    clf = MNISTDenseClassifier(**SMALL, warm_start=how == "warm_start").fit(X, y)
    before = clf.predict_proba(X_test)
    state = {k: v for k, v in vars(clf).items() if k.endswith("_")}
    weights = [w.copy() for w in clf.model_.get_weights()]
    optimizer = [
        keras.ops.convert_to_numpy(v.value) for v in clf.model_.optimizer.variables
    ]

    clf.set_params(callbacks=[_InterruptAt(3)])
    with pytest.raises(KeyboardInterrupt):
        if how == "partial_fit":
            clf.partial_fit(X, y)
        else:
            clf.fit(X, y)

    assert {
        k: v for k, v in vars(clf).items() if k.endswith("_")
    }.keys() == state.keys()
    assert clf.history_ == state["history_"] and clf.n_iter_ == state["n_iter_"]
    for saved, now in zip(weights, clf.model_.get_weights()):
        np.testing.assert_array_equal(saved, now)
    for saved, now in zip(optimizer, clf.model_.optimizer.variables):
        np.testing.assert_array_equal(saved, keras.ops.convert_to_numpy(now.value))
    np.testing.assert_array_equal(clf.predict_proba(X_test), before)


def test_interrupted_cli_save_leaves_no_half_written_report(tmp_path, monkeypatch):
    from skmnist import report as report_module
    from skmnist.evaluation import EvaluationReport

    calls = []

    def interrupted(path, data):
        calls.append(path)
        raise KeyboardInterrupt

    monkeypatch.setattr(report_module, "_atomic_write", interrupted)
    report = EvaluationReport.from_predictions([0, 1, 1], [0, 1, 0])
    with pytest.raises(KeyboardInterrupt):
        report_module.save_report(report, tmp_path / "out")
    assert calls
    assert not any(p.is_file() for p in (tmp_path / "out").rglob("*"))


def test_predict_from_four_threads_equals_sequential(fitted_classifier, mnist):
    _, test = mnist
    X = (test.data / np.float32(255)).astype(np.float32)
    chunks = np.array_split(X, 8)
    expected = [fitted_classifier.predict_proba(chunk) for chunk in chunks]
    results = [None] * len(chunks)
    errors = []

    def work(indices):
        try:
            for _ in range(3):
                for i in indices:
                    results[i] = fitted_classifier.predict_proba(chunks[i])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=([i, i + 4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got, want)


def test_chunked_prediction_equals_one_call(fitted_classifier, mnist, monkeypatch):
    _, test = mnist
    X = test.data[:5000].astype(np.float32) / 255
    whole = fitted_classifier.predict_proba(X)
    # Chunks of 2,048 rows: 3 chunks for 5,000 rows.
    monkeypatch.setattr(_classifier, "_PREDICT_CHUNK_ROWS", 2048)
    np.testing.assert_array_equal(fitted_classifier.predict_proba(X), whole)
    np.testing.assert_allclose(
        np.exp(fitted_classifier.predict_log_proba(X)), whole, rtol=1e-4, atol=1e-6
    )
    # DataFrames are cut into chunks by position too.
    import pandas as pd

    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(784)])
    with pytest.warns(UserWarning, match="fitted without feature names"):
        np.testing.assert_array_equal(fitted_classifier.predict_proba(frame), whole)
