"""ONNX export (skmnist.onnx, ``skmnist export``): parity with onnxruntime.

The models are fitted for one epoch on 10,000 training rows: parity between
``predict`` and onnxruntime does not need a good model, only a fitted one.
The digits' preparation (``DigitNormalizer``) is checked for identical
output, not only close: it makes discrete choices (which ink is stray, the
ink's box) that must come out the same.
"""

import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import skl2onnx
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import skmnist
from skmnist import (
    ImageFlattener,
    MNISTDenseClassifier,
    PixelScaler,
    _forward,
    make_mnist_pipeline,
    save_model,
)
from skmnist.cli import main
from skmnist.onnx import to_onnx

N_TRAIN = 10_000
# Every activation the classifier computes (skmnist/_forward.py) converts.
ACTIVATIONS = sorted(_forward.ACTIVATIONS)


def _run(model, X):
    """Outputs of ``model`` (a ModelProto or a file) on X, with onnxruntime."""
    if isinstance(model, onnx.ModelProto):
        model = model.SerializeToString()
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    return session.run(None, {"X": X})


def _assert_parity(estimator, model, X_onnx, X=None, n=None):
    """onnxruntime's labels equal predict's, its probabilities predict_proba's."""
    X = X_onnx if X is None else X
    labels, proba = _run(model, X_onnx[:n])
    np.testing.assert_array_equal(labels, estimator.predict(X[:n]))
    np.testing.assert_allclose(proba, estimator.predict_proba(X[:n]), rtol=0, atol=1e-5)


@pytest.fixture(scope="module")
def pipeline(mnist):
    # The default preset: PixelScaler, DigitNormalizer, ImageFlattener, network.
    train, _ = mnist
    pipe = make_mnist_pipeline(epochs=1, random_state=0)
    return pipe.fit(train.images[:N_TRAIN], train.target[:N_TRAIN])


def _prepare_in_onnxruntime(normalizer, X):
    return _run(to_onnx(normalizer, X), X)[0]


def _awkward_digits(test, outline_drawings):
    """MNIST-C-like digits, noise, fog, outlines, and the preparation's edge cases."""
    rng = np.random.default_rng(0)
    digits = test.images[:300].copy()
    digits[:100, 3::7] = 255  # stripes across the digit
    digits[100:200] = np.roll(digits[100:200], (6, -5), axis=(1, 2))
    digits[200:] = np.maximum(digits[200:], rng.integers(0, 90, (100, 28, 28)))
    odd = np.zeros((6, 28, 28), dtype=np.uint8)
    odd[1] = 255  # all white
    odd[2, 5, 5] = 255  # one dot
    odd[3, :, :10] = 255  # a band at the border
    odd[4, 0] = 255  # a line along the top edge
    odd[5, 27, 27] = 9  # one faint corner pixel
    noise = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    # Fog: a background in the margin, which the local step removes.
    ramp = np.add.outer(np.linspace(0, 1, 28), np.linspace(0, 1, 28)) / 2
    fogged = np.clip(test.images[300:400] * 0.7 + 20 + 200 * ramp, 0, 255)
    # Outline drawings: each stroke's edges, a pixel thin, whose narrow holes
    # are filled; rings of wide strokes, whose loops stay open.
    outlines_of, ring = outline_drawings
    rings = [ring(r, r + 6) for r in (4.5, 5.5, 6.5)]
    outlines = outlines_of(np.concatenate([test.images[400:500], rings]))
    return np.concatenate([digits, odd, noise, fogged.astype(np.uint8), outlines])


