"""scikit-learn's own MLPClassifier tests, run against MNISTDenseClassifier.

The installed scikit-learn's ``sklearn/neural_network/tests/test_mlp.py`` is
imported and each of its classifier tests that applies (see
:data:`NOT_APPLICABLE`) runs here with the module's name ``MLPClassifier``
bound to :class:`NameOnlyShim`: MNISTDenseClassifier under MLPClassifier's
parameter names. The shim translates names and nothing else: it never
computes a result, sets a fitted attribute or catches an error. When
scikit-learn changes its tests, :data:`NOT_APPLICABLE` is reviewed; it is
never widened to hide a failure.
"""

import functools
import inspect

import pytest
from sklearn.base import clone
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network.tests import test_mlp as suite

from skmnist import MNISTDenseClassifier

#: MLPClassifier's name -> MNISTDenseClassifier's name.
RENAMED = {
    "max_iter": "epochs",
    "learning_rate_init": "learning_rate",
    "learning_rate": "learning_rate_schedule",
}
#: MLPClassifier's parameters of its lbfgs and sgd solvers: Adam is our only one.
DROPPED = {"solver", "momentum", "nesterovs_momentum", "power_t", "max_fun"}
_OURS_TO_THEIRS = {ours: theirs for theirs, ours in RENAMED.items()}
#: MLPClassifier's defaults of the parameters both classifiers have, so that
#: a test's ``MLPClassifier(...)`` is the network it describes (200 epochs,
#: one hidden layer of 100 units, a constant learning rate). ``batch_size``
#: keeps ours: "auto" has no counterpart.
MLP_DEFAULTS = {
    name: value
    for name, value in MLPClassifier().get_params().items()
    if name not in DROPPED and name != "batch_size"
}


def _theirs_to_ours(params):
    return {
        RENAMED.get(name, name): value
        for name, value in params.items()
        if name not in DROPPED
    }


class NameOnlyShim(MNISTDenseClassifier):
    """MNISTDenseClassifier whose parameters carry MLPClassifier's names.

    ``__init__``, ``get_params`` and ``set_params`` translate the names of
    :data:`RENAMED` and drop those of :data:`DROPPED`; a parameter not
    given takes MLPClassifier's default (:data:`MLP_DEFAULTS`); reading a
    renamed parameter (``clf.max_iter``) reads ours. Everything else is
    MNISTDenseClassifier's.
    """

    _parameter_constraints = {
        _OURS_TO_THEIRS.get(name, name): constraint
        for name, constraint in MNISTDenseClassifier._parameter_constraints.items()
    }

    def __init__(self, **params):
        super().__init__(**_theirs_to_ours({**MLP_DEFAULTS, **params}))

    @classmethod
    def _get_param_names(cls):
        return MNISTDenseClassifier._get_param_names()

    def get_params(self, deep=True):
        params = super().get_params(deep=deep)
        return {_OURS_TO_THEIRS.get(name, name): v for name, v in params.items()}

    def set_params(self, **params):
        # BaseEstimator.set_params would check our names against get_params'.
        names = set(self._get_param_names())
        for name, value in _theirs_to_ours(params).items():
            if name not in names:
                raise ValueError(f"Invalid parameter {name!r} for NameOnlyShim.")
            setattr(self, name, value)
        return self

    def __getattr__(self, name):
        if name in RENAMED and RENAMED[name] != "learning_rate_schedule":
            return getattr(self, RENAMED[name])
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )


