"""benchmarks/robustness.py: its corruptions are seeded and keep MNIST's format."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def robustness(load_benchmark):
    return load_benchmark("robustness")


# The corruptions that need no scikit-image (the benchmarks extra).
@pytest.mark.parametrize(
    "name",
    [
        "shot_noise",
        "impulse_noise",
        "glass_blur",
        "motion_blur",
        "brightness",
        "stripe",
        "fog",
        "spatter",
        "dotted_line",
        "zigzag",
    ],
)
def test_corruptions_are_seeded_uint8_images(robustness, mnist, name):
    _, test = mnist
    images = test.images[:20]
    out = robustness.corrupt(name, images, seed=0)
    assert out.dtype == np.uint8 and out.shape == images.shape
    np.testing.assert_array_equal(out, robustness.corrupt(name, images, seed=0))
    assert not np.array_equal(out, images)


def test_stripe_and_brightness_are_mnist_c_s(robustness, mnist):
    _, test = mnist
    images = test.images[:5]
    striped = robustness.corrupt("stripe", images, seed=0)
    np.testing.assert_array_equal(striped[:, :, :7], 255 - images[:, :, :7])
    np.testing.assert_array_equal(striped[:, :, 7:21], images[:, :, 7:21])
    bright = robustness.corrupt("brightness", images, seed=0)
    assert bright.min() >= 127  # value + 0.5, clipped
