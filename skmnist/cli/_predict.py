"""``skmnist predict``: the digit in each picture or array file."""

from pathlib import Path


def add_parser(commands):
    """Add ``predict`` to the subparsers ``commands``."""
    predict = commands.add_parser(
        "predict",
        help="predict digits in image files or arrays",
        description="Predict the digit in each file: PNG/JPEG/... pictures of one "
        "digit (any size; converted the MNIST way), or .npy/.csv arrays of "
        "28x28 images or 784-pixel rows with intensities 0..255.",
    )
    predict.add_argument("model", type=Path, metavar="MODEL", help="model folder")
    predict.add_argument("files", type=Path, nargs="+", metavar="FILE")
    predict.set_defaults(run=run)


def read_inputs(path):
    """Images ``(n, 28, 28)`` uint8 from a picture, .npy or .csv file."""
    import numpy as np

    from skmnist._rows import pixel_values

    suffix = path.suffix.lower()
    if suffix not in (".npy", ".csv"):
        from skmnist.images import load_digit_image

        return load_digit_image(path)[None]
    if not path.is_file():
        raise OSError(f"{path}: no such file.")
    try:
        if suffix == ".npy":
            array = np.load(path, allow_pickle=False)
        else:
            with open(path, encoding="utf-8") as f:
                first = f.readline()
            # A first line of anything but numbers is a header.
            skip = 0 if first.replace(",", "").replace(".", "").strip().isdigit() else 1
            array = np.loadtxt(path, delimiter=",", skiprows=skip, ndmin=2)
    except (ValueError, UnicodeDecodeError, EOFError) as exc:
        raise ValueError(
            f"{path}: not a readable {suffix[1:]} array ({exc})."
        ) from None
    # Floats of at most 1 are intensities scaled to [0, 1]; integers are not.
    scaled = array.dtype.kind == "f" and array.size and array.max() <= 1
    array = pixel_values(array, str(path))
    if array.shape == (28, 28) or array.shape == (784,):
        array = array[None]
    if array.ndim == 2 and array.shape[1] == 784:
        array = array.reshape(-1, 28, 28)
    if array.ndim != 3 or array.shape[1:] != (28, 28):
        raise ValueError(
            f"{path}: expected 28x28 images or rows of 784 pixels, got an array of "
            f"shape {array.shape}."
        )
    if scaled:
        array = array * 255
    return array.astype(np.uint8)


def run(args):
    """Print each file's predicted label(s) and probability."""
    import numpy as np

    from skmnist.persistence import load_model

    # The inputs first: a missing or unreadable file fails before the model
    # is read. Models fitted on images or on rows take either.
    inputs = [(path, read_inputs(path)) for path in args.files]
    model = load_model(args.model)
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    if getattr(final, "out_activation_", None) == "logistic":
        raise ValueError(
            f"{args.model} holds a multilabel model: skmnist predict prints one "
            "class per image; call the model's predict() from Python instead."
        )
    for path, images in inputs:
        proba = model.predict_proba(images)
        best = np.argmax(proba, axis=1)
        labels = model.classes_[best]
        for i, (label, p) in enumerate(zip(labels, proba[np.arange(len(best)), best])):
            name = f"{path}[{i}]" if len(images) > 1 else str(path)
            print(f"{name}: {label} (probability {p:.3f})")
