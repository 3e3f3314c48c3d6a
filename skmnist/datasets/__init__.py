"""Data set loaders: MNIST and its family, from local IDX files or downloaded."""

from ._loaders import load_emnist, load_fashion_mnist, load_kmnist, load_mnist
from ._registry import dataset_names

__all__ = [
    "dataset_names",
    "load_emnist",
    "load_fashion_mnist",
    "load_kmnist",
    "load_mnist",
]
