"""The shared assertions of tests/helpers.py reject what they must (deliberately wrong inputs),
with one line that says what was compared."""

import numpy as np
import pytest
from helpers import assert_close, assert_invalid, assert_z_within

import numerics


def _one_line_failure(call, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        call(*args, **kwargs)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_assert_close_follows_allclose_and_names_the_worst_entry():
    assert_close([1.0, 2.0], [1.0, 2.0 + 1e-8])  # within numpy's default rtol 1e-7
    assert_close(np.nan, np.nan)
    msg = _one_line_failure(assert_close, [1.0, 2.0, 3.0], [1.0, 2.5, 3.0], what="grad")
    assert msg.startswith("grad: 1 of 3 entries off; worst at (1,)")
    _one_line_failure(assert_close, [1.0, 2.0], [1.0, 2.0], atol=0.0, rtol=-1.0)
    _one_line_failure(assert_close, np.zeros((2, 1)), np.zeros(2))  # shapes must agree
    _one_line_failure(assert_close, [np.nan], [0.0])
    assert_close(np.zeros((2, 2)), 0.0)  # a scalar broadcasts, as in numpy


def test_assert_z_within_rejects_a_large_or_undefined_z():
    assert_z_within([0.1, -4.4], 4.5)
    assert "max |z| = 5" in _one_line_failure(assert_z_within, [0.0, -5.0], 4.5)
    _one_line_failure(assert_z_within, [np.nan], 4.5)


def test_assert_invalid_wants_invalid_argument_naming_the_parameter():
    rng = np.random.default_rng(0)
    msg = assert_invalid(numerics.sample_tasks, d=0, size=1, rng=rng, param="d", match=">= 1")
    assert msg == "d must be >= 1, got d=0"
    with pytest.raises(AssertionError, match="does not name"):
        assert_invalid(numerics.sample_tasks, d=0, size=1, rng=rng, param="size")

    def plain_value_error():
        raise ValueError("x must be positive")

    def two_lines():
        raise numerics.InvalidArgument("x is bad\nsee the docs")

    with pytest.raises(ValueError, match="x must be positive"):  # not accepted: it escapes
        assert_invalid(plain_value_error)
    with pytest.raises(AssertionError, match="not one line"):
        assert_invalid(two_lines)
