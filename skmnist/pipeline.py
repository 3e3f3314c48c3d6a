"""The standard MNIST pipeline (scale, prepare, flatten, classify) and its presets.

:func:`make_mnist_pipeline` builds it from a named preset (:data:`PRESETS`)
and returns a :class:`MNISTPipeline`, a scikit-learn Pipeline that predicts
in bounded memory. ``Pipeline.predict`` runs each step on the whole of X: on
1,000,000 uint8 images the scaler alone makes a 3 GB float32 copy before the
classifier sees a row. A fitted transformer transforms each row on its own,
so the same predictions come from running the whole pipeline on a chunk of
rows at a time; the float copy then never exceeds one chunk.
"""

from sklearn.base import clone
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.metadata_routing import _routing_enabled
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from skmnist._classifier import MNISTDenseClassifier
from skmnist._rows import map_chunks
from skmnist.augmentation import RandomDistortion
from skmnist.preprocessing import DigitNormalizer, ImageFlattener, PixelScaler

__all__ = ["PRESETS", "MNISTPipeline", "make_mnist_pipeline", "preset_for_dataset"]


def _final_has(name):
    return lambda pipeline: hasattr(pipeline._final_estimator, name)


def _hands_on(step):
    """Whether ``step`` takes its input from the step before unvalidated
    when that changes nothing: our own transformers (not subclasses, which
    may transform otherwise), returning plain arrays (no ``set_output``)."""
    return (
        type(step) in (DigitNormalizer, ImageFlattener)
        and _get_output_config("transform", step)["dense"] == "default"
    )


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
        if not params and not _routing_enabled():
            return map_chunks(lambda rows: self._handed_on(method, rows), X)
        call = getattr(super(), method)
        return map_chunks(lambda rows: call(rows, **params), X)

    def _handed_on(self, method, X):
        """``Pipeline.<method>(X)`` (no parameters, no metadata routing),
        where our own steps after the first skip the validation of what the
        step before returned when it would change nothing (see
        :func:`skmnist._rows.handed_rows`): X itself is validated by the
        first step, as in Pipeline. On one image, 3 of the 4 ``validate_data``
        calls of the default pipeline, 0.2 ms."""
        if not self.__sklearn_is_fitted__():
            check_is_fitted(self)  # Pipeline's error (or none, as Pipeline)
        Xt, validated = X, False
        for _, _, transform in self._iter(with_final=False):
            if validated and _hands_on(transform):
                Xt = transform._transform_handed(Xt)
            else:
                Xt = transform.transform(Xt)
            validated = True
        final = self.steps[-1][1]
        if validated and type(final) is MNISTDenseClassifier:
            return final._predict_handed(method, Xt)
        return getattr(final, method)(Xt)

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


#: Named configurations for :func:`make_mnist_pipeline`: the classifier's
#: parameters, and ``"preparation"``, the step that prepares the digits after
#: scaling (a :class:`~skmnist.DigitNormalizer` for handwriting, None for
#: Fashion-MNIST's clothing, whose pictures are not digits to crop and centre).
#:
#: ``"default"``: MNIST's preparation of every digit
#: (``DigitNormalizer(stroke_width=2.0)``), then the classifier's defaults
#: (256-128, a cosine learning-rate decay) with dropout 0.2, 16 epochs on
#: lightly distorted training images (up to 1 pixel, 12 degrees, 10%), a
#: quarter of them crossed by a stray line (chosen on a validation split,
#: ``benchmarks/results/robustness.md``).
#:
#: ``"fashion-mnist"``: the default network without augmentation, 20 epochs.
#: The default's distortions are tuned to handwriting and cost accuracy on
#: clothing, so they were dropped for Fashion-MNIST after comparing the
#: configurations on a validation split of its training set.
#:
#: ``"best-dense"``: the most accurate dense network we train on 2 CPU cores
#: in 15 minutes: 1024-1024 units, dropout, random shifts, rotations,
#: scalings and elastic distortions of every training image, a cosine
#: learning-rate decay, 100 epochs.
#:
#: Their test accuracies and fit times are measured by ``benchmarks/accuracy.py``
#: and ``benchmarks/family.py``, and recorded in ``benchmarks/results/``
#: (``accuracy.md``, ``family_validation.md``, ``family_test.md``).
PRESETS = {
    "default": {
        "preparation": DigitNormalizer(stroke_width=2.0),
        "dropout": 0.2,
        "epochs": 16,
        "augmentation": RandomDistortion(
            shift=1.0, rotation=12.0, scale=0.1, stray_lines=0.25
        ),
    },
    "fashion-mnist": {
        "preparation": None,
        "dropout": 0.2,
        "epochs": 20,
        "augmentation": None,
    },
    "best-dense": {
        "preparation": DigitNormalizer(stroke_width=2.0),
        "hidden_layer_sizes": (1024, 1024),
        "dropout": 0.2,
        "epochs": 100,
        "batch_size": 128,
        "learning_rate_schedule": "cosine",
        "augmentation": RandomDistortion(
            shift=2.0, rotation=12.0, scale=0.12, elastic_alpha=34.0, elastic_sigma=4.0
        ),
    },
}


