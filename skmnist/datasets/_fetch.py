"""Finding a data set's files on disk, and downloading the missing ones.

One cache layout for the whole family: ``data_home``, else the data set's
environment variable, else ``sklearn.datasets.get_data_home() /
<cache_folder>``. Downloads are verified against the published checksum
before they get their final name, so the cache only ever holds complete,
verified files (modelled on ``sklearn/datasets/_covtype.py``).
"""

import hashlib
import logging
import os
import tempfile
from http.client import HTTPException
from pathlib import Path

from sklearn.datasets import fetch_file, get_data_home

from ._idx import IdxSource

logger = logging.getLogger(__name__)


def resolve_folder(spec, data_home):
    """Return the folder holding the files and where that choice came from."""
    if data_home is not None:
        return Path(data_home).expanduser(), "the data_home argument"
    env = os.environ.get(spec.env_var)
    if env:
        return Path(env).expanduser(), f"the {spec.env_var} environment variable"
    return (
        Path(get_data_home()) / spec.cache_folder,
        "the scikit-learn data home (sklearn.datasets.get_data_home(), which "
        "honours SCIKIT_LEARN_DATA)",
    )


def find_source(spec, folder, stem):
    """The :class:`IdxSource` of ``stem`` in ``folder``, or None.

    A gzipped or uncompressed file beside the others comes first; then the
    member of the data set's archive (EMNIST's ``gzip.zip``), if it exists.
    """
    for name in (f"{stem}.gz", stem):
        path = folder / name
        if path.is_file():
            return IdxSource(path)
    if spec.archive is not None and (folder / spec.archive).is_file():
        return IdxSource(folder / spec.archive, f"{spec.archive_prefix}{stem}.gz")
    return None


def _all_files(spec):
    if spec.archive is not None:
        member = f"{spec.stems['train'][0]}.gz"
        return f"{spec.archive} (or its IDX members, such as {member})"
    return ", ".join(f"{stem}.gz" for pair in spec.stems.values() for stem in pair)


def how_to_provide(spec, folder):
    """How to use the data set offline, and where it would be downloaded."""
    return (
        f"To use {spec.title} offline, put its files ({_all_files(spec)}; "
        "uncompressed copies without '.gz' also work) in one folder and "
        f"either set the {spec.env_var} environment variable to that folder or "
        "pass data_home=<that folder>. Otherwise load it with download=True on "
        f"a machine with internet access, which downloads into {folder}."
    )


def missing_message(spec, folder, origin, subset, missing):
    """The OSError text for files missing with ``download=False``."""
    looked = "\n".join(
        f"    {folder / (stem + '.gz')} (or {folder / stem})" for stem in missing
    )
    alternatives = [
        folder / name for name in (spec.archive, spec.npz) if name is not None
    ]
    also = "".join(f"and no archive at {path}.\n" for path in alternatives)
    return (
        f"{spec.title} data for subset={subset!r} not found and download=False.\n"
        f"Folder used: {folder} (from {origin}; the lookup order is data_home, "
        f"then {spec.env_var}, then sklearn.datasets.get_data_home()/"
        f"'{spec.cache_folder}').\nMissing files:\n{looked}\n"
        + also
        + how_to_provide(spec, folder)
    )


def _file_digest(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_verified(url, folder, filename, checksum, n_retries, delay):
    """Download ``url`` to ``folder/filename`` once its checksum is verified.

    The bytes land in a temporary folder inside ``folder`` (so the final
    rename is atomic, on one file system) and get their final name only
    after the check; a failure leaves nothing behind. SHA256 is checked by
    ``sklearn.datasets.fetch_file``, MD5 (EMNIST's only published digest)
    here.
    """
    algorithm, expected = checksum
    with tempfile.TemporaryDirectory(prefix=f".{filename}.", dir=folder) as tmp:
        path = fetch_file(
            url,
            folder=tmp,
            local_filename=filename,
            sha256=expected if algorithm == "sha256" else None,
            n_retries=n_retries,
            delay=delay,
        )
        if algorithm != "sha256":
            actual = _file_digest(path, algorithm)
            if actual != expected:
                raise OSError(
                    f"The {algorithm.upper()} checksum of {filename} ({actual}) "
                    f"differs from expected ({expected})."
                )
        final = Path(folder) / filename
        os.replace(path, final)
    return final


def download(spec, filename, folder, n_retries, delay):
    """Download ``filename`` into ``folder`` from the first mirror that works."""
    errors = []
    for mirror in spec.mirrors:
        url = mirror + filename
        logger.info("Downloading %s to %s", url, folder)
        try:
            return _fetch_verified(
                url, folder, filename, spec.checksums[filename], n_retries, delay
            )
        except (OSError, HTTPException) as exc:
            # URLError, HTTPError, TimeoutError and checksum mismatches are
            # all OSError: try the next mirror.
            errors.append(f"    {url}: {type(exc).__name__}: {exc}")
    raise OSError(
        f"Downloading {spec.title} file {filename} into {folder} failed from "
        "every mirror:\n" + "\n".join(errors) + "\n" + how_to_provide(spec, folder)
    )


def locate(spec, subsets, data_home, download_missing, n_retries, delay):
    """The (images, labels) sources per subset, downloading what is missing.

    Returns ``(pairs, npz_path)``: ``npz_path`` is Keras' archive when some
    IDX file is missing and the data set has one in the folder (then
    ``pairs`` is None).
    """
    folder, origin = resolve_folder(spec, data_home)
    stems = [stem for subset in subsets for stem in spec.stems[subset]]
    found = {stem: find_source(spec, folder, stem) for stem in stems}
    missing = [stem for stem, source in found.items() if source is None]
    if missing and spec.npz is not None and (folder / spec.npz).is_file():
        return None, folder / spec.npz
    if missing:
        if not download_missing:
            subset = "all" if len(subsets) > 1 else subsets[0]
            raise OSError(missing_message(spec, folder, origin, subset, missing))
        folder.mkdir(parents=True, exist_ok=True)
        for filename in dict.fromkeys(spec.downloads(missing)):
            download(spec, filename, folder, n_retries, delay)
        found = {stem: find_source(spec, folder, stem) for stem in stems}
    pairs = [tuple(found[stem] for stem in spec.stems[subset]) for subset in subsets]
    return pairs, None
