r"""Claim ``fig_5`` (the figures' qualitative statements): the claim, its settings and the
checks written only for it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

import numerics
from theory._check import Check
from theory._claim import Claim
from theory._stats import upper_tail_p
from theory._verdict import Evidence
from theory.claims.figures._setup import theory_curve
from theory.claims.figures._sft_figures import (
    ExactLawSymbolic,
    FigureSetting,
    _p_greater,
    _records,
    figure_setting,
)
from theory.claims.proportional_asymptotics._limits import AsymptoticPoint

if TYPE_CHECKING:
    from theory._context import RunContext


N_BOOT = 400


def fig5_data(ctx: RunContext) -> tuple[FigureSetting, dict[int, np.ndarray]]:
    """For every n: array (2, replicates, len(Bs)) of Err(Ṽ*) and Err(V_S + V_N)."""
    fs = figure_setting("fig_5", ctx)
    out = {}
    for n in fs.ns:
        _, rng = ctx.rng("fig_5", n)

        def run(n=n, rng=rng):
            ctx.note(f"Fig. 5: n={n}, {len(fs.Bs)} values of B × {fs.replicates}")
            return numerics.sft_error_sweep(
                fs.block(n, fs.rs[0]), fs.Bs, fs.replicates, rng, first_order=True
            )

        out[n] = ctx.cached(("fig_5", fs, n), run)
    return fs, out


# ------------------------------------------------------------------ statistical helpers
def _boot_means(arr: np.ndarray, rng: np.random.Generator, n_boot: int = N_BOOT) -> np.ndarray:
    """Bootstrap means over replicates (axis 0): (n_boot, ...) — first row = the plain mean.
    Means of logs (errors span decades around the spikes)."""
    logs = np.log(arr)
    R = arr.shape[0]
    idx = rng.integers(0, R, size=(n_boot, R))
    idx[0] = np.arange(R)
    return np.exp(logs[idx].mean(axis=1))


def _interval(x: np.ndarray) -> str:
    lo, hi = np.percentile(x, [2.5, 97.5])
    return f"[{lo:.4g}, {hi:.4g}]"


@dataclass(frozen=True)
class Fig5Statements:
    """Fig. 5: median relative gap (over B, excluding |B/d − 1| < 0.1) of the Theorem B.1 curve
    to Err(V_S + V_N) at most ``close`` and to Err(Ṽ*) at most ``reasonable`` at the larger n,
    and the gap to Err(Ṽ*) smaller at the larger n (``better_at_larger_n``)."""

    close: float = 0.15
    reasonable: float = 0.5
    better_at_larger_n: bool = True

    def __str__(self) -> str:
        return (
            f"median relative gap to Err(V_S+V_N) ≤ {self.close}, to Err(Ṽ*) ≤ "
            f"{self.reasonable} (larger n); better at larger n: {self.better_at_larger_n}"
        )


class Fig5Check(Check):
    r"""Fig. 5: the Theorem B.1 curve (printed, evaluated by the claims module) against the
    simulated Err(V_S + V_N) and Err(Ṽ*): the median relative gap G over B (|B/d − 1| ≥ 0.1)
    with its bootstrap standard error over replicates, z-tested against our bands ("for":
    :math:`H_0: G \ge` band; "against": :math:`H_0: G \le` band), and the gap to Err(Ṽ*)
    smaller at the larger n (independent data: z on the difference)."""

    name = "fig_5"

    def __init__(self, theory_curve):
        self.theory_curve = theory_curve  # (FigureSetting, n) -> array over Bs

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st: Fig5Statements = claim.formula
        fs, data = fig5_data(ctx)
        Bs = np.asarray(fs.Bs)
        keep = np.abs(Bs / fs.d - 1) >= 0.1
        seed, rng = ctx.rng("fig_5", "bootstrap")
        gaps = {}
        out = []

        def band(label, g, level, **kw):
            se = max(float(g[1:].std(ddof=1)), 1e-12)
            z = (level - float(g[0])) / se
            return _records(
                label,
                upper_tail_p(z),
                upper_tail_p(-z),
                stderr=se,
                z=z,
                claimed=level,
                measured=float(g[0]),
                **kw,
            )

        for n in fs.ns:
            F = np.asarray(self.theory_curve(fs, n))
            star = _boot_means(data[n][0], rng)
            first = _boot_means(data[n][1], rng)
            g_first = np.median(np.abs(F[keep] / first[:, keep] - 1), axis=1)
            g_star = np.median(np.abs(F[keep] / star[:, keep] - 1), axis=1)
            gaps[n] = g_star
            out += band(
                f"Theorem B.1 curve vs Err(V_S+V_N): median relative gap ≤ {st.close}, n={n}",
                g_first,
                st.close,
                seed=seed,
                params={**fs.describe(), "n": n},
                n_samples=data[n].shape[1],
                detail=f"median |F/Err − 1| = {g_first[0]:.3g} (bootstrap 95 % "
                f"{_interval(g_first)}); per B: "
                + ", ".join(f"{b}:{x:+.2f}" for b, x in zip(Bs, F / first[0] - 1, strict=True)),
            )
            if n == fs.ns[-1]:
                out += band(
                    f"Theorem B.1 curve vs Err(Ṽ*): median relative gap ≤ {st.reasonable}, n={n}",
                    g_star,
                    st.reasonable,
                    seed=seed,
                    params={**fs.describe(), "n": n},
                    n_samples=data[n].shape[1],
                    detail=f"median |F/Err(Ṽ*) − 1| = {g_star[0]:.3g} (bootstrap 95 % "
                    f"{_interval(g_star)}); per B: "
                    + ", ".join(f"{b}:{x:+.2f}" for b, x in zip(Bs, F / star[0] - 1, strict=True)),
                )
        lo, hi = fs.ns[0], fs.ns[-1]
        se = math.hypot(float(gaps[lo][1:].std(ddof=1)), float(gaps[hi][1:].std(ddof=1)))
        z = (float(gaps[lo][0] - gaps[hi][0])) / max(se, 1e-12)
        z = z if st.better_at_larger_n else -z
        out += _records(
            f"agreement with Err(Ṽ*) {'better' if st.better_at_larger_n else 'worse'}"
            f" at n={hi} than at n={lo}",
            upper_tail_p(z),
            upper_tail_p(-z),
            seed=seed,
            params=fs.describe(),
            claimed=st.better_at_larger_n,
            measured=bool(gaps[hi][0] < gaps[lo][0]),
            stderr=se,
            z=z,
            detail=f"median gap {gaps[lo][0]:.3g} at n={lo}, {gaps[hi][0]:.3g} at n={hi} "
            "(bootstrap standard errors, normal z)",
        )
        return out


def _p_less_independent(a: np.ndarray, b: np.ndarray) -> float:
    """One-sided p-value of H0: E[a] ≥ E[b] (independent samples; Welch's se, the smaller
    sample's dof − 1, conservative)."""
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    if se <= 1e-300:
        return 0.0 if a.mean() < b.mean() else 1.0
    return upper_tail_p(float(b.mean() - a.mean()) / se, min(len(a), len(b)) - 1)


class FirstOrderDistance(Check):
    """‖V_S + V_N − Ṽ*‖_F/‖Ṽ*‖_F at each size and γ (the paper: the approximation tightens with
    n): at every size the distance at the larger n (γ = 0.12) is below that at the smaller n
    (γ = 0.6, independent data) AND, at the larger n, V_S + V_N is nearer Ṽ* than V_S alone
    (paired): any approximation exact as n → ∞ tightens with n; only a right V_N beats V_S.
    One-sided t-tests, intersection–union ("for") and Bonferroni ("against")."""

    name = "first_order_distance"
    uses_formula = False

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        from theory.claims.proportional_asymptotics._limits import simulate_point

        pts = [AsymptoticPoint(f"β=0.4, γ={g}", beta=0.4, gamma=g) for g in (0.6, 0.12)]
        res = {}
        for j, pt in enumerate(pts):
            res[pt.gamma] = simulate_point(ctx, 10 + j, pt)
        rows, p_for, p_against = [], [], []
        for (d, _, s6), (_, _, s12) in zip(res[0.6], res[0.12], strict=True):
            a6, b12, v12 = (
                np.asarray(x, float) for x in (s6["rel_dist"], s12["rel_dist"], s12["rel_dist_VS"])
            )
            p_for += [_p_less_independent(b12, a6), _p_greater(v12 - b12)]
            p_against += [_p_less_independent(a6, b12), _p_greater(b12 - v12)]
            ea, eb = float(np.mean(s6["err_star"])), float(np.mean(s12["err_star"]))
            fa, fb = float(np.mean(s6["err_first_order"])), float(np.mean(s12["err_first_order"]))
            rows.append(
                f"d={d}: ‖V_S+V_N−Ṽ*‖/‖Ṽ*‖ = {a6.mean():.3g} (γ=0.6) vs {b12.mean():.3g} "
                f"(γ=0.12) [V_S alone: {np.mean(s6['rel_dist_VS']):.3g} vs {v12.mean():.3g}]; "
                f"Err(V_S+V_N)/Err(Ṽ*) = {fa / ea:.3g} vs {fb / eb:.3g}"
            )
        return _records(
            "V_S + V_N is closer to Ṽ* at larger n (γ = 0.12 vs 0.6), and closer than V_S alone "
            "at γ = 0.12, β = 0.4",
            max(p_for),
            min(1.0, len(p_against) * min(p_against)),
            detail="; ".join(rows),
        )


def _fig5_curve(fs, n):
    return theory_curve(fs.d, fs.m, n, fs.rs[0], fs.Bs)


fig_5 = Claim(
    id="fig_5",
    reference="Fig. 5",
    statement="d = 600, m = 300, ρ = 0.1, η = 0.2, r = 0.1, n ∈ {1000, 5000}, B up to 1000: "
    "the thm_B1 curve matches Err(V_S + V_N) closely and Err(Ṽ*) reasonably, better at n = 5000",
    formula=Fig5Statements(),
    checks=(ExactLawSymbolic(), Fig5Check(_fig5_curve), FirstOrderDistance()),
    section="Appendix B",
    simulation_only=True,
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
        "tier d = 150, n ∈ {250, 1250}, 12 replicates (the same ratios)",
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
    "tier, seed 0, 12 replicates: printed curve vs Err(V_S + V_N) −18 % … −1 % at n = 250, "
    "−22 % … 0 % at n = 1250; vs Err(Ṽ*) +1 % … +54 % at n = 1250). Confirmed at every root "
    "seed 0–99 (quick tier, 12 replicates; worst confirmatory p 1.5e-7, below a whole run's "
    "Bonferroni level 1e-3/181 = 5.5e-6); with 4 replicates it was inconclusive at seeds 31 "
    "and 74 of 0–99 in runs of the 22 true claims.",
    lhs_latex=r"\mathrm{Err}",
    derivation=lambda: None,
    wrong_variants={
        "worse_at_larger_n": Fig5Statements(close=0.001, reasonable=0.001, better_at_larger_n=False)
    },
)


CLAIMS = (fig_5,)
