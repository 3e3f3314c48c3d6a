"""The Keras pieces of the training step: the fused Adam, the accuracy metric and
the network's fit on in-memory arrays."""

import keras
import numpy as np
import pytest

from skmnist import MNISTDenseClassifier
from skmnist._arrays import ALIGNMENT, aligned_array
from skmnist._backend.callbacks import EarlyStopping, ReduceLROnPlateau
from skmnist._backend.fit_loop import DenseNetwork, _JaxSteps, _TensorFlowSteps
from skmnist._backend.network import (
    CategoricalAccuracy,
    FusedAdam,
    build_dense_network,
)
from skmnist._backend.runtime import to_numpy
from skmnist._spec import NetworkSpec

on_tensorflow = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="the fused update and the logits shortcut are TensorFlow's",
)


def _train(optimizer, dtype):
    """Variables of the shapes of a small dense layer after 25 updates."""
    rng = np.random.RandomState(0)
    variables = [
        keras.Variable(rng.normal(size=(7, 5)).astype(dtype)),
        keras.Variable(np.zeros(5, dtype=dtype)),
    ]
    for _ in range(25):
        grads = [rng.normal(size=v.shape).astype(dtype) for v in variables]
        optimizer.apply(grads, variables)
    moments = optimizer._momentums + optimizer._velocities
    return [to_numpy(v) for v in [*variables, *moments]]


@on_tensorflow
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_adam_updates_as_keras_adam(dtype):
    params = dict(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7)
    expected = _train(keras.optimizers.Adam(**params), dtype)
    fused = FusedAdam(**params)
    got = _train(fused, dtype)
    for e, g in zip(expected, got):
        assert g.dtype == np.dtype(dtype)
        # Float rounding only (Keras' update multiplies by constants such as
        # 1 - beta_1 rounded to float32, also on float64 variables).
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
    assert int(fused.iterations) == 25
    # The variables really moved: the comparison is not between initial values.
    initial = np.random.RandomState(0).normal(size=(7, 5))
    assert np.abs(got[0] - initial).min() > 1e-3


@on_tensorflow
def test_fused_adam_computes_the_step_scalars_once_per_step(monkeypatch):
    # Outside a distribution strategy the bias corrections are computed once
    # per update of all the variables, not once per variable.
    dtypes = []
    scalars = FusedAdam._adam_scalars

    def counted(self, tf, dtype, learning_rate):
        dtypes.append(dtype)
        return scalars(self, tf, dtype, learning_rate)

    monkeypatch.setattr(FusedAdam, "_adam_scalars", counted)
    _train(FusedAdam(), "float32")  # 25 updates of 2 variables
    assert len(dtypes) == 25


def test_fused_adam_with_amsgrad_is_keras_adam():
    expected = _train(keras.optimizers.Adam(amsgrad=True), "float32")
    got = _train(FusedAdam(amsgrad=True), "float32")
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(g, e)


def test_fused_adam_serializes_under_its_own_name():
    optimizer = FusedAdam(learning_rate=0.02, beta_1=0.85, epsilon=1e-6)
    config = keras.saving.serialize_keras_object(optimizer)
    assert config["registered_name"] == "skmnist>FusedAdam"
    again = keras.saving.deserialize_keras_object(config)
    assert type(again) is FusedAdam
    assert again.get_config() == optimizer.get_config()


def test_accuracy_matches_keras_categorical_accuracy():
    rng = np.random.RandomState(0)
    y_true = np.eye(4, dtype="float32")[rng.randint(4, size=50)]
    y_pred = keras.ops.softmax(rng.normal(size=(50, 4)).astype("float32"))
    weight = rng.uniform(size=50).astype("float32")
    ours, theirs = CategoricalAccuracy(), keras.metrics.CategoricalAccuracy()
    for metric in (ours, theirs):
        metric.update_state(y_true[:30], y_pred[:30], sample_weight=weight[:30])
        metric.update_state(y_true[30:], y_pred[30:], sample_weight=weight[30:])
    assert ours.name == "accuracy"
    assert 0.1 < float(theirs.result()) < 0.9
    assert float(ours.result()) == pytest.approx(float(theirs.result()), abs=1e-7)


@on_tensorflow
def test_accuracy_reads_the_logits_under_a_softmax():
    # Keras' TensorFlow softmax keeps its input as `_keras_logits`; the metric
    # must read it (so the softmax can drop out of training), not the output.
    y_true = np.eye(3, dtype="float32")[[0, 1, 2]]
    y_pred = keras.ops.softmax(np.eye(3, dtype="float32") * 5)
    assert float(keras.ops.mean(CategoricalAccuracy()(y_true, y_pred))) == 1.0
    y_pred._keras_logits = keras.ops.convert_to_tensor(
        np.eye(3, dtype="float32")[[1, 2, 0]]
    )
    metric = CategoricalAccuracy()
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == 0.0


