"""Parity with MLPClassifier: weights, warm start, partial_fit, callbacks, state."""

import inspect

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier

from skmnist import MNISTDenseClassifier

# MLPClassifier's default schedule (constant): several tests compare fits
# of different lengths step by step.
SMALL = dict(
    hidden_layer_sizes=(32,), learning_rate_schedule="constant", random_state=0
)


def test_mlp_names_are_ours_where_the_concept_is_the_same():
    ours = set(inspect.signature(MNISTDenseClassifier).parameters)
    theirs = set(inspect.signature(MLPClassifier).parameters)
    shared = {
        "hidden_layer_sizes",
        "activation",
        "alpha",
        "batch_size",
        "shuffle",
        "random_state",
        "tol",
        "verbose",
        "warm_start",
        "early_stopping",
        "validation_fraction",
        "beta_1",
        "beta_2",
        "epsilon",
        "n_iter_no_change",
    }
    assert shared <= ours & theirs
    # Renamed on purpose (Keras' words): max_iter -> epochs,
    # learning_rate_init -> learning_rate; Adam is the only solver.
    assert {"epochs", "learning_rate"} <= ours
    assert theirs - ours == {
        "solver",
        "learning_rate_init",
        "max_iter",
        "momentum",
        "nesterovs_momentum",
        "power_t",
        "max_fun",
    }


def test_sample_weight_pulls_predictions_toward_heavy_samples(mnist_small):
    X, y, X_test, y_test = mnist_small
    X, y = X[:1500], y[:1500]
    weight = np.where(y == 3, 10.0, 1.0)
    plain = MNISTDenseClassifier(**SMALL, epochs=2).fit(X, y)
    heavy = MNISTDenseClassifier(**SMALL, epochs=2).fit(X, y, sample_weight=weight)
    share_plain = np.mean(plain.predict(X_test) == 3)
    share_heavy = np.mean(heavy.predict(X_test) == 3)
    assert share_heavy > share_plain + 0.02


def test_zero_weight_removes_a_sample(mnist_small):
    X, y, X_test, _ = mnist_small
    weight = np.ones(1000)
    weight[::3] = 0
    weighted = MNISTDenseClassifier(**SMALL, epochs=2).fit(
        X[:1000], y[:1000], sample_weight=weight
    )
    keep = weight > 0
    removed = MNISTDenseClassifier(**SMALL, epochs=2).fit(
        X[:1000][keep], y[:1000][keep]
    )
    # Bitwise: the zero weights remove their rows and the others become
    # exactly 1.0, so both fits run the same operations on the same shapes.
    np.testing.assert_array_equal(
        weighted.predict_proba(X_test), removed.predict_proba(X_test)
    )


def test_bad_sample_weights_get_clear_errors(mnist_small):
    X, y, _, _ = mnist_small
    clf = MNISTDenseClassifier(**SMALL, epochs=1)
    with pytest.raises(
        ValueError, match="Negative values in data passed to `sample_weight`"
    ):
        clf.fit(X[:20], y[:20], sample_weight=-np.ones(20))
    with pytest.raises(
        ValueError, match="Sample weights must contain at least one non-zero number"
    ):
        clf.fit(X[:20], y[:20], sample_weight=np.zeros(20))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\)"):
        clf.fit(X[:20], y[:20], sample_weight=np.ones(3))


def test_balanced_class_weight_raises_recall_of_a_rare_class(mnist):
    train, test = mnist
    X = (train.data[:6000] / np.float32(255)).astype(np.float32)
    y = train.target[:6000]
    rare = np.flatnonzero(y == 5)[:25]
    keep = np.concatenate([np.flatnonzero(y != 5)[:2500], rare])
    X_test = (test.data[:3000] / np.float32(255)).astype(np.float32)
    y_test = test.target[:3000]

    def recall_of_5(class_weight):
        clf = MNISTDenseClassifier(**SMALL, epochs=3, class_weight=class_weight)
        clf.fit(X[keep], y[keep])
        return recall_score(y_test, clf.predict(X_test), labels=[5], average=None)[0]

    assert recall_of_5("balanced") > recall_of_5(None) + 0.1


