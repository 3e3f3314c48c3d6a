"""Initial weights drawn on the host, the same for every float type."""

import keras
import numpy as np


@keras.saving.register_keras_serializable(package="skmnist")
class HostGlorotUniform(keras.initializers.Initializer):
    """Keras' ``GlorotUniform``, drawn by NumPy in float64 and then cast.

    Keras draws in the variable's dtype, so the same seed gives float32 and
    float64 networks other starting weights. Drawn in float64 by
    ``np.random.RandomState(seed)`` and rounded to the dtype, a float32
    network starts from the float64 one's weights rounded, as in
    MLPClassifier, whose initialisation does not depend on the dtype either.
    ``seed`` None draws fresh weights on each call.
    """

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = shape[0], shape[-1]
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        values = np.random.RandomState(self.seed).uniform(-limit, limit, shape)
        return keras.ops.convert_to_tensor(
            values.astype(keras.backend.standardize_dtype(dtype))
        )

    def get_config(self):
        return {"seed": self.seed}
