"""The served model: its card, and a digit's prediction as JSON-ready data.

Only the fitted model's public attributes are read (``classes_``,
``coefs_``, ``intercepts_``, ``n_features_in_``, ``predict_proba``): after
``fit`` they are plain arrays, so serving needs NumPy, not Keras.
"""

import numpy as np
from sklearn.pipeline import Pipeline

from skmnist.evaluation import jsonable, native


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

    def predict(self, digit):
        """The answer to ``POST /api/predict`` for one 28x28 uint8 digit."""
        # One row of 784 pixels: what skmnist models (fitted on images or on
        # rows) and models fitted on rows alike accept.
        X = digit.reshape(1, -1)
        proba = np.asarray(self.model.predict_proba(X), dtype=np.float64)[0]
        best = int(np.argmax(proba))
        return {
            "label": self.classes[best],
            "probabilities": {
                str(label): float(p) for label, p in zip(self.classes, proba)
            },
            "image": digit.tolist(),
        }
