"""The Keras side of :class:`~skmnist.MNISTDenseClassifier`.

This private module holds everything that touches Keras, TensorFlow and scikeras:
the network builder, the scikeras wrapper it is fitted through and the scope
that seeds (and afterwards restores) the global random state. It is imported
only when a model is fitted or unpickled, so ``import skmnist`` stays light; a
move away from scikeras (unmaintained since 2024) changes this module alone.
"""

import copy
import logging
import os
import random
import sys
from contextlib import contextmanager

import keras
import numpy as np
import sklearn

from skmnist._arrays import aligned_array
from skmnist._threads import configure_tensorflow_threads
from skmnist.preprocessing import OneHotLabelEncoder


def _import_scikeras_wrappers():
    """scikeras' wrappers, without TensorFlow on another Keras backend.

    ``scikeras.utils.random_state`` imports TensorFlow when it can, for the
    ``random_state`` of scikeras' estimators, which skmnist does not use (it
    seeds the fit itself, see :func:`random_seed_scope`). On JAX that import
    costs seconds and hundreds of MB for nothing: it is blocked (a ``None``
    in ``sys.modules`` makes ``import tensorflow`` raise ImportError, which
    scikeras handles) while scikeras loads, and allowed again afterwards.
    """
    block = keras.backend.backend() != "tensorflow" and "tensorflow" not in sys.modules
    if block:
        sys.modules["tensorflow"] = None
    try:
        from scikeras.wrappers import KerasClassifier
    finally:
        if block:
            del sys.modules["tensorflow"]
    return KerasClassifier


KerasClassifier = _import_scikeras_wrappers()

