r"""Claim ``os_gradient`` (§6–§8, outcome supervision): the claim, its settings and the checks
written only for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import derivations as dos
import numerics
from numerics import ridders_derivative
from theory._check import Check
from theory._claim import Claim
from theory._matsum import msum
from theory._verdict import Evidence, Outcome
from theory.claims.outcome_supervision._rollout import (
    OSNumeric,
    OSPoint,
    OSUnrolledEveryD,
    OSUnrolledExplicit,
    os_points,
)
from theory.claims.outcome_supervision._setup import _M
from theory.symbols import S, k, w

if TYPE_CHECKING:
    from theory._context import RunContext


def fd_relative_error(pt: OSPoint, rng: np.random.Generator) -> tuple[float, float]:
    """``(relative error, relative error estimate of the difference itself)`` of the
    hand-written full-(V, W) gradient against the directional derivative of the real rollout
    loss along a random direction, by Ridders' extrapolation of central differences (a fixed
    step cannot serve every k: the k-step loss is a polynomial of degree 2k + 2 whose third
    derivative grows quickly with k)."""
    V, W = numerics.sparse_weights(pt.Vt, pt.Wt)
    V = V + 0.05 * rng.standard_normal(V.shape)  # off the pattern: every block exercised
    W = W + 0.05 * rng.standard_normal(W.shape)
    data = numerics.PromptData.from_features(pt.X, pt.w)
    _, dV, dW = numerics.os_loss_and_grad(data, V, W, k=pt.k)
    E, F = rng.standard_normal(V.shape), rng.standard_normal(W.shape)

    def f(t: float) -> float:  # a too-large start may overflow: Ridders' error estimate is
        with np.errstate(over="ignore", invalid="ignore"):  # then infinite and it is not used
            return numerics.os_loss(data, V + t * E, W + t * F, k=pt.k)

    fd, fd_err = ridders_derivative(f)
    an = float(np.sum(dV * E) + np.sum(dW * F))
    scale = max(abs(fd), 1e-12)
    return abs(fd - an) / scale, fd_err / scale


@dataclass
class BPTTFiniteDifference(Check):
    r"""The witness itself: the hand-written gradient of the real OS loss (full V, W) agrees
    with the directional derivative of :func:`numerics.os_loss` along random directions,
    computed by Ridders' extrapolation of central differences (relative error
    :math:`\le 10^{-5}`; the extrapolation's own error estimate is reported and is orders of
    magnitude smaller)."""

    tol: float = 1e-5
    name: str = field(default="bptt_vs_finite_differences", init=False)
    uses_formula: bool = field(default=False, init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        pts = ctx.cached(("os_points", True), lambda: os_points(ctx, True))
        seed, rng = ctx.rng("os_fd")
        errs, ests = zip(*(fd_relative_error(pt, rng) for pt in pts[:3]), strict=True)
        worst = max(errs)
        return [
            Evidence(
                kind="numeric",
                label="hand-written gradient of the real rollout loss vs central finite "
                "differences (full V, W, off the pattern)",
                outcome=Outcome.PASS if worst <= self.tol else Outcome.FAIL,
                measured=worst,
                seed=seed,
                detail=f"relative errors {', '.join(f'{e:.1e}' for e in errs)} "
                f"(tolerance {self.tol:g}; Ridders' error estimates "
                f"{', '.join(f'{e:.0e}' for e in ests)})",
            )
        ]


_j = sp.Symbol("j", integer=True, nonnegative=True)


_GRAD = msum(
    sp.MatPow(_M.T, _j) * sp.MatPow(_M, k) * w * w.T * sp.MatPow(_M.T, k - 1 - _j) * S.T,
    _j,
    0,
    k - 1,
)


os_gradient = Claim(
    id="os_gradient",
    reference="§6, Appendix E",
    statement="∇_Ṽ L_OS (W̃ = I) = (1/B) Σ_τ Σ_{j=0}^{k−1} (M_τᵀ)^j M_τ^k w*_τ w*_τᵀ "
    "(M_τᵀ)^{k−1−j} S_τᵀ",
    formula=_GRAD,
    checks=(
        OSUnrolledEveryD(what="gradient", wt_identity=True),
        OSUnrolledExplicit(what="gradient", wt_identity=True),
        OSNumeric(what="gradient", wt_identity=True),
        BPTTFiniteDifference(),
    ),
    section="§6 / Appendix E",
    lhs_latex=r"\nabla_{\tilde V}\, \tfrac12\lVert M^k w^{*}\rVert^2",
    derivation=lambda: dos.os_gradient(3).to_sympy(),
    notes="Per prompt; `lsa-verify latex` shows the derivation at k = 3.",
    quote="§6, Appendix E: ∇_Ṽ L_OS (W̃ = I) = (1/B) Σ_τ Σ_{j=0}^{k−1} (M_τ^T)^j M_τ^k w*_τ "
    "w*_τ^T (M_τ^T)^{k−1−j} S_τ^T",
    wrong_variants={
        "M_not_transposed": msum(
            sp.MatPow(_M, _j) * sp.MatPow(_M, k) * w * w.T * sp.MatPow(_M.T, k - 1 - _j) * S.T,
            _j,
            0,
            k - 1,
        ),
        "without_S": msum(
            sp.MatPow(_M.T, _j) * sp.MatPow(_M, k) * w * w.T * sp.MatPow(_M.T, k - 1 - _j),
            _j,
            0,
            k - 1,
        ),
        "factor_one_half": _GRAD / 2,
    },
)


CLAIMS = (os_gradient,)