#: Tests of test_mlp.py that do not apply, with the reason. Every other test
#: of the module runs (its MLPRegressor parametrisations excepted).
NOT_APPLICABLE = {
    # The regressor: skmnist has no MLPRegressor.
    "test_lbfgs_regression": "MLPRegressor",
    "test_lbfgs_regression_maxfun": "MLPRegressor",
    "test_multioutput_regression": "MLPRegressor",
    "test_partial_fit_regression": "MLPRegressor",
    "test_nonfinite_params": "MLPRegressor",
    "test_shuffle": "MLPRegressor",
    "test_mlp_regressor_dtypes_casting": "MLPRegressor",
    "test_mlp_loading_from_joblib_partial_fit": "MLPRegressor",
    "test_mlp_diverging_loss": "MLPRegressor",
    "test_mlp_sample_weight_with_early_stopping": "MLPRegressor",
    "test_mlp_vs_poisson_glm_equivalent": "MLPRegressor (Poisson loss)",
    "test_minimum_input_sample_size": "MLPRegressor",
    # The internals of MLPClassifier's own solvers.
    "test_fit": "sets MLPClassifier's private solver state (_coef_velocity, "
    "...) and checks one SGD step by hand",
    "test_gradient": "calls MLPClassifier's private _loss_grad_lbfgs",
    "test_lbfgs_classification_maxfun": "max_fun, lbfgs's budget of loss evaluations",
    "test_learning_rate_warmstart": "reads the private _optimizer of sgd's "
    "invscaling schedule",
    "test_adaptive_learning_rate": "reads the private _optimizer",
    "test_partial_fit_errors": "asserts that lbfgs has no partial_fit",
    # Multilabel y runs (tests/test_mlp_behaviour.py), but these two assert
    # the training-set fit of lbfgs: MLPClassifier itself with Adam (solver
    # dropped, as here) fails them (scikit-learn 1.9.1: score 0.38, not
    # > 0.97; 34 of 250 labels wrong), and so does ours (0.22).
    "test_multilabel_classification": "asserts lbfgs's training-set score",
    "test_predict_proba_multilabel": "asserts lbfgs's training-set fit",
    # Private counters.
    "test_n_iter_no_change": "reads the private _no_improvement_count",
    "test_n_iter_no_change_inf": "reads the private _no_improvement_count "
    "(np.inf itself runs in test_mlp_warm_start_no_convergence)",
}


def _applicable(values):
    """A parametrize argvalues list without MLPRegressor, or None if unchanged."""
    kept = [v for v in values if v is not MLPRegressor]
    return kept if len(kept) != len(values) else None


def _shimmed(test):
    """``test`` with MLPClassifier bound to NameOnlyShim, regressor cases out."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        kwargs = {
            k: NameOnlyShim if v is MLPClassifier else v for k, v in kwargs.items()
        }
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(suite, "MLPClassifier", NameOnlyShim)
            return test(*args, **kwargs)

    marks = []
    for mark in getattr(test, "pytestmark", []):
        if mark.name == "parametrize" and _applicable(mark.args[1]) is not None:
            names, values = mark.args[:2]
            mark = pytest.mark.parametrize(
                names,
                _applicable(values),
                ids=lambda v: getattr(v, "__name__", None),
            ).mark
        marks.append(mark)
    run.pytestmark = marks
    return run


def _collect():
    tests = {}
    for name, test in inspect.getmembers(suite, inspect.isfunction):
        if name.startswith("test_") and name not in NOT_APPLICABLE:
            tests[name] = _shimmed(test)
    return tests


globals().update(_collect())


def test_not_applicable_names_exist():
    """Every test listed as not applicable is still in scikit-learn's module."""
    names = {n for n, f in inspect.getmembers(suite, inspect.isfunction)}
    assert set(NOT_APPLICABLE) <= names


def test_shim_translates_names_only():
    """The shim's parameters are MNISTDenseClassifier's, under other names."""
    shim = NameOnlyShim(max_iter=7, learning_rate_init=0.01, solver="sgd")
    ours = MNISTDenseClassifier(
        **{**_theirs_to_ours(MLP_DEFAULTS), "epochs": 7, "learning_rate": 0.01}
    )
    assert shim.max_iter == shim.epochs == 7
    theirs = shim.get_params()
    assert "solver" not in theirs
    assert {RENAMED.get(k, k): v for k, v in theirs.items()} == ours.get_params()
    shim.set_params(max_iter=3, learning_rate="adaptive")
    assert (shim.epochs, shim.learning_rate_schedule) == (3, "adaptive")
    assert clone(shim).get_params() == shim.get_params()
