"""make_mnist_pipeline: raw images in, predictions out, searchable."""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from skmnist import (
    DigitNormalizer,
    ImageFlattener,
    MNISTDenseClassifier,
    PixelScaler,
    _forward,
    _rows,
    make_mnist_pipeline,
)
from skmnist.pipeline import MNISTPipeline

# A small, quick network; a higher learning rate makes up for the few steps.
SMALL = dict(hidden_layer_sizes=(32,), learning_rate=0.01, random_state=0)


def test_steps_have_make_pipeline_names_and_params_reach_the_classifier():
    pipe = make_mnist_pipeline(epochs=3, batch_size=32)
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == [
        "pixelscaler",
        "digitnormalizer",
        "imageflattener",
        "mnistdenseclassifier",
    ]
    assert isinstance(pipe[0], PixelScaler)
    assert isinstance(pipe[1], DigitNormalizer)
    assert isinstance(pipe[2], ImageFlattener)
    assert isinstance(pipe[3], MNISTDenseClassifier)
    assert pipe.get_params()["mnistdenseclassifier__epochs"] == 3
    assert pipe.get_params()["mnistdenseclassifier__batch_size"] == 32


def test_grid_search_over_epochs_and_batch_size_through_the_pipeline(mnist):
    train, _ = mnist
    search = GridSearchCV(
        make_mnist_pipeline(**SMALL),
        {
            "mnistdenseclassifier__epochs": [1, 2],
            "mnistdenseclassifier__batch_size": [64, 128],
        },
        cv=2,
    )
    search.fit(train.images[:600], train.target[:600])
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_[-1]
    assert best.epochs == search.best_params_["mnistdenseclassifier__epochs"]
    assert best.batch_size == search.best_params_["mnistdenseclassifier__batch_size"]
    assert search.best_score_ > 0.5


def test_pipeline_takes_raw_images_flat_rows_and_pixel_dataframes(mnist):
    train, test = mnist
    pipe = make_mnist_pipeline(**SMALL, epochs=2)
    pipe.fit(train.images[:1000], train.target[:1000])
    from_images = pipe.predict_proba(test.images[:100])
    np.testing.assert_array_equal(pipe.predict_proba(test.images[:100]), from_images)
    assert pipe.score(test.images[:500], test.target[:500]) > 0.6

    columns = [f"pixel{i}" for i in range(784)]
    frame = pd.DataFrame(train.data[:1000], columns=columns)
    flat = make_mnist_pipeline(**SMALL, epochs=2)
    flat.fit(frame, train.target[:1000])
    np.testing.assert_allclose(
        flat.predict_proba(pd.DataFrame(test.data[:100], columns=columns)),
        from_images,
        rtol=1e-5,
        atol=1e-6,
    )


def test_cross_validate_the_pipeline(mnist):
    train, _ = mnist
    results = cross_validate(
        make_mnist_pipeline(**SMALL, epochs=3),
        train.images[:900],
        train.target[:900],
        cv=3,
    )
    assert results["test_score"].shape == (3,)
    assert np.all(results["test_score"] > 0.6)


@pytest.fixture(scope="module")
def tiny_pipeline(mnist):
    """A fitted 16-unit pipeline, shared read-only."""
    train, _ = mnist
    pipe = make_mnist_pipeline(hidden_layer_sizes=(16,), epochs=1, random_state=0)
    return pipe.fit(train.images[:1000], train.target[:1000])


def test_mnist_pipeline_is_a_pipeline_that_clones_as_itself(tiny_pipeline):
    assert isinstance(tiny_pipeline, Pipeline)
    copy = clone(tiny_pipeline)
    assert type(copy) is type(tiny_pipeline)
    assert copy.get_params().keys() == tiny_pipeline.get_params().keys()


@pytest.mark.parametrize("model", ["pipeline", "classifier"])
def test_chunked_predictions_equal_one_pass(tiny_pipeline, mnist, monkeypatch, model):
    # MNISTPipeline (all its steps) and the classifier (its forward pass) both
    # predict _rows.CHUNK_ROWS rows at a time: bounded memory, and the
    # results of one pass.
    _, test = mnist
    X, y = test.images[:2500], test.target[:2500]
    fitted = tiny_pipeline
    if model == "classifier":
        fitted, X = tiny_pipeline[-1], tiny_pipeline[:-1].transform(X)
    whole = fitted.predict_proba(X)  # 2,500 rows: one pass
    monkeypatch.setattr(_rows, "CHUNK_ROWS", 1000)  # 3 chunks, the last short
    calls = []
    logits = _forward.logits

    def counted(rows, *args, **kwargs):
        calls.append(len(rows))
        return logits(rows, *args, **kwargs)

    monkeypatch.setattr(_forward, "logits", counted)
    proba = fitted.predict_proba(X)
    assert calls == [1000, 1000, 500]
    # Products of 1,000 and of 2,500 rows: equal to float32 rounding.
    np.testing.assert_allclose(proba, whole, rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(fitted.predict(X), np.argmax(proba, axis=1))
    log_proba = fitted.predict_log_proba(X)
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-4, atol=1e-6)
    assert fitted.score(X, y) == pytest.approx(np.mean(fitted.predict(X) == y))
    # DataFrames are cut into chunks by position too.
    rows = np.asarray(X).reshape(len(X), -1)
    frame = pd.DataFrame(rows, columns=[f"pixel{i}" for i in range(784)])
    calls.clear()
    with pytest.warns(UserWarning, match="fitted without feature names"):
        chunked = fitted.predict_proba(frame)
    assert calls == [1000, 1000, 500]
    np.testing.assert_allclose(chunked, proba, rtol=1e-5, atol=1e-7)


