r"""Calculus on derived scalar quantities: trace symbols, limits at infinity, stationary points.

A scalar :class:`~derivations.TracePoly` :math:`\sum_t c_t(n, d, \dots)\prod_j
\operatorname{tr}(U_{t,j})` becomes an ordinary sympy expression once every canonical cyclic
word :math:`U` is replaced by one symbol :math:`\tau_U` (:func:`trace_form`). For every
dimension the traces of distinct canonical words are independent, so two trace-form
expressions agree for every ``d`` exactly when they agree as rational functions of ``n``, ``d``,
the scalars and the :math:`\tau`'s — and limits in ``n`` or stationary points in a scalar
are ordinary one-variable calculus on that expression.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from derivations._tracepoly import Letter, TracePoly, Word

__all__ = [
    "critical_points",
    "expr_trace_form",
    "limit_at_infinity",
    "trace_form",
    "trace_values",
]


def _trace_symbol(word: Word, table: dict[sp.Symbol, Word]) -> sp.Symbol:
    sym = sp.Symbol("tr(" + "·".join(map(repr, word)) + ")", real=True)
    table[sym] = word
    return sym


def trace_form(poly: TracePoly, table: dict[sp.Symbol, Word] | None = None) -> sp.Expr:
    r"""The scalar ``poly`` as :math:`\sum_t c_t \prod_j \tau_{U_{t,j}}`; each trace symbol
    is recorded in ``table`` (symbol → canonical word)."""
    if not poly.is_scalar_shape:
        raise ValueError(f"trace_form needs a scalar TracePoly, got shape {poly.shape}")
    table = {} if table is None else table
    total = sp.Integer(0)
    for (_word, traces), coef in poly.terms.items():
        term = sp.sympify(coef)
        for t in traces:
            term = term * _trace_symbol(t, table)
        total += term
    return total


def expr_trace_form(
    expr: sp.Basic, letters: Mapping[str, Letter], table: dict[sp.Symbol, Word] | None = None
) -> sp.Expr:
    r"""A printed scalar formula in trace symbols: every trace (and every ``1 × 1`` matrix
    product) is put in canonical form by :meth:`TracePoly.from_sympy`; sums, products, powers
    (any exponent, so ratios of traces too) and scalar functions are kept as they are."""
    table = {} if table is None else table

    def walk(e: sp.Basic) -> sp.Expr:
        if not e.has(sp.MatrixExpr) and not isinstance(e, sp.MatrixExpr):
            return e
        if isinstance(e, sp.Trace) or (isinstance(e, sp.MatrixExpr) and e.shape == (1, 1)):
            return trace_form(TracePoly.from_sympy(e, letters), table)
        if isinstance(e, sp.Add | sp.Mul | sp.Pow | sp.Function):
            return e.func(*(walk(a) for a in e.args))
        raise NotImplementedError(f"cannot put {type(e).__name__} {e} in trace form")

    return walk(sp.sympify(expr))


def trace_values(
    table: Mapping[sp.Symbol, Word], values: Mapping[str, sp.Matrix]
) -> dict[sp.Symbol, sp.Expr]:
    """Exact value of every trace symbol of ``table`` for explicit matrices ``values``."""
    out = {}
    for sym, word in table.items():
        acc = None
        for letter in word:
            m = values[letter.name]
            m = m.T if letter.transposed else m
            acc = m if acc is None else acc * m
        out[sym] = acc.trace()
    return out


def limit_at_infinity(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    r""":math:`\lim_{v \to \infty} f(v)`. A rational function of ``v`` is decided by its
    leading terms (degrees of numerator and denominator; ``±oo`` when the numerator's degree
    is larger, signed where the leading ratio's sign is known, else ``zoo``); anything else
    goes to :func:`sympy.limit`."""
    expr = sp.together(sp.sympify(expr))
    num, den = sp.fraction(expr)
    try:
        pn, pd = sp.Poly(sp.expand(num), var), sp.Poly(sp.expand(den), var)
    except sp.PolynomialError:
        return sp.limit(expr, var, sp.oo)
    if pn.is_zero:
        return sp.Integer(0)
    dn, dd = pn.degree(), pd.degree()
    lead = sp.cancel(pn.LC() / pd.LC())
    if dn < dd:
        return sp.Integer(0)
    if dn == dd:
        return lead
    if lead.is_positive:
        return sp.oo
    if lead.is_negative:
        return -sp.oo
    return sp.zoo


def critical_points(expr: sp.Expr, var: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> list[sp.Expr]:
    r"""Real zeros of :math:`f'(v)` in ``(lo, hi)`` for an ``expr`` rational in ``var`` with
    exact number coefficients (exact algebraic numbers, ``CRootOf`` where needed)."""
    num, _ = sp.fraction(sp.together(sp.diff(expr, var)))
    poly = sp.Poly(sp.expand(num), var)
    if poly.is_zero:
        return []
    return [r for r in poly.real_roots() if lo < r < hi]
