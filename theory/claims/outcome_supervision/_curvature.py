r"""Checks of the §6 / Appendix E curvature arguments: how the OS gradient and the top Hessian
eigenvalue scale with the number of CoT steps k and with the spectral radius :math:`\rho(M_\tau)`,
:math:`M_\tau = I + \tilde V S_\tau` (:math:`\tilde W = I`).

The printed laws are sympy expressions in ``k`` and one per-prompt scalar: ``rho``
(:math:`\rho(M_\tau)`) or ``opnorm`` (:math:`\|M_\tau\|_{op}`), e.g. :math:`k^2\rho^{2k-2}`.

* exact, d = 1: the loss, gradient and Hessian are derived from the unrolled forward pass
  (:mod:`derivations._os`) and compared with the law's form (at d = 1, :math:`\rho = \|M\|`);
* exact, d = 2: zero-residual points with a non-normal M (e.g. nilpotent), where the Hessian is
  :math:`J^\top J` and the spectral radius and the operator norm disagree;
* simulation: per-prompt gradient norms of the real rollout over k (rates against the law),
  and top Hessian eigenvalues at minimisers reached by training (the exponents of k and of ρ
  fitted separately, with standard errors, each tested against the printed one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from derivations import OS_D1_SYMBOLS, os_d1_hessian, os_d1_residual
from theory._check import Check
from theory._claim import Claim
from theory._stats import upper_tail_p
from theory._verdict import Evidence, Outcome
from theory.symbols import k as k_sym

if TYPE_CHECKING:
    from theory._context import RunContext


#: :math:`\rho(M_\tau)` and :math:`\|M_\tau\|_{op}` as the scalars a printed law may use.
RHO = sp.Symbol("rho", nonnegative=True)


OPNORM = sp.Symbol("opnorm", nonnegative=True)


def law_values(law: sp.Expr, k: np.ndarray, rho: np.ndarray, opnorm: np.ndarray) -> np.ndarray:
    """The law evaluated elementwise (broadcast) at ``k``, ``rho``, ``opnorm``."""
    f = sp.lambdify((k_sym, RHO, OPNORM), law, "numpy")
    k, rho, opnorm = np.broadcast_arrays(
        np.asarray(k, float), np.asarray(rho, float), np.asarray(opnorm, float)
    )
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return np.asarray(f(k, rho, opnorm), dtype=float) * np.ones_like(k)


def band_test(est: float, se: float, lo: float, hi: float, dof: int | None) -> tuple[float, float]:
    r"""``(z, p)`` of ``H0: the parameter lies in [lo, hi]`` from an estimate and its standard
    error: the one-sided test against the nearer edge (z = 0, p = 1 inside the band;
    Student t with ``dof`` degrees of freedom when given)."""
    gap = max(lo - est, est - hi, 0.0)
    if gap == 0.0:
        return 0.0, 1.0
    if se <= 0:
        return math.inf, 0.0
    z = gap / se
    return z, upper_tail_p(z, dof)


def _spectra(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.abs(np.linalg.eigvals(M)).max(axis=-1), np.linalg.norm(M, 2, axis=(-2, -1))


# ------------------------------------------------------------------------------ d = 1, exact
_v, _s = OS_D1_SYMBOLS[:2]


@dataclass
class HessianLawD1(Check):
    r"""Exact at d = 1: the Hessian of the derived loss is :math:`H = J^2 + r\,r''`
    (:func:`derivations.os_d1_residual`, :func:`derivations.os_d1_hessian`); at a
    minimiser (r = 0) it is the Gauss–Newton part :math:`J^2`, which must equal
    :math:`C\,f(k, |m|)` for the law f, k = 1..K, with C free of k and of the weight v (so free
    of ρ = |m| = |1 + vs|). With ``reciprocal`` the law is a step size (Insight 4): the stable
    step :math:`2/J^2` of the local quadratic model must be :math:`C f`, i.e.
    :math:`J^2 f` free of k and v."""

    steps: tuple[int, ...] = (1, 2, 3, 4, 5)
    reciprocal: bool = False
    name: str = field(default="exact_d1", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        m = 1 + _v * _s
        ratios, full = [], None
        for kk in self.steps:
            _, J = os_d1_residual(kk)
            f = claim.formula.subs({k_sym: kk, RHO: m, OPNORM: m})
            ratios.append(sp.factor(sp.cancel(J**2 * f if self.reciprocal else J**2 / f)))
        full = os_d1_hessian(self.steps[-1])
        same_k = all(sp.cancel(q - ratios[0]) == 0 for q in ratios)
        free_of_rho = not any(q.has(_v) for q in ratios)
        what = "J²·law" if self.reciprocal else "J²/law"
        subject = (
            "stable step 2/J² of the local quadratic model ∝ the law"
            if self.reciprocal
            else "Gauss–Newton Hessian J² at a minimiser ∝ the law"
        )
        if same_k and free_of_rho:
            detail = f"{what} = {ratios[0]} at every k (free of v, hence of ρ)"
        elif same_k:
            detail = f"{what} = {ratios[0]} is the same at every k but depends on v (on ρ)"
        else:
            detail = f"{what} depends on k: " + ", ".join(map(str, ratios))
        return [
            Evidence(
                kind="symbolic",
                label=f"d = 1 exact: {subject}, k = {', '.join(map(str, self.steps))}",
                outcome=Outcome.PASS if same_k and free_of_rho else Outcome.FAIL,
                measured=[str(q) for q in ratios],
                detail=detail + f"; full Hessian at k = {self.steps[-1]}: {full}",
            )
        ]
