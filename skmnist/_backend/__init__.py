"""The training engine: Keras (TensorFlow or JAX) through scikeras, behind one seam.

This package is the only part of skmnist that imports ``tensorflow``,
``keras``, ``jax`` or ``scikeras`` (``tests/test_seam.py`` enforces it), and
it is imported only by ``fit``/``partial_fit`` and by
:meth:`~skmnist.augmentation.RandomDistortion.distort`. What goes in is
NumPy arrays and the frozen values of :mod:`skmnist._spec` (the network's
:class:`~skmnist._spec.NetworkSpec`, the call's
:class:`~skmnist._spec.FitPlan`); what comes out of :func:`train` is a
:class:`~skmnist._spec.TrainResult` of NumPy arrays: the fitted estimator
keeps no Keras object, so predicting, pickling and loading never import
Keras.

Modules, one job each: ``network`` builds the network (and reads it into
arrays, or sets it from them), ``fit_loop`` runs its epochs on in-memory
arrays, ``callbacks`` holds the learning-rate schedules and stopping rules,
``distortion`` the training-time image distortion layer, ``runtime`` the
threads, seeds and float types of a fit, ``scikeras_adapter`` the one use of
scikeras, ``batches`` fits on batches for a sparse X or a multilabel y,
``initializers`` draws initial weights independently of the float type,
``multilabel`` holds the multilabel accuracy, ``trained`` keeps the last
trained networks so that a warm start in the same process continues them
without a rebuild, ``_quiet`` keeps
TensorFlow's start-up log lines off the terminal, and ``_private`` lists
every private name of those libraries that skmnist relies on.
"""

import contextlib
import warnings

from skmnist._backend._quiet import quiet_start, without_jax_for_tensorflow

# Before anything imports Keras (and TensorFlow).
with quiet_start(), without_jax_for_tensorflow():
    from skmnist._backend.runtime import (
        configure_tensorflow_threads,
        float_dtypes,
        floatx_scope,
        random_seed_scope,
    )

    # Before TensorFlow runs anything: n_jobs parallel fits share the cores.
    configure_tensorflow_threads()

from skmnist._backend import runtime, trained  # noqa: E402
from skmnist._backend.batches import fit_on_batches  # noqa: E402
from skmnist._backend.callbacks import (  # noqa: E402
    LearningRateSchedule,
    make_callbacks,
)
from skmnist._backend.network import (  # noqa: E402
    network_state,
    reset_network,
    set_network_state,
)
from skmnist._backend.scikeras_adapter import fit_network  # noqa: E402
from skmnist._spec import TrainResult  # noqa: E402

__all__ = ["float_dtypes", "train"]


@contextlib.contextmanager
def one_output_softmax_allowed(n_classes):
    """Silence Keras' warning on a softmax over one unit, for one-class y.

    A network fitted on one class (as MLPClassifier allows) has one output,
    whose probability is 1; Keras warns that such a softmax is constant, and
    its categorical cross-entropy that it expects more than one class.
    """
    with warnings.catch_warnings():
        if n_classes == 1:
            warnings.filterwarnings(
                "ignore", message=r"(?s).*softmax over axis -1", category=UserWarning
            )
            warnings.filterwarnings(
                "ignore",
                message=r"In loss categorical_crossentropy, expected y_pred.shape",
                category=SyntaxWarning,
            )
        yield


def train(
    X,
    y,
    *,
    classes,
    spec,
    plan,
    state=None,
    sample_weight=None,
    validation_data=None,
):
    """Fit a dense network on ``(X, y)`` and return it as arrays.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
        Validated training rows, of ``spec.dtype`` (float32 or float64); a
        sparse X is trained on by :mod:`skmnist._backend.batches`.
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        Labels, all among ``classes``, or (``spec.multilabel``) the 0/1
        indicator matrix.
    classes : ndarray of shape (n_classes,)
        The classes, in the order of the output units.
    spec : skmnist._spec.NetworkSpec
        The network to build (or that ``state`` holds).
    plan : skmnist._spec.FitPlan
        Epochs, batches, schedule, stopping rules, seed, callbacks.
    state : dict or None
        Resume from ``coefs``, ``intercepts`` and the ``optimizer`` and
        ``non_trainable`` arrays of a previous :func:`train`; None builds a
        new network.
    sample_weight, validation_data
        As in Keras' ``fit``.

    Returns
    -------
    result : skmnist._spec.TrainResult
    """
    fit_callbacks = make_callbacks(
        plan.callbacks,
        plan.stopping,
        schedule=LearningRateSchedule(
            plan.schedule,
            spec.learning_rate,
            epochs=plan.epochs,
            steps_per_epoch=-(-len(y) // plan.batch_size),
        ),
        log_iterations=plan.log_iterations,
    )
    # One fit at a time in the process (see runtime.ENGINE_LOCK); the kept
    # networks are the process's too.
    seeded = plan.seed is not None
    with runtime.ENGINE_LOCK:
        with (
            random_seed_scope(plan.seed),
            floatx_scope(X.dtype),
            one_output_softmax_allowed(spec.n_classes),
        ):
            model = _network_to_train(spec, plan.seed, state)
            on_batches = hasattr(X, "tocsr") or spec.multilabel
            fit = fit_on_batches if on_batches else fit_network
            model, history = fit(
                X,
                y,
                classes=classes,
                spec=spec,
                plan=plan,
                state=state,
                model=model,  # None: scikeras builds one
                callbacks=fit_callbacks,
                sample_weight=sample_weight,
                validation_data=validation_data,
            )
        coefs, intercepts, new_state = network_state(model)
        trained.remember(
            model,
            {"coefs": coefs, "intercepts": intercepts, **new_state},
            spec,
            seeded=seeded,
        )
    early = plan.stopping is not None and plan.stopping.early_stopping
    return TrainResult(
        coefs=coefs,
        intercepts=intercepts,
        state=new_state,
        history={k: [float(v) for v in vs] for k, vs in history.items()},
        best_epoch=int(fit_callbacks[-1].best_epoch) if early else None,
    )


def _network_to_train(spec, seed, state):
    """The network a fit continues or starts from, or None to build one.

    The network that produced ``state`` when this process still keeps it;
    else a spare network of ``spec`` (see :mod:`~skmnist._backend.trained`),
    reset to what a build with ``seed`` gives and, to resume, set to
    ``state``. Either trains bitwise as a new build would, without building,
    compiling and tracing again.
    """
    if state is not None:
        kept = trained.take(state, spec)
        if kept is not None:
            return kept
    spare = trained.take_spare(spec, seeded=seed is not None)
    if spare is not None:
        reset_network(spare, spec, seed)
        if state is not None:
            set_network_state(spare, state)
    return spare
