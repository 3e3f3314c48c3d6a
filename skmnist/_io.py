"""Atomic writes: a reader sees the old file or folder or the new one, never half.

Every file and folder skmnist writes (reports, saved models, exported models,
downloaded data) goes through these two helpers.
"""

import contextlib
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_folder", "atomic_write"]


def atomic_write(path, data):
    """Write ``data`` (bytes or str) to ``path`` atomically.

    The content goes to a temporary file in the same folder, flushed to disk,
    then renamed over ``path`` with :func:`os.replace`: readers see the old
    file or the new one, never part of one. The temporary file is removed if
    anything fails.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextmanager
def atomic_folder(path, *, replaceable=None):
    """Yield a temporary folder beside ``path``; on success it becomes ``path``.

    The body writes into the yielded folder; when it returns, the folder is
    renamed to ``path``. If the body raises, the temporary folder is removed
    and ``path`` is untouched. An existing folder at ``path`` is replaced only
    if ``replaceable(path)`` is true, else :class:`FileExistsError` is raised
    (before anything is written).
    """
    path = Path(path)
    if path.exists() and not (replaceable is not None and replaceable(path)):
        raise FileExistsError(f"{path} exists; not overwriting it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; ours are not
        yield tmp
        if not path.exists():
            os.replace(tmp, path)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
        os.replace(path, old / "previous")
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