def test_network_trains_with_the_fused_adam_and_logit_accuracy(mnist_small):
    X_train, y_train, _, _ = mnist_small
    clf = MNISTDenseClassifier(
        hidden_layer_sizes=(32,), epochs=2, batch_size=500, random_state=0
    ).fit(X_train[:1000], y_train[:1000])
    # The network just trained, as the engine keeps it for a warm start.
    from skmnist._backend import trained

    _, _, model, _ = trained._kept[id(clf.coefs_[0])]
    assert type(model.optimizer) is FusedAdam
    assert int(model.optimizer.iterations) == 2 * 2
    assert int(clf.training_state_["optimizer"][0]) == 2 * 2
    # The accuracy Keras reports on the training data equals scikit-learn's
    # on the network's predictions (weights as after the last step).
    keras_accuracy = model.evaluate(
        X_train[:1000], np.eye(10)[y_train[:1000]], verbose=0, return_dict=True
    )["accuracy"]
    assert keras_accuracy == pytest.approx(clf.score(X_train[:1000], y_train[:1000]))


def _network(steps_per_execution=4):
    spec = NetworkSpec(
        n_features=12,
        n_classes=3,
        hidden_layer_sizes=(16, 8),
        activation="relu",
        dropout=0.0,
        l2=0.0,
        learning_rate=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        dtype="float32",
    )
    model = build_dense_network(spec, seed=0)
    model.steps_per_execution = steps_per_execution
    return model


def _data(n=300, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 12)).astype("float32")
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    return X, np.eye(3, dtype="float32")[y], rng.uniform(0.5, 2, n).astype("float32")


