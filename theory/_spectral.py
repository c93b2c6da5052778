r"""Scalar functions of matrices that printed formulas use, with their evaluators.

* :class:`LambdaMax` — :math:`\lambda_{\max}(X)`, the largest eigenvalue of a symmetric matrix;
* :class:`LambdaMinPlus` — :math:`\lambda^{+}_{\min}(X)`, its smallest *nonzero* eigenvalue
  (eigenvalues below ``1e-10 · λ_max`` count as zero, as for the pseudo-inverse);
* evaluators for ``Abs``, ``Max``, ``Min`` of matrix-dependent scalars and for finite
  ``Sum``\ s with integer bounds (e.g. :math:`c_k = \sum_{i=0}^{k} \rho_c^{2i}`), which
  :mod:`theory._evaluate` does not handle by itself.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from theory._evaluate import HANDLERS

__all__ = ["LambdaMax", "LambdaMinPlus"]


class _Spectral(sp.Expr):
    is_real = True
    is_nonnegative = True
    _tex = ""

    def __new__(cls, arg: sp.MatrixExpr):
        return sp.Expr.__new__(cls, sp.sympify(arg))

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[0]

    def _latex(self, printer) -> str:
        return rf"{self._tex}\left({printer._print(self.arg)}\right)"

    def _sympystr(self, printer) -> str:
        return f"{type(self).__name__}({printer._print(self.arg)})"


class LambdaMax(_Spectral):
    r""":math:`\lambda_{\max}(X)` of a symmetric matrix expression X."""

    _tex = r"\lambda_{\max}"


class LambdaMinPlus(_Spectral):
    r""":math:`\lambda^{+}_{\min}(X)`: the smallest nonzero eigenvalue of a symmetric X."""

    _tex = r"\lambda^{+}_{\min}"


def _eigs(node, ev, exact):
    m = ev(node.arg)
    if exact:
        vals = [v for v, mult in m.eigenvals().items() for _ in range(mult)]
        return sorted(vals, key=lambda v: float(v))
    return np.linalg.eigvalsh(0.5 * (m + m.T))


def _lambda_max(node, ev, exact):
    vals = _eigs(node, ev, exact)
    return vals[-1] if exact else float(vals[-1])


def _lambda_min_plus(node, ev, exact):
    vals = _eigs(node, ev, exact)
    if exact:
        return next(v for v in vals if v != 0)
    top = float(np.max(np.abs(vals)))
    return float(vals[np.abs(vals) > 1e-10 * top][0] if top > 0 else 0.0)


def _abs(node, ev, exact):
    return abs(ev(node.args[0]))


def _max(node, ev, exact):
    vals = [ev(a) for a in node.args]
    return sp.Max(*vals) if exact else max(vals)


def _min(node, ev, exact):
    vals = [ev(a) for a in node.args]
    return sp.Min(*vals) if exact else min(vals)


def _sum(node, ev, exact):
    """A finite sum with integer bounds, term by term (bounds evaluated at the point)."""
    body, *limits = node.args
    if len(limits) != 1:
        raise NotImplementedError(f"only single sums are evaluated, got {node}")
    var, lo, hi = limits[0]
    lo, hi = int(ev(lo)), int(ev(hi))
    total = sp.Integer(0) if exact else 0.0
    for j in range(lo, hi + 1):
        total = total + ev(body.xreplace({var: sp.Integer(j)}))
    return total


HANDLERS[LambdaMax] = _lambda_max
HANDLERS[LambdaMinPlus] = _lambda_min_plus
HANDLERS[sp.Abs] = _abs
HANDLERS[sp.Max] = _max
HANDLERS[sp.Min] = _min
HANDLERS[sp.Sum] = _sum
