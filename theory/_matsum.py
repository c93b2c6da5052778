r"""A finite sum of matrix expressions, :math:`\sum_{i=lo}^{hi} X(i)`, for printed formulas with
a symbolic number of CoT steps (e.g. Proposition 6.1's :math:`\sum_{i=0}^{k-1}(\cdot)^i`).

sympy's ``Sum`` does not accept matrix summands; :class:`MatSum` is a ``MatrixExpr`` that
prints as a sum, evaluates numerically (registered in :data:`theory._evaluate.HANDLERS`) and is
expanded into an explicit ``MatAdd`` once the bounds are integers (:func:`at_steps`).

>>> import sympy as sp
>>> from theory.symbols import S, Vt, k
>>> i = sp.Symbol("i", integer=True)
>>> at_steps(msum(sp.MatPow(Vt * S, i), i, 0, k - 1), 2)
I + Vt*S
"""

from __future__ import annotations

import sympy as sp

from derivations import k as k_symbol

__all__ = ["MatSum", "at_steps", "msum"]


class MatSum(sp.MatrixExpr):
    """:math:`\\sum_{index=lo}^{hi} summand` (empty when hi < lo)."""

    def __new__(cls, summand: sp.MatrixExpr, index: sp.Symbol, lo, hi):
        return sp.Basic.__new__(cls, summand, index, sp.sympify(lo), sp.sympify(hi))

    @property
    def summand(self) -> sp.MatrixExpr:
        return self.args[0]

    @property
    def index(self) -> sp.Symbol:
        return self.args[1]

    @property
    def bounds(self) -> tuple[sp.Expr, sp.Expr]:
        return self.args[2], self.args[3]

    @property
    def shape(self):
        return self.summand.shape

    @property
    def free_symbols(self):
        lo, hi = self.bounds
        return (self.summand.free_symbols - {self.index}) | lo.free_symbols | hi.free_symbols

    def expanded(self) -> sp.MatrixExpr:
        """The explicit sum; the bounds must be integers."""
        lo, hi = self.bounds
        if not (lo.is_Integer and hi.is_Integer):
            raise ValueError(f"bounds {lo}..{hi} of {self} are not integers (substitute k first)")
        terms = [self.summand.subs(self.index, j) for j in range(int(lo), int(hi) + 1)]
        if not terms:
            return sp.ZeroMatrix(*self.shape)
        return sp.MatAdd(*terms).doit() if len(terms) > 1 else terms[0].doit()

    def _latex(self, printer) -> str:
        lo, hi = self.bounds
        body = printer._print(self.summand)
        if isinstance(self.summand, sp.MatAdd):
            body = rf"\left({body}\right)"
        return (
            rf"\sum_{{{printer._print(self.index)}={printer._print(lo)}}}^{{{printer._print(hi)}}}"
            f" {body}"
        )

    def _sympystr(self, printer) -> str:
        lo, hi = self.bounds
        return f"Sum({printer._print(self.summand)}, ({self.index}, {lo}, {hi}))"


def msum(summand: sp.MatrixExpr, index: sp.Symbol, lo, hi) -> MatSum:
    r""":math:`\sum_{index=lo}^{hi} summand` as a matrix expression."""
    return MatSum(summand, index, lo, hi)


def at_steps(expr: sp.Basic, steps: int, symbol: sp.Symbol = k_symbol) -> sp.Basic:
    """``expr`` at ``k = steps`` with every :class:`MatSum` expanded (for the trace-polynomial
    and index-level engines, which need explicit integer powers)."""
    out = sp.sympify(expr).subs(symbol, steps)
    while out.has(MatSum):
        out = out.replace(lambda e: isinstance(e, MatSum), lambda e: e.expanded())
    return out


def _eval_matsum(node: MatSum, ev, exact: bool):
    lo, hi = (int(ev(b)) for b in node.bounds)
    total = None
    for j in range(lo, hi + 1):
        val = ev(node.summand.subs(node.index, j))
        total = val if total is None else total + val
    if total is None:
        r, c = (int(ev(s)) for s in node.shape)
        if exact:
            return sp.zeros(r, c)
        import numpy as np

        return np.zeros((r, c))
    return total


def _register() -> None:
    from theory._evaluate import HANDLERS

    HANDLERS[MatSum] = _eval_matsum


_register()
