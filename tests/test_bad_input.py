"""One table of bad inputs: each gets our clear error, naming the problem.

Across the classifier, the transformers, the pipeline, the loader and the
command line. Every error comes from our (or scikit-learn's) validation before
TensorFlow sees the data.
"""

import gzip

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skmnist import (
    ImageFlattener,
    MNISTDenseClassifier,
    OneHotLabelEncoder,
    PixelScaler,
    load_mnist,
    make_mnist_pipeline,
)
from skmnist.cli import main

RNG = np.random.RandomState(0)
X = RNG.rand(20, 784).astype(np.float32)
Y = np.arange(20) % 10
IMAGES = RNG.randint(0, 256, size=(20, 28, 28)).astype(np.uint8)


class CLIError(Exception):
    """A non-zero exit of ``skmnist``, with its one line of stderr."""


def _fit(X=X, y=Y, sample_weight=None, **params):
    params = {"hidden_layer_sizes": (8,), "epochs": 1, **params}
    return MNISTDenseClassifier(**params).fit(X, y, sample_weight=sample_weight)


def _with(value, index=(0, 0), dtype=np.float32):
    bad = X.astype(dtype)
    bad[index] = value
    return bad


def _idx_folder(c, *, images=None, labels=None, raw=None, magic=2051):
    """Train files in a temporary folder: good ones, or broken as asked."""
    tmp, write_idx = c["tmp"], c["write_idx"]
    images = IMAGES if images is None else images
    labels = Y.astype(np.uint8) if labels is None else labels
    write_idx(tmp, "train-images-idx3-ubyte", images, magic)
    write_idx(tmp, "train-labels-idx1-ubyte", labels, 2049)
    if raw is not None:
        (tmp / "train-images-idx3-ubyte.gz").write_bytes(raw)
    return tmp


def _truncated(c):
    tmp = _idx_folder(c)
    path = tmp / "train-images-idx3-ubyte.gz"
    data = gzip.decompress(path.read_bytes())[:-100]
    path.write_bytes(gzip.compress(data))
    return tmp


def _cli(capsys, *argv):
    status = main([str(a) for a in argv])
    err = capsys.readouterr().err.strip()
    if status:
        assert len(err.splitlines()) == 1, err
        assert "Traceback" not in err
        raise CLIError(f"status {status}: {err}")


