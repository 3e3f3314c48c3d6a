"""Installed versions of distributions, read from their metadata.

Reading ``importlib.metadata`` imports nothing of the library itself, so an
evaluation report can record TensorFlow's version without importing it.
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["installed_version"]

# Other distribution names that provide the same import package.
_ALIASES = {"tensorflow": ("tensorflow-cpu", "tensorflow-macos", "tf-nightly")}


def installed_version(name):
    """The installed version of distribution ``name`` (or an alias), or None."""
    for distribution in (name, *_ALIASES.get(name, ())):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return None