def test_warm_start_continues_where_the_last_fit_ended(mnist_small):
    X, y, _, _ = mnist_small
    clf = MNISTDenseClassifier(**SMALL, epochs=3, warm_start=True).fit(X, y)
    first = list(clf.history_["loss"])
    clf.fit(X, y)
    second = clf.history_["loss"][3:]
    # n_iter_ counts the last fit's epochs, as MLPClassifier's.
    assert clf.n_iter_ == 3 and clf.t_ == 6 * len(y)
    assert len(clf.history_["loss"]) == 6
    # The second fit starts near the end of the first, far below its start.
    assert second[0] < first[0] / 2
    assert abs(second[0] - first[-1]) < 0.5 * (first[0] - first[-1])

    cold = MNISTDenseClassifier(**SMALL, epochs=3).fit(X, y)
    cold.fit(X, y)
    np.testing.assert_allclose(cold.history_["loss"], first, rtol=1e-6)
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X[y < 5], y[y < 5])


def test_partial_fit_needs_classes_first_then_rejects_unknown_labels(mnist_small):
    X, y, _, _ = mnist_small
    clf = MNISTDenseClassifier(**SMALL)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X[:100], y[:100])
    # A first batch may lack classes: the network has one output per class.
    clf.partial_fit(X[:100][y[:100] < 5], y[:100][y[:100] < 5], classes=np.arange(10))
    assert clf.predict_proba(X[:3]).shape == (3, 10)
    clf.partial_fit(X[100:200], y[100:200])
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 2
    with pytest.raises(ValueError, match=r"labels that are not in classes: \[42\]"):
        clf.partial_fit(X[:2], [1, 42])
    with pytest.raises(ValueError, match="not the same as the classes"):
        clf.partial_fit(X[:2], [1, 2], classes=[1, 2])


@pytest.mark.slow
def test_partial_fit_on_10_chunks_matches_one_fit(mnist):
    train, test = mnist
    X = (train.data / np.float32(255)).astype(np.float32)
    X_test = (test.data / np.float32(255)).astype(np.float32)
    params = dict(random_state=0, epochs=1)
    fitted = MNISTDenseClassifier(**params).fit(X, train.target)
    streamed = MNISTDenseClassifier(**params)
    for X_chunk, y_chunk in zip(
        np.array_split(X, 10), np.array_split(train.target, 10)
    ):
        streamed.partial_fit(X_chunk, y_chunk, classes=np.arange(10))
    fit_score = fitted.score(X_test, test.target)
    stream_score = streamed.score(X_test, test.target)
    print(f"one fit: {fit_score:.4f}, partial_fit on 10 chunks: {stream_score:.4f}")
    assert stream_score > fit_score - 0.01
    assert len(streamed.loss_curve_) == 10 and streamed.t_ == len(X)


def test_csv_logger_writes_one_row_per_epoch_inside_grid_search(mnist_small, tmp_path):
    import keras

    X, y, _, _ = mnist_small
    log = tmp_path / "log.csv"
    logger = keras.callbacks.CSVLogger(str(log))
    clf = MNISTDenseClassifier(**SMALL, callbacks=[logger])
    search = GridSearchCV(clf, {"epochs": [1, 3]}, cv=2).fit(X[:600], y[:600])
    rows = log.read_text().strip().splitlines()
    assert rows[0].startswith("epoch")
    assert len(rows) - 1 == search.best_params_["epochs"]
    # The parameter itself is never used nor changed: clones get copies.
    assert clf.callbacks[0] is logger
    assert getattr(logger, "csv_file", None) is None
    assert clone(clf).callbacks[0] is not logger