# Before TensorFlow runs anything: n_jobs parallel fits share the cores.
configure_tensorflow_threads()


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning.

    Every fitted network compiles its own train and predict functions once, so
    a grid search or cross-validation builds many of them; TensorFlow counts
    those as retracings and warns about a problem that is not there.
    """

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(_NoRetracingWarning())

# Training steps run per call of Keras' compiled train function; batch-level
# callback hooks run once per call.
STEPS_PER_EXECUTION = 128

# scikit-learn's activation names (MLPClassifier) -> Keras' names.
ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "elu": "elu",
    "gelu": "gelu",
}


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
    # from the training step. Its oneDNN kernel is slow on a small batch
    # (about 0.2 ms a step of 128 images on 2 CPU cores, in a profile).
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


@keras.saving.register_keras_serializable(package="skmnist")
class DenseNetwork(keras.Model):
    """The functional network, with a faster ``fit`` on in-memory arrays.

    A :class:`keras.Model` built from inputs and outputs, as ``keras.Model``
    builds it. On the TensorFlow and JAX backends its ``fit`` on NumPy arrays
    runs Keras' own epoch loop (callbacks, progress bar, validation, history,
    ``stop_training``) without Keras' input pipeline: the arrays become
    tensors once per fit (sharing aligned memory, see ``aligned_array``),
    each epoch's order is drawn on the host, and every compiled call gathers
    its ``steps_per_execution`` batches of a fixed size from the tensors by
    index inside one compiled loop (a ``tf.while_loop``, or a
    ``jax.lax.fori_loop`` around Keras' stateless train step; the shorter
    last batch of an epoch is a call of its own). TensorFlow's
    pipeline hands every batch over between threads, and Keras' JAX loop
    dispatches every step from Python; on 2 CPU cores, leaving them out makes
    an epoch of the MNIST network about 1.14x (TensorFlow) and 1.17x (JAX)
    faster. Every other case (another backend, datasets or generators,
    ``class_weight``, ``validation_split``, ``steps_per_epoch``, a
    distribution strategy or JAX distribution, eager execution) is Keras'
    ``fit``.
    """

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        keras_options = (
            class_weight is not None
            or validation_split
            or steps_per_epoch is not None
            or not isinstance(shuffle, bool)
        )
        if keras_options or not self._fits_in_graph(x, y, sample_weight):
            return super().fit(
                x,
                y,
                batch_size=batch_size,
                epochs=epochs,
                verbose=verbose,
                callbacks=callbacks,
                validation_split=validation_split,
                validation_data=validation_data,
                shuffle=shuffle,
                class_weight=class_weight,
                sample_weight=sample_weight,
                initial_epoch=initial_epoch,
                steps_per_epoch=steps_per_epoch,
                validation_steps=validation_steps,
                validation_batch_size=validation_batch_size,
                validation_freq=validation_freq,
            )
        self._assert_compile_called("fit")
        batch_size = 32 if batch_size is None else int(batch_size)
        n_samples = len(x)
        n_batches = -(-n_samples // batch_size)
        data = [x, y] if sample_weight is None else [x, y, sample_weight]
        if keras.backend.backend() == "tensorflow":
            steps = _TensorFlowSteps(self, data, batch_size)
        else:
            steps = _JaxSteps(self, data, batch_size)
        if not isinstance(callbacks, keras.callbacks.CallbackList):
            callbacks = keras.callbacks.CallbackList(
                callbacks,
                add_history=True,
                add_progbar=verbose != 0,
                verbose=verbose,
                epochs=epochs,
                steps=n_batches,
                model=self,
            )
        if validation_data is not None:
            # Converted once, not by each epoch's evaluate.
            val_x, val_y, val_weight = (
                None if array is None else steps.convert(array)
                for array in keras.utils.unpack_x_y_sample_weight(validation_data)
            )
        self.stop_training = False
        callbacks.on_train_begin()
        training_logs = None
        logs = {}
        # Keras' BackupAndRestore callback resumes an interrupted fit here.
        initial_epoch = self._initial_epoch or initial_epoch
        try:
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callbacks.on_epoch_begin(epoch)
                # The global NumPy state, which a seeded fit seeds.
                order = (
                    np.random.permutation(n_samples)
                    if shuffle
                    else np.arange(n_samples)
                )
                steps.begin_epoch(order.astype(np.int32))
                for begin in range(0, n_batches, self.steps_per_execution):
                    end = min(begin + self.steps_per_execution, n_batches)
                    callbacks.on_train_batch_begin(begin)
                    logs = steps.run(begin, end)
                    # As Keras reports it: begin + steps_per_execution - 1,
                    # also for a shorter last call.
                    callbacks.on_train_batch_end(
                        begin + self.steps_per_execution - 1, logs
                    )
                    if self.stop_training:
                        break
                steps.sync()
                epoch_logs = dict(self._get_metrics_result_or_logs(logs))
                if validation_data is not None and self._should_eval(
                    epoch, validation_freq
                ):
                    val_logs = self.evaluate(
                        x=val_x,
                        y=val_y,
                        sample_weight=val_weight,
                        batch_size=validation_batch_size or batch_size,
                        steps=validation_steps,
                        callbacks=callbacks,
                        return_dict=True,
                    )
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callbacks.on_epoch_end(epoch, epoch_logs)
                training_logs = epoch_logs
                if self.stop_training:
                    break
        finally:
            # On JAX the variables hold their values again, also after an
            # error.
            steps.close()
        if isinstance(self.optimizer, keras.optimizers.Optimizer) and epochs > 0:
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callbacks.on_train_end(logs=training_logs)
        return self.history

    def _fits_in_graph(self, x, y, sample_weight):
        """Whether ``fit`` can gather batches of these arrays in a compiled loop."""

        def array(value, ndim):
            return (
                isinstance(value, np.ndarray)
                and value.ndim == ndim
                and len(value) == len(x)
            )

        backend = keras.backend.backend()
        if backend == "tensorflow":
            tf = _tensorflow()
            runtime = (
                not tf.distribute.has_strategy()
                and self.distribute_strategy is tf.distribute.get_strategy()
            )
        elif backend == "jax":
            runtime = self.jit_compile and keras.distribution.distribution() is None
        else:
            runtime = False
        return (
            runtime
            and not self.run_eagerly
            and len(self.inputs) == 1
            and array(x, 2)
            and len(x) > 0
            and keras.backend.standardize_dtype(x.dtype) == self.inputs[0].dtype
            and array(y, 2)
            and (sample_weight is None or array(sample_weight, 1))
        )

    def _array_train_function(self):
        """The compiled function that runs training steps ``begin`` to ``end``.

        Built again whenever Keras drops its own train function (``compile``
        does), so it always traces the current loss, metrics and optimizer.
        """
        if self.train_function is None or getattr(self, "_array_train", None) is None:
            if keras.backend.backend() == "tensorflow":
                if not self.optimizer.built:
                    self.optimizer.build(self.trainable_variables)
                function = self._tensorflow_train_steps()
            else:
                function = self._jax_train_steps()
            # Keras' own train function marks the compile this one traces.
            self.make_train_function()
            self._array_train = function
        return self._array_train

    def _tensorflow_train_steps(self):
        tf = _tensorflow()

        def train_steps(data, order, begin, end, batch_size):
            def step(i):
                # A slice of a static size: the step's shapes are known when
                # it is traced, and TensorFlow folds its shape arithmetic
                # (5% faster epochs on 2 CPU cores than a slice of a tensor
                # size).
                index = tf.slice(order, [i * batch_size], [batch_size])
                self.train_step(tuple(tf.gather(t, index) for t in data))
                return (i + 1,)

            # One step after the other: each reads the weights the previous
            # one wrote.
            tf.while_loop(lambda i: i < end, step, (begin,), parallel_iterations=1)
            return self.get_metrics_result()

        def last_step(data, index):
            # The shorter last batch of an epoch, traced for its own size.
            self.train_step(tuple(tf.gather(t, index) for t in data))
            return self.get_metrics_result()

        return (
            tf.function(train_steps, reduce_retracing=True),
            tf.function(last_step, reduce_retracing=True),
        )

    def _jax_train_steps(self):
        import jax

        def batch(data, index):
            # The indices are in range: "clip" spares the default mode's
            # masking of out-of-range rows.
            return tuple(jax.numpy.take(t, index, axis=0, mode="clip") for t in data)

        def train_steps(state, data, order, begin, end, batch_size):
            def step(i, carry):
                index = jax.lax.dynamic_slice_in_dim(order, i * batch_size, batch_size)
                return self.train_step(carry[1], batch(data, index))

            # The loop carries the logs of its last step: zeros to start with.
            first = batch(data, order[:batch_size])
            shapes = jax.eval_shape(self.train_step, state, first)[0]
            logs = jax.tree.map(lambda s: jax.numpy.zeros(s.shape, s.dtype), shapes)
            return jax.lax.fori_loop(begin, end, step, (logs, state))

        def last_step(state, data, index):
            # The shorter last batch of an epoch, compiled for its own size.
            return self.train_step(state, batch(data, index))

        return (
            jax.jit(train_steps, static_argnames="batch_size", donate_argnums=0),
            jax.jit(last_step, donate_argnums=0),
        )


class _ArraySteps:
    """Training steps of one in-graph fit: the calls of full batches, compiled
    for the batch size, and the epoch's shorter last batch, compiled apart."""

    def __init__(self, model, data, batch_size):
        self.data = tuple(self.convert(array) for array in data)
        self.train, self.last = model._array_train_function()
        self.batch_size = batch_size
        self.n_full = len(data[0]) // batch_size

    def begin_epoch(self, order):
        self.order = self.convert(order)

    def run(self, begin, end):
        """Run steps ``begin`` to ``end`` of the epoch; return their logs."""
        full = min(end, self.n_full)
        if begin < full:
            logs = self.full_steps(begin, full)
        if end > self.n_full:
            logs = self.last_step(self.order[self.n_full * self.batch_size :])
        return logs

    def sync(self):
        pass

    def close(self):
        pass


