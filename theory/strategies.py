"""Hypothesis strategies for valid parameters — property-test your own claims with them.

>>> from hypothesis import given, settings
>>> from theory import strategies as lst
>>> @settings(max_examples=5)
... @given(lst.covariances(3, max_condition=100.0))
... def test_psd(C):
...     import numpy as np
...     assert np.linalg.eigvalsh(C).min() >= -1e-12
>>> test_psd()

Every strategy validates its arguments (``InvalidArgument``: ``d >= 1``, finite positive
``scale``, ``max_condition >= 1``, ``0 < min_eta <= max_eta < 1``) when it is built.

Matrices are built from a drawn seed (and condition number) through the same builders the
verifier's own parameter points use, so hypothesis shrinks toward seed 0 and well-conditioned
cases; pinned edge cases (``d = 1``, singular covariances) are reachable by the bounds.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from theory._params import random_covariance, random_matrix, random_symmetric
from theory._validation import InvalidArgument, check_int

__all__ = [
    "covariances",
    "dimensions",
    "etas",
    "prompt_lengths",
    "symmetric_matrices",
    "v_matrices",
]


def dimensions(min_d: int = 1, max_d: int = 6) -> st.SearchStrategy[int]:
    """Feature dimensions ``d`` in ``[min_d, max_d]`` (``min_d >= 1``)."""
    min_d, max_d = check_int("min_d", min_d), check_int("max_d", max_d)
    if max_d < min_d:
        raise InvalidArgument(f"min_d={min_d}, max_d={max_d} is invalid: need 1 <= min_d <= max_d")
    return st.integers(min_d, max_d)


def prompt_lengths(min_n: int = 1, max_n: int = 64) -> st.SearchStrategy[int]:
    """Prompt lengths ``n`` in ``[min_n, max_n]`` (``min_n >= 1``)."""
    min_n, max_n = check_int("min_n", min_n), check_int("max_n", max_n)
    if max_n < min_n:
        raise InvalidArgument(f"min_n={min_n}, max_n={max_n} is invalid: need 1 <= min_n <= max_n")
    return st.integers(min_n, max_n)


def etas(min_eta: float = 1e-3, max_eta: float = 1 - 1e-3) -> st.SearchStrategy[float]:
    """CoT step sizes η in ``[min_eta, max_eta]``, a sub-interval of (0, 1)."""
    if not (_is_real(min_eta) and _is_real(max_eta) and 0 < min_eta <= max_eta < 1):
        raise InvalidArgument(
            f"min_eta={min_eta}, max_eta={max_eta} is invalid: need 0 < min_eta <= max_eta < 1"
        )
    return st.floats(min_eta, max_eta, allow_nan=False, allow_infinity=False)


def _is_real(x: object) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _check_scale(scale: object) -> float:
    """``scale`` must be a finite real number > 0 (a covariance scale or entry std)."""
    if not (_is_real(scale) and np.isfinite(scale) and scale > 0):
        raise InvalidArgument(f"scale={scale!r} is invalid: scale must be a finite number > 0")
    return float(scale)


def _dims(d: object) -> st.SearchStrategy[int]:
    """``d`` as a strategy: a strategy is used as is, an integer must be >= 1 (no 0×0)."""
    if isinstance(d, st.SearchStrategy):
        return d
    return st.just(check_int("d", d))


def _seeds() -> st.SearchStrategy[int]:
    return st.integers(0, 2**32 - 1)


def covariances(
    d: int | st.SearchStrategy[int],
    *,
    max_condition: float = 1e3,
    singular: bool = False,
    scale: float = 1.0,
) -> st.SearchStrategy[np.ndarray]:
    """Symmetric PSD ``d × d`` covariances with condition number in ``[1, max_condition]``;
    with ``singular=True`` some have rank < d."""
    if not (_is_real(max_condition) and np.isfinite(max_condition) and max_condition >= 1):
        raise InvalidArgument(
            f"max_condition={max_condition!r} is invalid: max_condition must be a finite "
            "number >= 1"
        )
    if not isinstance(singular, bool):
        raise InvalidArgument(f"singular={singular!r} is invalid: singular must be True or False")
    scale = _check_scale(scale)
    dims = _dims(d)

    @st.composite
    def build(draw):
        dd = draw(dims)
        cond = draw(st.floats(1.0, max_condition))
        rank = draw(st.integers(0 if singular else dd, dd)) if singular else dd
        return random_covariance(
            np.random.default_rng(draw(_seeds())), dd, condition=cond, rank=rank, scale=scale
        )

    return build()


def v_matrices(
    d: int | st.SearchStrategy[int], *, scale: float = 1.0
) -> st.SearchStrategy[np.ndarray]:
    """General ``d × d`` weight matrices Ṽ (i.i.d. Gaussian entries of variance scale²/d)."""
    scale = _check_scale(scale)
    dims = _dims(d)
    return st.builds(
        lambda dd, seed: random_matrix(np.random.default_rng(seed), dd, scale=scale), dims, _seeds()
    )


def symmetric_matrices(
    d: int | st.SearchStrategy[int], *, scale: float = 1.0
) -> st.SearchStrategy[np.ndarray]:
    """Symmetric (indefinite) ``d × d`` matrices, e.g. the B of the Wishart moment."""
    scale = _check_scale(scale)
    dims = _dims(d)
    return st.builds(
        lambda dd, seed: random_symmetric(np.random.default_rng(seed), dd, scale=scale),
        dims,
        _seeds(),
    )