@pytest.mark.parametrize(
    "params",
    [
        {"stroke_width": 2.0},
        {},
        {"deskew": False},
        {"remove_stray_ink": False, "stroke_width": 3.5},
        {"local_background": False, "fill_outlines": False, "stroke_width": 2.0},
    ],
)
def test_digit_normalizer_is_bitwise_the_same_in_onnxruntime(
    mnist, params, outline_drawings
):
    # The graph repeats NumPy's operations in their order and precision: the
    # prepared digits are identical, not merely close, on the test digits,
    # on corrupted ones, on noise and on blank, white and one-dot images.
    _, test = mnist
    awkward = _awkward_digits(test, outline_drawings)
    images = np.concatenate([test.images[:1000], awkward])
    normalizer = skmnist.DigitNormalizer(**params).fit(images)
    expected = normalizer.transform(images)
    np.testing.assert_array_equal(_prepare_in_onnxruntime(normalizer, images), expected)
    rows = images.reshape(len(images), -1).astype(np.float32) / np.float32(255)
    normalizer.fit(rows)
    np.testing.assert_array_equal(
        _prepare_in_onnxruntime(normalizer, rows), normalizer.transform(rows)
    )


def test_digit_normalizer_on_wide_ranging_floats():
    # Away from 8-bit pictures the float64 sums of NumPy and onnxruntime add
    # in another order: the prepared digits agree to float32 rounding.
    rng = np.random.default_rng(0)
    images = np.exp(rng.normal(0, 6, (300, 28, 28))).astype(np.float32)
    normalizer = skmnist.DigitNormalizer(stroke_width=2.0).fit(images)
    expected = normalizer.transform(images)
    np.testing.assert_allclose(
        _prepare_in_onnxruntime(normalizer, images), expected, rtol=0, atol=1e-5
    )


@pytest.mark.parametrize("shape", [(40, 56), (9, 9), (3, 3), (1, 1)])
def test_digit_normalizer_converts_other_image_shapes(shape, outline_drawings):
    outlines_of, _ = outline_drawings
    rng = np.random.default_rng(0)
    images = rng.random((20, *shape), dtype=np.float32) ** 4
    # Half of them binary outline drawings, the edges of random blobs, whose
    # holes the frame's own loop size fills.
    blobs = (rng.random((10, *shape)) < 0.6).astype(np.uint8) * 255
    images[10:] = outlines_of(blobs) / 255
    normalizer = skmnist.DigitNormalizer(stroke_width=2.0).fit(images)
    np.testing.assert_array_equal(
        _prepare_in_onnxruntime(normalizer, images), normalizer.transform(images)
    )
    rows = images.reshape(20, -1)
    normalizer.set_params(image_shape=shape).fit(rows)
    np.testing.assert_array_equal(
        _prepare_in_onnxruntime(normalizer, rows), normalizer.transform(rows)
    )


def test_digit_normalizer_needs_opset_18(mnist):
    _, test = mnist
    normalizer = skmnist.DigitNormalizer().fit(test.images[:10])
    with pytest.raises(RuntimeError, match="from opset 18; target_opset is 17"):
        skl2onnx.to_onnx(normalizer, test.images[:1], target_opset=17)


@pytest.fixture(scope="module")
def classifier(mnist):
    train, _ = mnist
    X = train.data[:N_TRAIN].astype(np.float32) / np.float32(255)
    return MNISTDenseClassifier(epochs=1, random_state=0).fit(X, train.target[:N_TRAIN])


@pytest.fixture(scope="module")
def tiny(mnist):
    """1,000 training and 1,000 test rows, float32 in [0, 1]."""
    train, test = mnist
    scale = np.float32(255)
    return (
        train.data[:1000].astype(np.float32) / scale,
        train.target[:1000],
        test.data[:1000].astype(np.float32) / scale,
    )


def _tiny_classifier(**params):
    return MNISTDenseClassifier(
        hidden_layer_sizes=(16,), epochs=1, random_state=0, **params
    )


def test_default_pipeline_matches_predict_on_all_test_images(pipeline, mnist):
    _, test = mnist
    model = skmnist.to_onnx(pipeline)
    (graph_input,) = model.graph.input
    assert graph_input.name == "X"
    assert graph_input.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value for d in graph_input.type.tensor_type.shape.dim] == [0, 784]
    assert [o.name for o in model.graph.output] == ["label", "probabilities"]
    props = {p.key: p.value for p in model.metadata_props}
    assert props == {"skmnist_version": skmnist.__version__}
    # Raw pixel rows 0..255 in, as the documentation says.
    rows = test.data.astype(np.float32)
    assert len(rows) == 10_000
    _assert_parity(pipeline, model, rows, X=test.images)


