"""Save and load fitted models without pickle and without Keras.

A saved model is a folder holding ``skmnist.json`` (pipeline steps, their
parameters and fitted attributes) and ``arrays.npz`` (every numeric array
among them: the network's ``coefs_`` and ``intercepts_``, its
``training_state_``), read with ``allow_pickle=False``. Loading executes no
code from the files (the JSON names classes from a fixed list of skmnist
estimators) and imports neither Keras nor TensorFlow: a saved model
predicts, and resumes training, in any process. Folders saved by skmnist
0.1 (format 1, with a Keras ``network.keras``) still load, through Keras.
"""

import json
import warnings
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

from skmnist._forward import layer_shapes_match
from skmnist._io import atomic_folder

__all__ = ["load_model", "save_model"]

FORMAT = "skmnist-model"
FORMAT_VERSION = 2
METADATA_FILE = "skmnist.json"
ARRAYS_FILE = "arrays.npz"
# Format 1 kept the network as a Keras file.
NETWORK_FILE = "network.keras"


def _estimator_classes():
    from skmnist._classifier import MNISTDenseClassifier
    from skmnist.preprocessing import (
        DigitNormalizer,
        ImageFlattener,
        OneHotLabelEncoder,
        PixelScaler,
    )

    return {
        cls.__name__: cls
        for cls in (
            MNISTDenseClassifier,
            PixelScaler,
            DigitNormalizer,
            ImageFlattener,
            OneHotLabelEncoder,
        )
    }


