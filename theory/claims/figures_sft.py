r"""§5.2 and Appendix B: the qualitative statements of Figs. 1, 2 and 5 and Insight 2, as checked
claims (statistical records decided by Holm over the run; see
:mod:`theory.checks._figures_sft`). Every one is an *experiment* claim: the paper does not
print every choice of its set-up (η for Figs. 1–2, the B and n grids, the sizes of the quick
tier, what "closely" means), so a failure under our stated choices is "not reproduced".

The figures themselves are drawn by :mod:`theory.figures.fig_1` etc. from the same cached
simulations. η = 0.2 (not printed for Figs. 1–2).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from theory._claim import Claim
from theory.checks._figures_sft import (
    ETA,
    RHO,
    ExactLawSymbolic,
    Fig1Statements,
    Fig2Statements,
    Fig5Check,
    Fig5Statements,
    FirstOrderDistance,
    InsightStatement,
    InterferenceCheck,
    SmallBestBCheck,
    SpikeCheck,
    SpikeSymbolic,
    TurningPointCheck,
    UShapeCheck,
)
from theory.claims.proportional_asymptotics._limits import AsymptoticPoint, evaluate_terms
from theory.claims.proportional_asymptotics.thm_B1 import derived_err, thm_B1

__all__ = ["CLAIMS", "theory_curve"]


def theory_curve(d: int, m: int, n: int, r: float, Bs, *, which: str = "printed") -> np.ndarray:
    r"""Theorem B.1's limit at β = B/d, μ1 = m/d, γ = d/n (NaN at β = 1 and for r = 0, where
    the closed form is undefined: δ̃_2 contains η/r). ``which="derived"`` uses our derived
    terms instead of the printed ones (they differ below β = 1 through T_var, T_var,Σ)."""
    formula = thm_B1.formula if which == "printed" else _derived_formula()
    out = []
    for B in Bs:
        beta = B / d
        if r <= 0 or math.isclose(beta, 1.0):
            out.append(np.nan)
            continue
        pt = AsymptoticPoint("curve", beta=beta, mu1=m / d, rho=RHO, eta=ETA, r=r, gamma=d / n)
        out.append(evaluate_terms(formula, pt)["Err"])
    return np.asarray(out)


@functools.cache
def _derived_formula():
    from theory.claims.proportional_asymptotics._limits import AsymptoticFormula, Term

    e = derived_err()["Err"]
    return AsymptoticFormula(
        terms={"Err": Term("err_first_order", e["below"], e["above"])},
        equation=thm_B1.formula.equation,
        aux=thm_B1.formula.aux,
    )


_FIG1_UNPRINTED = {
    "η": "0.2 (not printed for Figs. 1–2; Fig. 5's value): could move the turning points and "
    "the interference gap, not the spike locations (set by rank, Lemma C.1)",
    "sizes": "quick tier d = 100, m = 50, n ∈ {100, 200, 300} (Fig. 1's ratios), 48 "
    "replicates; full tier the paper's d = 400, 10 replicates",
    "B grid": "B/d ∈ {0.125, …, 5} with B = m and B = d on the grid (Fig. 1 prints B from 50 "
    "to 2000); the spike is located to ±5 % (the grid's neighbours of B = m, d)",
    "error scale": "per coordinate (÷ d), apparently the paper's",
}
_FIG2_UNPRINTED = {
    "η": _FIG1_UNPRINTED["η"],
    "sizes": "quick tier d = 100, n/d ∈ {0.05, …, 2.5}, 6 replicates per n (Fig. 2's n from "
    "20 to 1000 at d = 400)",
    "interference": "r = 0.01 (strong interference, as Insight 2); B ∈ {d/8, 3d/8, 3d/4} "
    "(the paper's 50, 150, 300 at d = 400) as 'small to moderate'",
}


def _fig5_curve(fs, n):
    return theory_curve(fs.d, fs.m, n, fs.rs[0], fs.Bs)


fig_1 = Claim(
    id="fig_1",
    reference="Fig. 1, §5.2",
    statement="post-test error of Ṽ* in B (d=400, m=200, ρ=0.1, n ∈ {400, 800, 1200}, r ∈ {0, "
    "0.01, 0.1}): spike at B = m for r = 0 and at B = d for r > 0; the turning point (small-B "
    "minimum) moves right as n grows; at r = 0.01 the large-B error stays above the best "
    "small-B error",
    formula=Fig1Statements(),
    checks=(
        SpikeSymbolic(),
        ExactLawSymbolic(),
        SpikeCheck(),
        TurningPointCheck(),
        InterferenceCheck(),
    ),
    section="§5.2",
    quote="Fig. 1, §5.2: double descent in B, spike at B = m when r = 0 and at B = d when "
    "r > 0; the turning point moves right as n grows; with strong interference (r = 0.01) the "
    "large-B error stays above the best small-B error",
    experiment=True,
    unprinted=_FIG1_UNPRINTED,
    notes="Errors are per coordinate (divided by d), exact given Ṽ* (Prop. 5.1 with Lemma "
    "A.1); the r = 0 spike at B = m is the rank of Φ (range(A) has dimension m), cf. "
    "lemma_C1's note. The spike's location is derived (spike_symbolic, from Lemma C.1) and "
    "located in the simulation to the grid's resolution (Err at B = target above Err at every "
    "B more than 10 % away). The turning point is the minimum over B < m (r = 0) or B < d; "
    "at n = d it can sit at the grid's first point B = d/8 — the test then uses only the side "
    "the grid has. Statistical records: paired one-sided t-tests over 48 replicates (quick "
    "tier; 6 left the spike at B = m undecided, and 24 left it undecided under Holm over the "
    "whole 46-claim run at seed 0: worst 'for' p ≈ 1e-5 against a first Holm threshold of "
    "5.5e-6; with 48 it is 2e-11), Holm over the run. Confirmed at root seeds 0–9 and 13 with "
    "24 replicates in a run of the figure claims alone (quick tier).",
    lhs_latex=r"\operatorname{argmax}_B \mathrm{Err}(\tilde V^*)",
    derivation=lambda: None,
    wrong_variants={
        "spike_at_d_for_r0": Fig1Statements(
            spike={0.0: "d"}, turning_direction=-1, interference_r=(0.1,)
        ),
        "turning_point_moves_left": Fig1Statements(
            spike={0.0: "d"}, turning_direction=-1, interference_r=(0.0,)
        ),
    },
)

fig_2 = Claim(
    id="fig_2",
    reference="Fig. 2, §5.2",
    statement="same setting, n from 20 to 1000: under interference (r = 0.01) and small-to-"
    "moderate B (50, 150, 300) the error of Ṽ* is U-shaped in n",
    formula=Fig2Statements(),
    checks=(ExactLawSymbolic(), UShapeCheck()),
    section="§5.2",
    quote="Fig. 2, §5.2: under interference and small-to-moderate B the error is U-shaped in n "
    "(n from 20 to 1000, B ∈ {50, 150, 300, 500})",
    experiment=True,
    unprinted=_FIG2_UNPRINTED,
    expected="inconclusive",
    notes="Inconclusive at the quick tier, at every root seed tried (0–9 and 13): the U-shape is "
    "decided (Holm) at B = d/8 and B = 3d/4, but at B = 3d/8 the rise within n ≤ 2.5d is small "
    "(Err(n_max)/Err(n*) ≈ 1.0–1.1) and its 'for' p-value ranges over 2.4e-3 … 0.51 across "
    "those seeds, never significant and never contradicted (the 'against' record is never "
    "rejected). More replicates would not decide it at the quick tier's cost (the right-end "
    "slope's t is about 2 at 6 replicates per n). "
    "U-shape = the slope of a quadratic fit of log Err in log n is negative at the "
    "smallest n and positive at the largest (t-tests, the fit's residual dof; independent "
    "prompts at each n). At r = 0.1 the U-shape holds for B ∈ {50, 150} but B = 300 is "
    "still decreasing at n = 1000 (see the figure's CSV).",
    lhs_latex=r"\operatorname{argmin}_n \mathrm{Err}(\tilde V^*)",
    derivation=lambda: None,
    wrong_variants={
        "monotone_decreasing": dataclasses.replace(Fig2Statements(), shape="decreasing")
    },
)

insight_2 = Claim(
    id="insight_2",
    reference="Insight 2, §5.2",
    statement="under (strong) interference the best SFT set is small: the minimum of the error "
    "over B lies at B < d (r = 0.01, Fig. 1's setting)",
    formula=InsightStatement(),
    checks=(ExactLawSymbolic(), SmallBestBCheck()),
    section="§5.2",
    quote="Insight 2, §5.2: under interference, the best SFT set is small (the minimum of the "
    "error over B lies at B < d); cf. Prop. B.2 (ii): for small r > 0 the minimum is at β < 1",
    experiment=True,
    unprinted=_FIG1_UNPRINTED,
    notes="Judged at r = 0.01, the strong interference of Fig. 1 (the paper's reading, with "
    "Prop. B.2 (ii)'s small r). The reading 'at every r > 0 of Fig. 1' (r = 0.1 too) is our "
    "extension insight_2_all_r (not reproduced: at r = 0.1 the best B of the grid is its "
    "largest, 5d). Statistical records: some B < d below every B ≥ d of the grid (paired "
    "t-tests, Bonferroni over the candidates), Holm over the run. Confirmed at root seeds 0–9 "
    "and 13 (quick tier).",
    lhs_latex=r"\operatorname{argmin}_B \mathrm{Err}(\tilde V^*)",
    derivation=lambda: None,
    wrong_variants={"also_at_r_0.1": InsightStatement(rs=(0.1,))},
)

insight_2_all_r = Claim(
    id="insight_2_all_r",
    reference="Insight 2, §5.2 (every r > 0 of Fig. 1)",
    statement="Extension (ours): at every interference level r > 0 of Fig. 1 (r = 0.01 and the "
    "weaker r = 0.1) the minimum of Err(Ṽ*) over B lies at B < d",
    formula=InsightStatement(rs=(0.01, 0.1)),
    checks=(ExactLawSymbolic(), SmallBestBCheck()),
    section="§5.2",
    expected="not reproduced",
    experiment=True,
    extends="insight_2",
    unprinted=_FIG1_UNPRINTED,
    quote="Insight 2, §5.2: under interference, the best SFT set is small",
    notes="Not reproduced at r = 0.1: the error keeps falling past the spike and the best B "
    "of Fig. 1's grid is its largest (B = 5d), significantly below every B < d. Prop. B.2 (ii) "
    "explains it: F(∞) − F(0) ≈ (η²/r²) μ2 (1 + γΣ̄) is positive only for small r — the paper "
    "states the insight for strong interference, so this is no refutation of it. The unprinted "
    "η could change this outcome: the gap's leading term grows like η²/r², so a larger η "
    "than our 0.2 can move the minimum below B = d at r = 0.1 too.",
    lhs_latex=r"\operatorname{argmin}_B \mathrm{Err}(\tilde V^*)",
    derivation=lambda: None,
)

fig_5 = Claim(
    id="fig_5",
    reference="Fig. 5",
    statement="d = 600, m = 300, ρ = 0.1, η = 0.2, r = 0.1, n ∈ {1000, 5000}, B up to 1000: "
    "the thm_B1 curve matches Err(V_S + V_N) closely and Err(Ṽ*) reasonably, better at n = 5000",
    formula=Fig5Statements(),
    checks=(ExactLawSymbolic(), Fig5Check(_fig5_curve), FirstOrderDistance()),
    section="Appendix B",
    quote="Fig. 5: the Theorem B.1 curve matches the simulated Err(V_S + V_N) closely and "
    "Err(Ṽ*) reasonably, better at n = 5000 (d = 600, m = 300, ρ = 0.1, η = 0.2, r = 0.1, "
    "n ∈ {1000, 5000}, 10 realisations)",
    experiment=True,
    unprinted={
        "closely": "median relative gap over B (|B/d − 1| ≥ 0.1) of the curve to Err(V_S + "
        "V_N) at most 15 % (ours; a tighter band could change the outcome: the printed curve "
        "is up to 18 % low below B = d, see thm_B1)",
        "reasonably": "the same gap to Err(Ṽ*) at most 50 % at n = 5000 (ours)",
        "n": "1000 and 5000 from the panel titles (the caption's n = 600 conflicts); quick "
        "tier d = 150, n ∈ {250, 1250}, 4 replicates (the same ratios)",
        "B grid": "B/d from 0.05 to 1.67 without |B/d − 1| < 0.05",
    },
    notes="What the overlay models: Theorem B.1's curve is the d → ∞ limit of Err(V_S + V_N), "
    "the first-order expansion of Ṽ* in the noise E = Φ − M0; it is expected to match the "
    "simulated Err(V_S + V_N) for large d away from B = d (where it diverges), and Err(Ṽ*) "
    "only as n → ∞ (γ → 0). The curve's exact values are judged by thm_B1; this claim tests "
    "the figure's visual statement: the median gap with its bootstrap standard error, z-tested "
    "against our bands (a curve 1.2× too high still passes, 1.5× does not), Holm over the run. "
    "At the drawn size the printed curve lies 0.01–18 % below the derived one below B = d "
    "(0 above); the figure's caption reports the measured gaps to both simulated curves (quick "
    "tier, seed 0: printed curve vs Err(V_S + V_N) −20 % … −1 % at n = 250, −24 % … 0 % at "
    "n = 1250; vs Err(Ṽ*) +5 % … +239 % and +1 % … +52 %). Confirmed at root seeds 0–9 and 13.",
    lhs_latex=r"\mathrm{Err}",
    derivation=lambda: None,
    wrong_variants={
        "worse_at_larger_n": Fig5Statements(close=0.001, reasonable=0.001, better_at_larger_n=False)
    },
)

CLAIMS = (fig_1, fig_2, insight_2, insight_2_all_r, fig_5)