def test_bare_classifier_matches_predict_on_all_test_images(classifier, mnist):
    _, test = mnist
    X = test.data.astype(np.float32) / np.float32(255)
    _assert_parity(classifier, skmnist.to_onnx(classifier), X)


@pytest.mark.parametrize("zipmap", [True, False, "columns"])
def test_skl2onnx_converts_the_pipeline_on_uint8_images(pipeline, mnist, zipmap):
    _, test = mnist
    images = test.images[:500]
    model = skl2onnx.to_onnx(
        pipeline, images[:1], options={MNISTDenseClassifier: {"zipmap": zipmap}}
    )
    outputs = _run(model, images)
    np.testing.assert_array_equal(outputs[0], pipeline.predict(images))
    expected = pipeline.predict_proba(images)
    if zipmap is True:  # a list of {label: probability} dicts
        proba = np.array([[row[c] for c in range(10)] for row in outputs[1]])
    elif zipmap == "columns":  # one output per class
        proba = np.column_stack(outputs[1:])
    else:
        proba = outputs[1]
    np.testing.assert_allclose(proba, expected, rtol=0, atol=1e-5)


def test_user_pipeline_mixing_our_steps_with_scikit_learn(mnist, tiny):
    X, y, _ = tiny
    _, test = mnist
    pipe = make_pipeline(PixelScaler(), StandardScaler(), _tiny_classifier())
    pipe.fit(X * 255, y)
    rows = test.data[:1000].astype(np.float32)
    model = skl2onnx.to_onnx(pipe, rows[:1], options={id(pipe[-1]): {"zipmap": False}})
    _assert_parity(pipe, model, rows)
    _assert_parity(pipe, skmnist.to_onnx(pipe), rows)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_converts(tiny, activation):
    X, y, X_test = tiny
    clf = _tiny_classifier(activation=activation).fit(X, y)
    model = to_onnx(clf)
    activation_ops = {"Sigmoid", "Tanh", "Relu", "Elu", "Erf"}
    ops = {node.op_type for node in model.graph.node} & activation_ops
    expected = {
        "identity": set(),
        "logistic": {"Sigmoid"},
        "tanh": {"Tanh"},
        "relu": {"Relu"},
        "elu": {"Elu"},
        "gelu": {"Erf"},
    }[activation]
    assert ops == expected
    _assert_parity(clf, model, X_test)


def test_an_activation_without_converter_is_named(classifier, monkeypatch):
    monkeypatch.setattr(classifier, "activation", "swish")
    with pytest.raises(ValueError, match="activation='swish'.*'gelu'"):
        to_onnx(classifier)


def test_string_labels_and_the_nocl_option(tiny):
    X, y, X_test = tiny
    names = np.array(["zero", "one", "two", "three", "four"] * 2)
    clf = _tiny_classifier().fit(X, names[y])
    model = to_onnx(clf)
    _assert_parity(clf, model, X_test)
    assert _run(model, X_test[:5])[0].dtype == object
    nocl = skl2onnx.to_onnx(
        clf, X_test[:1], options={id(clf): {"zipmap": False, "nocl": True}}
    )
    labels, _ = _run(nocl, X_test)
    # Without class labels the model outputs the index into classes_.
    np.testing.assert_array_equal(clf.classes_[labels], clf.predict(X_test))


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_scaler_and_flattener_match_transform(mnist, dtype):
    train, test = mnist
    steps = make_pipeline(
        PixelScaler(pixel_range=(10, 200), clip=True), ImageFlattener()
    )
    steps.fit(train.images[:100])
    images = test.images[:200].astype(dtype)
    (output,) = _run(to_onnx(steps, images), images)
    assert output.shape == (200, 784)
    expected = steps.transform(images)
    assert expected.min() == 0 and expected.max() == 1  # clipped on both sides
    np.testing.assert_allclose(output, expected, rtol=0, atol=1e-7)


