"""Training-time augmentation of digit images: random affine and elastic
distortions, stray lines, blur and noise.

:class:`RandomDistortion` describes the distortions;
:class:`~skmnist.MNISTDenseClassifier` applies them, through its
``augmentation`` parameter, to every training batch of ``fit`` and
``partial_fit`` (inside the network, as a Keras layer that is the identity
at prediction time). The network itself stays dense: the distortions only
move pixels around before the first dense layer.
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval

from skmnist._rows import check_image_shape

__all__ = ["RandomDistortion"]


class RandomDistortion(BaseEstimator):
    """Random shifts, rotations, scalings and elastic distortions of images.

    Each training image gets its own random affine transform (rotation by up to
    `rotation` degrees, scaling by a factor in ``[1 - scale, 1 + scale]``,
    shift by up to `shift` pixels along each axis) composed with an elastic
    distortion (Simard et al., 2003): a random displacement field, uniform
    noise smoothed by a Gaussian of width `elastic_sigma` and multiplied by
    `elastic_alpha`. The image is resampled once, bilinearly, with zeros
    outside it. With `stray_lines`, that fraction of the images is then
    crossed by a random line, straight or zigzag, drawn over it: what no
    preparation can remove from a line that touches the digit, the network
    learns to look past. `blur` and `noise` then blur the images and speckle
    them. All amounts are drawn anew for every image of every epoch.

    Passed as ``MNISTDenseClassifier(augmentation=RandomDistortion(...))`` it
    acts only while the network trains, never in ``predict``, and is
    reproducible under the classifier's ``random_state``. Its parameters are
    searched like any nested estimator's, e.g.
    ``"mnistdenseclassifier__augmentation__rotation": [0, 10]``.

    Parameters
    ----------
    shift : float >= 0, default=2.0
        Largest shift, in pixels, along each axis.

    rotation : float in [0, 180], default=10.0
        Largest rotation, in degrees, either way.

    scale : float in [0, 1), default=0.1
        Largest relative change of size: factors are drawn uniformly from
        ``[1 - scale, 1 + scale]``.

    elastic_alpha : float >= 0, default=0.0
        Strength of the elastic distortion, in pixels (Simard's alpha; about
        34 with ``elastic_sigma=4`` distorts MNIST digits as in the paper,
        smaller values more gently). 0 turns it off.

    elastic_sigma : float > 0, default=4.0
        Smoothness of the elastic distortion: the width, in pixels, of the
        Gaussian that smooths the random displacements.

    stray_lines : float in [0, 1], default=0.0
        Fraction of the images crossed by a stray line: straight or a zigzag
        (a triangle wave of up to 2 pixels either side, of a period of 4 to 8
        pixels), its axis within 45 degrees of horizontal (a near-vertical
        line across a digit would be one of its strokes: a 1, a 4, a 7), 17
        to 28 pixels long, 1.3 to 2.7 pixels wide, of an ink of 0.6 to 1,
        through a point within 40% of the frame's height from its middle.
        0 draws none. The images' pixel values must lie in [0, 1].

    blur : float >= 0, default=0.0
        Largest blur: each image is blurred by a Gaussian of a width (sigma,
        in pixels) drawn from ``[0, blur]``, as a scan out of focus or a
        thick pen. 0 blurs none.

    noise : float in [0, 1], default=0.0
        Largest chance of each pixel to be replaced by a random level in
        [0, 1] (salt on the background, holes in the strokes); each image's
        chance is drawn from ``[0, noise]``. 0 adds none. The images' pixel
        values must lie in [0, 1].

    image_shape : tuple of int (height, width) or None, default=None
        Shape of the images in the flat pixel rows. None takes square images
        (784 pixels -> 28 x 28).

    See Also
    --------
    MNISTDenseClassifier : Applies the distortions to its training batches.

    Notes
    -----
    It is a parameter set, not a transformer: the classifier draws the
    distortions (seeded by its own ``random_state``) with ``keras.ops``,
    inside the network, on any Keras backend. :meth:`distort` runs the same
    code eagerly, to look at what the network is trained on.

    References
    ----------
    P. Y. Simard, D. Steinkraus and J. C. Platt, "Best practices for
    convolutional neural networks applied to visual document analysis",
    ICDAR 2003.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist.augmentation import RandomDistortion
    >>> X = np.zeros((2, 784), dtype=np.float32)
    >>> X[:, 14 * 28 + 10 : 14 * 28 + 18] = 1.0  # a horizontal bar
    >>> distorted = RandomDistortion(rotation=30).distort(X, random_state=0)
    >>> distorted.shape, distorted.dtype
    ((2, 784), dtype('float32'))
    >>> bool(np.allclose(distorted, X))
    False
    """

    _parameter_constraints = {
        "shift": [Interval(Real, 0, None, closed="left")],
        "rotation": [Interval(Real, 0, 180, closed="both")],
        "scale": [Interval(Real, 0, 1, closed="left")],
        "elastic_alpha": [Interval(Real, 0, None, closed="left")],
        "elastic_sigma": [Interval(Real, 0, None, closed="neither")],
        "stray_lines": [Interval(Real, 0, 1, closed="both")],
        "blur": [Interval(Real, 0, None, closed="left")],
        "noise": [Interval(Real, 0, 1, closed="both")],
        "image_shape": [tuple, None],
    }

    #: What a file or pickle written before a parameter existed meant.
    _params_of_older_files = {"stray_lines": 0.0, "blur": 0.0, "noise": 0.0}

    def __init__(
        self,
        shift=2.0,
        rotation=10.0,
        scale=0.1,
        elastic_alpha=0.0,
        elastic_sigma=4.0,
        stray_lines=0.0,
        blur=0.0,
        noise=0.0,
        image_shape=None,
    ):
        self.shift = shift
        self.rotation = rotation
        self.scale = scale
        self.elastic_alpha = elastic_alpha
        self.elastic_sigma = elastic_sigma
        self.stray_lines = stray_lines
        self.blur = blur
        self.noise = noise
        self.image_shape = image_shape

    def __setstate__(self, state):
        # A parameter set pickled before a parameter existed keeps its meaning.
        super().__setstate__({**self._params_of_older_files, **state})

    def distort(self, X, random_state=None):
        """Distort each image of X once, as a training batch would be.

        Runs, eagerly, the code the network runs on its training batches, to
        look at what it is trained on.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_pixels) or (n_samples, h, w)
            Images, flat or not, with pixel values in [0, 1].

        random_state : int, RandomState instance or None, default=None
            Seeds the random distortions.

        Returns
        -------
        X_distorted : ndarray of the shape of X
            The distorted images, float32 (float64 for float64 input).
        """
        self._validate_params()
        X = check_array(
            X, dtype=[np.float32, np.float64], allow_nd=True, ensure_min_features=1
        )
        flat = X.reshape(X.shape[0], -1)
        image_shape = self.check_image_shape(flat.shape[1])
        if X.ndim > 2 and X.shape[1:3] != image_shape:
            image_shape = X.shape[1:3]
        from skmnist._backend.distortion import distort

        seed = int(check_random_state(random_state).randint(2**31 - 1))
        return distort(self, flat, image_shape, seed=seed).reshape(X.shape)

    def check_image_shape(self, n_pixels):
        """The ``(height, width)`` of images with `n_pixels` pixels.

        Parameters
        ----------
        n_pixels : int
            Number of pixels (features) per image.

        Returns
        -------
        image_shape : tuple of int
            `image_shape`, or the square shape for None.

        Raises
        ------
        ValueError
            If the shape does not hold `n_pixels` pixels.
        """
        if self.image_shape is None:
            side = int(round(np.sqrt(n_pixels)))
            if side * side != n_pixels:
                raise ValueError(
                    f"RandomDistortion cannot guess the image shape of {n_pixels} "
                    "pixels, which is not a square number: set image_shape=(height, "
                    "width)."
                )
            return side, side
        return check_image_shape(self.image_shape, n_pixels)