class _Recorder(keras.callbacks.Callback):
    def __init__(self, stop_after_batch=None):
        super().__init__()
        self.calls = []
        self.stop_after_batch = stop_after_batch

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch", epoch))

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(("begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("end", batch, round(float(logs["loss"]), 4)))
        if batch == self.stop_after_batch:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


def test_network_fit_on_arrays_matches_keras_fit():
    # Unshuffled, the in-graph fit takes the batches Keras' input pipeline
    # takes (300 samples in batches of 32: the last one has 12), so weights,
    # history and callback calls agree with Keras' own fit.
    X, Y, weight = _data()
    X_val, Y_val, _ = _data(60, seed=1)
    fits = {}
    for name, fit in [("keras", keras.Model.fit), ("ours", DenseNetwork.fit)]:
        model, recorder = _network(), _Recorder()
        history = fit(
            model,
            X,
            Y,
            batch_size=32,
            epochs=3,
            shuffle=False,
            sample_weight=weight,
            validation_data=(X_val, Y_val),
            callbacks=[recorder],
            verbose=0,
        )
        fits[name] = (model, history.history, recorder.calls)
    (keras_model, keras_history, keras_calls), (model, history, calls) = (
        fits["keras"],
        fits["ours"],
    )
    assert type(model) is DenseNetwork
    assert getattr(keras_model, "_array_train", None) is None
    assert model._array_train is not None  # the in-graph path ran
    assert int(model.optimizer.iterations) == 3 * 10
    for ours, theirs in zip(_weights(model), _weights(keras_model)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in history:
        np.testing.assert_allclose(history[key], keras_history[key], rtol=1e-5)
    # Steps per call of 4: hooks at batches 0, 4 and 8, ending (as Keras
    # counts) at 3, 7 and 11.
    assert [c[:2] for c in calls[:7]] == [
        ("epoch", 0),
        ("begin", 0),
        ("end", 3),
        ("begin", 4),
        ("end", 7),
        ("begin", 8),
        ("end", 11),
    ]
    assert calls == keras_calls


def test_network_fit_of_fewer_samples_than_a_batch_matches_keras_fit():
    # No full batch: every step is the epoch's shorter last batch, a call of
    # its own (compiled for its size), as Keras takes it.
    X, Y, _ = _data(10)
    fits = {}
    for name, fit in [("keras", keras.Model.fit), ("ours", DenseNetwork.fit)]:
        model = _network()
        history = fit(model, X, Y, batch_size=32, epochs=3, shuffle=False, verbose=0)
        fits[name] = (model, history.history)
    (keras_model, keras_history), (model, history) = fits["keras"], fits["ours"]
    assert model._array_train is not None  # the in-graph path ran
    assert int(model.optimizer.iterations) == 3
    for ours, theirs in zip(_weights(model), _weights(keras_model)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history["loss"], keras_history["loss"], rtol=1e-5)


def test_network_fit_shuffles_from_the_numpy_state():
    X, Y, _ = _data()
    results = []
    for seed in (0, 0, 1):
        model = _network()
        np.random.seed(seed)
        model.fit(X, Y, batch_size=32, epochs=2, verbose=0)
        results.append(_weights(model))
    unshuffled = _network()
    unshuffled.fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(results[0], results[1]):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(results[0][0], results[2][0])
    assert not np.allclose(results[0][0], _weights(unshuffled)[0])


def test_network_fit_stops_when_a_callback_says_so():
    X, Y, _ = _data()
    model = _network()
    history = model.fit(
        X,
        Y,
        batch_size=32,
        epochs=5,
        verbose=0,
        callbacks=[_Recorder(stop_after_batch=3)],
    )
    assert int(model.optimizer.iterations) == 4
    assert len(history.history["loss"]) == 1


class _WeightReader(keras.callbacks.Callback):
    """Reads the first kernel after every call (on JAX, Keras syncs it then)."""

    def __init__(self):
        super().__init__()
        self.sums = []

    def on_train_batch_end(self, batch, logs=None):
        self.sums.append(float(np.sum(self.model.get_weights()[0])))


@pytest.mark.parametrize(
    "ours, stock",
    [
        (EarlyStopping, keras.callbacks.EarlyStopping),
        (ReduceLROnPlateau, keras.callbacks.ReduceLROnPlateau),
    ],
)
@pytest.mark.parametrize("mode", ["min", "max", "auto"])
@pytest.mark.parametrize("min_delta", [0.0, 0.05])
def test_stopping_rules_compare_as_keras_in_python(ours, stock, mode, min_delta):
    callbacks = [
        cls(monitor="loss", mode=mode, min_delta=min_delta) for cls in (ours, stock)
    ]
    for callback in callbacks:
        callback._set_monitor_op()
    host, keras_callback = callbacks
    values = [0.5, 0.9, 0.96, 1.0, 1.2, np.float32(0.5), np.nan, np.inf]
    assert host._is_improvement(0.5, None) is True
    for value in values:
        for reference in [0.5, 1.0, np.float32(1.0), np.nan, np.inf]:
            expected = bool(keras_callback._is_improvement(value, reference))
            assert host._is_improvement(value, reference) is expected, (
                value,
                reference,
            )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"early_stopping": True},
        {"learning_rate_schedule": "adaptive"},
    ],
)
def test_network_fit_stopping_rules_never_compare_through_the_backend(
    monkeypatch, params
):
    # Keras' own comparison (keras.ops.less) dispatches to the backend each
    # epoch and, on JAX, compiles two XLA programs at the first one.
    def backend_comparison(self, monitor_value, reference_value):
        raise AssertionError(f"{type(self).__name__} compared through keras.ops")

    monitor_callback = keras.callbacks.EarlyStopping.__mro__[1]
    monkeypatch.setattr(monitor_callback, "_is_improvement", backend_comparison)
    X, Y, _ = _data()
    clf = MNISTDenseClassifier(
        hidden_layer_sizes=(8,), epochs=4, n_iter_no_change=10, random_state=0
    )
    clf.set_params(**params).fit(X, Y.argmax(axis=1))
    assert clf.n_iter_ == 4


def test_network_fit_shows_callbacks_the_current_weights():
    # A callback that reads the weights between two calls sees those of the
    # last step, as in Keras' fit (on JAX, reading them syncs the stateless
    # train step's state back into the variables, and training goes on from
    # there).
    X, Y, _ = _data()
    readers = {}
    for name, fit in [("keras", keras.Model.fit), ("ours", DenseNetwork.fit)]:
        model, readers[name] = _network(), _WeightReader()
        fit(
            model,
            X,
            Y,
            batch_size=32,
            epochs=2,
            shuffle=False,
            verbose=0,
            callbacks=[readers[name]],
        )
    assert len(readers["ours"].sums) == 2 * 3
    assert len(set(readers["ours"].sums)) == 6  # every call moved the weights
    np.testing.assert_allclose(readers["ours"].sums, readers["keras"].sums, rtol=1e-5)


