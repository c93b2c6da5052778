r"""Claim ``insight_1_interference`` (§5.1, which post-training data): the claim, its settings
and the checks written only for it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import numerics
from theory._check import Check
from theory._claim import Claim
from theory._stats import upper_tail_p
from theory._verdict import Evidence
from theory.claims.data_allocation._checks import (
    INSIGHT_ETA,
    InsightExact,
    InsightPopulation,
    insight_arms,
    insight_grid,
    post_test_error,
)
from theory.claims.data_allocation._setup import _ARMS, ERR_ALIGNED, ERR_COVERED, _derived_insight
from theory.claims.sft._data import gamma0, part

if TYPE_CHECKING:
    from theory._context import RunContext


@dataclass
class InsightFiniteB(Check):
    r"""Finite budget B = 2d: R replicate data sets per arm, :math:`\tilde V^*` by real
    training (the real-loss minimiser nearest :math:`-\Gamma_0^{-1}`), exact post-test error of
    each; one-sided test of the printed relation at every grid point
    (:math:`z = (\bar E_{lhs} - \bar E_{rhs})/se`, p = P(Z > z))."""

    #: the interference levels r evaluated (None: every r of the grid)
    rs: tuple[float, ...] | None = None
    name: str = field(default="insight_finite_b", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        dd, grid = insight_grid(ctx, self.rs)
        if not ctx.full:  # quick tier: the long prompts only
            grid = [g for g in grid if g[3] == 10 * dd]
        B, R = 2 * dd, ctx.pick(6, 16)
        rel = part(claim.formula, 0)
        lhs_name = str(rel.lhs)
        out = []
        for rho, f, r, nn in grid:
            m = round(f * dd)
            arms = insight_arms(dd, m, rho, r)
            Sig = arms["Sigma0"] + arms["Delta"]
            V0 = -np.linalg.inv(gamma0(arms["Sigma0"], nn))
            seed, rng = ctx.rng("insight", "finite_b", str(rho), str(f), str(r), nn)

            def run(arms=arms, Sig=Sig, V0=V0, rng=rng, nn=nn):
                res = {}
                for a in ("aligned", "covered"):
                    vals = []
                    for i in range(R):
                        data = numerics.make_sft_data(arms[a], nn, B, rng)
                        V = numerics.nearest_sft_minimiser(
                            data, V0, eta=INSIGHT_ETA, k=1, check_structure=i == 0
                        )
                        vals.append(post_test_error(V, Sig, nn))
                    res[a] = np.array(vals)
                return res

            errs = ctx.cached(("insight_finite", dd, rho, f, r, nn, B, R), run)
            means = {a: float(v.mean()) for a, v in errs.items()}
            se = math.sqrt(sum(float(v.var(ddof=1)) / R for v in errs.values()))
            lhs = "aligned" if lhs_name == "Err_aligned" else "covered"
            rhs = "covered" if lhs == "aligned" else "aligned"
            z = (means[lhs] - means[rhs]) / se if se > 0 else math.copysign(math.inf, 1.0)
            p = upper_tail_p(z)  # H0: the relation holds; large z rejects
            out.append(
                Evidence(
                    kind="monte_carlo",
                    label=f"printed relation at B = {B}, ρ = {rho}, m/d = {f}, r = {r}, n = {nn}",
                    params={
                        "d": dd,
                        "B": B,
                        "rho": rho,
                        "m": m,
                        "r": r,
                        "n": nn,
                        "eta": INSIGHT_ETA,
                        "replicates": R,
                    },
                    claimed=str(rel),
                    measured=[means["aligned"], means["covered"]],
                    stderr=se,
                    z=z,
                    p_value=p,
                    seed=seed,
                    n_samples=2 * R * B,
                    detail=f"aligned {means['aligned']:.4g}, covered {means['covered']:.4g} "
                    f"(se of the difference {se:.2g}); one-sided, H0: the relation holds",
                )
            )
        return out


insight_1_interference = Claim(
    id="insight_1_interference",
    reference="§5.1, Insight 1 (with interference, finite B)",
    statement="Extension (ours): the relation of Insight 1 also holds when the aligned data "
    "spill onto the other directions (r > 0, range(A_Δ) ≠ U), in the population limit and at "
    "a finite budget B = 2d (same B, n, tr A)",
    formula=sp.Tuple(sp.StrictLessThan(ERR_ALIGNED, ERR_COVERED)),
    checks=(InsightExact(rs=(0.01, 0.1)), InsightPopulation(rs=(0.01, 0.1)), InsightFiniteB()),
    section="§5.1",
    refuted_at=(
        frozenset({"insight_exact", "insight_finite_b", "insight_population"}),
        ("r = 0.0, ",),
    ),
    lhs_latex=r"\text{Insight 1 (interference)}",
    derivation=lambda: _derived_insight(sp.Rational(1, 10), 1, sp.Rational(1, 100), 100),
    expected="refuted",
    extends="insight_1",
    notes=_ARMS + " Outside §5.1's stated setting (range(A) = U) when r > 0. Holds without "
    "interference at B = 2d too; fails where the interference r > 0 falls on many covered "
    "directions (small m/d = 0.1), in the population limit and at B = 2d.",
)


CLAIMS = (insight_1_interference,)
