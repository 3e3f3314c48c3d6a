"""The dense network: its layers, optimizer and metric, built and compiled.

Also the two functions that make the seam between Keras and the fitted
estimator: :func:`network_state` reads a trained network into plain arrays,
and ``build_dense_network(..., state=...)`` builds a network from them again.
"""

import dataclasses
import random

import keras
import numpy as np

from skmnist._backend.distortion import DistortionLayer
from skmnist._backend.fit_loop import DenseNetwork
from skmnist._backend.initializers import HostGlorotUniform
from skmnist._backend.multilabel import SubsetAccuracy
from skmnist._backend.runtime import _tensorflow_backend, to_numpy
from skmnist._forward import ACTIVATIONS

# Training steps run per call of Keras' compiled train function; batch-level
# callback hooks run once per call.
STEPS_PER_EXECUTION = 128


@keras.saving.register_keras_serializable(package="skmnist")
class FusedAdam(keras.optimizers.Adam):
    """Keras' Adam, with one fused update kernel per variable on TensorFlow.

    Keras' Adam updates a variable with a dozen element-wise operations, each
    a pass over the variable and its two moment estimates: for a dense
    network's kernels that memory traffic costs as much as the matrix products
    of a small batch. On the TensorFlow backend this optimizer runs
    TensorFlow's ``ResourceApplyAdam`` kernel instead: the same update
    (Keras' formula, with epsilon added to the square root of the second
    moment) in one pass, on the same variables, so state, checkpoints and
    ``get_config`` are Adam's. Other backends, ``amsgrad`` and sparse gradients
    take Keras' update.
    """

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # Keras updates each variable through the distribution strategy's
        # update, with the bias corrections computed again for each one: on
        # TensorFlow outside a strategy, the step's scalars are computed once
        # and each variable takes one kernel.
        tf = _tensorflow_backend()
        if (
            tf is None
            or self.amsgrad
            or tf.distribute.has_strategy()
            or self._distribution_strategy is not tf.distribute.get_strategy()
            or any(isinstance(g, tf.IndexedSlices) for g in grads)
        ):
            return super()._backend_update_step(
                grads, trainable_variables, learning_rate
            )
        scalars = {}
        for gradient, variable in zip(grads, trainable_variables):
            dtype = variable.dtype
            if dtype not in scalars:
                scalars[dtype] = self._adam_scalars(tf, dtype, learning_rate)
            self._fused_update(tf, gradient, variable, scalars[dtype])

    def update_step(self, gradient, variable, learning_rate):
        tf = _tensorflow_backend()
        if tf is None or self.amsgrad or isinstance(gradient, tf.IndexedSlices):
            return super().update_step(gradient, variable, learning_rate)
        scalars = self._adam_scalars(tf, variable.dtype, learning_rate)
        self._fused_update(tf, gradient, variable, scalars)

    def _fused_update(self, tf, gradient, variable, scalars):
        index = self._get_variable_index(variable)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle,
            m=self._momentums[index].handle,
            v=self._velocities[index].handle,
            grad=tf.cast(gradient, variable.dtype),
            **scalars,
        )

    def _adam_scalars(self, tf, dtype, learning_rate):
        step = tf.cast(self.iterations + 1, dtype)
        beta_1 = tf.cast(self.beta_1, dtype)
        beta_2 = tf.cast(self.beta_2, dtype)
        return dict(
            beta1_power=tf.pow(beta_1, step),
            beta2_power=tf.pow(beta_2, step),
            lr=tf.cast(learning_rate, dtype),
            beta1=beta_1,
            beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype),
        )


def _categorical_accuracy(y_true, y_pred):
    """1 where the largest output of ``y_pred`` is the one-hot class of ``y_true``."""
    # Keras' TensorFlow softmax keeps its input on its output: the largest
    # logit is the largest probability, and with the loss (which reads the
    # logits too) not using the probabilities, TensorFlow drops the softmax
    # from the training step, where its oneDNN kernel costs a noticeable
    # share of a small batch's step.
    y_pred = getattr(y_pred, "_keras_logits", y_pred)
    tf = _tensorflow_backend()
    if tf is not None:
        # tf.argmax directly: Keras' argmax adds a pass that orders -0.0
        # before 0.0, which a one-hot target and logits do not need.
        matches = tf.equal(tf.argmax(y_true, axis=-1), tf.argmax(y_pred, axis=-1))
    else:
        matches = keras.ops.equal(
            keras.ops.argmax(y_true, axis=-1), keras.ops.argmax(y_pred, axis=-1)
        )
    return keras.ops.cast(matches, y_pred.dtype)


