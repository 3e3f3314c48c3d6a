"""Keras trains, NumPy serves: the fitted model is arrays and leaves its process.

Every test here crosses a process boundary the way users do: a model pickled,
dumped with joblib or saved in one process is loaded in a fresh one, which
predicts the same probabilities without importing TensorFlow, Keras, JAX or
scikeras; training resumes from a loaded model exactly as from the original.
"""

import ast
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest

import skmnist
from skmnist import MNISTDenseClassifier, load_model, make_mnist_pipeline, save_model

ENGINES = ("tensorflow", "keras", "jax", "scikeras")
PACKAGE = Path(skmnist.__file__).parent

# Loads a model the way a user would in a new process, predicts, and reports
# which training engines that process imported.
_LOAD_AND_PREDICT = r"""
import json, pickle, sys
import numpy as np
how, path, x_path, out = sys.argv[1:5]
if how == "pickle":
    with open(path, "rb") as f:
        model = pickle.load(f)
elif how == "joblib":
    import joblib
    model = joblib.load(path)
else:
    from skmnist import load_model
    model = load_model(path)
np.save(out, model.predict_proba(np.load(x_path)))
engines = ("tensorflow", "keras", "jax", "scikeras")
print(json.dumps(sorted(m for m in engines if m in sys.modules)))
"""


@pytest.fixture(scope="module")
def models(mnist):
    train, _ = mnist
    clf = MNISTDenseClassifier(hidden_layer_sizes=(64,), epochs=1, random_state=0)
    clf.fit(train.data[:2000] / np.float32(255), train.target[:2000])
    pipe = make_mnist_pipeline(hidden_layer_sizes=(32,), epochs=1, random_state=0)
    pipe.fit(train.images[:2000], train.target[:2000])
    return {"classifier": clf, "pipeline": pipe}


def _dump(model, how, folder):
    path = folder / f"model.{how}"
    if how == "pickle":
        with open(path, "wb") as f:
            pickle.dump(model, f)
    elif how == "joblib":
        joblib.dump(model, path)
    else:
        save_model(model, path)
    return path


@pytest.mark.parametrize("how", ["pickle", "joblib", "save_model"])
@pytest.mark.parametrize("kind", ["classifier", "pipeline"])
def test_model_loads_and_predicts_in_a_fresh_process_without_keras(
    models, mnist, tmp_path, how, kind
):
    _, test = mnist
    model = models[kind]
    X = test.images[:300] if kind == "pipeline" else test.data[:300] / np.float32(255)
    np.save(tmp_path / "x.npy", X)
    path = _dump(model, how, tmp_path)
    out = tmp_path / "proba.npy"
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_PREDICT, how, path, tmp_path / "x.npy", out],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []
    # The same arrays and operations on the same machine: bitwise equal.
    np.testing.assert_array_equal(np.load(out), model.predict_proba(X))


def test_pickle_holds_arrays_and_plain_python_only(models):
    class Inspect(pickle.Unpickler):
        def find_class(self, module, name):
            assert module.split(".")[0] in {"numpy", "skmnist", "sklearn", "builtins"}
            return super().find_class(module, name)

    import io

    for model in models.values():
        data = pickle.dumps(model)
        assert not any(engine.encode() in data for engine in ENGINES)
        Inspect(io.BytesIO(data)).load()


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_training_resumes_from_a_loaded_model_as_from_the_original(
    mnist, tmp_path, how
):
    train, _ = mnist
    X = train.data[:1000] / np.float32(255)
    y = train.target[:1000]
    params = dict(hidden_layer_sizes=(32,), epochs=2, dropout=0.2, random_state=0)
    original = MNISTDenseClassifier(**params, warm_start=True).fit(X, y)
    copies = [
        pickle.loads(pickle.dumps(original)),
        load_model(save_model(original, tmp_path / "m")),
    ]
    for model in [original, *copies]:
        model.partial_fit(X, y) if how == "partial_fit" else model.fit(X, y)
    for copy in copies:
        assert copy.n_iter_ == original.n_iter_ == 1 + (how == "warm_start")
        assert len(copy.loss_curve_) == 3 + (how == "warm_start")
        # Same seed, same weights, same Adam state: bitwise the same fit.
        for a, b in zip(
            copy.coefs_ + copy.intercepts_, original.coefs_ + original.intercepts_
        ):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(
            copy.training_state_["optimizer"], original.training_state_["optimizer"]
        ):
            np.testing.assert_array_equal(a, b)