def _encode(value, where, arrays):
    """Turn parameters and fitted attributes into JSON, keeping their types.

    Numeric arrays go into ``arrays`` (saved as ``arrays.npz``) and the JSON
    refers to them by key; label arrays (strings, objects) stay in the JSON.
    """
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            key = f"a{len(arrays)}"
            arrays[key] = value
            return {"__array__": key}
        if value.dtype.kind not in "UO":
            raise TypeError(f"{where}: cannot save an array of dtype {value.dtype}.")
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, where, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, f"{where}[{i}]", arrays) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {str(k): _encode(v, f"{where}.{k}", arrays) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    from skmnist.augmentation import RandomDistortion

    if type(value) is RandomDistortion:
        params = value.get_params(deep=False)
        return {
            "__estimator__": "RandomDistortion",
            "params": {
                k: _encode(v, f"{where}.{k}", arrays) for k, v in params.items()
            },
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


def _construct(cls, params):
    """``cls(**params)``; a file written before a parameter existed keeps its
    behaviour (the class's ``_params_of_older_files`` fill what it lacks)."""
    return cls(**{**getattr(cls, "_params_of_older_files", {}), **params})


def _decode(value, arrays):
    if isinstance(value, dict):
        if "__array__" in value:
            array = arrays[value["__array__"]]
            array.flags.writeable = False
            return array
        if "__ndarray__" in value:
            return np.asarray(value["__ndarray__"], dtype=np.dtype(value["dtype"]))
        if "__tuple__" in value:
            return tuple(_decode(v, arrays) for v in value["__tuple__"])
        if "__estimator__" in value:
            from skmnist.augmentation import RandomDistortion

            if value["__estimator__"] != "RandomDistortion":
                raise ValueError(f"unknown estimator class {value['__estimator__']!r}")
            return _construct(RandomDistortion, _decode(value["params"], arrays))
        return {k: _decode(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def _steps(model):
    if isinstance(model, Pipeline):
        return list(model.steps)
    return [(None, model)]


def save_model(model, path):
    """Save a fitted skmnist model (classifier or pipeline) to a folder.

    The folder gets ``skmnist.json`` and ``arrays.npz``; no Keras is needed
    to load it. It is written next to its final place and renamed into it, so an
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
    from skmnist import __version__

    arrays = {}
    steps = [_encode_step(name, est, arrays) for name, est in _steps(model)]
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skmnist_version": __version__,
        "pipeline": isinstance(model, Pipeline),
        "steps": steps,
    }
    with atomic_folder(path, replaceable=_is_model_folder) as tmp:
        with open(tmp / ARRAYS_FILE, "wb") as f:
            np.savez(f, **arrays)
        with open(tmp / METADATA_FILE, "w", encoding="utf-8") as f:
            json.dump(metadata, f, indent=2)
    return Path(path)


def _is_model_folder(path):
    if not (path / METADATA_FILE).is_file():
        raise FileExistsError(
            f"{path} exists and is not an skmnist model folder; not overwriting it."
        )
    return True


def _encode_step(name, estimator, arrays):
    """One step's class, parameters and fitted attributes, for the JSON."""
    from sklearn.utils.validation import check_is_fitted

    cls_name = type(estimator).__name__
    if _estimator_classes().get(cls_name) is not type(estimator):
        raise TypeError(
            f"save_model saves skmnist estimators and pipelines of them; step "
            f"{name or cls_name!r} is a {type(estimator).__module__}.{cls_name}."
        )
    check_is_fitted(estimator)
    fitted = {
        key: _encode(value, f"{cls_name}.{key}", arrays)
        for key, value in vars(estimator).items()
        if key.endswith("_") and not key.startswith("_")
    }
    params = estimator.get_params(deep=False)
    if params.get("callbacks"):
        warnings.warn(
            f"{cls_name}.callbacks (Keras callbacks) are not saved; the loaded "
            "model has callbacks=None (they do not affect predictions).",
            UserWarning,
            stacklevel=3,
        )
        params["callbacks"] = None
    params = {k: _encode(v, f"{cls_name}.{k}", arrays) for k, v in params.items()}
    return {"name": name, "class": cls_name, "params": params, "fitted": fitted}


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
    path = Path(path)
    meta_path = path / METADATA_FILE
    metadata = _read_metadata(path)
    version = metadata["format_version"]
    arrays = _read_arrays(path) if version >= 2 else {}
    try:
        steps = [
            (step["name"], _decode_step(step, arrays)) for step in metadata["steps"]
        ]
        if version == 1:
            _load_format_1_network(path, steps)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(str(path)):
            raise
        raise ValueError(f"{meta_path} is not a valid skmnist model: {exc}") from None
    if metadata.get("pipeline"):
        from skmnist.pipeline import MNISTPipeline

        return MNISTPipeline(steps)
    if len(steps) != 1:
        raise ValueError(f"{meta_path} is not a valid skmnist model: expected 1 step.")
    return steps[0][1]


def _read_metadata(path):
    """The checked content of ``skmnist.json`` of the model folder ``path``."""
    from skmnist import __version__

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
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ValueError(
            f"{meta_path} has format version {version!r}; this skmnist "
            f"({__version__}) reads versions 1 to {FORMAT_VERSION}. Upgrade "
            "skmnist to load it."
        )
    if metadata.get("skmnist_version") != __version__:
        warnings.warn(
            f"{path} was saved by skmnist {metadata.get('skmnist_version')}; this "
            f"is skmnist {__version__}. Check its predictions.",
            UserWarning,
            stacklevel=3,
        )
    return metadata


def _read_arrays(path):
    arrays_path = path / ARRAYS_FILE
    if not arrays_path.is_file():
        raise OSError(f"{arrays_path} not found: the model folder is incomplete.")
    try:
        with np.load(arrays_path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except Exception as exc:  # zipfile, NumPy and OS errors of a bad file
        raise ValueError(
            f"{arrays_path} is not a valid array file: {type(exc).__name__}: {exc}"
        ) from None


def _decode_step(step, arrays):
    cls = _estimator_classes().get(step["class"])
    if cls is None:
        raise ValueError(f"unknown estimator class {step['class']!r}")
    estimator = _construct(cls, _decode(step["params"], arrays))
    for key, value in _decode(step["fitted"], arrays).items():
        if not key.endswith("_"):
            raise ValueError(f"unexpected attribute {key!r}")
        setattr(estimator, key, value)
    if hasattr(estimator, "coefs_"):
        _check_network_shapes(estimator)
    return estimator


def _check_network_shapes(clf):
    """Raise ValueError unless the saved layers chain from inputs to classes."""
    units = [
        clf.n_features_in_,
        *(W.shape[1] for W in clf.coefs_[:-1]),
        len(clf.classes_),
    ]
    if not layer_shapes_match(clf.coefs_, clf.intercepts_, units):
        raise ValueError(
            "the network's arrays do not fit together: coefs_ "
            f"{[tuple(W.shape) for W in clf.coefs_]}, "
            f"intercepts_ {[b.shape for b in clf.intercepts_]}, "
            f"{clf.n_features_in_} features, {len(clf.classes_)} classes"
        )


def _load_format_1_network(path, steps):
    """Format 1 (skmnist 0.1) kept the network as ``network.keras``: read it
    with Keras (safe mode) into the arrays format 2 keeps."""
    network_path = path / NETWORK_FILE
    if not network_path.is_file():
        raise OSError(f"{network_path} not found: the model folder is incomplete.")
    from skmnist._backend.network import read_keras_network

    coefs, intercepts, state = read_keras_network(network_path)
    clf = steps[-1][1]
    clf.coefs_, clf.intercepts_, clf.training_state_ = coefs, intercepts, state
    # Format 1 kept MLPClassifier's derived attributes as properties.
    clf._set_derived_attributes()
    _check_network_shapes(clf)