@keras.saving.register_keras_serializable(package="skmnist")
class CategoricalAccuracy(keras.metrics.MeanMetricWrapper):
    """Keras' ``CategoricalAccuracy`` that reads the logits when it can.

    The same figure (the fraction of samples whose largest output is their
    one-hot class), named ``"accuracy"`` as Keras names the metric
    ``metrics=["accuracy"]`` picks, so ``history_`` keeps its keys. On
    TensorFlow it takes the argmax of the logits under the softmax, which
    takes the softmax out of the training step.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def build_dense_network(spec, seed=None, state=None):
    """Build and compile the network of ``spec`` (scikeras' ``model`` callable).

    ``spec`` is a :class:`~skmnist._spec.NetworkSpec`: ``n_features
    [-> DistortionLayer] -> Dense(units, activation) [-> Dropout] ... ->
    Dense(n_classes, softmax)``, trained with Adam on categorical
    cross-entropy, with an L2 penalty ``l2 * ||W||^2`` on every kernel. The
    distortion (``spec.augmentation``) acts in training only. Every
    initializer, dropout and distortion layer gets its own seed drawn from
    ``seed``, so a seeded build does not depend on any global state.
    ``state`` (as :func:`network_state` returns it, plus ``"coefs"`` and
    ``"intercepts"``) sets the weights, the optimizer's state and the random
    generators' states of a network trained before.
    """
    inputs = keras.Input(shape=(spec.n_features,), dtype=spec.dtype, name="pixels")
    model = DenseNetwork(inputs, _dense_layers(inputs, spec, seed), name="mnist_dense")
    model.compile(
        optimizer=FusedAdam(
            learning_rate=spec.learning_rate,
            beta_1=spec.beta_1,
            beta_2=spec.beta_2,
            epsilon=spec.epsilon,
        ),
        loss=(
            keras.losses.BinaryCrossentropy(dtype=spec.dtype)
            if spec.multilabel
            else keras.losses.CategoricalCrossentropy(dtype=spec.dtype)
        ),
        metrics=[SubsetAccuracy() if spec.multilabel else CategoricalAccuracy()],
        # Several training steps per call into the compiled function: a
        # dense network's step is short, and Python's round trip between
        # steps would otherwise cost about as much as the step.
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    if state is not None:
        set_network_state(model, state)
    return model


def _layer_seeds(seed):
    """The distortion layer's seed, and an iterator of the other layers' seeds.

    Drawn from ``seed``: the dense layers' initializers and the dropout
    layers take theirs in the order of the layers. All None for ``seed``
    None (each layer then draws its own).
    """
    seeds = np.random.RandomState(seed).randint(np.iinfo(np.int32).max, size=64)
    seeds = seeds.tolist() if seed is not None else [None] * 64
    # The distortion's seed has a slot of its own: with augmentation or
    # without, the weights start the same.
    distortion_seed = seeds.pop()
    return distortion_seed, iter(seeds)


def _dense_layers(inputs, spec, seed):
    """The layers of ``spec`` applied to ``inputs``; returns the softmax output."""
    distortion_seed, seeds = _layer_seeds(seed)
    dtype = spec.dtype

    def dense(units, activation, name):
        return keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=HostGlorotUniform(seed=next(seeds)),
            kernel_regularizer=keras.regularizers.L2(spec.l2) if spec.l2 > 0 else None,
            dtype=dtype,
            name=name,
        )

    x = inputs
    if spec.augmentation is not None:
        x = DistortionLayer(
            **dataclasses.asdict(spec.augmentation),
            seed=distortion_seed,
            dtype=dtype,
            name="distortion",
        )(x)
    activation = ACTIVATIONS[spec.activation].keras
    for i, units in enumerate(spec.hidden_layer_sizes):
        x = dense(units, activation, f"hidden_{i}")(x)
        if spec.dropout > 0:
            x = keras.layers.Dropout(
                spec.dropout, seed=next(seeds), dtype=dtype, name=f"dropout_{i}"
            )(x)
    if spec.multilabel:
        return dense(spec.n_classes, "sigmoid", "sigmoid")(x)
    return dense(spec.n_classes, "softmax", "softmax")(x)


def reset_network(model, spec, seed):
    """Give a built network of ``spec`` the values ``build_dense_network`` gives.

    The weights are drawn again by the initializers a build with ``seed``
    makes (an int seed draws the same values every time), the biases are
    zeros, the random generators start from their seeds and the optimizer
    from zero steps and moments, so the network trains as a new build would,
    with the functions it compiled before.
    """
    distortion_seed, seeds = _layer_seeds(seed)

    def generator_seed(value):
        # As Keras' SeedGenerator(None) draws its seed.
        return random.randint(1, 10**9) if value is None else value

    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            initializer = HostGlorotUniform(seed=next(seeds))
            kernel = layer.kernel
            layer.kernel.assign(initializer(kernel.shape, dtype=kernel.dtype))
            layer.bias.assign(np.zeros(layer.bias.shape, layer.bias.dtype))
        elif isinstance(layer, keras.layers.Dropout):
            _reset_generator(layer.seed_generator, generator_seed(next(seeds)))
        elif isinstance(layer, DistortionLayer):
            _reset_generator(layer.seed_generator, generator_seed(distortion_seed))
    optimizer = model.optimizer
    if optimizer.built:
        for variable in optimizer.variables:
            variable.assign(np.zeros(variable.shape, variable.dtype))
        optimizer.learning_rate = spec.learning_rate
    model.reset_metrics()


def _reset_generator(generator, seed):
    """A Keras ``SeedGenerator``'s state as ``SeedGenerator(seed)`` starts it."""
    state = generator.state
    state.assign(np.array([seed, 0]).astype(state.dtype))


def _dense(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def network_state(model):
    """A trained network as plain NumPy arrays, with nothing of Keras left.

    Returns ``(coefs, intercepts, state)``: the kernels ``(n_in, n_out)`` and
    biases of the dense layers, in order, and a dict of lists of arrays:
    ``"optimizer"``, the values of the optimizer's variables (Adam's step
    count, learning rate and moment estimates), and ``"non_trainable"``, those
    of the network's non-trainable variables (the dropout and distortion
    layers' random generator states). :func:`set_network_state` puts them back
    into a network built alike, so training resumes where it stopped.
    """

    def value(variable):
        array = to_numpy(variable)
        array.flags.writeable = False
        # A view of a read-only array cannot be made writeable again.
        return array.view()

    layers = _dense(model)
    coefs = [value(layer.kernel) for layer in layers]
    intercepts = [value(layer.bias) for layer in layers]
    optimizer = model.optimizer
    state = {
        "optimizer": [value(v) for v in optimizer.variables] if optimizer.built else [],
        "non_trainable": [value(v) for v in model.non_trainable_variables],
    }
    return coefs, intercepts, state


def set_network_state(model, state):
    """Assign ``state`` (``network_state``'s dict, plus ``"coefs"`` and
    ``"intercepts"``) to a network built with the same architecture."""
    layers = _dense(model)
    for layer, kernel, bias in zip(layers, state["coefs"], state["intercepts"]):
        # Copies: a backend that aliases host memory (JAX on CPU) and donates
        # its buffers to the training step must not write into the arrays.
        layer.kernel.assign(np.array(kernel))
        layer.bias.assign(np.array(bias))
    generators = model.non_trainable_variables
    # A warm start that adds or removes the distortion layer keeps the
    # generators the new build seeded.
    if len(generators) == len(state["non_trainable"]):
        for variable, value in zip(generators, state["non_trainable"]):
            variable.assign(np.array(value))
    if state["optimizer"]:
        model.optimizer.build(model.trainable_variables)
        variables = model.optimizer.variables
        if len(variables) != len(state["optimizer"]):
            raise ValueError(
                f"The saved optimizer state has {len(state['optimizer'])} arrays; "
                f"this network's optimizer has {len(variables)} variables."
            )
        for variable, value in zip(variables, state["optimizer"]):
            variable.assign(np.array(value))


def read_keras_network(path):
    """``network_state`` of a network saved as a ``.keras`` file (skmnist 0.1).

    Loaded with Keras' ``safe_mode=True`` (no serialised lambdas run).
    """
    try:
        model = keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad archive
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        raise ValueError(
            f"{path} is not a valid Keras model file: {type(exc).__name__}: "
            f"{first_line}"
        ) from None
    return network_state(model)
