r"""The Moore–Penrose pseudo-inverse as a sympy matrix expression.

Derivations use it to write a minimum-norm solution (:func:`derivations.nearest_stationary_point`);
:mod:`theory.symbols` re-exports the same class (its ``pinv`` builds it), and :mod:`theory`
registers how to evaluate it (``numpy.linalg.pinv`` in float64, ``sympy.Matrix.pinv``
exactly)."""

from __future__ import annotations

import sympy as sp

__all__ = ["PseudoInverse"]


class PseudoInverse(sp.MatrixExpr):
    r"""The Moore–Penrose pseudo-inverse :math:`X^\dagger` of a matrix expression.

    Evaluated with ``numpy.linalg.pinv`` (float64; singular values below
    ``1e-10 · σ_max`` count as zero) or ``sympy.Matrix.pinv`` (exact).
    """

    def __new__(cls, arg: sp.MatrixExpr):
        return sp.Basic.__new__(cls, sp.sympify(arg))

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[0]

    @property
    def shape(self):
        return (self.arg.shape[1], self.arg.shape[0])

    def _latex(self, printer) -> str:
        inner = printer._print(self.arg)
        if not isinstance(self.arg, sp.MatrixSymbol):
            inner = rf"\left({inner}\right)"
        return inner + r"^{\dagger}"

    def _sympystr(self, printer) -> str:
        return f"pinv({printer._print(self.arg)})"