def preset_for_dataset(name):
    """The preset that :func:`make_mnist_pipeline` should use on data set ``name``.

    Parameters
    ----------
    name : str
        A data set name, as ``skmnist train --dataset`` takes it
        (``"mnist"``, ``"fashion-mnist"``, ``"kmnist"``, ``"emnist-letters"``,
        ...).

    Returns
    -------
    preset : str
        ``name`` itself when a preset of that name exists (Fashion-MNIST's),
        else ``"default"``, whose distortions suit handwriting (MNIST, and
        untested here on KMNIST's and EMNIST's characters).

    Examples
    --------
    >>> from skmnist.pipeline import preset_for_dataset
    >>> preset_for_dataset("fashion-mnist"), preset_for_dataset("mnist")
    ('fashion-mnist', 'default')
    """
    return name if name in PRESETS else "default"


def make_mnist_pipeline(preset="default", **classifier_params):
    """Build the pipeline: scale, prepare the digits, flatten, classify.

    The steps carry :func:`~sklearn.pipeline.make_pipeline`'s names
    (``"pixelscaler"``, ``"digitnormalizer"``, ``"imageflattener"``,
    ``"mnistdenseclassifier"``); the :class:`~skmnist.DigitNormalizer` step
    (the ``"default"`` and ``"best-dense"`` presets) prepares every digit as
    MNIST's were (background, stray ink, deskew, 20x20 box, centre of mass),
    the training digits and every input alike. Classifier parameters are
    searched as
    ``"mnistdenseclassifier__epochs"`` and so on. It takes raw uint8 images
    ``(n, 28, 28)``, flat pixel rows ``(n, 784)`` or a DataFrame of pixel
    columns; scaling happens inside the pipeline, so cross-validation is free
    of leakage.

    Parameters
    ----------
    preset : {"default", "fashion-mnist", "best-dense"}, default="default"
        Named classifier configuration (see ``skmnist.pipeline.PRESETS``).
        ``"default"`` prepares the digits with
        ``DigitNormalizer(stroke_width=2.0)``, then trains the classifier's
        defaults with dropout 0.2 for 16 epochs on lightly distorted images
        (shifts of up to 1 pixel, rotations of up to 12 degrees, scalings of
        up to 10%, a quarter of them crossed by a stray line).
        ``"fashion-mnist"`` is the same network trained 20 epochs on the
        images as they are, without the preparation: the distortions, tuned
        to handwriting, cost accuracy on clothing (see :func:`preset_for_dataset`).
        ``"best-dense"`` trains a 1024-1024 network on
        shifted, rotated, scaled and elastically distorted images for 100
        epochs. Their accuracies and fit times are in the README ("Accuracy
        and speed") and ``benchmarks/results/``.

    **classifier_params
        Parameters of :class:`~skmnist.MNISTDenseClassifier`, e.g.
        ``epochs=10`` or ``verbose=1``; they override the preset's.
        ``preparation`` replaces the preset's preparation step (a
        :class:`~skmnist.DigitNormalizer` with other parameters, or None for
        none). (The
        pipeline's own ``memory`` and ``verbose`` are set with ``set_params``
        on the result.)

    Returns
    -------
    pipeline : MNISTPipeline
        The unfitted pipeline: a :class:`sklearn.pipeline.Pipeline` whose
        predictions run in chunks of rows, in bounded memory.

    See Also
    --------
    MNISTDenseClassifier : The classifier at the end of the pipeline.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skmnist import make_mnist_pipeline
    >>> pipe = make_mnist_pipeline(epochs=5)
    >>> [name for name, _ in pipe.steps]
    ['pixelscaler', 'digitnormalizer', 'imageflattener', 'mnistdenseclassifier']
    >>> search = GridSearchCV(
    ...     pipe,
    ...     {"mnistdenseclassifier__epochs": [5, 10],
    ...      "mnistdenseclassifier__batch_size": [64, 128]},
    ... )
    >>> best = make_mnist_pipeline("best-dense", random_state=0)
    >>> best[-1].hidden_layer_sizes, best[-1].augmentation
    ((1024, 1024), RandomDistortion(...))
    """
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}; got {preset!r}.")
    params = {key: clone(value, safe=False) for key, value in PRESETS[preset].items()}
    params.update(classifier_params)
    preparation = params.pop("preparation")
    steps = make_pipeline(
        PixelScaler(),
        *([] if preparation is None else [preparation]),
        ImageFlattener(),
        MNISTDenseClassifier(**params),
    )
    return MNISTPipeline(steps.steps)
