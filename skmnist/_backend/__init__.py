"""The training engine: Keras (TensorFlow or JAX) through scikeras, behind one seam.

This package is the only part of skmnist that imports ``tensorflow``,
``keras``, ``jax`` or ``scikeras`` (``tests/test_layout.py`` enforces it),
and it is imported only by ``fit``/``partial_fit`` and by
:meth:`~skmnist.augmentation.RandomDistortion.distort`. What goes in is
NumPy arrays and plain parameters; what comes out of :func:`train` is NumPy
arrays: the fitted estimator keeps no Keras object, so predicting, pickling
and loading never import Keras.

Modules, one job each: ``network`` builds the network (and reads it into
arrays, or sets it from them), ``fit_loop`` runs its epochs on in-memory
arrays, ``callbacks`` holds the learning-rate schedules and stopping rules,
``distortion`` the training-time image distortion layer, ``runtime`` the
threads, seeds and float types of a fit, ``scikeras_adapter`` the one use of
scikeras, ``trained`` keeps the last trained networks so that a warm start
in the same process continues them without a rebuild, and ``_private``
lists every private name of those libraries that skmnist relies on.
"""

from skmnist._backend.runtime import (
    configure_tensorflow_threads,
    float_dtypes,
    floatx_scope,
    random_seed_scope,
)

# Before TensorFlow runs anything: n_jobs parallel fits share the cores.
configure_tensorflow_threads()

from skmnist._backend import trained  # noqa: E402
from skmnist._backend.callbacks import (  # noqa: E402
    LearningRateSchedule,
    make_callbacks,
)
from skmnist._backend.network import network_state  # noqa: E402
from skmnist._backend.scikeras_adapter import fit_network  # noqa: E402

__all__ = ["float_dtypes", "train"]


def train(
    X,
    y,
    *,
    classes,
    network,
    epochs,
    batch_size,
    shuffle,
    schedule,
    stopping,
    seed=None,
    state=None,
    sample_weight=None,
    validation_data=None,
    incremental=False,
    callbacks=None,
    verbose=0,
):
    """Fit a dense network on ``(X, y)`` and return it as arrays.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
        Validated training rows.
    y : ndarray of shape (n_samples,)
        Labels, all among ``classes``.
    classes : ndarray of shape (n_classes,)
        The classes, in the order of the output units.
    network : dict
        Arguments of :func:`~skmnist._backend.network.build_dense_network`
        (``hidden_layer_sizes``, ``activation``, ``dropout``, ``l2``, Adam's
        ``learning_rate``, ``beta_1``, ``beta_2``, ``epsilon``, ``dtype``,
        ``augmentation``).
    epochs, batch_size, shuffle : int, int, bool
        Keras' ``fit`` arguments (``incremental`` runs one epoch).
    schedule : str
        ``"constant"``, ``"cosine"`` or ``"adaptive"``.
    stopping : dict
        ``early_stopping``, ``n_iter_no_change``, ``tol``.
    seed : int or None
        Seeds the initialisation, dropout, distortion and shuffling.
    state : dict or None
        Resume from ``coefs``, ``intercepts`` and the ``optimizer`` and
        ``non_trainable`` arrays of a previous :func:`train`; None builds a
        new network.
    sample_weight, validation_data, callbacks, verbose
        As in Keras' ``fit``; ``callbacks`` are the user's, copied.

    Returns
    -------
    result : dict
        ``coefs``, ``intercepts`` (lists of read-only arrays), ``state``
        (``optimizer`` and ``non_trainable`` lists of arrays), ``history``
        (dict of per-epoch lists of floats) and ``best_epoch`` (the epoch,
        from 0, whose weights early stopping restored, else None).
    """
    fit_callbacks = make_callbacks(
        callbacks,
        incremental=incremental,
        schedule=LearningRateSchedule(
            "constant" if incremental else schedule,
            network["learning_rate"],
            epochs=epochs,
            steps_per_epoch=-(-len(y) // batch_size),
        ),
        **stopping,
    )
    kept = None if state is None else trained.take(state, network)
    with random_seed_scope(seed), floatx_scope(X.dtype):
        model, history = fit_network(
            X,
            y,
            classes=classes,
            network={**network, "seed": seed, "state": state},
            model=kept,  # the network that produced ``state``, when kept
            epochs=epochs,
            batch_size=batch_size,
            shuffle=shuffle,
            verbose=min(int(verbose), 2),
            callbacks=fit_callbacks,
            incremental=incremental,
            sample_weight=sample_weight,
            validation_data=validation_data,
        )
    coefs, intercepts, new_state = network_state(model)
    trained.remember(
        model, {"coefs": coefs, "intercepts": intercepts, **new_state}, network
    )
    early = stopping["early_stopping"] and not incremental
    return {
        "coefs": coefs,
        "intercepts": intercepts,
        "state": new_state,
        "history": {k: [float(v) for v in vs] for k, vs in history.items()},
        "best_epoch": int(fit_callbacks[-1].best_epoch) if early else None,
    }
