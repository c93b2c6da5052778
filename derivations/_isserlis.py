r"""Index-level Gaussian moments for explicit (small) dimension, symbolic ``n``.

Independent of the matrix-level engine in :mod:`derivations._wick`: here every quantity is a
polynomial in the *entries* of generic symbolic matrices, and expectations are taken monomial
by monomial.

* Isserlis: :math:`E[x_{i_1}\cdots x_{i_{2k}}] = \sum_{\text{pairings}} \prod C_{i_a i_b}`.
* Empirical covariance :math:`S = \frac1n \sum_{a=1}^n x_a x_a^\top`: for a monomial
  :math:`\prod_{t=1}^m S_{i_t j_t}`,

  .. math:: E\Big[\prod_t S_{i_t j_t}\Big] = \sum_{P} \frac{n(n-1)\cdots(n-|P|+1)}{n^m}
            \prod_{\beta\in P} E\Big[\prod_{t\in\beta} x_{i_t} x_{j_t}\Big],

  the sum running over set partitions ``P`` of the ``m`` factors (which factors share a sample).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import sympy as sp

from derivations._validation import InvalidArgument
from derivations._wick import perfect_matchings, set_partitions

__all__ = [
    "expect_gaussian_vector",
    "expect_wishart",
    "generic_matrix",
    "generic_vector",
    "isserlis_moment",
    "wishart_moment",
]


def generic_matrix(name: str, rows: int, cols: int | None = None, *, symmetric: bool = False):
    """A sympy ``Matrix`` of independent real symbols ``name_ij`` (``name_ij = name_ji`` if
    symmetric). Indices are 1-based in the symbol names."""
    cols = rows if cols is None else cols
    if symmetric and rows != cols:
        raise InvalidArgument(f"a symmetric matrix must be square, got {rows}x{cols}")

    def entry(i: int, j: int) -> sp.Symbol:
        if symmetric and i > j:
            i, j = j, i
        return sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True)

    return sp.Matrix(rows, cols, lambda i, j: entry(i, j))


def generic_vector(name: str, dim: int):
    """A ``dim × 1`` sympy ``Matrix`` of real symbols ``name_i``."""
    return sp.Matrix(dim, 1, lambda i, _j: sp.Symbol(f"{name}_{i + 1}", real=True))


def isserlis_moment(indices: Sequence[int], cov: sp.Matrix) -> sp.Expr:
    r""":math:`E[\prod_t x_{i_t}]` for :math:`x \sim N(0, C)` (Isserlis' theorem)."""
    return _isserlis_cached(tuple(sorted(indices)), _freeze(cov))


def _freeze(m: sp.Matrix) -> tuple:
    return (m.shape, tuple(m))


def _thaw(frozen: tuple) -> sp.Matrix:
    (r, c), entries = frozen
    return sp.Matrix(r, c, list(entries))


@cache
def _isserlis_cached(indices: tuple[int, ...], frozen_cov: tuple) -> sp.Expr:
    cov = _thaw(frozen_cov)
    total = sp.Integer(0)
    for matching in perfect_matchings(list(range(len(indices)))):
        term = sp.Integer(1)
        for a, b in matching:
            term *= cov[indices[a], indices[b]]
        total += term
    return sp.expand(total)


def wishart_moment(pairs: Sequence[tuple[int, int]], cov: sp.Matrix, n: sp.Expr) -> sp.Expr:
    r""":math:`E[\prod_t S_{i_t j_t}]` for the empirical covariance of ``n`` draws of
    :math:`N(0, C)` (formula in the module docstring).

    Paper: Lemma A.2 (claim wishart_moment, used in Prop 4.3 and Lemma A.1).
    """
    return _wishart_cached(tuple(sorted(tuple(sorted(p)) for p in pairs)), _freeze(cov), n)


@cache
def _wishart_cached(pairs: tuple, frozen_cov: tuple, n: sp.Expr) -> sp.Expr:
    m = len(pairs)
    total = sp.Integer(0)
    for part in set_partitions(list(range(m))):
        count = sp.Integer(1)
        for j in range(len(part)):
            count *= n - j
        term = count / n**m
        for block in part:
            idx = [i for t in block for i in pairs[t]]
            term *= _isserlis_cached(tuple(sorted(idx)), frozen_cov)
        total += term
    return total


def _entry_symbols(S: sp.Matrix) -> dict[sp.Symbol, tuple[int, int]]:
    out: dict[sp.Symbol, tuple[int, int]] = {}
    for i in range(S.rows):
        for j in range(S.cols):
            sym = S[i, j]
            if not isinstance(sym, sp.Symbol):
                raise InvalidArgument("S must be a matrix of plain symbols (use generic_matrix)")
            out.setdefault(sym, (i, j))
    return out


def expect_wishart(expr: sp.Expr, S: sp.Matrix, cov: sp.Matrix, n: sp.Expr) -> sp.Expr:
    """Expectation of a polynomial in the entries of the symmetric symbol matrix ``S``,
    where ``S`` is the empirical covariance of ``n`` draws of ``N(0, cov)``."""
    index = _entry_symbols(S)
    gens = list(index)
    poly = sp.Poly(sp.expand(expr), *gens)
    total = sp.Integer(0)
    for monom, coef in poly.terms():
        pairs = [index[g] for g, k in zip(gens, monom, strict=True) for _ in range(k)]
        total += coef * wishart_moment(pairs, cov, n) if pairs else coef
    return total


def expect_gaussian_vector(expr: sp.Expr, w: sp.Matrix, cov: sp.Matrix | None = None) -> sp.Expr:
    """Expectation of a polynomial in the entries of ``w ~ N(0, cov)`` (``cov=None``: I)."""
    gens = list(w)
    cov = sp.eye(len(gens)) if cov is None else cov
    poly = sp.Poly(sp.expand(expr), *gens)
    total = sp.Integer(0)
    for monom, coef in poly.terms():
        idx = [i for i, k in enumerate(monom) for _ in range(k)]
        total += coef * isserlis_moment(idx, cov) if idx else coef
    return total
