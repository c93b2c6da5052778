"""Numerical value of a printed formula at a parameter point (numpy, float64).

sympy's ``lambdify`` does not print ``Trace`` or matrix inverses of expressions, so formulas
are evaluated by walking the expression tree. Matrix symbols take their values from a mapping
``name -> ndarray``; scalar symbols (``n``, ``d``, ``eta`` ...) from another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

__all__ = ["HANDLERS", "evaluate", "evaluate_exact"]

#: Extra node types (e.g. a pseudo-inverse) register an evaluator here:
#: ``type -> fn(node, ev, exact)`` where ``ev`` evaluates sub-expressions and ``exact`` tells
#: whether matrices are sympy ``Matrix`` objects (exact) or numpy arrays.
HANDLERS: dict[type, Callable] = {}


def evaluate(
    expr: sp.Expr,
    matrices: Mapping[str, np.ndarray],
    scalars: Mapping[sp.Symbol | str, float],
):
    """Value of ``expr`` in float64 (a float for scalar expressions, an ndarray for matrices)."""
    return _walk(expr, matrices, scalars, exact=False)


def evaluate_exact(
    expr: sp.Expr,
    matrices: Mapping[str, sp.Matrix],
    scalars: Mapping[sp.Symbol | str, sp.Expr],
):
    """Exact value with explicit sympy matrices (e.g. generic symbolic ``d × d`` matrices)."""
    return _walk(expr, matrices, scalars, exact=True)


def _is_matrix(v, exact: bool) -> bool:
    if exact:
        return isinstance(v, sp.MatrixBase)
    return isinstance(v, np.ndarray) and v.ndim == 2


def _walk(expr, matrices, scalars, *, exact: bool):
    scal = {(sp.Symbol(k) if isinstance(k, str) else k): v for k, v in scalars.items()}
    by_name = {str(k): v for k, v in scal.items()}

    def num(x):
        return sp.sympify(x) if exact else float(x)

    def ev(e: sp.Basic):
        for typ, fn in HANDLERS.items():
            if isinstance(e, typ):
                return fn(e, ev, exact)
        if isinstance(e, sp.MatrixSymbol):
            name = str(e.name)
            if name not in matrices:
                raise KeyError(f"no value for the matrix {name}")
            m = matrices[name]
            return sp.Matrix(m) if exact else np.asarray(m, dtype=float)
        if isinstance(e, sp.Identity):
            k = int(ev(e.rows))
            return sp.eye(k) if exact else np.eye(k)
        if isinstance(e, sp.ZeroMatrix):
            r, c = int(ev(e.rows)), int(ev(e.cols))
            return sp.zeros(r, c) if exact else np.zeros((r, c))
        if isinstance(e, sp.Transpose):
            return ev(e.arg).T
        if isinstance(e, sp.Inverse):
            m = ev(e.arg)
            return m.inv() if exact else np.linalg.inv(m)
        if isinstance(e, sp.Trace):
            m = ev(e.arg)
            return m.trace() if exact else float(np.trace(m))
        if isinstance(e, MatrixElement):
            return ev(e.parent)[int(ev(e.i)), int(ev(e.j))]
        if isinstance(e, sp.MatPow):
            base, k = ev(e.base), int(ev(e.exp))
            return base**k if exact else np.linalg.matrix_power(base, k)
        if isinstance(e, sp.MatAdd | sp.Add):
            parts = [ev(a) for a in e.args]
            out = parts[0]
            for part in parts[1:]:
                out = out + part
            return out
        if isinstance(e, sp.MatMul | sp.Mul):
            scalar, mats = num(1), []
            for a in e.args:
                v = ev(a)
                if _is_matrix(v, exact):
                    mats.append(v)
                else:
                    scalar = scalar * v
            if not mats:
                return scalar
            if exact:
                m = mats[0]
                for other in mats[1:]:
                    m = m * other
            else:
                m = mats[0] if len(mats) == 1 else np.linalg.multi_dot(mats)
            return scalar * m
        if isinstance(e, sp.Pow):
            return ev(e.base) ** ev(e.exp)
        if isinstance(e, sp.Symbol):
            if e in scal:
                return num(scal[e])
            if e.name in by_name:
                return num(by_name[e.name])
            if exact:
                return e  # a free scalar stays symbolic
            raise KeyError(f"no value for the scalar {e}")
        if e.is_number:
            return num(e)
        if isinstance(e, sp.Function) and not e.has(sp.MatrixExpr):
            args = [ev(a) for a in e.args]
            return e.func(*args) if exact else float(e.func(*[sp.Float(a, 30) for a in args]))
        raise NotImplementedError(f"cannot evaluate {type(e).__name__}: {e}")

    return ev(sp.sympify(expr))