class _TensorFlowSteps(_ArraySteps):
    """Training steps of one in-graph fit on TensorFlow."""

    def __init__(self, model, data, batch_size):
        self.tf = _tensorflow()
        super().__init__(model, data, batch_size)

    def convert(self, array):
        if array.dtype.kind in "fiu":
            # Shared through DLPack, not copied as convert_to_tensor copies.
            array = aligned_array(array, writeable=True)
            return self.tf.experimental.dlpack.from_dlpack(array.__dlpack__())
        return self.tf.convert_to_tensor(array)

    def full_steps(self, begin, end):
        tf = self.tf
        return self.train(
            self.data,
            self.order,
            tf.constant(begin),
            tf.constant(end),
            batch_size=self.batch_size,
        )

    def last_step(self, index):
        return self.last(self.data, index)


class _JaxSteps(_ArraySteps):
    """Training steps of one in-graph fit on JAX.

    Keras' JAX train step is stateless: the weights, optimizer, metric and
    seed-generator variables travel as a state, taken from the variables
    (and detached from them, as Keras' own fit does) before the first step
    of an epoch and written back after its last one, or when a callback asks
    Keras for it (``jax_state_sync``).
    """

    KEYS = (
        "trainable_variables",
        "non_trainable_variables",
        "optimizer_variables",
        "metrics_variables",
    )

    def __init__(self, model, data, batch_size):
        import jax

        self.jax = jax
        self.model = model
        # Keras' stateless step needs every variable created first: those of
        # the optimizer and the compiled metrics, as Keras' fit makes them.
        model._symbolic_build(data_batch=tuple(array[:batch_size] for array in data))
        super().__init__(model, data, batch_size)

    def convert(self, array):
        # device_put aliases an aligned array, and copies any other.
        return self.jax.device_put(aligned_array(array))

    def begin_epoch(self, order):
        super().begin_epoch(order)
        # The epoch's first call takes its state from the variables, as
        # Keras' fit does (the metrics' were just reset).
        self.model._jax_state_synced = True

    def run(self, begin, end):
        model = self.model
        if model._jax_state_synced:  # the epoch's first call, or a callback synced
            self.state = model._get_jax_state(
                **dict.fromkeys(self.KEYS, True), purge_model_variables=True
            )
            model._jax_state_synced = False
        logs = super().run(begin, end)
        # Also where Keras' fit keeps it, for callbacks that sync.
        model._jax_state = dict(zip(self.KEYS, self.state))
        return logs

    def full_steps(self, begin, end):
        logs, self.state = self.train(
            self.state, self.data, self.order, begin, end, batch_size=self.batch_size
        )
        return logs

    def last_step(self, index):
        logs, self.state = self.last(self.state, self.data, index)
        return logs

    def sync(self):
        self.model.jax_state_sync()

    def close(self):
        self.model.jax_state_sync()
        self.model._jax_state = None