def test_path_writes_the_returned_model(tiny, tmp_path):
    X, _, _ = tiny
    steps = make_pipeline(PixelScaler(), ImageFlattener()).fit(X)
    model = to_onnx(steps, path=tmp_path / "steps.onnx")
    assert onnx.load(tmp_path / "steps.onnx") == model
    assert os.listdir(tmp_path) == ["steps.onnx"]


def test_export_command_writes_a_model_onnxruntime_loads(
    pipeline, mnist, tmp_path, capsys
):
    _, test = mnist
    save_model(pipeline, tmp_path / "model")
    out = tmp_path / "digits.onnx"
    assert main(["export", str(tmp_path / "model"), "--output", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    rows = test.data[:1000].astype(np.float32)
    np.save(tmp_path / "rows.npy", rows)
    # A serving process: onnxruntime and NumPy only.
    code = (
        "import sys, numpy as np, onnxruntime as ort\n"
        "session = ort.InferenceSession(sys.argv[1], "
        "providers=['CPUExecutionProvider'])\n"
        "labels, _ = session.run(None, {'X': np.load(sys.argv[2])})\n"
        "np.save(sys.argv[3], labels)\n"
        "heavy = {'tensorflow', 'keras', 'sklearn', 'skmnist'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    args = [out, tmp_path / "rows.npy", tmp_path / "labels.npy"]
    subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True)
    labels = np.load(tmp_path / "labels.npy")
    np.testing.assert_array_equal(labels, pipeline.predict(test.images[:1000]))


# --- Bad input -----------------------------------------------------------------


class _Unknown(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def transform(self, X):
        return X


def test_unfitted_estimator_is_named_and_nothing_written(tiny, tmp_path):
    X, _, _ = tiny
    path = tmp_path / "model.onnx"
    with pytest.raises(NotFittedError, match="MNISTDenseClassifier"):
        to_onnx(MNISTDenseClassifier(), path=path)
    pipe = Pipeline([("scale", PixelScaler().fit(X)), ("clf", MNISTDenseClassifier())])
    with pytest.raises(NotFittedError, match="MNISTDenseClassifier"):
        to_onnx(pipe, path=path)
    # skl2onnx's own route stops at our shape calculators.
    steps = make_pipeline(PixelScaler(), ImageFlattener().fit(X))
    with pytest.raises(NotFittedError, match="PixelScaler"):
        skl2onnx.to_onnx(steps, X[:1])
    assert os.listdir(tmp_path) == []


def test_unknown_step_is_named_and_an_old_file_is_kept(tiny, tmp_path):
    X, _, _ = tiny
    path = tmp_path / "model.onnx"
    path.write_bytes(b"previous model")
    pipe = Pipeline([("scale", PixelScaler()), ("mystery", _Unknown())]).fit(X)
    with pytest.raises(TypeError, match="step 'mystery' is a _Unknown"):
        to_onnx(pipe, path=path)
    assert path.read_bytes() == b"previous model"
    assert os.listdir(tmp_path) == ["model.onnx"]


def test_missing_output_folder_is_named(tiny, tmp_path):
    X, _, _ = tiny
    steps = make_pipeline(PixelScaler(), ImageFlattener()).fit(X)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        to_onnx(steps, path=tmp_path / "missing" / "model.onnx")


@pytest.mark.parametrize(
    "argv, status, message",
    [
        (
            ["--format", "tflite", "--output", "m.onnx"],
            2,
            "invalid choice: 'tflite'",
        ),
        (["--output", "m.onnx"], 1, "is not a folder"),
        ([], 2, "--output"),
    ],
)
def test_export_command_bad_input(tmp_path, capsys, monkeypatch, argv, status, message):
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(tmp_path / "no-model"), *argv]) == status
    assert message in capsys.readouterr().err
    assert os.listdir(tmp_path) == []