def test_resuming_continues_adam_rather_than_restarting_it(mnist):
    train, _ = mnist
    X, y = train.data[:600] / np.float32(255), train.target[:600]
    clf = MNISTDenseClassifier(hidden_layer_sizes=(16,), epochs=1, batch_size=100)
    clf.set_params(random_state=0).fit(X, y)
    assert int(clf.training_state_["optimizer"][0]) == 6  # Adam's step count
    clf.partial_fit(X, y)
    assert int(clf.training_state_["optimizer"][0]) == 12


def test_warm_start_with_other_layer_sizes_is_a_clear_error(mnist):
    train, _ = mnist
    X, y = train.data[:300] / np.float32(255), train.target[:300]
    clf = MNISTDenseClassifier(hidden_layer_sizes=(16,), epochs=1, warm_start=True)
    clf.fit(X, y)
    with pytest.raises(ValueError, match=r"hidden layers have \(16,\) units"):
        clf.set_params(hidden_layer_sizes=(8,)).fit(X, y)
    assert clf.coefs_[0].shape == (784, 16)


def test_cross_validate_in_worker_processes_returns_fitted_models(mnist):
    from sklearn.model_selection import cross_validate

    train, _ = mnist
    X, y = train.data[:1000] / np.float32(255), train.target[:1000]
    clf = MNISTDenseClassifier(
        hidden_layer_sizes=(16,), epochs=5, learning_rate=0.01, random_state=0
    )
    result = cross_validate(clf, X, y, cv=2, n_jobs=2, return_estimator=True)
    assert len(result["estimator"]) == 2
    for fitted, score in zip(result["estimator"], result["test_score"]):
        assert fitted.coefs_[0].shape == (784, 16)
        assert score > 0.5


def test_images_and_rows_are_interchangeable_after_fit(mnist):
    train, test = mnist
    for fit_on, predict_on in [("images", "data"), ("data", "images")]:
        pipe = make_mnist_pipeline(hidden_layer_sizes=(16,), epochs=1, random_state=0)
        pipe.fit(getattr(train, fit_on)[:500], train.target[:500])
        assert [step.n_features_in_ for step in pipe] == [784, 784, 784, 784]
        proba = pipe.predict_proba(getattr(test, predict_on)[:50])
        # The same pixels: the same operations on the same rows.
        np.testing.assert_array_equal(
            proba, pipe.predict_proba(getattr(test, fit_on)[:50])
        )


@pytest.mark.parametrize("shape", [(0, 784), (0, 28, 28)])
def test_fit_on_no_samples_says_so(shape):
    X = np.zeros(shape, dtype=np.uint8)
    with pytest.raises(ValueError, match=r"0 sample\(s\) \(shape=\(0, 784\)\)"):
        MNISTDenseClassifier().fit(X, np.zeros(0, dtype=int))


