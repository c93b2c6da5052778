r"""The optimal post-training covariance of §5.1, derived along a family: the exact post-test
error :math:`E(c)` of the population limit :math:`\tilde V_\infty(cM)` (built by the caller
from the derived :math:`\tilde V_\infty` and Lemma A.1) is a rational function of the scale c;
its stationary points :math:`c^*(n)` come from sympy and :math:`\lim_{n\to\infty} c^*(n)\,M`
is what the printed optimum :math:`A \approx \eta(P_U\Sigma_0P_U + \Delta)` must equal."""

from __future__ import annotations

import sympy as sp

from derivations._letters import n

__all__ = ["optimal_scale_limit", "optimal_scales"]


def optimal_scales(error: sp.Expr, c: sp.Symbol) -> list[sp.Expr]:
    r"""The stationary points :math:`c^*(n)` of the post-test error :math:`E(c)` along
    :math:`A = cM`: the roots (``sympy.solve``) of the factored numerator of
    :math:`\partial_c E`, without those known not to be positive.

    Paper: §5.1, the optimal post-training covariance :math:`A \approx \eta(P_U\Sigma_0P_U +
    \Delta)` restricted to the family :math:`A = c(P_U\Sigma_0P_U + \Delta)`.
    """
    num, _ = sp.fraction(sp.together(sp.diff(error, c)))
    return [s for s in sp.solve(sp.factor(num), c) if s.is_positive is not False]


def optimal_scale_limit(cstar: sp.Expr) -> sp.Expr:
    r""":math:`\lim_{n\to\infty} c^*(n)` of a stationary scale (:func:`optimal_scales`; n the
    prompt length of :mod:`derivations._letters`).

    Paper: §5.1, the large-n optimum :math:`A \approx \eta(P_U\Sigma_0P_U + \Delta)` (so the
    limit must be η along :math:`M = P_U\Sigma_0P_U + \Delta`).
    """
    return sp.limit(cstar, n, sp.oo)
