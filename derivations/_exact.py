r"""Generic exact tools: random rational points drawn from a numpy generator, and the exact
test whether two sympy expressions (or matrices) are equal.

The draws are reproducible bit for bit: the entries of a matrix are drawn in row-major order
by one vectorised ``rng.integers`` call, which (numpy's ``Generator``, int64 draws) gives the
same numbers as one scalar call per entry (``tests/test_exact_tools.py`` checks it).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Literal

import sympy as sp

if TYPE_CHECKING:
    import numpy as np

__all__ = ["exact_difference", "random_rational", "random_rational_matrix"]


def random_rational(rng: np.random.Generator, lo: int, hi: int, den: int = 1) -> sp.Rational:
    r""":math:`k/\mathrm{den}` with :math:`k` uniform on the integers ``lo ≤ k < hi`` (one
    scalar ``rng.integers(lo, hi)`` draw)."""
    return sp.Rational(int(rng.integers(lo, hi)), den)


def random_rational_matrix(
    rng: np.random.Generator,
    rows: int,
    cols: int,
    lo: int,
    hi: int,
    den: int = 1,
    *,
    lower: bool = False,
) -> sp.Matrix:
    r"""A ``rows × cols`` matrix with entries :math:`k_{ij}/\mathrm{den}`, :math:`k_{ij}`
    uniform on the integers ``lo ≤ k < hi``, drawn in row-major order (module docstring);
    ``lower``: only the entries :math:`i \ge j` are drawn, the others are 0."""
    cells = [(i, j) for i in range(rows) for j in range(cols) if not lower or i >= j]
    out = sp.zeros(rows, cols)
    for (i, j), k in zip(cells, rng.integers(lo, hi, len(cells)), strict=True):
        out[i, j] = sp.Rational(int(k), den)
    return out


def _random_point_difference(pairs: list[tuple[sp.Expr, sp.Expr]]) -> sp.Symbol | None:
    """A marker symbol if some ``x − y`` is nonzero at one fixed random rational point."""
    symbols = sorted(set().union(*(sp.sympify(x - y).free_symbols for x, y in pairs)), key=str)
    gen = random.Random(12345)
    point = {s_: sp.Rational(gen.randint(1, 97), gen.randint(1, 13)) for s_ in symbols}
    for x, y in pairs:
        at = sp.sympify(x - y).xreplace(point)
        if sp.nsimplify(at) != 0:
            return sp.Symbol(f"nonzero_at_a_random_rational_point({at})")
    return None


def exact_difference(
    a: sp.Basic | sp.MatrixBase,
    b: sp.Basic | sp.MatrixBase,
    *,
    test: Literal["numerator", "cancel", "laurent"] = "numerator",
) -> sp.Basic | None:
    r"""``None`` if :math:`a = b` exactly (entrywise for matrices), else the first nonzero
    difference :math:`\operatorname{expand}(a - b)` (a marker symbol for unequal shapes).

    An entry :math:`e = a - b` is zero when :math:`\operatorname{expand}(e) = 0` or, by
    ``test``: ``"numerator"`` — the expanded numerator of :math:`\operatorname{together}(e)`
    is 0; ``"cancel"`` — :math:`\operatorname{cancel}(\operatorname{together}(e)) = 0`
    (instead of the expansion); ``"laurent"`` — both sides are Laurent polynomials (powers of
    the symbols in denominators only), so the expansion alone decides, after a cheap test at
    one random rational point (a nonzero value there proves inequality and returns a marker
    symbol naming it) that spares expanding the large expressions of wrong formulas."""
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        a, b = sp.Matrix(a), sp.Matrix(b)
        if a.shape != b.shape:
            return sp.Symbol(f"shape{a.shape}!=shape{b.shape}")
        pairs = list(zip(a, b, strict=True))
    else:
        pairs = [(a, b)]
    if test == "laurent":
        marker = _random_point_difference(pairs)
        if marker is not None:
            return marker
    for x, y in pairs:
        if test == "cancel":
            if sp.cancel(sp.together(x - y)) != 0:
                return sp.expand(x - y)
            continue
        e = sp.expand(x - y)
        if e == 0:
            continue
        if test == "laurent" or sp.expand(sp.fraction(sp.together(e))[0]) != 0:
            return e
    return None
