"""Save and load fitted models without pickle.

A saved model is a folder holding ``skmnist.json`` (the scikit-learn side:
pipeline steps, their parameters and fitted attributes) and ``network.keras``
(the Keras network, loaded with ``safe_mode=True``). Loading executes no code
from the files: the JSON names classes from a fixed list of skmnist
estimators, and Keras' safe mode refuses serialised lambdas.
"""

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

__all__ = ["load_model", "save_model"]

FORMAT = "skmnist-model"
FORMAT_VERSION = 1
METADATA_FILE = "skmnist.json"
NETWORK_FILE = "network.keras"

# Attributes that hold Keras objects: saved as network.keras, not in the JSON.
_KERAS_ATTRIBUTES = ("model_", "keras_classifier_")


def _estimator_classes():
    from skmnist._classifier import MNISTDenseClassifier
    from skmnist.preprocessing import ImageFlattener, OneHotLabelEncoder, PixelScaler

    return {
        cls.__name__: cls
        for cls in (
            MNISTDenseClassifier,
            PixelScaler,
            ImageFlattener,
            OneHotLabelEncoder,
        )
    }


def _encode(value, where):
    """Turn parameters and fitted attributes into JSON, keeping their types."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUO":
            raise TypeError(f"{where}: cannot save an array of dtype {value.dtype}.")
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, where) for v in value]}
    if isinstance(value, list):
        return [_encode(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v, where) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    from skmnist.augmentation import RandomDistortion

    if type(value) is RandomDistortion:
        params = value.get_params(deep=False)
        return {
            "__estimator__": "RandomDistortion",
            "params": {k: _encode(v, f"{where}.{k}") for k, v in params.items()},
        }
    if isinstance(value, np.random.RandomState):
        warnings.warn(
            f"{where} is a RandomState instance, which is saved as None "
            "(it does not affect predictions).",
            UserWarning,
            stacklevel=4,
        )
        return None
    raise TypeError(f"{where}: cannot save a value of type {type(value).__name__}.")


def _decode(value):
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return np.asarray(value["__ndarray__"], dtype=np.dtype(value["dtype"]))
        if "__tuple__" in value:
            return tuple(_decode(v) for v in value["__tuple__"])
        if "__estimator__" in value:
            from skmnist.augmentation import RandomDistortion

            if value["__estimator__"] != "RandomDistortion":
                raise ValueError(f"unknown estimator class {value['__estimator__']!r}")
            return RandomDistortion(**_decode(value["params"]))
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _steps(model):
    if isinstance(model, Pipeline):
        return list(model.steps)
    return [(None, model)]


def save_model(model, path):
    """Save a fitted skmnist model (classifier or pipeline) to a folder.

    The folder gets ``skmnist.json`` and, for the classifier, ``network.keras``.
    It is written next to its final place and renamed into it, so an
    interrupted save never leaves a half-written model; an existing model
    folder at ``path`` is replaced.

    Parameters
    ----------
    model : MNISTDenseClassifier or Pipeline
        A fitted classifier, or a fitted pipeline of skmnist estimators (as
        made by :func:`~skmnist.make_mnist_pipeline`).

    path : str or path-like
        Folder to write.

    Returns
    -------
    path : pathlib.Path
        The folder written.

    Raises
    ------
    TypeError
        If a step is not an skmnist estimator, or a value cannot be saved.
    sklearn.exceptions.NotFittedError
        If the model is not fitted.

    See Also
    --------
    load_model : Load a model saved by this function.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist import PixelScaler, save_model, load_model
    >>> scaler = PixelScaler().fit(np.array([[0, 255]], dtype=np.uint8))
    >>> import tempfile, os
    >>> folder = os.path.join(tempfile.mkdtemp(), "scaler")
    >>> _ = save_model(scaler, folder)
    >>> load_model(folder).data_max_
    255.0
    """
    from sklearn.utils.validation import check_is_fitted

    from skmnist import __version__

    known = _estimator_classes()
    path = Path(path)
    steps = []
    network = None
    for name, estimator in _steps(model):
        cls_name = type(estimator).__name__
        if known.get(cls_name) is not type(estimator):
            raise TypeError(
                f"save_model saves skmnist estimators and pipelines of them; step "
                f"{name or cls_name!r} is a {type(estimator).__module__}.{cls_name}."
            )
        check_is_fitted(estimator)
        where = f"{cls_name}"
        fitted = {
            key: _encode(value, f"{where}.{key}")
            for key, value in vars(estimator).items()
            if key.endswith("_")
            and not key.startswith("_")
            and key not in _KERAS_ATTRIBUTES
        }
        params = estimator.get_params(deep=False)
        if params.get("callbacks"):
            warnings.warn(
                f"{where}.callbacks (Keras callbacks) are not saved; the loaded "
                "model has callbacks=None (they do not affect predictions).",
                UserWarning,
                stacklevel=2,
            )
            params["callbacks"] = None
        params = {
            key: _encode(value, f"{where}.{key}") for key, value in params.items()
        }
        step = {"name": name, "class": cls_name, "params": params, "fitted": fitted}
        if hasattr(estimator, "model_"):
            if network is not None:
                raise TypeError("save_model saves at most one Keras network.")
            network = estimator.model_
            step["network"] = NETWORK_FILE
        steps.append(step)

    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skmnist_version": __version__,
        "pipeline": isinstance(model, Pipeline),
        "steps": steps,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; a model is not
        if network is not None:
            network.save(tmp / NETWORK_FILE)
        with open(tmp / METADATA_FILE, "w", encoding="utf-8") as f:
            json.dump(metadata, f, indent=2)
        _replace_folder(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _replace_folder(new, path):
    """Move folder ``new`` to ``path``, replacing a previous model there."""
    if not path.exists():
        os.replace(new, path)
        return
    if not (path / METADATA_FILE).is_file():
        raise FileExistsError(
            f"{path} exists and is not an skmnist model folder; not overwriting it."
        )
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
    os.replace(path, old / "model")
    os.replace(new, path)
    shutil.rmtree(old, ignore_errors=True)


def load_model(path):
    """Load a model saved by :func:`save_model`, without unpickling anything.

    Parameters
    ----------
    path : str or path-like
        Folder written by :func:`save_model`.

    Returns
    -------
    model : MNISTDenseClassifier or Pipeline
        The fitted model; its predictions equal the saved model's.

    Raises
    ------
    OSError
        If the folder or one of its files is missing.
    ValueError
        If a file is corrupt, tampered with, or not an skmnist model, or was
        saved in a newer format than this skmnist reads.

    See Also
    --------
    save_model : Save a fitted model.
    """
    from skmnist import __version__

    path = Path(path)
    meta_path = path / METADATA_FILE
    if not path.is_dir():
        raise OSError(
            f"{path} is not a folder: an skmnist model is a folder "
            f"holding {METADATA_FILE} (see skmnist.save_model)."
        )
    if not meta_path.is_file():
        raise OSError(f"{meta_path} not found: {path} is not an skmnist model folder.")
    try:
        with open(meta_path, encoding="utf-8") as f:
            metadata = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{meta_path} is not valid JSON: {exc}") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError(f"{meta_path} is not an skmnist model description.")
    version = metadata.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{meta_path} has format version {version!r}; this skmnist "
            f"({__version__}) reads version {FORMAT_VERSION} and older. Upgrade "
            "skmnist to load it."
        )
    if metadata.get("skmnist_version") != __version__:
        warnings.warn(
            f"{path} was saved by skmnist {metadata.get('skmnist_version')}; this "
            f"is skmnist {__version__}. Check its predictions.",
            UserWarning,
            stacklevel=2,
        )
    known = _estimator_classes()
    try:
        steps = []
        for step in metadata["steps"]:
            cls = known.get(step["class"])
            if cls is None:
                raise ValueError(f"unknown estimator class {step['class']!r}")
            estimator = cls(**_decode(step["params"]))
            for key, value in _decode(step["fitted"]).items():
                if not key.endswith("_"):
                    raise ValueError(f"unexpected attribute {key!r}")
                setattr(estimator, key, value)
            if "network" in step:
                estimator._set_network(_load_network(path / NETWORK_FILE))
            steps.append((step["name"], estimator))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(str(path)):
            raise
        raise ValueError(f"{meta_path} is not a valid skmnist model: {exc}") from None
    if metadata.get("pipeline"):
        return Pipeline(steps)
    if len(steps) != 1:
        raise ValueError(f"{meta_path} is not a valid skmnist model: expected 1 step.")
    return steps[0][1]


def _load_network(network_path):
    if not network_path.is_file():
        raise OSError(f"{network_path} not found: the model folder is incomplete.")
    import keras

    import skmnist._augment  # noqa: F401 - registers the distortion layer
    import skmnist._keras  # noqa: F401 - registers the optimizer and metric

    try:
        return keras.saving.load_model(network_path, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad archive
        raise ValueError(
            f"{network_path} is not a valid Keras model file: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        ) from None
