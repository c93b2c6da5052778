"""The tests' one set of assertions: closeness within a tolerance, z-scores within a critical
value, and bad input rejected with one :class:`numerics.InvalidArgument` line naming the
parameter. Each failure is one line that says what was compared."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import numerics


def assert_close(
    actual: Any, expected: Any, *, rtol: float = 1e-7, atol: float = 0.0, what: str = "value"
) -> None:
    """``|actual - expected| <= atol + rtol·|expected|`` entrywise: the rule and the defaults of
    ``np.testing.assert_allclose`` (NaN equals NaN; the shapes agree, or one side is a scalar),
    with a one-line message."""
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape and a.ndim and e.ndim:
        raise AssertionError(f"{what}: shape {a.shape} vs expected {e.shape}")
    a, e = np.broadcast_arrays(a, e)
    err = np.abs(a - e)
    tol = atol + rtol * np.abs(e)
    bad = ~((err <= tol) | (np.isnan(a) & np.isnan(e)))
    if bad.any():
        ratio = np.where(bad, np.nan_to_num(err / np.where(tol > 0, tol, np.inf), nan=np.inf), 0)
        i = np.unravel_index(int(np.argmax(ratio)), a.shape) if a.ndim else ()
        at = f" at {tuple(int(j) for j in i)}" if a.ndim else ""
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {a.size} entries off; worst{at}: {a[i]!r} vs "
            f"{e[i]!r} (|diff| {float(err[i]):.3g} > atol {atol:g} + rtol {rtol:g}·|expected|)"
        )


def assert_z_within(z: Any, critical: float, *, what: str = "z-score") -> None:
    """Every ``|z| < critical`` (a Monte Carlo estimate within ``critical`` standard errors)."""
    arr = np.abs(np.asarray(z, dtype=float))
    if not np.all(arr < critical):  # NaN fails too
        worst = float(np.nanmax(arr)) if np.any(~np.isnan(arr)) else float("nan")
        raise AssertionError(
            f"{what}: max |z| = {worst:.3g} (of {arr.size}) is not below {critical:.3g}"
        )


def assert_invalid(
    call: Callable[..., Any],
    *args: Any,
    param: str | Sequence[str] | None = None,
    match: str | None = None,
    **kwargs: Any,
) -> str:
    """``call(*args, **kwargs)`` raises :class:`numerics.InvalidArgument` (the one class every
    package raises; a ``ValueError``) with a one-line message that names ``param`` (a name, or
    any one of several) and matches the regex ``match``; returns the message."""
    with pytest.raises(numerics.InvalidArgument) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message, f"not one line: {message!r}"
    if param is not None:
        names = [param] if isinstance(param, str) else list(param)
        assert any(re.search(rf"(?<![\w.]){re.escape(p)}(?!\w)", message) for p in names), (
            f"message does not name {' or '.join(names)}: {message!r}"
        )
    if match is not None:
        assert re.search(match, message), f"message {message!r} does not match {match!r}"
    return message
