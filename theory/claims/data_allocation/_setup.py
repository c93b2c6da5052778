r"""What the §5.1 claims share: the projector on U = range(Δ), the printed on-U and off-U
forms, the optimum A ≈ η(P_UΣ0P_U + Δ) and the displays of the derived counterparts."""

from __future__ import annotations

import sympy as sp

from derivations import optimal_scale_limit
from theory.claims.data_allocation._checks import InsightExact, OptimalASymbolic
from theory.symbols import A, Delta, Sigma0, eta, pinv

#: the projector on U = range(Δ)
P_U = Delta * pinv(Delta)


A_OPT = eta * (P_U * Sigma0 * P_U + Delta)


def _derived_optimum():
    """Display: the exact minimiser c*(n)·M along A = c·M at d = 2, Σ0 = diag(1/10, 1),
    Δ = diag(1, 0), and its limit."""
    (cstar,) = OptimalASymbolic.stationary_points(sp.Rational(1, 10))
    return sp.Tuple(sp.factor(cstar) * (P_U * Sigma0 * P_U + Delta), optimal_scale_limit(cstar))


ERR_ALIGNED = sp.Symbol("Err_aligned", positive=True)


ERR_COVERED = sp.Symbol("Err_covered", positive=True)


def _derived_insight(rho: sp.Expr | None = None, m: int = 5, r: sp.Expr = 0, nn: int = 100):
    """Display: the exact population errors of both arms at d = 10 and the given (ρ, m, r, n)
    (default: ρ = 1/10, r = 0, §5.1's setting range(A_Δ) = U)."""
    rho = sp.Rational(1, 10) if rho is None else rho
    errs = InsightExact.exact_errors(rho, m, r, nn)
    return sp.Tuple(sp.Eq(ERR_ALIGNED, errs["aligned"]), sp.Eq(ERR_COVERED, errs["covered"]))


_ARMS = (
    "Fig. 1's setting Σ0 = diag(ρ1_m, 1_{d−m}), Δ = diag(1_m, 0), η = 0.2: aligned data "
    "A_Δ = diag(η(ρ+1)1_m, r1_{d−m}); covered data A_c = diag(r1_m, a1_{d−m}) with the same "
    "trace (r: the interference level on the other block; the covered arm is our construction, "
    "the paper names no such arm)."
)


_ = A
