"""Reading IDX files (gzipped, uncompressed or inside a zip) and Keras' ``.npz``.

The one reader of the MNIST family's files. Every error is a ``ValueError``
that names the file (and, for a zip, the member) and the problem; nothing is
written anywhere.
"""

import gzip
import zipfile
import zlib
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

N_ROWS = N_COLS = 28
N_PIXELS = N_ROWS * N_COLS
_CHUNK = 1 << 20  # bytes decompressed per read

# IDX magic numbers: 0x0000 0803 (unsigned bytes, 3 dimensions) for images,
# 0x0000 0801 (unsigned bytes, 1 dimension) for labels.
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049


@dataclass(frozen=True)
class IdxSource:
    """Where one IDX file's bytes are: a file on disk or a member of a zip.

    ``name`` is what error messages show: the path, or ``zip:member``.
    """

    path: Path
    member: str | None = None

    @property
    def name(self):
        return str(self.path) if self.member is None else f"{self.path}:{self.member}"

    @property
    def gzipped(self):
        return (self.member or self.path.name).endswith(".gz")

    def open(self, stack):
        """Open the (decompressed) byte stream on ``stack``."""
        raw = stack.enter_context(open(self.path, "rb"))
        if self.member is not None:
            archive = stack.enter_context(zipfile.ZipFile(raw))
            try:
                raw = stack.enter_context(archive.open(self.member))
            except KeyError:
                raise ValueError(
                    f"{self.path}: the zip archive has no member {self.member!r}"
                ) from None
        if self.gzipped:
            return stack.enter_context(gzip.GzipFile(fileobj=raw))
        return raw


@contextmanager
def file_errors(name):
    """Turn low-level decompression errors into a ValueError naming ``name``."""
    try:
        yield
    except gzip.BadGzipFile as exc:
        if "Not a gzipped file" in str(exc):
            raise ValueError(f"{name}: not a gzip file ({exc})") from exc
        raise ValueError(f"{name}: corrupt gzip data ({exc})") from exc
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{name}: corrupt or truncated zip archive ({exc})") from exc
    except EOFError as exc:
        raise ValueError(f"{name}: truncated gzip data ({exc})") from exc
    except zlib.error as exc:
        raise ValueError(f"{name}: corrupt gzip data ({exc})") from exc


def _open_idx(stack, source, kind):
    """Open the IDX ``source``, check its header, return (stream, count)."""
    ndim = 3 if kind == "images" else 1
    expected_magic = IMAGES_MAGIC if kind == "images" else LABELS_MAGIC
    header_size = 4 * (1 + ndim)
    with file_errors(source.name):
        f = source.open(stack)
        header = f.read(header_size)
    if len(header) < header_size:
        raise ValueError(
            f"{source.name}: file too short for an IDX {kind} header "
            f"({len(header)} bytes, expected {header_size})"
        )
    magic, count, *dims = np.frombuffer(header, dtype=">i4").tolist()
    if magic != expected_magic:
        hint = (
            " (the file looks gzip-compressed: give it a '.gz' name)"
            if header[:2] == b"\x1f\x8b"
            else ""
        )
        raise ValueError(
            f"{source.name}: bad magic number {magic}, expected {expected_magic} "
            f"(IDX {kind}){hint}"
        )
    if count < 0:
        raise ValueError(f"{source.name}: negative item count {count} in the header")
    if kind == "images" and dims != [N_ROWS, N_COLS]:
        raise ValueError(
            f"{source.name}: images are {dims[0]}x{dims[1]} pixels, expected "
            f"{N_ROWS}x{N_COLS}"
        )
    return f, count


def _read_body(f, name, out, count, kind):
    """Fill ``out`` (contiguous uint8) from ``f``; the file must end there."""
    view = memoryview(out.reshape(-1))
    expected = view.nbytes
    with file_errors(name):
        n_read = 0
        while n_read < expected:
            # Bounded chunks: a single huge readinto makes gzip build a
            # temporary bytes object as large as the whole array.
            n = f.readinto(view[n_read : n_read + _CHUNK])
            if not n:
                break
            n_read += n
        extra = 0
        # Reading to the end also makes gzip (and zip) verify their CRC.
        while chunk := f.read(_CHUNK):
            extra += len(chunk)
    if n_read != expected or extra:
        raise ValueError(
            f"{name}: the header announces {count} {kind}, i.e. {expected} bytes "
            f"of data after the header, but the file holds {n_read + extra} bytes "
            + ("(truncated)" if n_read < expected else "(unexpected trailing data)")
        )


