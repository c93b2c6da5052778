r"""Outcome supervision at d = 1, exactly: the k-step rollout of the derived step map at scalar
weights, and what §6 reads off it — the gradient, the Gauss–Newton Hessian and the largest
stable gradient-descent step of the local quadratic model.

At d = 1, W̃ = I: :math:`m = 1 + v s` (M of Proposition 6.1, ρ(M) = |m|), the residual of
one prompt is :math:`r(v) = \hat w_k - w^* = m^k w^*` (from the derived step map of (A.1)), the
OS loss :math:`\tfrac12 r^2`.
"""

from __future__ import annotations

import sympy as sp

from derivations._letters import d
from derivations._os import os_iterate_at, os_loss

__all__ = [
    "OS_D1_SYMBOLS",
    "os_d1_gauss_newton",
    "os_d1_gradient",
    "os_d1_hessian",
    "os_d1_residual",
    "os_d1_stable_step",
    "os_d1_values",
]

_v, _s, _w = sp.symbols("v s w", real=True)
#: the scalar weight Ṽ = v, sample covariance S = s and task w* = w of the d = 1 rollout
OS_D1_SYMBOLS = (_v, _s, _w)


def os_d1_values() -> dict[str, sp.Matrix]:
    """The 1×1 matrices Ṽ = (v), S = (s), w* = (w), W̃ = I at which the rollout of
    Proposition 6.1 is evaluated (§6's d = 1 case)."""
    return {
        "Vt": sp.Matrix([[_v]]),
        "S": sp.Matrix([[_s]]),
        "w": sp.Matrix([[_w]]),
        "Wt": sp.eye(1),
    }


def os_d1_gradient(k: int = 3) -> sp.Expr:
    r""":math:`\partial_v \tfrac12\|\hat w_k - w^*\|^2` at d = 1 (the gradient of §6 / Appendix E
    at one prompt, derived from the unrolled rollout of Proposition 6.1)."""
    loss = os_loss(k, wt_identity=True).evaluate(os_d1_values(), {d: 1})
    return sp.factor(sp.diff(loss, _v))


def os_d1_residual(k: int = 3) -> tuple[sp.Expr, sp.Expr]:
    r"""``(r, J)``: the residual :math:`r(v) = \hat w_k - w^*` of one prompt at d = 1 (the
    derived rollout of Proposition 6.1 at :func:`os_d1_values`) and its Jacobian
    :math:`J = \partial_v r`, both expanded polynomials in v, s, w.

    Paper: Proposition 6.1 / §6 (at d = 1, :math:`r = -m^k w^*`, :math:`m = 1 + vs`).
    """
    r = os_iterate_at(k, os_d1_values())[0, 0] - _w
    return r, sp.diff(r, _v)


def os_d1_gauss_newton(k: int = 3) -> sp.Expr:
    r"""The Gauss–Newton Hessian :math:`J^2`, :math:`J = \partial_v r`, :math:`r = \hat w_k - w^*`
    at d = 1 — the Hessian of the OS loss at a minimiser (r = 0), (6.1) / Appendix E."""
    return sp.factor(os_d1_residual(k)[1] ** 2)


def os_d1_hessian(k: int = 3) -> sp.Expr:
    r"""The full Hessian :math:`H = \partial_v^2 \tfrac12 r^2 = J^2 + r\,\partial_v J` of one
    prompt's OS loss at d = 1 (:func:`os_d1_residual`), factored; :math:`J^2` at a minimiser.

    Paper: §6 / Appendix E, the curvature of the OS loss.
    """
    r, J = os_d1_residual(k)
    return sp.factor(J**2 + r * sp.diff(J, _v))


def os_d1_stable_step(k: int = 3) -> sp.Expr:
    r""":math:`2/H`, :math:`H = \partial_v^2 \tfrac12 r^2` at d = 1: the largest stable GD step
    of the local quadratic model of the OS loss (§6, Insight 4)."""
    r = os_iterate_at(k, os_d1_values())[0, 0] - _w
    return sp.factor(2 / sp.diff(r**2 / 2, _v, 2))
