"""MLPClassifier's behaviours that scikit-learn's suite reads only in part.

Sparse input, one-class y, n_iter_no_change=np.inf, the ConvergenceWarning,
n_iter_ per call, the verbose lines, a float-type-independent start and
MLPClassifier's errors, on small data (see test_sklearn_mlp_suite.py for
scikit-learn's own tests).
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skmnist import MNISTDenseClassifier

X_DIGITS, Y_DIGITS = load_digits(n_class=3, return_X_y=True)
X_DIGITS = X_DIGITS[:150] / 16
Y_DIGITS = Y_DIGITS[:150]
SMALL = dict(hidden_layer_sizes=(8,), batch_size=32, random_state=0)


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MNISTDenseClassifier(**{**SMALL, **params}).fit(X, y)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_array, sp.coo_matrix])
def test_sparse_input_trains_and_predicts_like_dense(container):
    dense = _fit(X_DIGITS, Y_DIGITS, epochs=3)
    sparse = _fit(container(X_DIGITS), Y_DIGITS, epochs=3)
    np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0], atol=1e-5)
    np.testing.assert_allclose(
        sparse.predict_proba(container(X_DIGITS)),
        dense.predict_proba(X_DIGITS),
        atol=1e-5,
    )
    assert sparse.score(container(X_DIGITS), Y_DIGITS) == dense.score(
        X_DIGITS, Y_DIGITS
    )
    sparse.partial_fit(container(X_DIGITS[:20]), Y_DIGITS[:20])
    assert MNISTDenseClassifier().__sklearn_tags__().input_tags.sparse


def test_sparse_batches_are_made_dense_one_batch_at_a_time():
    from skmnist._backend.batches import Batches

    X = sp.random(70, 1000, density=0.01, format="csr", random_state=0)
    Y = np.eye(2)[np.arange(70) % 2]
    batches = Batches(X, Y, None, batch_size=32, shuffle=False)
    shapes = [batches[i][0].shape for i in range(len(batches))]
    assert shapes == [(32, 1000), (32, 1000), (6, 1000)]
    np.testing.assert_array_equal(batches[2][0], X[64:].toarray())


def test_sparse_bad_input_gets_scikit_learns_errors():
    X = sp.csr_matrix(X_DIGITS)
    bad = X.copy()
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        _fit(bad, Y_DIGITS, epochs=1)
    clf = _fit(X, Y_DIGITS, epochs=1)
    bad.data[0] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        clf.predict(bad)
    with pytest.raises(ValueError, match="X has 10 features, but"):
        clf.predict(X[:, :10])


def test_one_class_y_is_fitted_as_mlpclassifier_fits_it():
    y = np.full(len(X_DIGITS), 7)
    clf = _fit(X_DIGITS, y, epochs=2)
    np.testing.assert_array_equal(clf.classes_, [7])
    np.testing.assert_array_equal(clf.predict(X_DIGITS[:3]), [7, 7, 7])
    np.testing.assert_allclose(clf.predict_proba(X_DIGITS[:3]), np.ones((3, 1)))
    # With early stopping, as MLPClassifier: one class is one stratum.
    early = _fit(X_DIGITS, y, epochs=2, early_stopping=True)
    assert len(early.validation_scores_) == 2


def test_early_stopping_errors_are_mlpclassifiers():
    y = np.r_[np.zeros(len(X_DIGITS) - 1), 1]
    with pytest.raises(ValueError, match="least populated class.*only 1 member"):
        _fit(X_DIGITS, y, epochs=1, early_stopping=True)
    clf = _fit(X_DIGITS, Y_DIGITS, epochs=1, early_stopping=True)
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        clf.partial_fit(X_DIGITS, Y_DIGITS)
    with pytest.raises(ValueError, match="The validation set is too small"):
        _fit(X_DIGITS[:10], np.zeros(10), epochs=1, early_stopping=True)


def test_n_iter_no_change_inf_runs_every_epoch_and_warns():
    clf = MNISTDenseClassifier(**SMALL, epochs=4, tol=1e9, n_iter_no_change=np.inf)
    with pytest.warns(ConvergenceWarning, match=r"Maximum epochs \(4\) reached"):
        clf.fit(X_DIGITS, Y_DIGITS)
    assert clf.n_iter_ == 4
    # A fit that the stopping rule ends does not warn.
    clf.set_params(n_iter_no_change=1, epochs=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X_DIGITS, Y_DIGITS)
    assert clf.n_iter_ == 2


def test_n_iter_counts_the_last_call_as_mlpclassifier():
    clf = _fit(X_DIGITS, Y_DIGITS, epochs=3, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_params(epochs=2).fit(X_DIGITS, Y_DIGITS)
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 5
    clf.partial_fit(X_DIGITS, Y_DIGITS)
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 6
    message = (
        "warm_start can only be used where `y` has the same classes as in the "
        "previous call to fit. Previously got [0 1 2], `y` has [0 1]"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        clf.fit(X_DIGITS[Y_DIGITS < 2], Y_DIGITS[Y_DIGITS < 2])


def test_verbose_prints_mlpclassifiers_lines(capsys):
    _fit(X_DIGITS, Y_DIGITS, epochs=2, verbose=1, early_stopping=True)
    out = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in out[::2]] == ["Iteration 1", "Iteration 2"]
    assert all(re.fullmatch(r"Iteration \d, loss = \d\.\d{8}", x) for x in out[::2])
    assert all(re.fullmatch(r"Validation score: \d\.\d{6}", x) for x in out[1::2])
    _fit(X_DIGITS, Y_DIGITS, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert out.count("Iteration") == 2 and "Epoch 2/2" in out


def test_float32_and_float64_start_from_the_same_weights():
    clf_64 = _fit(X_DIGITS, Y_DIGITS, epochs=1, learning_rate=1e-12)
    clf_32 = _fit(X_DIGITS.astype(np.float32), Y_DIGITS, epochs=1, learning_rate=1e-12)
    assert clf_32.coefs_[0].dtype == np.float32
    for W_32, W_64 in zip(clf_32.coefs_, clf_64.coefs_):
        np.testing.assert_allclose(W_32, W_64, rtol=1e-5, atol=1e-7)


def _multilabel(n_samples=60):
    from sklearn.datasets import make_multilabel_classification

    return make_multilabel_classification(
        n_samples=n_samples, n_classes=4, random_state=0, return_indicator=True
    )


def test_multilabel_y_gets_sigmoid_outputs_as_mlpclassifier():
    X, Y = _multilabel()
    clf = _fit(X, Y, epochs=40, learning_rate=0.01, hidden_layer_sizes=(16,))
    np.testing.assert_array_equal(clf.classes_, np.arange(4))
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 4
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    # One probability per label, not a distribution over the labels.
    assert np.abs(proba.sum(axis=1) - 1).max() > 0.1
    z = _logits(clf, X)
    np.testing.assert_allclose(proba, 1 / (1 + np.exp(-z)), rtol=1e-6)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-6)
    np.testing.assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    # Binary cross-entropy, learned: better than the labels' base rates.
    assert clf.score(X, Y) > 0.5
    clf.partial_fit(X[:10], Y[:10])
    with pytest.raises(ValueError, match="multilabel indicator matrix of 3 labels"):
        clf.partial_fit(X[:10], Y[:10, :3])


def _logits(clf, X):
    from skmnist import _forward

    return _forward.logits(X, clf.coefs_, clf.intercepts_, clf.activation)


def test_multilabel_constant_columns_and_early_stopping_fit():
    X, Y = _multilabel()
    Y[:, 0], Y[:, 1] = 0, 1
    clf = _fit(X, Y, epochs=5, early_stopping=True, learning_rate=0.01)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.predict(X).shape == Y.shape
    single = _fit(X, Y[:, 2], epochs=1)
    with pytest.raises(ValueError, match="continue a single-label network"):
        single.set_params(warm_start=True).fit(X, Y)


def test_multilabel_model_saves_pickles_and_refuses_onnx(tmp_path):
    import pickle

    from skmnist import load_model, save_model

    X, Y = _multilabel()
    clf = _fit(X, Y, epochs=2)
    saved = save_model(clf, tmp_path / "m")
    for copy in [pickle.loads(pickle.dumps(clf)), load_model(saved)]:
        assert copy.out_activation_ == "logistic"
        np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    from skmnist.onnx import to_onnx

    with pytest.raises(ValueError, match="multilabel"):
        to_onnx(clf)


def test_cli_predict_refuses_a_multilabel_model(tmp_path, capsys):
    from skmnist import save_model
    from skmnist.cli import main

    X = np.random.RandomState(0).rand(40, 784)
    Y = (X[:, :3] > 0.5).astype(int)
    saved = save_model(_fit(X, Y, epochs=1), tmp_path / "m")
    np.save(tmp_path / "x.npy", np.zeros((1, 784), dtype=np.uint8))
    assert main(["predict", str(saved), str(tmp_path / "x.npy")]) != 0
    assert "multilabel model" in capsys.readouterr().err


_SUBPROCESS_FIT = """
import sys, warnings
import numpy as np, scipy.sparse as sp
from sklearn.datasets import make_multilabel_classification
from skmnist import MNISTDenseClassifier
warnings.simplefilter("ignore")
X, Y = make_multilabel_classification(
    n_samples=60, n_classes=4, random_state=0, return_indicator=True
)
params = dict(hidden_layer_sizes=(8,), batch_size=16, epochs=3, random_state=0)
sparse = MNISTDenseClassifier(**params).fit(sp.csr_matrix(X), Y[:, 0])
multilabel = MNISTDenseClassifier(**params).fit(X, Y)
np.save(sys.argv[1], np.hstack([sparse.predict_proba(X), multilabel.predict_proba(X)]))
"""


def test_sparse_and_multilabel_fits_are_bitwise_equal_across_processes(
    outputs_of_two_processes,
):
    runs = outputs_of_two_processes(_SUBPROCESS_FIT)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0].shape == (60, 2 + 4)