def check_labels(labels, name, low, high):
    """Raise a ValueError naming ``name`` if a label is outside ``low..high``."""
    bad = np.flatnonzero((labels < low) | (labels > high))
    if bad.size:
        raise ValueError(
            f"{name}: labels must be in {low}..{high}, found "
            f"{int(labels[bad[0]])} at index {int(bad[0])} ({bad.size} of "
            f"{labels.size} labels out of range)"
        )


def _allocate(shape, sources):
    try:
        return np.empty(shape, dtype=np.uint8)
    except MemoryError as exc:
        raise ValueError(
            f"{', '.join(source.name for source in sources)}: the headers "
            f"announce {shape[0]} items, more than fit in memory (corrupt header?)"
        ) from exc


def transpose_images(data, block=8192):
    """Transpose each flat 28x28 row of ``data`` in place, in blocks."""
    for start in range(0, len(data), block):
        rows = data[start : start + block]
        rows[:] = (
            rows.reshape(-1, N_ROWS, N_COLS)
            .transpose(0, 2, 1)
            .reshape(len(rows), N_PIXELS)
        )


def load_idx(pairs, label_range=(0, 9)):
    """Read (images, labels) :class:`IdxSource` pairs into one (data, target).

    Headers are checked first; then each array is allocated once, at its
    final size, and the decompressed bytes are read straight into it.
    """
    with ExitStack() as stack:
        opened = []
        for images, labels in pairs:
            f_images, n_images = _open_idx(stack, images, "images")
            f_labels, n_labels = _open_idx(stack, labels, "labels")
            if n_images != n_labels:
                raise ValueError(
                    f"{images.name} holds {n_images} images but {labels.name} "
                    f"holds {n_labels} labels; the counts must match"
                )
            opened.append((images, f_images, labels, f_labels, n_images))
        n_total = sum(item[-1] for item in opened)
        sources = [source for pair in pairs for source in pair]
        data = _allocate((n_total, N_PIXELS), sources)
        target = _allocate((n_total,), sources)
        start = 0
        for images, f_images, labels, f_labels, n in opened:
            stop = start + n
            _read_body(f_images, images.name, data[start:stop], n, "images")
            _read_body(f_labels, labels.name, target[start:stop], n, "labels")
            check_labels(target[start:stop], labels.name, *label_range)
            start = stop
    return data, target


def _npz_arrays(npz, path, subset):
    x_key, y_key = f"x_{subset}", f"y_{subset}"
    missing = [key for key in (x_key, y_key) if key not in npz.files]
    if missing:
        raise ValueError(
            f"{path}: missing array(s) {missing}; found {sorted(npz.files)}, "
            "expected Keras' keys x_train, y_train, x_test, y_test"
        )
    try:
        x, y = npz[x_key], npz[y_key]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"{path}: corrupt array in archive ({exc})") from exc
    if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (N_ROWS, N_COLS):
        raise ValueError(
            f"{path}: {x_key} has shape {x.shape} and dtype {x.dtype}, "
            f"expected (n, {N_ROWS}, {N_COLS}) uint8"
        )
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise ValueError(
            f"{path}: {y_key} has shape {y.shape} and dtype {y.dtype}, "
            "expected a 1-d integer array"
        )
    if len(x) != len(y):
        raise ValueError(
            f"{path}: {x_key} holds {len(x)} images but {y_key} holds "
            f"{len(y)} labels; the counts must match"
        )
    check_labels(y, f"{path}: {y_key}", 0, 9)
    return x.reshape(len(x), N_PIXELS), y.astype(np.uint8, copy=False)


def load_npz(path, subsets):
    """Read Keras' ``mnist.npz`` (x_train, y_train, x_test, y_test)."""
    try:
        npz = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path}: not a valid .npz archive ({exc})") from exc
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise ValueError(f"{path}: not an .npz archive of named arrays")
    with npz:
        arrays = [_npz_arrays(npz, path, subset) for subset in subsets]
    if len(arrays) == 1:
        return arrays[0]
    return tuple(np.concatenate(parts) for parts in zip(*arrays))