def _imported_modules(path):
    """Every module an ``import`` or ``from`` in ``path`` names, at any depth."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_only_the_backend_package_imports_the_training_engines():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "_backend":
            continue
        engines = {n for n in _imported_modules(path) if n.split(".")[0] in ENGINES}
        if engines:
            offenders[str(relative)] = sorted(engines)
    assert offenders == {}
    # ...and the walk does see imports inside functions.
    assert "keras" in _imported_modules(PACKAGE / "_backend" / "network.py")
    assert "scikeras.wrappers" in _imported_modules(
        PACKAGE / "_backend" / "scikeras_adapter.py"
    )


def test_predicting_never_imports_the_training_engines(models, mnist, tmp_path):
    # In a fresh process: import skmnist, load, predict, score, evaluate.
    _, test = mnist
    path = save_model(models["pipeline"], tmp_path / "m")
    code = (
        "import sys\n"
        "from skmnist import load_model, load_mnist\n"
        "from skmnist.evaluation import EvaluationReport\n"
        f"model = load_model({str(path)!r})\n"
        "X, y = load_mnist('test', return_X_y=True, download=False)\n"
        "model.predict_log_proba(X[:100]); model.score(X, y)\n"
        "EvaluationReport.from_estimator(model, X[:500], y[:500])\n"
        f"print(sorted(m for m in {ENGINES!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"


def test_continuing_after_an_interrupted_fit_matches_a_rebuilt_network(mnist):
    # The network kept for a fast continuation is given up when a fit that
    # continued it fails: the next fit starts again from the arrays.
    import keras

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise KeyboardInterrupt

    train, _ = mnist
    X, y = train.data[:600] / np.float32(255), train.target[:600]
    params = dict(hidden_layer_sizes=(16,), epochs=2, random_state=0)
    clf = MNISTDenseClassifier(**params, warm_start=True).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    with pytest.raises(KeyboardInterrupt):
        clf.set_params(callbacks=[Interrupt()]).fit(X, y)
    clf.set_params(callbacks=None).fit(X, y)
    copy.fit(X, y)
    for a, b in zip(clf.coefs_ + clf.intercepts_, copy.coefs_ + copy.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_edited_arrays_are_continued_as_edited(mnist):
    # The kept network is used only for the very arrays it produced: an
    # estimator whose arrays were replaced continues from the new values,
    # exactly as a copy given the same values does.
    train, _ = mnist
    X, y = train.data[:600] / np.float32(255), train.target[:600]
    clf = MNISTDenseClassifier(hidden_layer_sizes=(16,), epochs=1, random_state=0)
    clf.set_params(warm_start=True).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    for model in (clf, copy):
        model.intercepts_ = [b + np.float32(0.5) for b in model.intercepts_]
        model.fit(X, y)
    for a, b in zip(clf.coefs_ + clf.intercepts_, copy.coefs_ + copy.intercepts_):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="WRITEABLE"):
        clf.coefs_[0].flags.writeable = True


def test_a_failed_warm_start_leaves_the_arrays_untouched(mnist):
    import keras

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    train, _ = mnist
    X, y = train.data[:600] / np.float32(255), train.target[:600]
    fitted = MNISTDenseClassifier(hidden_layer_sizes=(16,), epochs=1, random_state=0)
    clf = pickle.loads(pickle.dumps(fitted.fit(X, y)))  # rebuilt from its arrays
    before = [a.copy() for a in clf.coefs_ + clf.intercepts_]
    with pytest.raises(KeyboardInterrupt):
        clf.set_params(warm_start=True, callbacks=[Interrupt()]).fit(X, y)
    for a, b in zip(before, clf.coefs_ + clf.intercepts_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_history_keeps_one_value_per_epoch_when_early_stopping_changes(mnist):
    train, _ = mnist
    X, y = train.data[:600] / np.float32(255), train.target[:600]
    clf = MNISTDenseClassifier(
        hidden_layer_sizes=(16,), epochs=2, early_stopping=True, random_state=0
    ).fit(X, y)
    clf.set_params(warm_start=True, early_stopping=False).fit(X, y)
    assert clf.n_iter_ == 2
    assert {len(values) for values in clf.history_.values()} == {4}
    assert np.isnan(clf.history_["val_loss"][2:]).all()
    assert not np.isnan(clf.history_["val_loss"][:2]).any()


def test_a_model_saved_by_skmnist_0_1_loads_without_pickle(mnist, tmp_path):
    # Format 1 kept the network as a Keras file and MLPClassifier's derived
    # attributes as properties; such a folder still loads, fully fitted.
    from skmnist._backend.network import build_dense_network, set_network_state
    from skmnist._spec import NetworkSpec
    from skmnist.persistence import ARRAYS_FILE, METADATA_FILE, NETWORK_FILE

    train, test = mnist
    X, y = train.data[:600] / np.float32(255), train.target[:600]
    clf = MNISTDenseClassifier(hidden_layer_sizes=(16,), epochs=1, random_state=0)
    folder = save_model(clf.fit(X, y), tmp_path / "v1")
    network = build_dense_network(
        NetworkSpec(
            n_features=784,
            n_classes=10,
            hidden_layer_sizes=(16,),
            activation="relu",
            dropout=0.0,
            l2=0.0,
            learning_rate=1e-3,
            beta_1=0.9,
            beta_2=0.999,
            epsilon=1e-8,
            dtype="float32",
        )
    )
    set_network_state(
        network,
        {"coefs": clf.coefs_, "intercepts": clf.intercepts_, **clf.training_state_},
    )
    network.save(folder / NETWORK_FILE)
    metadata = json.loads((folder / METADATA_FILE).read_text())
    keep = {"classes_", "n_features_in_", "history_", "n_iter_", "t_", "best_epoch_"}
    step = metadata["steps"][0]
    step["fitted"] = {k: v for k, v in step["fitted"].items() if k in keep}
    step["fitted"]["classes_"] = {"__ndarray__": list(range(10)), "dtype": "<i8"}
    metadata["format_version"] = 1
    (folder / METADATA_FILE).write_text(json.dumps(metadata))
    (folder / ARRAYS_FILE).unlink()
    loaded = load_model(folder)
    X_test = test.data[:100] / np.float32(255)
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), clf.predict_proba(X_test)
    )
    assert loaded.loss_curve_ == clf.loss_curve_ and loaded.n_layers_ == 3


_QUIET_FIT = (
    "import os, warnings, numpy as np\n"
    "from sklearn.exceptions import ConvergenceWarning\n"
    "from skmnist import MNISTDenseClassifier\n"
    "warnings.simplefilter('ignore', ConvergenceWarning)  # 1 epoch of 1\n"
    "X = np.random.RandomState(0).rand(60, 12).astype('float32')\n"
    "MNISTDenseClassifier((4,), epochs=1, random_state=0).fit(X, np.arange(60) % 3)\n"
    "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"
)


@pytest.mark.parametrize("level", [None, "1"])
def test_a_fit_starts_quietly_unless_the_user_sets_a_log_level(level):
    # TensorFlow's C++ start-up lines (absl's "All log messages before
    # absl::InitializeLog()", oneDNN's and CUDA's notes) stay off the terminal
    # by default; a TF_CPP_MIN_LOG_LEVEL the user set is left as it is.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    if level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = level
    done = subprocess.run(
        [sys.executable, "-c", _QUIET_FIT],
        env={**env, "KERAS_BACKEND": "tensorflow"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [level or "3"]
    if level is None:
        assert done.stderr == ""


def test_a_new_fit_reuses_a_network_of_its_shape_as_a_new_build(mnist, monkeypatch):
    # A fit resets and trains a network a previous fit of the same shape built
    # (no new build, compilation or tracing): bitwise the fit on a new build,
    # also for a pickled model that continues.
    from skmnist._backend import trained

    train, _ = mnist
    X, y = train.data[:400] / np.float32(255), train.target[:400]
    params = dict(hidden_layer_sizes=(16,), dropout=0.2, epochs=2, batch_size=64)

    def fits():
        first = MNISTDenseClassifier(**params, random_state=1).fit(X, y)
        again = pickle.loads(pickle.dumps(first))
        del first  # its network is now spare
        second = MNISTDenseClassifier(**params, random_state=2, early_stopping=True)
        second.fit(X, y)
        return second, again.partial_fit(X[:100], y[:100])

    reused = []
    take = trained.take_spare

    def spy(spec, *, seeded):
        network = take(spec, seeded=seeded)
        reused.append(network is not None)
        return network

    monkeypatch.setattr(trained, "take_spare", spy)
    got = fits()
    # (An earlier test may have left a network of this shape for the first.)
    assert reused[1:] == [True, True]
    monkeypatch.setattr(trained, "take_spare", lambda spec, *, seeded: None)
    expected = fits()  # every network built anew
    for a, b in zip(got, expected):
        for x, z in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
            np.testing.assert_array_equal(x, z)
        assert a.loss_curve_ == b.loss_curve_


_FIT_WITHOUT_JAX = (
    "import sys, warnings, numpy as np\n"
    "from sklearn.exceptions import ConvergenceWarning\n"
    "from skmnist import MNISTDenseClassifier\n"
    "warnings.simplefilter('ignore', ConvergenceWarning)  # 1 epoch of 1\n"
    "X = np.random.RandomState(0).rand(60, 12).astype('float32')\n"
    "MNISTDenseClassifier((4,), epochs=1, random_state=0).fit(X, np.arange(60) % 3)\n"
    "print('jax' in sys.modules)\n"
    "import jax.numpy\n"
    "print(jax.numpy.zeros(2).shape)\n"
)


def test_a_fit_on_tensorflow_does_not_import_jax():
    # TensorFlow imports JAX for TFLite when it can; on Keras' TensorFlow
    # backend the fit keeps it out, and JAX imports as usual afterwards.
    pytest.importorskip("jax")
    done = subprocess.run(
        [sys.executable, "-c", _FIT_WITHOUT_JAX],
        env={**os.environ, "KERAS_BACKEND": "tensorflow"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", "(2,)"]


def test_the_keras_backend_is_read_as_keras_reads_it(tmp_path, monkeypatch):
    from skmnist._backend._quiet import _keras_backend_to_be

    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert _keras_backend_to_be() == "jax"
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert _keras_backend_to_be() == "tensorflow"  # no keras.json
    (tmp_path / "keras.json").write_text('{"backend": "jax"}')
    assert _keras_backend_to_be() == "jax"
    (tmp_path / "keras.json").write_text("{not json")
    assert _keras_backend_to_be() is None  # unsure: JAX is not kept out
