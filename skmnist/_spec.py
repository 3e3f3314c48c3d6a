"""What the classifier asks of the training engine, and what it gets back.

The seam between :class:`~skmnist.MNISTDenseClassifier` and
:mod:`skmnist._backend`, as three plain values: a :class:`NetworkSpec` (the
network to build: its layers, regularisation, optimizer and float type), a
:class:`FitPlan` (how one call trains it: epochs, batches, learning-rate
schedule, stopping rules, seed) and the :class:`TrainResult` that comes
back (arrays and floats only). The first two are frozen, so they can be
compared and hashed: the engine reuses a network only for an equal spec.
This module imports neither Keras nor the engine.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DistortionSpec:
    """The training-time image distortion (see
    :class:`~skmnist.augmentation.RandomDistortion`), rotation in degrees."""

    image_shape: tuple
    shift: float
    rotation: float
    scale: float
    elastic_alpha: float
    elastic_sigma: float
    stray_lines: float = 0.0
    blur: float = 0.0
    noise: float = 0.0


@dataclass(frozen=True)
class NetworkSpec:
    """The dense softmax network to build.

    ``n_features -> [distortion] -> Dense(units, activation) [-> Dropout]
    ... -> Dense(n_classes, softmax)``, with an L2 penalty ``l2 * ||W||^2`` on
    every kernel, trained with Adam (``learning_rate``, ``beta_1``,
    ``beta_2``, ``epsilon``) on categorical cross-entropy, computing in
    ``dtype`` (``"float32"`` or ``"float64"``). ``multilabel`` networks have
    ``n_classes`` sigmoid outputs (one per label) trained on binary
    cross-entropy.
    """

    n_features: int
    n_classes: int
    hidden_layer_sizes: tuple
    activation: str
    dropout: float
    l2: float
    learning_rate: float
    beta_1: float
    beta_2: float
    epsilon: float
    dtype: str
    augmentation: DistortionSpec | None = None
    multilabel: bool = False


@dataclass(frozen=True)
class Stopping:
    """When a fit stops before its last epoch (MLPClassifier's rules).

    Training stops when the monitored loss (the validation loss with
    ``early_stopping``, which also restores the best epoch's weights, else
    the training loss) has not improved by ``tol`` for ``n_iter_no_change``
    epochs.
    """

    early_stopping: bool
    n_iter_no_change: int
    tol: float


@dataclass(frozen=True)
class FitPlan:
    """How one call trains the network.

    ``schedule`` is ``"constant"``, ``"cosine"`` or ``"adaptive"`` (the last
    one needs ``stopping``'s ``tol``); ``stopping`` None runs every epoch
    (``partial_fit``'s one pass). ``seed`` seeds the initialisation,
    dropout, distortion and shuffling; ``verbose`` is Keras' (0, 1 for its
    progress bar, 2 for a line per epoch); ``log_iterations`` prints
    MLPClassifier's ``Iteration N, loss = ...`` lines; ``callbacks`` are the
    user's Keras callbacks, which the engine copies.
    """

    epochs: int
    batch_size: int
    shuffle: bool
    schedule: str = "constant"
    stopping: Stopping | None = None
    seed: int | None = None
    verbose: int = 0
    callbacks: tuple = ()
    log_iterations: bool = False


@dataclass(frozen=True)
class TrainResult:
    """A trained network as plain values.

    ``coefs`` and ``intercepts`` are lists of read-only arrays (the dense
    layers' kernels ``(n_in, n_out)`` and biases), ``state`` a dict of lists
    of arrays (``"optimizer"``: Adam's step count, learning rate and moment
    estimates; ``"non_trainable"``: the random generators' states),
    ``history`` a dict of per-epoch lists of floats, ``best_epoch`` the epoch
    (from 0) whose weights early stopping restored, else None.
    """

    coefs: list
    intercepts: list
    state: dict
    history: dict
    best_epoch: int | None = None