def build_dense_network(
    meta,
    hidden_layer_sizes=(256, 128),
    activation="relu",
    dropout=0.0,
    l2=0.0,
    learning_rate=1e-3,
    beta_1=0.9,
    beta_2=0.999,
    epsilon=1e-8,
    seed=None,
    dtype="float32",
    augmentation=None,
):
    """Build and compile the dense softmax network.

    ``n_features_in_ [-> DistortionLayer] -> Dense(units, activation)
    [-> Dropout] ... -> Dense(n_classes_, softmax)``, trained with Adam on
    categorical cross-entropy, with an L2 penalty ``l2 * ||W||^2`` on every
    kernel. ``augmentation`` (a dict of :class:`DistortionLayer` arguments)
    adds the training-only distortion of the input images. Every initializer,
    dropout and distortion layer gets its own seed drawn from ``seed``, so a
    seeded build does not depend on any global state.
    """
    seeds = np.random.RandomState(seed).randint(np.iinfo(np.int32).max, size=64)
    seeds = seeds.tolist() if seed is not None else [None] * 64
    # The distortion's seed has a slot of its own: with augmentation or
    # without, the weights start the same.
    distortion_seed = seeds.pop()
    seeds = iter(seeds)

    def dense(units, activation, name):
        return keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None,
            dtype=dtype,
            name=name,
        )

    inputs = keras.Input(shape=(meta["n_features_in_"],), dtype=dtype, name="pixels")
    x = inputs
    if augmentation is not None:
        from skmnist._augment import DistortionLayer

        x = DistortionLayer(
            **augmentation, seed=distortion_seed, dtype=dtype, name="distortion"
        )(x)
    for i, units in enumerate(hidden_layer_sizes):
        x = dense(units, ACTIVATIONS[activation], f"hidden_{i}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(
                dropout, seed=next(seeds), dtype=dtype, name=f"dropout_{i}"
            )(x)
    outputs = dense(meta["n_classes_"], "softmax", "softmax")(x)
    model = DenseNetwork(inputs, outputs, name="mnist_dense")
    model.compile(
        optimizer=FusedAdam(
            learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon
        ),
        loss=keras.losses.CategoricalCrossentropy(dtype=dtype),
        metrics=[CategoricalAccuracy()],
        # Several training steps per call into the compiled function: a
        # dense network's step is short, and Python's round trip between
        # steps costs as much again (measured on 2 CPU cores: 1.8x faster
        # epochs with 32 steps per call than with 1, and 1.2x more with 128).
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    return model


class LearningRateSchedule(keras.callbacks.Callback):
    """Set the optimizer's learning rate for one fit.

    ``"constant"`` keeps ``learning_rate``; ``"cosine"`` decays it from
    ``learning_rate`` to 0 along half a cosine over the ``epochs`` of the fit,
    step by step (each fit restarts the cycle, so a warm start is a warm
    restart); ``"adaptive"`` divides it by 5 each time the monitored loss
    fails to improve by ``tol`` for two consecutive epochs (MLPClassifier's
    ``learning_rate="adaptive"``, with Keras' ``ReduceLROnPlateau``). Every
    fit starts from ``learning_rate``, whatever the previous fit left.
    """

    def __init__(self, kind, learning_rate, *, epochs=1, steps_per_epoch=1):
        super().__init__()
        self.kind = kind
        self.learning_rate = float(learning_rate)
        self.total_steps = max(int(epochs) * int(steps_per_epoch), 1)
        self.steps_per_epoch = int(steps_per_epoch)
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.model.optimizer.learning_rate = self.learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self.kind == "cosine":
            step = self._epoch * self.steps_per_epoch + batch
            progress = min(step / self.total_steps, 1.0)
            rate = 0.5 * self.learning_rate * (1 + np.cos(np.pi * progress))
            self.model.optimizer.learning_rate = rate


class _HostComparison:
    """Keras' test of an improvement of the monitored value, made in Python.

    Keras' monitoring callbacks compare the epoch's value (a Python float of
    the epoch's logs) with the best one so far through ``keras.ops.less`` or
    ``keras.ops.greater``: a call into the backend each epoch and, on JAX,
    two XLA programs compiled at a process's first comparison (about 40 ms
    on 2 CPU cores, in the first fit of two or more epochs). This is the same
    test, ``value - min_delta`` against the reference, in Python floats:
    NaN is never an improvement, as in Keras. Keras rounds both sides to
    float32 first, so values within a float32 rounding of each other can
    compare differently; Python's float64 is MLPClassifier's precision.
    """

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        if self.monitor_op is keras.ops.less:
            return float(monitor_value) - self.min_delta < float(reference_value)
        if self.monitor_op is keras.ops.greater:
            return float(monitor_value) - self.min_delta > float(reference_value)
        return super()._is_improvement(monitor_value, reference_value)


class EarlyStopping(_HostComparison, keras.callbacks.EarlyStopping):
    """Keras' ``EarlyStopping``, comparing on the host."""


class ReduceLROnPlateau(_HostComparison, keras.callbacks.ReduceLROnPlateau):
    """Keras' ``ReduceLROnPlateau``, comparing on the host."""


def make_callbacks(
    user_callbacks,
    *,
    early_stopping,
    n_iter_no_change,
    tol,
    incremental,
    schedule=None,
):
    """The callbacks of one fit: copies of the user's, plus stopping rules.

    As in MLPClassifier, training stops when the monitored loss (validation
    loss with early stopping, else training loss) has not improved by ``tol``
    for ``n_iter_no_change`` epochs; early stopping restores the best weights.
    ``partial_fit`` (``incremental``) runs one epoch and needs neither.
    ``schedule`` (a :class:`LearningRateSchedule`) sets the learning rate.
    """
    callbacks = copy.deepcopy(list(user_callbacks or []))
    if schedule is not None:
        callbacks.append(schedule)
        if schedule.kind == "adaptive" and not incremental:
            callbacks.append(
                ReduceLROnPlateau(
                    monitor="val_loss" if early_stopping else "loss",
                    factor=0.2,
                    patience=2,
                    min_delta=tol,
                    min_lr=1e-6 * schedule.learning_rate,
                )
            )
    if early_stopping:
        callbacks.append(
            EarlyStopping(
                monitor="val_loss",
                min_delta=tol,
                patience=n_iter_no_change,
                restore_best_weights=True,
            )
        )
    elif not incremental:
        callbacks.append(
            EarlyStopping(
                monitor="loss",
                min_delta=tol,
                patience=n_iter_no_change,
            )
        )
    return callbacks


class DenseKerasClassifier(KerasClassifier):
    """scikeras' ``KerasClassifier`` with skmnist's one-hot target encoder.

    Parameters
    ----------
    classes : array-like of shape (n_classes,)
        All the classes, so that a validation split or a ``partial_fit`` batch
        that lacks a class still encodes to the same columns.

    **kwargs
        Passed to ``KerasClassifier`` (scikeras' routing applies).
    """

    def __init__(self, classes=None, **kwargs):
        super().__init__(**kwargs)
        self.classes = classes

    @property
    def target_encoder(self):
        return OneHotLabelEncoder(classes=self.classes)

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        # MNISTDenseClassifier checked that X is finite: scikeras' check again
        # would be another pass over the training set (30 ms for MNIST's).
        with sklearn.config_context(assume_finite=True):
            return super()._validate_data(X, y, reset=reset, y_numeric=y_numeric)

    def train(
        self, X, y, *, sample_weight=None, callbacks=(), incremental=False, **fit_kwargs
    ):
        """``fit`` (or ``partial_fit``) with per-call callbacks.

        Returns the history of the epochs of this call only (scikeras resets
        or extends ``history_`` depending on the path).
        """
        history = keras.callbacks.History()
        self.set_params(fit__callbacks=[*callbacks, history])
        if self.initialized_:
            # scikeras builds its callback list when it builds the model.
            self._initialize_callbacks()
        try:
            if incremental:
                self.partial_fit(X, y, sample_weight=sample_weight, **fit_kwargs)
            else:
                self.fit(X, y, sample_weight=sample_weight, **fit_kwargs)
        finally:
            # Callbacks hold the model (and early stopping a copy of its best
            # weights, a CSV logger a closed file): never keep or pickle them.
            self.set_params(fit__callbacks=None)
            self._fit_callbacks = []
        return history.history


def _tensorflow():
    """TensorFlow, if it is imported (Keras' TensorFlow backend imports it)."""
    return sys.modules.get("tensorflow")


def _tensorflow_backend():
    """TensorFlow when Keras runs on it, else None (JAX may import it too)."""
    return _tensorflow() if keras.backend.backend() == "tensorflow" else None


@contextmanager
def floatx_scope(dtype):
    """Keras' default float type set to ``dtype`` for one fit, then restored.

    The layers carry their dtype; the losses Keras adds up (the L2 penalties
    among them) follow ``floatx``, so a float64 network trains in float64.
    """
    previous = keras.config.floatx()
    keras.config.set_floatx(str(dtype))
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


def float_dtypes():
    """The float dtypes a network can compute in on the current Keras backend.

    float32 and float64, except on JAX without its 64-bit mode
    (``JAX_ENABLE_X64``): JAX then truncates float64 to float32 with a warning
    on every array, so float64 data is converted to float32 up front and the
    network is float32 throughout.
    """
    if keras.backend.backend() == "jax":
        import jax

        if not jax.config.read("jax_enable_x64"):
            return [np.float32]
    return [np.float32, np.float64]


@contextmanager
def random_seed_scope(seed):
    """Seed Python, NumPy and TensorFlow for a reproducible fit, then restore.

    Inside the scope the global seeds are ``seed`` and TensorFlow's op
    determinism is on, so a fit gives bitwise identical weights in any process.
    On exit, also when the body raises, the global random states, TensorFlow's
    global seed, its op-determinism flag and ``TF_DETERMINISTIC_OPS`` are put
    back as they were. With ``seed=None`` nothing is touched.
    """
    if seed is None:
        yield
        return
    tf = _tensorflow()
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    env_flag = os.environ.get("TF_DETERMINISTIC_OPS")
    if tf is not None:
        from tensorflow.python.eager import context
        from tensorflow.python.framework import config

        tf_seed = context.global_seed()
        determinism = config.is_op_determinism_enabled()
    try:
        random.seed(seed)
        np.random.seed(seed)
        if tf is not None:
            os.environ["TF_DETERMINISTIC_OPS"] = "1"
            tf.random.set_seed(seed)
            config.enable_op_determinism()
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        if env_flag is None:
            os.environ.pop("TF_DETERMINISTIC_OPS", None)
        else:
            os.environ["TF_DETERMINISTIC_OPS"] = env_flag
        if tf is not None:
            tf.random.set_seed(tf_seed)
            if not determinism:
                config.disable_op_determinism()


def wrap_network(model, classes, n_features, predict_batch_size):
    """A fitted :class:`DenseKerasClassifier` around an already trained ``model``.

    Used when loading a saved network: scikeras' public ``initialize`` sets up
    the target encoder and metadata without training.
    """
    wrapper = DenseKerasClassifier(
        classes=classes,
        model=model,
        predict__batch_size=predict_batch_size,
        predict__verbose=0,
    )
    X = np.zeros((len(classes), n_features), dtype=model.inputs[0].dtype)
    return wrapper.initialize(X, np.asarray(classes))


def snapshot(model):
    """Copies of the values of a compiled model's and its optimizer's variables."""
    variables = list(model.variables) + list(model.optimizer.variables)
    return [(v, keras.ops.convert_to_numpy(v.value)) for v in variables]


def restore(model, saved):
    """Put back the variable values taken by :func:`snapshot`."""
    for variable, value in saved:
        variable.assign(value)
