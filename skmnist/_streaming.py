"""MNISTPipeline: a scikit-learn Pipeline that predicts in bounded memory.

``Pipeline.predict`` runs each step on the whole of X: on 1,000,000 uint8
images the scaler alone makes a 3 GB float32 copy before the classifier
sees a row. A fitted transformer transforms each row on its own, so the same
predictions come from running the whole pipeline on a chunk of rows at a
time; the float copy then never exceeds one chunk.
"""

from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import available_if

from skmnist._rows import map_chunks

__all__ = ["MNISTPipeline"]


def _final_has(name):
    return lambda pipeline: hasattr(pipeline._final_estimator, name)


class MNISTPipeline(Pipeline):
    """A :class:`~sklearn.pipeline.Pipeline` whose predictions stream in chunks.

    Identical to scikit-learn's Pipeline (same parameters, fitting, cloning,
    nested parameters, ``isinstance(p, Pipeline)``), except that
    ``predict``, ``predict_proba``, ``predict_log_proba`` and ``score`` run
    all the steps on 8,192 rows at a time and join the results, so the
    memory they need beyond X and the result is bounded by one chunk,
    whatever the size of X. :func:`~skmnist.make_mnist_pipeline` returns one.

    Parameters
    ----------
    steps : list of tuple
        ``(name, estimator)`` pairs, as for :class:`~sklearn.pipeline.Pipeline`.

    memory, transform_input, verbose
        As for :class:`~sklearn.pipeline.Pipeline`.

    See Also
    --------
    sklearn.pipeline.Pipeline : The pipeline this one extends.
    """

    def _chunked(self, method, X, **params):
        call = getattr(super(), method)
        return map_chunks(lambda rows: call(rows, **params), X)

    @available_if(_final_has("predict"))
    def predict(self, X, **params):
        """Predict with the final estimator, a chunk of rows at a time."""
        return self._chunked("predict", X, **params)

    @available_if(_final_has("predict_proba"))
    def predict_proba(self, X, **params):
        """Class probabilities, a chunk of rows at a time."""
        return self._chunked("predict_proba", X, **params)

    @available_if(_final_has("predict_log_proba"))
    def predict_log_proba(self, X, **params):
        """Log class probabilities, a chunk of rows at a time."""
        return self._chunked("predict_log_proba", X, **params)

    @available_if(_final_has("score"))
    def score(self, X, y=None, sample_weight=None, **params):
        """Accuracy of ``predict`` on (X, y), computed in chunks."""
        from sklearn.metrics import accuracy_score

        if params or not hasattr(self._final_estimator, "classes_"):
            return super().score(X, y, sample_weight=sample_weight, **params)
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)
