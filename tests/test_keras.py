"""The Keras pieces of the training step: the fused Adam and the accuracy metric."""

import keras
import numpy as np
import pytest

from skmnist import MNISTDenseClassifier
from skmnist._keras import CategoricalAccuracy, FusedAdam

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
    return [keras.ops.convert_to_numpy(v) for v in [*variables, *moments]]


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
    assert type(clf.model_.optimizer) is FusedAdam
    assert int(clf.model_.optimizer.iterations) == 2 * 2
    # The accuracy Keras reports on the training data equals scikit-learn's
    # on the network's predictions (weights as after the last step).
    keras_accuracy = clf.model_.evaluate(
        X_train[:1000], np.eye(10)[y_train[:1000]], verbose=0, return_dict=True
    )["accuracy"]
    assert keras_accuracy == pytest.approx(clf.score(X_train[:1000], y_train[:1000]))