CASES = [
    # --- classifier: hyper-parameters -------------------------------------
    ("epochs=-1", lambda c: _fit(epochs=-1), InvalidParameterError, "'epochs'"),
    ("epochs=1.5", lambda c: _fit(epochs=1.5), InvalidParameterError, "'epochs'"),
    (
        "batch_size=0",
        lambda c: _fit(batch_size=0),
        InvalidParameterError,
        "'batch_size'",
    ),
    (
        "activation",
        lambda c: _fit(activation="nope"),
        InvalidParameterError,
        "'activation'",
    ),
    (
        "learning_rate=0",
        lambda c: _fit(learning_rate=0),
        InvalidParameterError,
        "'learning_rate'",
    ),
    ("dropout=1", lambda c: _fit(dropout=1.0), InvalidParameterError, "'dropout'"),
    ("dropout<0", lambda c: _fit(dropout=-0.1), InvalidParameterError, "'dropout'"),
    (
        "validation_fraction",
        lambda c: _fit(validation_fraction=1.0),
        InvalidParameterError,
        "'validation_fraction'",
    ),
    (
        "hidden_layer_sizes=0",
        lambda c: _fit(hidden_layer_sizes=(8, 0)),
        ValueError,
        "hidden_layer_sizes must contain positive integers",
    ),
    (
        "hidden_layer_sizes=str",
        lambda c: _fit(hidden_layer_sizes="wide"),
        InvalidParameterError,
        "'hidden_layer_sizes'",
    ),
    ("alpha<0", lambda c: _fit(alpha=-1.0), InvalidParameterError, "'alpha'"),
    (
        "class_weight",
        lambda c: _fit(class_weight="even"),
        InvalidParameterError,
        "'class_weight'",
    ),
    # --- classifier: data -------------------------------------------------
    (
        "predict before fit",
        lambda c: MNISTDenseClassifier().predict(X),
        NotFittedError,
        "not fitted yet",
    ),
    ("1-D X", lambda c: _fit(X=X[0]), ValueError, "Expected 2D array"),
    ("empty X", lambda c: _fit(X=np.empty((0, 784)), y=[]), ValueError, "0 sample"),
    ("NaN", lambda c: _fit(X=_with(np.nan)), ValueError, "Input X contains NaN"),
    ("inf", lambda c: _fit(X=_with(np.inf)), ValueError, "Input X contains infinity"),
    (
        "string",
        lambda c: _fit(X=_with("seven", dtype=object)),
        ValueError,
        "could not convert string to float",
    ),
    (
        "object",
        lambda c: _fit(X=_with({"a": 1}, dtype=object)),
        TypeError,
        "must be a string or a (real )?number",
    ),
    (
        "sparse NaN",
        lambda c: _fit(X=sp.csr_matrix(_with(np.nan))),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "sparse infinity",
        lambda c: _fit(X=sp.csr_matrix(_with(np.inf))),
        ValueError,
        "Input X contains infinity",
    ),
    (
        "X/y lengths",
        lambda c: _fit(y=Y[:10]),
        ValueError,
        "inconsistent numbers of samples: \\[20, 10\\]",
    ),
    (
        "early stopping, one-member class",
        lambda c: _fit(y=np.r_[np.zeros(19), 1], early_stopping=True),
        ValueError,
        "least populated classes in y have only 1 member",
    ),
    (
        "multilabel y, class_weight",
        lambda c: _fit(y=np.eye(20, 3, dtype=int), class_weight="balanced"),
        ValueError,
        "class_weight is not supported for a multilabel y",
    ),
    (
        "continuous y",
        lambda c: _fit(y=np.linspace(0, 1, 20)),
        ValueError,
        "Unknown label type: continuous",
    ),
    (
        "NaN in y",
        lambda c: _fit(y=np.where(Y > 4, np.nan, Y)),
        ValueError,
        "Input y contains NaN",
    ),
    (
        "sample_weight < 0",
        lambda c: _fit(sample_weight=-np.ones(20)),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    (
        "predict NaN",
        lambda c: c["clf"].predict(_with(np.nan, index=(3, 400))),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "predict_proba inf",
        lambda c: c["clf"].predict_proba(_with(-np.inf, index=(5, 0))),
        ValueError,
        "Input X contains infinity",
    ),
    (
        "predict NaN in a later chunk",
        lambda c: c["clf"].predict(
            np.pad(_with(np.nan, index=(19, 783)), ((9000, 0), (0, 0)))
        ),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "wrong feature count",
        lambda c: c["clf"].predict(np.zeros((2, 100))),
        ValueError,
        "X has 100 features, but MNISTDenseClassifier is expecting 784",
    ),
    (
        "wrong image size",
        lambda c: c["clf"].predict(np.zeros((2, 32, 32))),
        ValueError,
        "images of shape \\(32, 32\\) \\(1024 pixels\\)",
    ),
    (
        "wrong channel count",
        lambda c: c["clf"].predict(np.zeros((2, 28, 28, 3))),
        ValueError,
        "images of shape \\(28, 28, 3\\)",
    ),
    (
        "labels unseen in partial_fit",
        lambda c: MNISTDenseClassifier(epochs=1).partial_fit(X, Y, classes=range(5)),
        ValueError,
        "labels that are not in classes: \\[5, 6, 7, 8, 9\\]",
    ),
    # --- transformers -----------------------------------------------------
    (
        "scaler range",
        lambda c: PixelScaler(pixel_range=(1, 0)).fit(X),
        ValueError,
        "pixel_range must be 'auto' or a tuple \\(low, high\\) with low < high",
    ),
    (
        "scaler NaN",
        lambda c: PixelScaler().fit(_with(np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "scaler features",
        lambda c: PixelScaler().fit(X).transform(X[:, :10]),
        ValueError,
        "X has 10 features, but PixelScaler is expecting 784",
    ),
    (
        # Rows of 784 pixels are fine after images (issue 22); images of
        # another shape are not, even with as many pixels.
        "flattener size",
        lambda c: ImageFlattener().fit(IMAGES).transform(IMAGES.reshape(-1, 14, 56)),
        ValueError,
        "X has samples of shape \\(14, 56\\), but ImageFlattener was "
        "fitted on samples of shape \\(28, 28\\)",
    ),
    (
        "flattener pixels",
        lambda c: ImageFlattener().fit(IMAGES).transform(X[:, :100]),
        ValueError,
        "X has 100 features, but ImageFlattener is expecting 784 features",
    ),
    (
        "encoder unseen",
        lambda c: OneHotLabelEncoder().fit(Y).transform([10]),
        ValueError,
        "labels not seen during fit: \\[10\\]",
    ),
    (
        "encoder continuous",
        lambda c: OneHotLabelEncoder().fit([0.5, 1.5]),
        ValueError,
        "Unknown label type",
    ),
    # --- pipeline ---------------------------------------------------------
    (
        "pipeline param",
        lambda c: make_mnist_pipeline(epochs=0).fit(IMAGES, Y),
        InvalidParameterError,
        "'epochs'",
    ),
    (
        "pipeline image size",
        lambda c: c["pipe"].predict(np.zeros((2, 30, 30))),
        ValueError,
        r"X has images of shape \(30, 30\) \(900 pixels\), but PixelScaler is "
        "expecting 784 features",
    ),
    # --- loader -----------------------------------------------------------
    (
        "loader missing",
        lambda c: load_mnist(data_home=c["tmp"], download=False),
        OSError,
        "not found and download=False",
    ),
    (
        "loader subset",
        lambda c: load_mnist("validation"),
        InvalidParameterError,
        "'subset'",
    ),
    (
        "loader not gzip",
        lambda c: load_mnist(
            data_home=_idx_folder(c, raw=b"plain bytes"), download=False
        ),
        ValueError,
        "train-images-idx3-ubyte.gz",
    ),
    (
        "loader truncated",
        lambda c: load_mnist(data_home=_truncated(c), download=False),
        ValueError,
        "train-images-idx3-ubyte.gz",
    ),
    (
        "loader magic",
        lambda c: load_mnist(data_home=_idx_folder(c, magic=7), download=False),
        ValueError,
        "magic number 7",
    ),
    (
        "loader counts",
        lambda c: load_mnist(
            data_home=_idx_folder(c, labels=Y[:5].astype(np.uint8)), download=False
        ),
        ValueError,
        "20 images but .*5 labels|5 labels .*20 images|count",
    ),
    (
        "loader label range",
        lambda c: load_mnist(
            data_home=_idx_folder(c, labels=np.full(20, 12, np.uint8)), download=False
        ),
        ValueError,
        "train-labels-idx1-ubyte.gz.*label",
    ),
    # --- command line -----------------------------------------------------
    (
        "cli epochs",
        lambda c: _cli(c["capsys"], "train", "--epochs", "-3"),
        CLIError,
        "status 2: .*--epochs: expected a positive integer, got '-3'",
    ),
    (
        "cli hidden",
        lambda c: _cli(c["capsys"], "train", "--hidden", "a,b"),
        CLIError,
        "status 2: .*--hidden: expected comma-separated positive integers",
    ),
    (
        "cli dropout",
        lambda c: _cli(c["capsys"], "search", "--dropout", "2"),
        CLIError,
        "status 2: .*--dropout: expected a number in \\[0, 1\\)",
    ),
    (
        "cli missing model",
        lambda c: _cli(c["capsys"], "predict", c["tmp"] / "none", c["digit_png"]),
        CLIError,
        "status 1: .*none is not a folder",
    ),
    (
        # The inputs are read first: a missing file fails before the model.
        "cli missing input",
        lambda c: _cli(c["capsys"], "predict", c["tmp"] / "none", "x.png"),
        CLIError,
        "status 1: .*x.png: no such file",
    ),
    (
        "cli corrupt model",
        lambda c: _cli(c["capsys"], "evaluate", c["broken_model"]),
        CLIError,
        "status 1: .*arrays.npz is not a valid array file",
    ),
    (
        "cli not an image",
        lambda c: _cli(c["capsys"], "predict", c["model_dir"], c["text_png"]),
        CLIError,
        "status 1: .*fake.png: not a readable image file",
    ),
    (
        "cli missing data",
        lambda c: _cli(c["capsys"], "train", "--data-home", c["tmp"], "--no-download"),
        CLIError,
        "status 1: .*MNIST data for subset='train' not found",
    ),
]


@pytest.fixture(scope="module")
def fitted(mnist_small, tmp_path_factory):
    from skmnist import save_model

    X_train, y_train, _, _ = mnist_small
    clf = MNISTDenseClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=0)
    clf.fit(X_train[:500], y_train[:500])
    pipe = make_mnist_pipeline(hidden_layer_sizes=(8,), epochs=1, random_state=0)
    pipe.fit(IMAGES, Y)
    folder = tmp_path_factory.mktemp("models")
    model_dir = save_model(pipe, folder / "model")
    broken = save_model(pipe, folder / "broken")
    (broken / "arrays.npz").write_bytes(b"PK\x03\x04 truncated")
    return {"clf": clf, "pipe": pipe, "model_dir": model_dir, "broken_model": broken}


def _digit_png(folder):
    from PIL import Image

    path = folder / "digit.png"
    Image.fromarray(IMAGES[0]).save(path)
    return path


def test_the_table_is_big_enough():
    assert len(CASES) >= 30
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "make_error, error, match",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_gets_a_clear_error(
    make_error, error, match, fitted, tmp_path, capsys, monkeypatch, write_idx_file
):
    import keras

    (tmp_path / "fake.png").write_text("this is text")
    context = {
        **fitted,
        "tmp": tmp_path,
        "capsys": capsys,
        "text_png": tmp_path / "fake.png",
        "digit_png": _digit_png(tmp_path),
        "write_idx": write_idx_file,
    }
    from skmnist._backend.fit_loop import DenseNetwork

    # Our validation runs before TensorFlow: no Keras training may start.
    for model_class in (keras.Model, DenseNetwork):
        monkeypatch.setattr(
            model_class, "fit", lambda *a, **k: pytest.fail("reached Keras' fit")
        )
    with pytest.raises(error, match=match):
        make_error(context)


@pytest.mark.parametrize("image_shape", [(28,), (28, 0), (28.0, 28), (27, 28)])
def test_image_shape_is_checked_alike_by_every_image_estimator(image_shape):
    from skmnist.augmentation import RandomDistortion
    from skmnist.preprocessing import DigitNormalizer

    X = np.zeros((2, 784), dtype=np.float32)
    match = "image_shape must be a tuple|holds 756 pixels, but the images have 784"
    with pytest.raises(ValueError, match=match):
        DigitNormalizer(image_shape=image_shape).fit(X).transform(X)
    with pytest.raises(ValueError, match=match):
        RandomDistortion(image_shape=image_shape).check_image_shape(784)
