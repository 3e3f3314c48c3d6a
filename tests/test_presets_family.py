"""Per-data-set presets of make_mnist_pipeline (issue 24)."""

import pytest
from sklearn.base import clone

from skmnist import make_mnist_pipeline
from skmnist.augmentation import RandomDistortion
from skmnist.datasets import dataset_names
from skmnist.pipeline import PRESETS, preset_for_dataset


def test_fashion_mnist_preset_is_the_default_network_without_distortions():
    default = make_mnist_pipeline()[-1].get_params(deep=False)
    fashion = make_mnist_pipeline("fashion-mnist")[-1].get_params(deep=False)
    assert isinstance(default["augmentation"], RandomDistortion)
    assert fashion["augmentation"] is None
    assert fashion["epochs"] == 20 and default["epochs"] == 16
    changed = {key for key in default if default[key] != fashion[key]}
    assert changed == {"augmentation", "epochs"}
    assert fashion["dropout"] == 0.2 and fashion["hidden_layer_sizes"] == (256, 128)


def test_preset_for_every_dataset():
    presets = {name: preset_for_dataset(name) for name in dataset_names()}
    assert presets.pop("fashion-mnist") == "fashion-mnist"
    assert set(presets.values()) == {"default"}
    assert "emnist-letters" in presets and "kmnist" in presets


def test_params_override_the_preset_and_presets_are_not_shared():
    pipe = make_mnist_pipeline("fashion-mnist", epochs=3, random_state=1)
    assert pipe[-1].epochs == 3 and pipe[-1].random_state == 1
    assert PRESETS["fashion-mnist"]["epochs"] == 20
    assert clone(pipe)[-1].augmentation is None


def test_unknown_preset_lists_the_names():
    with pytest.raises(ValueError) as excinfo:
        make_mnist_pipeline("fashion")
    message = str(excinfo.value)
    for name in ("default", "fashion-mnist", "best-dense"):
        assert repr(name) in message
