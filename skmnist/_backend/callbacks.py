"""Keras callbacks of a fit: the learning-rate schedule and the stopping rules."""

import copy

import keras
import numpy as np


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
    two XLA programs compiled at a process's first comparison (see
    ``benchmarks/results/engine_design.md``). This is the same
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


class IterationLog(keras.callbacks.Callback):
    """Print MLPClassifier's verbose lines: ``Iteration N, loss = ...``.

    One line per epoch, counted from 1 in each call (as MLPClassifier's
    ``n_iter_``), then ``Validation score: ...`` (the validation accuracy)
    when the epoch was validated.
    """

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        print(f"Iteration {epoch + 1}, loss = {float(logs['loss']):.8f}")
        if "val_accuracy" in logs:
            print(f"Validation score: {float(logs['val_accuracy']):f}")


def make_callbacks(user_callbacks, stopping, *, schedule, log_iterations=False):
    """The callbacks of one fit: copies of the user's, schedule, stopping rules.

    ``schedule`` is a :class:`LearningRateSchedule`; ``"adaptive"`` adds
    Keras' ``ReduceLROnPlateau`` on the monitored loss. ``stopping`` (a
    :class:`~skmnist._spec.Stopping`, or None for a pass with no stopping
    rule, as ``partial_fit``'s) adds, as in MLPClassifier, an
    ``EarlyStopping`` on the monitored loss: the validation loss with early
    stopping, which restores the best weights and is then the last callback,
    else the training loss. ``log_iterations`` adds :class:`IterationLog`.
    """
    callbacks = copy.deepcopy(list(user_callbacks))
    if log_iterations:
        callbacks.append(IterationLog())
    callbacks.append(schedule)
    if stopping is None:
        return callbacks
    monitor = "val_loss" if stopping.early_stopping else "loss"
    if schedule.kind == "adaptive":
        callbacks.append(
            ReduceLROnPlateau(
                monitor=monitor,
                factor=0.2,
                patience=2,
                min_delta=stopping.tol,
                min_lr=1e-6 * schedule.learning_rate,
            )
        )
    callbacks.append(
        EarlyStopping(
            monitor=monitor,
            min_delta=stopping.tol,
            patience=stopping.n_iter_no_change,
            restore_best_weights=stopping.early_stopping,
        )
    )
    return callbacks
