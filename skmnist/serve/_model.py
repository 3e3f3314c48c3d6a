"""The served model: its card, and a digit's prediction as JSON-ready data.

Only the fitted model's public attributes are read (``classes_``,
``coefs_``, ``intercepts_``, ``n_features_in_``, ``predict_proba``): after
``fit`` they are plain arrays, so serving needs NumPy, not Keras.
"""

import numpy as np
from sklearn.pipeline import Pipeline

from skmnist.evaluation import jsonable, native
from skmnist.inspection import explainable

#: Steps of the integrated gradients of ``POST /api/predict?explain=1``.
EXPLAIN_STEPS = 32


class ServedModel:
    """A fitted classifier or pipeline, ready to answer requests.

    Parameters
    ----------
    model : MNISTDenseClassifier or Pipeline
        A fitted model that takes 28x28 images (or 784-pixel rows) with
        intensities 0..255, as :func:`~skmnist.load_model` returns.

    test_accuracy : float or None, default=None
        Shown in the model card when known.
    """

    def __init__(self, model, *, test_accuracy=None):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(model)
        self.model = model
        self.classes = [native(c) for c in model.classes_]
        self.explainable = explainable(model)
        self.card = self._card(test_accuracy)

    def _card(self, test_accuracy):
        model = self.model
        classifier = model[-1] if isinstance(model, Pipeline) else model
        coefs = getattr(classifier, "coefs_", None)
        card = {
            "estimator": type(classifier).__name__,
            "steps": [name for name, _ in model.steps]
            if isinstance(model, Pipeline)
            else [type(model).__name__.lower()],
            "classes": self.classes,
            "test_accuracy": None if test_accuracy is None else float(test_accuracy),
            "explainable": self.explainable,
        }
        if coefs is not None:
            intercepts = classifier.intercepts_
            card["layer_sizes"] = [int(coefs[0].shape[0])] + [
                int(c.shape[1]) for c in coefs
            ]
            card["n_parameters"] = int(
                sum(c.size for c in coefs) + sum(b.size for b in intercepts)
            )
        card["params"] = {
            key: jsonable(value)
            for key, value in classifier.get_params(deep=False).items()
        }
        return card

    def predict(self, digit, *, explain=False):
        """The answer to ``POST /api/predict`` for one 28x28 uint8 digit.

        With ``explain``, the answer has an ``"explanation"`` too (see
        :meth:`explanation`); the caller checks `explainable` first.
        """
        # One row of 784 pixels: what skmnist models (fitted on images or on
        # rows) and models fitted on rows alike accept.
        X = digit.reshape(1, -1)
        proba = np.asarray(self.model.predict_proba(X), dtype=np.float64)[0]
        best = int(np.argmax(proba))
        answer = {
            "label": self.classes[best],
            "probabilities": {
                str(label): float(p) for label, p in zip(self.classes, proba)
            },
            "image": digit.tolist(),
        }
        if explain:
            runner_up = int(np.argsort(proba, kind="stable")[-2])
            answer["explanation"] = self.explanation(X, best, runner_up)
        return answer

    def explanation(self, X, best, runner_up):
        """Which pixels pushed toward class ``best`` rather than ``runner_up``.

        Integrated gradients (black baseline, ``EXPLAIN_STEPS`` steps) of
        the difference of the two classes' logits, on the image the network
        sees: the attributions toward ``best`` minus those toward
        ``runner_up`` (integrated gradients are linear in the score).
        """
        from skmnist.inspection import pixel_attributions

        labels = [self.model.classes_[best], self.model.classes_[runner_up]]
        both = pixel_attributions(
            self.model, np.repeat(X, 2, axis=0), target=labels, n_steps=EXPLAIN_STEPS
        )
        attributions = both.attributions[0] - both.attributions[1]
        return {
            "method": "integrated_gradients",
            "n_steps": EXPLAIN_STEPS,
            "target": self.classes[best],
            "versus": self.classes[runner_up],
            "attributions": attributions.astype(np.float64).tolist(),
            "score": float(both.scores[0] - both.scores[1]),
            "baseline_score": float(both.baseline_scores[0] - both.baseline_scores[1]),
        }