def test_fitted_state_like_mlp_and_a_numpy_forward_pass(
    fitted_classifier, mnist_small, numpy_forward
):
    _, _, X_test, _ = mnist_small
    clf = fitted_classifier
    assert [w.shape for w in clf.coefs_] == [(784, 256), (256, 128), (128, 10)]
    assert [b.shape for b in clf.intercepts_] == [(256,), (128,), (10,)]
    assert not clf.coefs_[0].flags.writeable
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 10
    assert clf.out_activation_ == "softmax"
    assert clf.loss_curve_ == clf.history_["loss"] and clf.loss_ == clf.loss_curve_[-1]
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.t_ == clf.n_iter_ * 3000

    proba = numpy_forward(clf.coefs_, clf.intercepts_, X_test)
    np.testing.assert_allclose(proba, clf.predict_proba(X_test), atol=1e-5)


def test_best_epoch_is_the_epoch_early_stopping_restored(mnist_small):
    X, y, X_test, _ = mnist_small
    params = dict(SMALL, early_stopping=True, n_iter_no_change=2, learning_rate=0.01)
    clf = MNISTDenseClassifier(**params, tol=0.05, epochs=30).fit(X, y)
    val_loss = clf.history_["val_loss"]
    # With a large tol, small later improvements do not count.
    best = clf.best_epoch_
    assert all(v > val_loss[best] - 0.05 for v in val_loss[best + 1 :])
    assert clf.n_iter_ == best + 1 + 2
    # The restored network is the best epoch's: refit for exactly that many
    # epochs without early stopping's split gives other weights, so compare
    # against the same setup stopped at best + 1 epochs instead.
    again = MNISTDenseClassifier(
        **{**params, "n_iter_no_change": 100}, tol=0.05, epochs=best + 1
    ).fit(X, y)
    np.testing.assert_allclose(
        again.predict_proba(X_test), clf.predict_proba(X_test), rtol=1e-5, atol=1e-6
    )

    warm = MNISTDenseClassifier(**params, epochs=3, warm_start=True).fit(X, y)
    warm.fit(X, y)
    assert 3 <= warm.best_epoch_ < len(warm.loss_curve_)


def test_validation_attributes_with_early_stopping(mnist_small):
    X, y, _, _ = mnist_small
    clf = MNISTDenseClassifier(**SMALL, epochs=3, early_stopping=True).fit(X, y)
    assert clf.validation_scores_ == clf.history_["val_accuracy"]
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


def test_predict_log_proba_is_finite_where_proba_is_zero(
    fitted_classifier, mnist_small
):
    _, _, X_test, _ = mnist_small
    extreme = X_test[:50] * 200  # saturates the softmax in float32
    proba = fitted_classifier.predict_proba(extreme)
    log_proba = fitted_classifier.predict_log_proba(extreme)
    assert (proba == 0).any()
    assert np.all(np.isfinite(log_proba))
    ok = proba > 1e-30
    np.testing.assert_allclose(np.exp(log_proba[ok]), proba[ok], rtol=1e-3, atol=1e-6)


def test_diverging_training_is_reported(mnist_small):
    X, y, _, _ = mnist_small
    clf = MNISTDenseClassifier(**SMALL, epochs=2)
    with pytest.warns(RuntimeWarning, match="Training diverged: the loss is nan"):
        clf.fit(X[:500] * np.float32(1e30), y[:500])  # overflows float32


@pytest.mark.parametrize(
    "dtype, network_dtype",
    [(np.uint8, np.float32), (np.float32, np.float32), (np.float64, np.float64)],
)
def test_float64_data_trains_in_float64_like_mlp(mnist_small, dtype, network_dtype):
    X, y, X_test, _ = mnist_small
    X = X[:300] if dtype != np.uint8 else (X[:300] * 255).astype(np.uint8)
    clf = MNISTDenseClassifier(**SMALL, epochs=1).fit(X.astype(dtype), y[:300])
    assert clf.coefs_[0].dtype == network_dtype
    assert clf.predict_proba(X_test[:5].astype(np.float64)).dtype == network_dtype
    assert clf.predict_proba(X_test[:5].astype(np.float32)).dtype == network_dtype
    import keras

    assert keras.config.floatx() == "float32"  # restored after fit
