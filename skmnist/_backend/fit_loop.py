"""DenseNetwork: Keras' ``Model`` with a faster ``fit`` on in-memory arrays."""

import keras
import numpy as np

from skmnist._arrays import aligned_array
from skmnist._backend.runtime import _tensorflow


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
    ``jax.lax.fori_loop`` around Keras' stateless train step). On TensorFlow
    the call also runs the epoch's shorter last batch and zeroes the metrics
    at the epoch's start, so that a small epoch is one call; on JAX the
    shorter last batch is a call of its own. TensorFlow's
    pipeline hands every batch over between threads, and Keras' JAX loop
    dispatches every step from Python: leaving them out makes epochs faster
    (figures in ``benchmarks/results/engine_design.md``). Every other case
    (another backend, datasets or generators, ``class_weight``,
    ``validation_split``, ``steps_per_epoch``, a distribution strategy or
    JAX distribution, eager execution) is Keras' ``fit``.
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
            # Keras' fit, its arguments passed on in its own order.
            return super().fit(
                x, y, batch_size, epochs, verbose, callbacks, validation_split,
                validation_data, shuffle, class_weight, sample_weight, initial_epoch,
                steps_per_epoch, validation_steps, validation_batch_size,
                validation_freq,
            )  # fmt: skip
        return self._fit_in_graph(
            x,
            y,
            sample_weight,
            batch_size=32 if batch_size is None else int(batch_size),
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            shuffle=shuffle,
            initial_epoch=initial_epoch,
            validation=dict(
                data=validation_data,
                steps=validation_steps,
                batch_size=validation_batch_size,
                freq=validation_freq,
            ),
        )

    def _fit_in_graph(
        self,
        x,
        y,
        sample_weight,
        *,
        batch_size,
        epochs,
        verbose,
        callbacks,
        shuffle,
        initial_epoch,
        validation,
    ):
        """Keras' epoch loop around the compiled steps of ``_ArraySteps``."""
        self._assert_compile_called("fit")
        n_batches = -(-len(x) // batch_size)
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
        if validation["data"] is not None:
            # Converted once, not by each epoch's evaluate.
            validation["arrays"] = [
                None if array is None else steps.convert(array)
                for array in keras.utils.unpack_x_y_sample_weight(validation["data"])
            ]
        self.stop_training = False
        callbacks.on_train_begin()
        training_logs = None
        # Keras' BackupAndRestore callback resumes an interrupted fit here.
        initial_epoch = self._initial_epoch or initial_epoch
        try:
            for epoch in range(initial_epoch, epochs):
                training_logs = self._run_epoch(
                    epoch, steps, callbacks, n_batches, shuffle, validation, batch_size
                )
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

    def _run_epoch(
        self, epoch, steps, callbacks, n_batches, shuffle, validation, batch_size
    ):
        """One epoch: its calls of compiled steps, then validation; its logs."""
        steps.reset_metrics()
        callbacks.on_epoch_begin(epoch)
        n_samples = int(steps.data[0].shape[0])
        # The global NumPy state, which a seeded fit seeds.
        order = np.random.permutation(n_samples) if shuffle else np.arange(n_samples)
        steps.begin_epoch(order.astype(np.int32))
        logs = {}
        for begin in range(0, n_batches, self.steps_per_execution):
            end = min(begin + self.steps_per_execution, n_batches)
            callbacks.on_train_batch_begin(begin)
            logs = steps.run(begin, end)
            # As Keras reports it: begin + steps_per_execution - 1, also for a
            # shorter last call.
            callbacks.on_train_batch_end(begin + self.steps_per_execution - 1, logs)
            if self.stop_training:
                break
        steps.sync()
        epoch_logs = steps.epoch_logs(logs)
        if validation["data"] is not None and self._should_eval(
            epoch, validation["freq"]
        ):
            val_x, val_y, val_weight = validation["arrays"]
            val_logs = self.evaluate(
                x=val_x,
                y=val_y,
                sample_weight=val_weight,
                batch_size=validation["batch_size"] or batch_size,
                steps=validation["steps"],
                callbacks=callbacks,
                return_dict=True,
            )
            epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
        callbacks.on_epoch_end(epoch, epoch_logs)
        return epoch_logs

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

        def train_steps(data, order, begin, end, reset, batch_size, last):
            # ``reset`` zeroes the metrics first (in an epoch's first call).
            def reset_metrics():
                for metric in self.metrics:
                    metric.reset_state()
                return tf.constant(True)

            tf.cond(reset, reset_metrics, lambda: tf.constant(False))
            n_full = tf.shape(order)[0] // batch_size

            def step(i):
                # A slice of a static size: the step's shapes are known when
                # it is traced, and TensorFlow folds its shape arithmetic,
                # which a slice of a tensor size would compute every step.
                index = tf.slice(order, [i * batch_size], [batch_size])
                self.train_step(tuple(tf.gather(t, index) for t in data))
                return (i + 1,)

            # One step after the other: each reads the weights the previous
            # one wrote.
            full_end = tf.minimum(end, n_full)
            tf.while_loop(lambda i: i < full_end, step, (begin,), parallel_iterations=1)

            if last:
                # The epoch's shorter last batch, after its full ones.
                index = order[n_full * batch_size :]
                self.train_step(tuple(tf.gather(t, index) for t in data))
            return self.get_metrics_result()

        # Its control flow is TensorFlow's own: AutoGraph's conversion of
        # the source (a quarter of a second) would change nothing.
        return tf.function(train_steps, reduce_retracing=True, autograph=False)

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
    """Training steps of one in-graph fit (JAX's): the calls of full batches,
    compiled for the batch size, and the epoch's shorter last batch, compiled
    apart."""

    def __init__(self, model, data, batch_size):
        self.model = model
        self.data = tuple(self.convert(array) for array in data)
        self.train, self.last = model._array_train_function()
        self.batch_size = batch_size
        self.n_full = len(data[0]) // batch_size

    def begin_epoch(self, order):
        self.order = self.convert(order)

    def reset_metrics(self):
        self.model.reset_metrics()

    def run(self, begin, end):
        """Run steps ``begin`` to ``end`` of the epoch; return their logs."""
        full = min(end, self.n_full)
        if begin < full:
            logs = self.full_steps(begin, full)
        if end > self.n_full:
            logs = self.last_step(self.order[self.n_full * self.batch_size :])
        return logs

    def epoch_logs(self, logs):
        return dict(self.model._get_metrics_result_or_logs(logs))

    def sync(self):
        pass

    def close(self):
        pass


class _TensorFlowSteps:
    """Training steps of one in-graph fit on TensorFlow.

    One compiled call runs up to ``steps_per_execution`` steps of an epoch,
    its shorter last batch included, after zeroing the metrics in the
    epoch's first call: a small epoch is one call. The calls go to the
    concrete function traced for this fit's shapes, past ``tf.function``'s
    look-up of its arguments.
    """

    def __init__(self, model, data, batch_size):
        self.tf = _tensorflow()
        # Every metric built before the train function is traced, as Keras'
        # fit builds them: the traced reset then zeroes all of them.
        model._symbolic_build(data_batch=tuple(array[:batch_size] for array in data))
        self.data = tuple(self.convert(array) for array in data)
        self.train = model._array_train_function()
        self.batch_size = batch_size
        self.n_full = len(data[0]) // batch_size
        self.functions = {}
        self.reset = False
        self.constants = {}

    def convert(self, array):
        if array.dtype.kind in "fiu":
            # Shared through DLPack, not copied as convert_to_tensor copies.
            array = aligned_array(array, writeable=True)
            return self.tf.experimental.dlpack.from_dlpack(array.__dlpack__())
        return self.tf.convert_to_tensor(array)

    def constant(self, value):
        key = (type(value), value)  # False == 0, but not as a tensor
        if key not in self.constants:
            self.constants[key] = self.tf.constant(value)
        return self.constants[key]

    def begin_epoch(self, order):
        self.order = self.convert(order)

    def reset_metrics(self):
        self.reset = True  # in the epoch's first call

    def run(self, begin, end):
        """Run steps ``begin`` to ``end`` of the epoch; return their logs."""
        args = (
            self.data,
            self.order,
            self.constant(begin),
            self.constant(end),
            self.constant(self.reset),
        )
        # Whether the call ends with the epoch's shorter last batch: the
        # epoch's last call, when its samples are not whole batches.
        last = end > self.n_full
        if last not in self.functions:
            self.functions[last] = self.train.get_concrete_function(
                *args, batch_size=self.batch_size, last=last
            )
        logs = self.functions[last](*args, batch_size=self.batch_size, last=last)
        self.reset = False
        return logs

    def epoch_logs(self, logs):
        # The metrics' results after the epoch's last step, as its call
        # returned them (Keras' fit computes them again from the metrics).
        return _pythonify(logs)

    def sync(self):
        pass

    def close(self):
        pass


def _pythonify(logs):
    """Logs as Python floats, sorted by name, as Keras' ``get_metrics_result``."""
    result = {}
    for key, value in sorted(logs.items()):
        try:
            value = float(value)
        except TypeError:
            pass
        result[key] = value
    return result


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
