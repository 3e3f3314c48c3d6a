import numpy as np
import pytest

from skmnist._arrays import ALIGNMENT, aligned_array, is_aligned


def _unaligned(shape, dtype=np.float32):
    # A view 4 bytes into an aligned buffer: C-contiguous, never aligned.
    itemsize = np.dtype(dtype).itemsize
    buffer = aligned_array(np.zeros(int(np.prod(shape)) * itemsize + 4, np.uint8))
    array = buffer[4 : 4 + int(np.prod(shape)) * itemsize].view(dtype).reshape(shape)
    array[...] = np.arange(array.size).reshape(shape)
    return array


def test_aligned_array_copies_unaligned_memory_to_a_boundary():
    array = _unaligned((5, 7))
    assert array.flags.c_contiguous and not is_aligned(array)
    out = aligned_array(array)
    assert out.ctypes.data % ALIGNMENT == 0 and out.flags.c_contiguous
    assert not np.shares_memory(out, array)
    np.testing.assert_array_equal(out, array)
    assert out.dtype == array.dtype and out.shape == array.shape


def test_aligned_array_returns_an_aligned_array_itself():
    array = aligned_array(_unaligned((5, 7)))
    assert aligned_array(array) is array
    assert aligned_array(array, np.float32) is array


def test_aligned_array_converts_as_astype():
    pixels = np.random.RandomState(0).randint(0, 256, size=(6, 9)).astype(np.uint8)
    out = aligned_array(pixels, np.float32)
    assert out.dtype == np.float32 and is_aligned(out)
    np.testing.assert_array_equal(out, pixels.astype(np.float32))
    # From float64, rounded as astype rounds.
    values = np.random.RandomState(1).normal(size=(4, 3))
    np.testing.assert_array_equal(
        aligned_array(values, np.float32), values.astype(np.float32)
    )


def test_aligned_array_makes_fortran_order_c_contiguous():
    array = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    out = aligned_array(array)
    assert out.flags.c_contiguous and is_aligned(out)
    np.testing.assert_array_equal(out, array)


def test_aligned_array_copies_a_read_only_array_when_asked_for_writeable():
    array = aligned_array(_unaligned((3, 4)))
    array.flags.writeable = False
    assert aligned_array(array) is array
    out = aligned_array(array, writeable=True)
    assert out is not array and out.flags.writeable and is_aligned(out)
    np.testing.assert_array_equal(out, array)


@pytest.mark.parametrize("shape", [(0, 784), (0,), (), (1, 1)])
def test_aligned_array_of_empty_and_one_element_shapes(shape):
    array = np.ones(shape, np.float32)
    out = aligned_array(array, np.float64)
    assert out.shape == shape and out.dtype == np.float64
    np.testing.assert_array_equal(out, array)
    if out.size:  # an empty array has no data to align
        assert is_aligned(out)
