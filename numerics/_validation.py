"""Argument checks shared by the public functions of :mod:`numerics`.

Every check raises :class:`InvalidArgument` (a :class:`ValueError`) with one line that names
the parameter, shows the offending value (or shape) and says what is valid. ``InvalidArgument``
is defined here, at the bottom layer, once: :mod:`derivations` and :mod:`theory` re-export this
very class, so ``except numerics.InvalidArgument`` catches a bad argument from any package.
Public functions call these once, at their boundary; private helpers trust their inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class InvalidArgument(ValueError):
    """An argument outside its valid range (one-line message: name, value, valid range)."""


#: Largest number of float64 entries a chunk of intermediate arrays should hold (32 MiB).
CHUNK_FLOATS = 1 << 22


def check_int(name: str, value: object, *, min_value: int | None = None) -> int:
    """Return ``value`` as ``int``; it must be an integer (not bool) and ``>= min_value``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InvalidArgument(f"{name} must be an integer, got {name}={value!r}")
    if min_value is not None and value < min_value:
        raise InvalidArgument(f"{name} must be >= {min_value}, got {name}={value}")
    return int(value)


def check_float(
    name: str,
    value: object,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` in the interval given by ``lo``/``hi``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InvalidArgument(f"{name} must be a real number, got {name}={value!r}")
    v = float(value)
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    interval = f"{left}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{right}"
    bad = not np.isfinite(v)
    if lo is not None and (v <= lo if lo_open else v < lo):
        bad = True
    if hi is not None and (v >= hi if hi_open else v > hi):
        bad = True
    if bad:
        raise InvalidArgument(f"{name} must be a finite number in {interval}, got {name}={value!r}")
    return v


def check_rng(rng: object) -> np.random.Generator:
    """``rng`` must be a :class:`numpy.random.Generator` (global random state is never used)."""
    if not isinstance(rng, np.random.Generator):
        raise InvalidArgument(
            "rng must be a numpy.random.Generator (e.g. np.random.default_rng(12345)), "
            f"got rng={type(rng).__name__}"
        )
    return rng


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """``value`` must be one of the strings in ``choices``."""
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise InvalidArgument(f"{name} must be one of {allowed}, got {name}={value!r}")
    return value


def as_float_array(
    name: str,
    value: object,
    shape: Sequence[int | None] | None = None,
    labels: Sequence[str] | None = None,
    *,
    finite: bool = True,
) -> np.ndarray:
    """Convert ``value`` to a float64 array and check its shape and finiteness.

    ``shape`` entries that are ``None`` are free; ``labels`` name the axes in the message,
    e.g. ``shape=(None, 3)``, ``labels=("B", "d")`` prints ``(B, d=3)``.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgument(
            f"{name} must be an array of real numbers, got {type(value).__name__}"
        ) from None
    if shape is not None:
        if labels is None:
            labels = tuple(f"dim{i}" for i in range(len(shape)))
        expected = ", ".join(
            lab if s is None else f"{lab}={s}" for lab, s in zip(labels, shape, strict=True)
        )
        ok = arr.ndim == len(shape) and all(
            s is None or a == s for a, s in zip(arr.shape, shape, strict=False)
        )
        if not ok:
            raise InvalidArgument(f"{name} must have shape ({expected}), got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise InvalidArgument(f"{name} must contain only finite numbers, got a NaN or inf entry")
    return arr


def check_square(name: str, value: object, size: int | None = None) -> np.ndarray:
    """A finite float64 square matrix, optionally of a given size."""
    lab = "d" if size is None else "size"
    arr = as_float_array(name, value, (size, size), (lab, lab))
    if arr.shape[0] != arr.shape[1]:
        raise InvalidArgument(f"{name} must be a square matrix, got shape {arr.shape}")
    if arr.shape[0] < 1:
        raise InvalidArgument(f"{name} must be at least 1x1, got shape {arr.shape}")
    return arr


def check_square_matrix(name: str, value: object) -> np.ndarray:
    """A finite float64 ``d × d`` matrix with ``d >= 1`` (its size sets d for the caller)."""
    arr = as_float_array(name, value, (None, None), ("d", "d"))
    if arr.shape[0] < 1 or arr.shape[1] != arr.shape[0]:
        raise InvalidArgument(f"{name} must be a square d x d matrix, got shape {arr.shape}")
    return arr


def check_embedding_dim(name: str, D: int) -> int:
    """``D`` must be ``2 d + 2`` with ``d >= 1``; returns ``d``."""
    if D < 4 or D % 2:
        raise InvalidArgument(
            f"{name} must be (2d+2)x(2d+2) for some d >= 1 (i.e. even and >= 4), got size {D}"
        )
    return (D - 2) // 2


def auto_batch(per_item_floats: int, batch_size: int | None) -> int:
    """Chunk length: ``batch_size`` if given, else as many items as fit in CHUNK_FLOATS."""
    if batch_size is not None:
        return check_int("batch_size", batch_size, min_value=1)
    return max(1, CHUNK_FLOATS // max(1, per_item_floats))
