"""Discover skmnist's estimators, as :func:`sklearn.utils.discovery.all_estimators`."""

import inspect

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_MODULES = ("skmnist._classifier", "skmnist.preprocessing")


def all_estimators(type_filter=None):
    """List the public estimators of skmnist.

    Parameters
    ----------
    type_filter : {"classifier", "transformer"} or None, default=None
        Keep only estimators of this kind.

    Returns
    -------
    estimators : list of (str, type)
        Pairs of class name and class, sorted by name.

    Examples
    --------
    >>> from skmnist.utils.discovery import all_estimators
    >>> [name for name, _ in all_estimators()]
    ['DigitNormalizer', 'ImageFlattener', 'MNISTDenseClassifier', 'OneHotLabelEncoder',
     'PixelScaler']
    """
    import importlib

    found = {}
    for module_name in _MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
                found[name] = obj
    estimators = sorted(found.items())
    if type_filter == "classifier":
        estimators = [(n, c) for n, c in estimators if hasattr(c, "predict_proba")]
    elif type_filter == "transformer":
        estimators = [(n, c) for n, c in estimators if hasattr(c, "transform")]
    elif type_filter is not None:
        raise ValueError(
            "type_filter must be 'classifier', 'transformer' or None; "
            f"got {type_filter!r}."
        )
    return estimators
