"""The Keras layer that distorts training images (see skmnist.augmentation).

Written with ``keras.ops`` only, so it runs under any Keras backend and inside
the compiled training step. The distortion of a batch is one resampling: for
every output pixel, the source position is an affine map of its own position
plus an elastic displacement, read bilinearly from the image. Stray lines,
blur and noise, where asked for, then act on the resampled images.
"""

import math

import keras
import numpy as np
from keras import ops

from skmnist._backend.runtime import ENGINE_LOCK, to_numpy


def _gaussian_matrix(size, sigma):
    """``G`` such that ``G @ field`` smooths a field's columns with a Gaussian.

    Zero padding at the borders, as a convolution with a normalised kernel.
    """
    offsets = np.arange(size)[:, None] - np.arange(size)[None, :]
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    return kernel / (math.sqrt(2 * math.pi) * sigma)


@keras.saving.register_keras_serializable(package="skmnist")
class DistortionLayer(keras.layers.Layer):
    """Random affine + elastic distortion of flat images, in training only.

    At inference (``training`` false) the layer returns its input unchanged.

    Parameters
    ----------
    image_shape : tuple of int
        ``(height, width)`` of the flat images.

    shift, rotation, scale, elastic_alpha, elastic_sigma : float
        As in :class:`skmnist.augmentation.RandomDistortion` (rotation in
        degrees).

    stray_lines, blur, noise : float
        As in :class:`skmnist.augmentation.RandomDistortion`: drawn over the
        resampled images, in that order.

    seed : int or None
        Seed of the layer's random stream.
    """

    def __init__(
        self,
        image_shape,
        shift=0.0,
        rotation=0.0,
        scale=0.0,
        elastic_alpha=0.0,
        elastic_sigma=4.0,
        stray_lines=0.0,
        blur=0.0,
        noise=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.image_shape = tuple(int(s) for s in image_shape)
        self.shift = float(shift)
        self.rotation = float(rotation)
        self.scale = float(scale)
        self.elastic_alpha = float(elastic_alpha)
        self.elastic_sigma = float(elastic_sigma)
        self.stray_lines = float(stray_lines)
        self.blur = float(blur)
        self.noise = float(noise)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    @classmethod
    def from_spec(cls, spec, image_shape, *, seed=None, dtype="float32", name=None):
        """The layer for a :class:`~skmnist.augmentation.RandomDistortion`."""
        return cls(
            image_shape,
            shift=spec.shift,
            rotation=spec.rotation,
            scale=spec.scale,
            elastic_alpha=spec.elastic_alpha,
            elastic_sigma=spec.elastic_sigma,
            stray_lines=spec.stray_lines,
            blur=spec.blur,
            noise=spec.noise,
            seed=seed,
            dtype=dtype,
            name=name,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, inputs, training=None):
        if not training:
            return inputs
        return self._distort(inputs)

    def _distort(self, x):
        height, width = self.image_shape
        dtype = x.dtype
        n = ops.shape(x)[0]

        def uniform(shape, bound):
            return keras.random.uniform(
                shape, -bound, bound, dtype=dtype, seed=self.seed_generator
            )

        # Output pixel positions, relative to the image centre.
        rows = ops.cast(ops.arange(height), dtype) - (height - 1) / 2
        cols = ops.cast(ops.arange(width), dtype) - (width - 1) / 2
        rows = ops.reshape(rows, (1, height, 1))
        cols = ops.reshape(cols, (1, 1, width))

        # Inverse affine map (rotation and scaling about the centre, shift),
        # drawn per image.
        angle = uniform((n, 1, 1), math.radians(self.rotation))
        inv_scale = 1.0 / (1.0 + uniform((n, 1, 1), self.scale))
        cos, sin = ops.cos(angle) * inv_scale, ops.sin(angle) * inv_scale
        src_rows = cos * rows - sin * cols + (height - 1) / 2
        src_cols = sin * rows + cos * cols + (width - 1) / 2
        src_rows = src_rows - uniform((n, 1, 1), self.shift)
        src_cols = src_cols - uniform((n, 1, 1), self.shift)

        if self.elastic_alpha > 0:
            # Uniform noise smoothed by a separable Gaussian (two matrix
            # products), scaled by alpha: Simard et al.'s displacement field.
            g_rows = ops.convert_to_tensor(
                _gaussian_matrix(height, self.elastic_sigma), dtype=dtype
            )
            g_cols = ops.convert_to_tensor(
                _gaussian_matrix(width, self.elastic_sigma).T, dtype=dtype
            )

            def field():
                noise = uniform((n, height, width), 1.0)
                smooth = ops.matmul(ops.matmul(g_rows, noise), g_cols)
                return smooth * self.elastic_alpha

            src_rows = src_rows + field()
            src_cols = src_cols + field()

        out = self._sample(x, src_rows, src_cols)
        if self.stray_lines > 0:
            lined = keras.random.uniform((n, 1), dtype=dtype, seed=self.seed_generator)
            lines = ops.cast(lined < self.stray_lines, dtype) * self._line(
                n, dtype, uniform
            )
            out = ops.minimum(out + lines, 1.0)
        if self.blur > 0:
            out = self._blur(out, n, dtype, uniform)
        if self.noise > 0:
            # Each pixel is replaced by a random level with a chance drawn per
            # image from [0, noise]: salt on the background, holes in strokes.
            rate = ops.abs(uniform((n, 1), self.noise))
            shape = (n, height * width)
            hit = keras.random.uniform(shape, dtype=dtype, seed=self.seed_generator)
            level = keras.random.uniform(shape, dtype=dtype, seed=self.seed_generator)
            out = ops.where(hit < rate, level, out)
        return out

    def _blur(self, x, n, dtype, uniform):
        """Each flat image blurred by a Gaussian of its own width in [0, blur].

        Separable: a matrix product on each side, with each image's own
        row-normalised Gaussian matrix (so the edges keep their level).
        """
        height, width = self.image_shape
        sigma = ops.abs(uniform((n, 1, 1), self.blur)) + 1e-3

        def gaussian(size):
            offsets = ops.cast(ops.arange(size), dtype)
            offsets = ops.reshape(offsets, (1, size, 1)) - ops.reshape(
                offsets, (1, 1, size)
            )
            kernel = ops.exp(-0.5 * ops.square(offsets / sigma))
            return kernel / ops.sum(kernel, axis=2, keepdims=True)

        images = ops.reshape(x, (n, height, width))
        blurred = ops.matmul(
            ops.matmul(gaussian(height), images),
            ops.transpose(gaussian(width), (0, 2, 1)),
        )
        return ops.reshape(blurred, (n, height * width))

    def _line(self, n, dtype, uniform):
        """One random stray line per image, ``(n, height * width)`` ink in [0, 1].

        Straight or zigzag (a triangle wave of up to 2 pixels either side, of
        a period of 4 to 8 pixels), its axis within 45 degrees of horizontal
        (a near-vertical line across a digit is one of its strokes: a 1, a 4,
        a 7), through a point within 40% of the frame's height and 10% of its
        width from its middle, 17 to 28 pixels long, 1.3 to 2.7 pixels wide
        with anti-aliased edges, of an ink of 0.6 to 1, as MNIST-C's dotted
        line and zigzag or a scanner's stray mark.
        """
        height, width = self.image_shape
        rows = ops.cast(ops.arange(height), dtype) - (height - 1) / 2
        cols = ops.cast(ops.arange(width), dtype) - (width - 1) / 2
        rows = ops.reshape(rows, (1, height, 1)) - uniform((n, 1, 1), 0.4 * height)
        cols = ops.reshape(cols, (1, 1, width)) - uniform((n, 1, 1), 0.1 * width)
        angle = uniform((n, 1, 1), math.pi / 4)
        along = cols * ops.cos(angle) + rows * ops.sin(angle)
        across = rows * ops.cos(angle) - cols * ops.sin(angle)
        # Half the lines straight, half zigzag.
        amplitude = ops.maximum(uniform((n, 1, 1), 2.0), 0.0)
        period = 6.0 + uniform((n, 1, 1), 2.0)
        phase = 0.5 + uniform((n, 1, 1), 0.5)
        wave = along / period + phase
        triangle = amplitude * (4 * ops.abs(wave - ops.floor(wave) - 0.5) - 1)
        # Distance to the zigzag's segments, across them.
        distance = ops.abs(across - triangle) / ops.sqrt(
            1 + (4 * amplitude / period) ** 2
        )
        half_width = 1.0 + uniform((n, 1, 1), 0.35)
        half_length = (0.4 + uniform((n, 1, 1), 0.1)) * width
        ink = ops.clip(half_width + 0.5 - distance, 0.0, 1.0)
        ink = ink * ops.cast(ops.abs(along) <= half_length, dtype)
        intensity = 0.8 + uniform((n, 1, 1), 0.2)
        return ops.reshape(ink * intensity, (n, height * width))

    def _sample(self, x, src_rows, src_cols):
        """Bilinear reading of the flat images at the source positions.

        Positions outside the image read 0. The images are padded with zeros
        and the positions clipped into the padding, so the four neighbours of
        every position exist and no mask is needed; each grid pixel is stored
        with its right, lower and lower-right neighbours, so one gather of
        4-vectors reads all four.
        """
        height, width = self.image_shape
        n = ops.shape(x)[0]
        # Grid of the positions clipped to [-1, height] x [-1, width]: one
        # zero row/column before the image, two after; one more of padding
        # gives the last grid row and column their neighbours.
        grid_height, grid_width = height + 3, width + 3
        padded = ops.pad(ops.reshape(x, (n, height, width)), ((0, 0), (1, 3), (1, 3)))
        quads = ops.stack(
            [
                padded[:, :-1, :-1],
                padded[:, :-1, 1:],
                padded[:, 1:, :-1],
                padded[:, 1:, 1:],
            ],
            axis=-1,
        )
        quads = ops.reshape(quads, (-1, 4))
        src_rows = ops.clip(src_rows, -1.0, float(height))
        src_cols = ops.clip(src_cols, -1.0, float(width))
        r0 = ops.floor(src_rows)
        c0 = ops.floor(src_cols)
        wr = src_rows - r0
        wc = src_cols - c0
        offsets = ops.reshape(ops.arange(n) * (grid_height * grid_width), (-1, 1, 1))
        index = (
            offsets
            + (ops.cast(r0, "int32") + 1) * grid_width
            + (ops.cast(c0, "int32") + 1)
        )
        values = ops.take(quads, ops.reshape(index, (-1,)), axis=0)
        values = ops.reshape(values, (n, height, width, 4))
        v00, v01, v10, v11 = (values[..., k] for k in range(4))
        top = v00 + wc * (v01 - v00)
        bottom = v10 + wc * (v11 - v10)
        out = top + wr * (bottom - top)
        return ops.reshape(out, (n, height * width))

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            shift=self.shift,
            rotation=self.rotation,
            scale=self.scale,
            elastic_alpha=self.elastic_alpha,
            elastic_sigma=self.elastic_sigma,
            stray_lines=self.stray_lines,
            blur=self.blur,
            noise=self.noise,
            seed=self.seed,
        )
        return config


def distort(spec, X, image_shape, *, seed):
    """Flat images ``X`` distorted once by a ``RandomDistortion`` ``spec``, as NumPy."""
    with ENGINE_LOCK:  # not while a fit has set Keras' float type
        layer = DistortionLayer.from_spec(
            spec, image_shape, seed=seed, dtype=X.dtype.name
        )
        return to_numpy(layer(X, training=True))