def test_preparation_is_in_the_handwriting_presets_only_and_can_be_replaced():
    from skmnist.pipeline import PRESETS

    for preset in ("default", "best-dense"):
        pipe = make_mnist_pipeline(preset)
        assert isinstance(pipe.named_steps["digitnormalizer"], DigitNormalizer)
        assert pipe[1] is not PRESETS[preset]["preparation"]  # a clone
    fashion = make_mnist_pipeline("fashion-mnist")
    assert [name for name, _ in fashion.steps] == [
        "pixelscaler",
        "imageflattener",
        "mnistdenseclassifier",
    ]
    bare = make_mnist_pipeline(preparation=None)
    assert "digitnormalizer" not in bare.named_steps
    custom = make_mnist_pipeline(preparation=DigitNormalizer(deskew=False))
    assert custom[1].deskew is False
    assert not hasattr(custom[-1], "preparation")


@pytest.mark.parametrize("form", ["images", "rows", "float64 rows", "one image"])
def test_steps_handed_on_predict_as_sklearns_pipeline_bit_for_bit(
    tiny_pipeline, mnist, form
):
    # MNISTPipeline's steps after the first skip validating what the step
    # before returned; scikit-learn's Pipeline validates at every step.
    _, test = mnist
    X = {
        "images": test.images[:300],
        "rows": test.images[:300].reshape(300, -1),
        "float64 rows": test.images[:300].reshape(300, -1).astype(np.float64),
        "one image": test.images[:1],
    }[form]
    reference = Pipeline(tiny_pipeline.steps)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        got, want = getattr(tiny_pipeline, method)(X), getattr(reference, method)(X)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_input_is_validated_once_and_again_where_the_hand_over_is_not_plain(
    tiny_pipeline, mnist, monkeypatch
):
    _, test = mnist
    validated = []
    validate_data = _rows.validate_data

    def counted(estimator, *args, **kwargs):
        validated.append(type(estimator).__name__)
        return validate_data(estimator, *args, **kwargs)

    monkeypatch.setattr(_rows, "validate_data", counted)
    tiny_pipeline.predict(test.images[:5])
    assert validated == ["PixelScaler"]
    # A step fitted on other images than the step before returns: its error.
    small = DigitNormalizer().fit(np.zeros((2, 10, 10)))
    for pipe in (MNISTPipeline, Pipeline):
        swapped = pipe(
            [("s", tiny_pipeline[0]), ("d", small), *tiny_pipeline.steps[2:]]
        )
        with pytest.raises(
            ValueError, match=r"\(784 pixels\), but DigitNormalizer is expecting 100"
        ):
            swapped.predict(test.images[:5])
    # NaN handed on by a step of the user's: scikit-learn's error.
    nan = FunctionTransformer(lambda X: np.where(X > 0.5, np.nan, X))
    for pipe in (MNISTPipeline, Pipeline):
        with pytest.raises(ValueError, match="Input X contains NaN"):
            pipe([("nan", nan), *tiny_pipeline.steps[1:]]).predict(test.images[:5])
    # Subclasses may transform otherwise: validated as in Pipeline.
    subclass = type("Normalizer", (DigitNormalizer,), {})(stroke_width=2.0)
    steps = [tiny_pipeline.steps[0], ("d", subclass.fit(test.images[:1]))]
    validated.clear()
    MNISTPipeline([*steps, *tiny_pipeline.steps[2:]]).predict(test.images[:5])
    assert validated == ["PixelScaler", "Normalizer"]


def test_pandas_output_is_handed_on_as_by_sklearns_pipeline(tiny_pipeline, mnist):
    _, test = mnist
    rows = test.images[:20].reshape(20, -1)
    pipe = clone(tiny_pipeline)
    pipe.steps = [(name, copy.deepcopy(step)) for name, step in tiny_pipeline.steps]
    pipe.set_output(transform="pandas")
    outputs = []
    for model in (pipe, Pipeline(pipe.steps)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outputs.append(
                (model.predict_proba(rows), [str(w.message) for w in caught])
            )
    (got, got_warnings), (want, want_warnings) = outputs
    np.testing.assert_array_equal(got, want)
    assert got_warnings == want_warnings  # "X has feature names, but ..."


def test_handed_rows_are_those_validate_data_returns_unchanged(tiny_pipeline):
    normalizer = tiny_pipeline[1]
    images = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    rows, image_shape = _rows.handed_rows(normalizer, images)
    assert image_shape == (28, 28) and np.shares_memory(rows, images)
    assert rows.shape == (3, 784)
    assert _rows.handed_rows(normalizer, images.reshape(3, -1))[1] is None
    nan = images.copy()
    nan[1, 2, 3] = np.nan
    for other in (
        images.tolist(),
        images.astype(np.float64),  # fine, but not of the dtype asked for
        (images * 255).astype(np.uint8),
        images[:, ::-1],  # not C-contiguous
        images[:, :10],  # other pixel counts
        images[:0],
        nan,
    ):
        assert _rows.handed_rows(normalizer, other, dtype=np.float32) is None
    assert _rows.handed_rows(normalizer, nan, finite=False) is not None
    named = DigitNormalizer().fit(pd.DataFrame(images.reshape(3, -1)).add_prefix("p"))
    assert _rows.handed_rows(named, images) is None
