"""MNISTPipeline: predictions in chunks of rows equal scikit-learn's Pipeline."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from skmnist import _rows, make_mnist_pipeline


@pytest.fixture(scope="module")
def fitted(mnist):
    train, _ = mnist
    pipe = make_mnist_pipeline(hidden_layer_sizes=(16,), epochs=1, random_state=0)
    return pipe.fit(train.images[:1000], train.target[:1000])


def test_is_a_pipeline_that_clones_as_itself(fitted):
    assert isinstance(fitted, Pipeline)
    copy = clone(fitted)
    assert type(copy) is type(fitted)
    assert copy.get_params().keys() == fitted.get_params().keys()


def test_chunked_predictions_equal_one_pass(fitted, mnist, monkeypatch):
    _, test = mnist
    X, y = test.images[:2500], test.target[:2500]
    whole = Pipeline(fitted.steps)  # scikit-learn's own, one pass
    monkeypatch.setattr(_rows, "CHUNK_ROWS", 1000)  # 3 chunks, the last short
    calls = []
    final = fitted.steps[-1][1]
    original = type(final).predict_proba

    def counted(self, X):
        calls.append(len(X))
        return original(self, X)

    monkeypatch.setattr(type(final), "predict_proba", counted)
    proba = fitted.predict_proba(X)
    assert calls == [1000, 1000, 500]
    # Products of 1,000 and of 2,500 rows: equal to float32 rounding.
    np.testing.assert_allclose(proba, whole.predict_proba(X), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(fitted.predict(X), np.argmax(proba, axis=1))
    log_proba = fitted.predict_log_proba(X)
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-4, atol=1e-6)
    assert fitted.score(X, y) == pytest.approx(np.mean(fitted.predict(X) == y))
    assert fitted.predict_proba(X[:10]).shape == (10, 10)
