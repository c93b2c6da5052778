"""Validation at the public boundary, in one place.

Every failure raises :class:`InvalidArgument` (a ``ValueError``) whose message is one line
naming the parameter, its value and the valid range, e.g. ``n=0 is invalid: n must be an
integer >= 1``. The CLI prints that line and exits with status 2. ``InvalidArgument`` itself
is defined once, in :mod:`numerics` (the bottom layer), and re-exported here and by
:mod:`derivations`: one class for every package.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from numerics import InvalidArgument

__all__ = [
    "InvalidArgument",
    "check_choice",
    "check_covariance",
    "check_eta",
    "check_finite_matrix",
    "check_int",
    "check_probability",
]


def _fmt(value: object) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=9, max_line_width=10_000)
    return repr(value)


def check_int(name: str, value: object, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An integer in ``[minimum, maximum]`` (bools and floats with a fraction are refused)."""
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not ok and isinstance(value, float) and value.is_integer():
        value, ok = int(value), True
    rng = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
    if not ok or value < minimum or (maximum is not None and value > maximum):
        raise InvalidArgument(f"{name}={_fmt(value)} is invalid: {name} must be an integer {rng}")
    return int(value)


def check_probability(
    name: str, value: object, *, open_low: bool = True, open_high: bool = True
) -> float:
    """A real number in ``(0, 1)`` (ends open or closed as asked)."""
    lo, hi = ("(" if open_low else "["), (")" if open_high else "]")
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        x = math.nan
    bad = (
        not math.isfinite(x) or (x <= 0 if open_low else x < 0) or (x >= 1 if open_high else x > 1)
    )
    if bad:
        raise InvalidArgument(f"{name}={_fmt(value)} is invalid: {name} must lie in {lo}0, 1{hi}")
    return x


def check_eta(eta: object) -> float:
    """The CoT step size η ∈ (0, 1)."""
    return check_probability("eta", eta)


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    choices = list(choices)
    if value not in choices:
        raise InvalidArgument(
            f"{name}={_fmt(value)} is invalid: {name} must be one of {', '.join(choices)}"
        )
    return str(value)


def check_finite_matrix(
    name: str, value: object, *, shape: tuple[int, int] | None = None
) -> np.ndarray:
    """A finite real 2-d array (of the given shape, if any)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgument(
            f"{name}={_fmt(value)} is invalid: {name} must be a real matrix"
        ) from None
    if arr.ndim != 2:
        raise InvalidArgument(f"{name} has shape {arr.shape}: {name} must be a 2-d matrix")
    if shape is not None and arr.shape != shape:
        raise InvalidArgument(f"{name} has shape {arr.shape}: {name} must have shape {shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidArgument(f"{name} contains NaN or inf: {name} must be finite")
    return arr


def check_covariance(
    name: str, value: object, *, d: int | None = None, definite: bool = False, rtol: float = 1e-10
) -> np.ndarray:
    """A symmetric PSD (``definite=True``: positive definite) ``d × d`` matrix."""
    arr = check_finite_matrix(name, value, shape=None if d is None else (d, d))
    if arr.shape[0] != arr.shape[1]:
        raise InvalidArgument(f"{name} has shape {arr.shape}: {name} must be square")
    scale = max(1.0, float(np.max(np.abs(arr))))
    if not np.allclose(arr, arr.T, atol=rtol * scale, rtol=0):
        raise InvalidArgument(f"{name} is not symmetric: {name} must be a symmetric covariance")
    lam = float(np.linalg.eigvalsh((arr + arr.T) / 2).min())
    if definite and lam <= rtol * scale:
        raise InvalidArgument(
            f"{name} has smallest eigenvalue {lam:.3g}: {name} must be positive definite"
        )
    if lam < -rtol * scale * arr.shape[0]:
        raise InvalidArgument(
            f"{name} has smallest eigenvalue {lam:.3g}: {name} must be positive semi-definite"
        )
    return (arr + arr.T) / 2
