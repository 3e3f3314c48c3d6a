"""Data set loaders: MNIST, read from local IDX files or downloaded."""

from ._mnist import load_mnist

__all__ = ["load_mnist"]
