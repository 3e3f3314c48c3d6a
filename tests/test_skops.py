"""Secure persistence with skops.io: the only types to trust are our classes.

The list below is the one documented in docs/deployment.rst: a fitted model
holds NumPy arrays and builtins, so skops trusts everything else already.
"""

import subprocess
import sys
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import make_pipeline
from skops.io.exceptions import UntrustedTypesFoundException

from skmnist import ImageFlattener, PixelScaler, make_mnist_pipeline

# docs/deployment.rst, "Saving with skops".
TRUSTED = [
    "skmnist._classifier.MNISTDenseClassifier",
    "skmnist.augmentation.RandomDistortion",
    "skmnist.pipeline.MNISTPipeline",
    "skmnist.preprocessing.DigitNormalizer",
    "skmnist.preprocessing.ImageFlattener",
    "skmnist.preprocessing.PixelScaler",
]
SCALING_TYPES = TRUSTED[4:]
# Where skmnist 0.2 defined MNISTPipeline: its files name this type.
OLD_PIPELINE = "skmnist._streaming.MNISTPipeline"


def _in_fresh_process(path, trusted, method, X, tmp_path):
    """``method`` of the model loaded from ``path`` in a new interpreter."""
    np.save(tmp_path / "X.npy", X)
    code = (
        "import sys, numpy as np, skops.io as sio\n"
        "model = sio.load(sys.argv[1], trusted=sys.argv[4].split(','))\n"
        "np.save(sys.argv[3], getattr(model, sys.argv[5])(np.load(sys.argv[2])))\n"
        "heavy = {'tensorflow', 'keras', 'jax', 'scikeras'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    args = [path, tmp_path / "X.npy", tmp_path / "out.npy", ",".join(trusted), method]
    subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True)
    return np.load(tmp_path / "out.npy", allow_pickle=False)


def test_fitted_default_pipeline_round_trip(mnist, tmp_path):
    train, test = mnist
    pipe = make_mnist_pipeline(epochs=1, random_state=0)
    pipe.fit(train.images[:2000], train.target[:2000])
    path = tmp_path / "model.skops"
    sio.dump(pipe, path)
    assert sorted(sio.get_untrusted_types(file=path)) == TRUSTED
    loaded = sio.load(path, trusted=TRUSTED)
    images = test.images[:500]
    np.testing.assert_array_equal(loaded.predict(images), pipe.predict(images))
    np.testing.assert_array_equal(
        loaded.predict_proba(images), pipe.predict_proba(images)
    )
    # Loaded and used where users do: a new process, without TensorFlow.
    labels = _in_fresh_process(path, TRUSTED, "predict", images, tmp_path)
    np.testing.assert_array_equal(labels, pipe.predict(images))


def test_scaling_steps_round_trip_unfitted_then_fitted(mnist, tmp_path):
    train, test = mnist
    steps = make_pipeline(PixelScaler(clip=True), ImageFlattener())
    path = tmp_path / "steps.skops"
    sio.dump(steps, path)
    assert sorted(sio.get_untrusted_types(file=path)) == SCALING_TYPES
    unfitted = sio.load(path, trusted=SCALING_TYPES)
    assert unfitted.get_params()["pixelscaler__clip"] is True
    assert not hasattr(unfitted[0], "data_min_")

    steps.fit(train.images[:100])
    sio.dump(steps, path)
    assert sorted(sio.get_untrusted_types(file=path)) == SCALING_TYPES
    loaded = sio.load(path, trusted=SCALING_TYPES)
    images = test.images[:50]
    expected = steps.transform(images)
    np.testing.assert_array_equal(loaded.transform(images), expected)
    rows = _in_fresh_process(path, SCALING_TYPES, "transform", images, tmp_path)
    np.testing.assert_array_equal(rows, expected)


def test_load_refuses_a_type_not_trusted(mnist, tmp_path):
    train, _ = mnist
    path = tmp_path / "steps.skops"
    sio.dump(
        make_pipeline(PixelScaler(), ImageFlattener()).fit(train.images[:10]), path
    )
    with pytest.raises(UntrustedTypesFoundException, match="PixelScaler"):
        sio.load(path, trusted=["skmnist.preprocessing.ImageFlattener"])


def test_files_naming_the_old_pipeline_module_still_load(mnist, tmp_path):
    # A file that skmnist 0.2 wrote: the same schema, but MNISTPipeline
    # recorded under its old module, trusted under its old name.
    train, test = mnist
    pipe = make_mnist_pipeline(epochs=1, hidden_layer_sizes=(16,), random_state=0)
    pipe.fit(train.images[:500], train.target[:500])
    new, old = tmp_path / "new.skops", tmp_path / "old.skops"
    sio.dump(pipe, new)
    with zipfile.ZipFile(new) as source, zipfile.ZipFile(old, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "schema.json":
                moved = b'"__module__": "skmnist.pipeline"'
                assert data.count(moved) == 1
                data = data.replace(moved, b'"__module__": "skmnist._streaming"')
            target.writestr(item, data)
    old_trusted = sorted([OLD_PIPELINE, *TRUSTED[:2], *TRUSTED[3:]])
    assert sorted(sio.get_untrusted_types(file=old)) == old_trusted
    loaded = sio.load(old, trusted=old_trusted)
    assert type(loaded) is type(pipe)
    np.testing.assert_array_equal(
        loaded.predict_proba(test.images[:50]), pipe.predict_proba(test.images[:50])
    )