class _Interrupt(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch >= 7:
            raise KeyboardInterrupt


def test_network_fit_keeps_the_weights_of_an_interrupted_fit():
    # Interrupted after the second call (8 steps): the variables hold the
    # weights of those steps (on JAX they are written back from the train
    # step's state), and fitting goes on from them.
    X, Y, _ = _data()
    model, reference = _network(), _network()
    with pytest.raises(KeyboardInterrupt):
        model.fit(
            X, Y, batch_size=32, shuffle=False, verbose=0, callbacks=[_Interrupt()]
        )
    reference.fit(X[:256], Y[:256], batch_size=32, shuffle=False, verbose=0)
    assert int(model.optimizer.iterations) == 8
    for ours, theirs in zip(_weights(model), _weights(reference)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    assert int(model.optimizer.iterations) == 8 + 10


def test_network_fit_shares_aligned_arrays_with_the_backend():
    # An aligned, C-contiguous array becomes the fit's tensor without a copy
    # (TensorFlow takes it through DLPack, JAX's device_put aliases it): a
    # change to the array shows in the tensor. Any other array is copied once
    # into aligned memory.
    X, Y, _ = _data()
    buffer = aligned_array(np.zeros(X.size + 1, np.float32))
    unaligned = buffer[1:].reshape(X.shape)  # 4 bytes past a boundary
    unaligned[...] = X
    aligned = aligned_array(unaligned)  # a copy, on a boundary
    assert unaligned.ctypes.data % ALIGNMENT != 0
    assert aligned.ctypes.data % ALIGNMENT == 0
    on_tf = keras.backend.backend() == "tensorflow"
    steps = (_TensorFlowSteps if on_tf else _JaxSteps)(_network(), [aligned, Y], 32)
    copied = steps.convert(unaligned)
    aligned[0, 0] = unaligned[0, 0] = 12345.0
    assert float(steps.data[0][0, 0]) == 12345.0
    assert float(copied[0, 0]) == X[0, 0]
    np.testing.assert_array_equal(np.asarray(copied), X)
    np.testing.assert_array_equal(np.asarray(steps.data[1]), Y)


def test_network_fit_follows_a_new_compile():
    # compile() drops the compiled train function; the in-graph one is
    # rebuilt with the new optimizer, here one that does not move.
    X, Y, _ = _data()
    model = _network()
    model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    model.compile(
        optimizer=FusedAdam(learning_rate=0.0),
        loss="categorical_crossentropy",
        steps_per_execution=4,
    )
    before = _weights(model)
    history = model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    for a, b in zip(before, _weights(model)):
        np.testing.assert_array_equal(a, b)
    assert history.history["loss"][0] > 0


class _Batches(keras.utils.PyDataset):
    def __init__(self, X, Y, batch_size):
        super().__init__()
        self.X, self.Y, self.batch_size = X, Y, batch_size

    def __len__(self):
        return -(-len(self.X) // self.batch_size)

    def __getitem__(self, i):
        rows = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.X[rows], self.Y[rows]


def test_network_fit_leaves_other_inputs_to_keras():
    # Class weights, a validation split and a dataset take Keras' own fit.
    X, Y, _ = _data()
    model = _network()
    model.fit(X, Y, batch_size=32, class_weight={0: 1, 1: 2, 2: 1}, verbose=0)
    model.fit(X, Y, batch_size=32, validation_split=0.2, verbose=0)
    model.fit(_Batches(X, Y, 32), verbose=0)
    assert getattr(model, "_array_train", None) is None
    assert int(model.optimizer.iterations) == 10 + 8 + 10


def test_network_saves_and_loads_as_itself(tmp_path):
    X, Y, _ = _data()
    model = _network()
    model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    model.save(tmp_path / "network.keras")
    again = keras.saving.load_model(tmp_path / "network.keras")
    assert type(again) is DenseNetwork
    np.testing.assert_array_equal(
        again.predict(X, verbose=0), model.predict(X, verbose=0)
    )
    again.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    assert int(again.optimizer.iterations) == 2 * 10


@on_tensorflow
def test_seeded_fits_keep_tensorflow_kernel_cache(monkeypatch):
    # tf.random.set_seed clears TensorFlow's kernel cache, which drops the
    # compiled train function's instantiation: a seeded fit sets the seed
    # without it, and trains as after a set_seed.
    import tensorflow as tf
    from tensorflow.python import pywrap_tfe
    from tensorflow.python.eager import context

    seen = []

    class SeedProbe(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append((context.global_seed(), context.internal_operation_seed()))

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 6)).astype(np.float32)
    y = np.arange(60) % 3

    def fit():
        return MNISTDenseClassifier(
            (4,), epochs=2, random_state=5, callbacks=[SeedProbe()]
        ).fit(X, y)

    first = fit()
    clears = []
    real_clear = pywrap_tfe.TFE_ContextClearCaches
    monkeypatch.setattr(
        pywrap_tfe,
        "TFE_ContextClearCaches",
        lambda handle: (clears.append(handle), real_clear(handle)),
    )
    second = fit()
    assert clears == []
    for a, b in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_
    ):
        np.testing.assert_array_equal(a, b)
    # The seed and operation seeds a fit's code sees are set_seed's.
    seed = seen[0][0]
    tf.random.set_seed(seed)
    expected = (seed, context.internal_operation_seed())
    tf.random.set_seed(None)
    assert seen == [expected, expected]
