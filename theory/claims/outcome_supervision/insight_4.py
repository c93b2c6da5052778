r"""Claim ``insight_4`` (§6–§8, outcome supervision): the claim, its settings and the checks
written only for it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import numerics
from derivations import generic_matrix, os_d1_stable_step
from theory._check import Check
from theory._claim import Claim
from theory._stats import upper_tail_p
from theory._verdict import Evidence, Outcome
from theory.checks import z_evidence
from theory.claims.outcome_supervision._curvature import RHO, HessianLawD1
from theory.claims.outcome_supervision._stability import D4, _os_lg, stability_setting
from theory.symbols import k

if TYPE_CHECKING:
    from theory._context import RunContext


# ------------------------------------------------------------------ Insight 4: M at the start
def printed_gamma0(Sigma0: sp.Matrix, n: sp.Symbol) -> sp.Matrix:
    """Γ0 as printed in (3.7): (1 + 1/n)Σ0 + (tr Σ0/n) I."""
    return (1 + 1 / n) * Sigma0 + Sigma0.trace() / n * sp.eye(Sigma0.shape[0])


@dataclass
class InitSpectrumLimit(Check):
    r"""Exact, d = 2 with generic symmetric Σ0 and Δ: at the pretrained point the population
    :math:`M = I + \tilde V_0\Sigma = I - \Gamma_0^{-1}(\Sigma_0 + \Delta)` satisfies
    :math:`M + \Gamma_0^{-1}\Delta = \Gamma_0^{-1}(\Sigma_0 + \operatorname{tr}\Sigma_0 I)/n \to 0`
    as n → ∞ (each entry a rational function of n of negative order) — the premise
    M ≈ −Γ0⁻¹Δ of Insight 4. ``gamma`` builds Γ0 from (Σ0, n) (default: (3.7))."""

    gamma: object = printed_gamma0
    name: str = field(default="init_spectrum_limit", init=False)
    uses_formula: bool = field(default=False, init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        n = sp.Symbol("n", positive=True)
        S0 = generic_matrix("Sigma0", 2, symmetric=True)
        Dl = generic_matrix("Delta", 2, symmetric=True)
        Gi = self.gamma(S0, n).inv()
        gap = (sp.eye(2) - Gi * (S0 + Dl)) + Gi * Dl
        orders = []
        for e in gap:
            num, den = sp.fraction(sp.cancel(sp.together(e)))
            if num == 0:
                orders.append(math.inf)
                continue
            # the entry is O(n^-order)
            orders.append(sp.Poly(den, n).degree() - sp.Poly(num, n).degree())
        ok = all(o >= 1 for o in orders)
        return [
            Evidence(
                kind="symbolic",
                label="M(Ṽ0) + Γ0⁻¹Δ → 0 as n → ∞ (population S = Σ0 + Δ), d = 2 generic",
                outcome=Outcome.PASS if ok else Outcome.FAIL,
                measured=[str(o) for o in orders],
                detail="every entry of M + Γ0⁻¹Δ is a rational function of n of order "
                + ", ".join(f"n^-{o}" for o in orders)
                + (" → 0" if ok else " — does not vanish"),
            )
        ]


@dataclass
class InitSpectrumRate(Check):
    r"""Real prompts: :math:`E|\rho(M_\tau) - \rho(\Gamma_0^{-1}\Delta)|` at the pretrained point
    for n on a geometric grid (R replicates of B prompts each), in a misaligned setting;
    log-log slope with its standard error, one-sided test of ``H0: slope <= -0.25`` (the gap
    vanishes; sampling noise predicts -1/2)."""

    name: str = field(default="init_spectrum_rate", init=False)
    uses_formula: bool = field(default=False, init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        ns = ctx.pick((100, 400, 1600, 6400), (100, 400, 1600, 6400, 25600))
        R, B = ctx.pick((4, 25), (8, 50))
        seed, rng = ctx.rng("insight_4", "init_rate")

        def sim():
            rows = []
            for nn in ns:
                st = stability_setting(0.05, 0.3, nn)
                target = st.rho_gamma_delta
                for _ in range(R):
                    S = numerics.sample_wishart(st.Sigma, nn, B, rng)
                    rho = np.abs(np.linalg.eigvals(np.eye(D4) + st.Vt0 @ S)).max(1)
                    rows.append((nn, float(np.mean(np.abs(rho - target))), target))
            return rows

        rows = ctx.cached(("insight_4", "init_rate"), sim)
        x = np.log([r[0] for r in rows])
        y = np.log([r[1] for r in rows])
        X = np.stack([np.ones_like(x), x], 1)
        beta, ses, _ = numerics.ols(X, y)
        slope, se = float(beta[1]), float(ses[1])
        zz = (slope + 0.25) / se
        p = upper_tail_p(zz)
        means = {nn: np.mean([r[1] for r in rows if r[0] == nn]) for nn in ns}
        targets = {nn: next(r[2] for r in rows if r[0] == nn) for nn in ns}
        return [
            Evidence(
                kind="rate",
                label="E|ρ(M_τ) − ρ(Γ0⁻¹Δ)| at the pretrained point → 0 as n grows, "
                f"n = {list(ns)}",
                params={"eps": 0.05, "delta": 0.3, "n": list(ns), "B": B, "replicates": R},
                claimed="slope <= -0.25",
                measured=slope,
                stderr=se,
                z=zz,
                p_value=p,
                seed=seed,
                n_samples=R * B * len(ns),
                detail=", ".join(
                    f"n={nn}: gap {means[nn]:.3g} (ρ(Γ0⁻¹Δ) = {targets[nn]:.3g})" for nn in ns
                ),
            )
        ]


# ------------------------------------------------------------------ Insight 4: step sizes
def _step_grid(ctx: RunContext):
    """Largest stable OS step at the pretrained point in misaligned settings: a fixed shift
    δ = 0.5 on a direction the prior covers less and less (ε = 0.1, 0.03, 0.01, so
    ρ(Γ0⁻¹Δ) ≈ 4.3, 11, 20 — the regime ρ ≫ 1 of the claim — at a fixed data scale),
    k = 2, 3, 4, R datasets each."""
    R = ctx.pick(2, 6)
    nn, B = 200, 50
    epss = (0.1, 0.03, 0.01)
    ks = (2, 3, 4)
    root = ctx.rng("insight_4", "steps")[0]
    rows = []
    for r in range(R):
        for j, eps in enumerate(epss):
            st = stability_setting(eps, 0.5, nn)
            data = numerics.make_sft_data(st.Sigma, nn, B, np.random.default_rng([root, r, j]))
            for kk in ks:
                ctx.note(f"insight_4: stable step, ε={eps}, k={kk}, dataset {r}")
                res = numerics.largest_stable_step(_os_lg(data, kk), st.Vt0.ravel(), start=1e-2)
                rows.append(dict(r=r, eps=eps, k=kk, gamma=res.estimate, rho=st.rho_gamma_delta))
    return rows


def law_log_form(law: sp.Expr) -> tuple[float, sp.Expr]:
    r"""``(a, g)`` of a law :math:`C\,k^{a}\rho^{g(k)}`: a the coefficient of log k and g(k)
    the coefficient of log ρ in log f (read off the sympy expression). Raises
    :class:`theory.CannotExpress` for another form."""
    from theory._verdict import CannotExpress
    from theory.claims.outcome_supervision._curvature import OPNORM, RHO
    from theory.symbols import k as k_sym

    lk, lr = sp.Symbol("log_k"), sp.Symbol("log_rho")
    g = sp.expand(sp.expand_log(sp.log(law), force=True)).subs({sp.log(k_sym): lk, sp.log(RHO): lr})
    a, gk = sp.diff(g, lk), sp.simplify(sp.diff(g, lr))
    if a.free_symbols or gk.free_symbols - {k_sym} or g.has(OPNORM) or sp.diff(g, lr, 2) != 0:
        raise CannotExpress(f"the law {law} is not of the form C·k^a·ρ^g(k)")
    return float(a), gk


@dataclass
class StableStepFit(Check):
    r"""Real OS loss, misaligned settings (:func:`_step_grid`): least squares of
    :math:`\log\gamma_{\max}` on [dataset intercepts, log k, g(k)·log ρ(Γ0⁻¹Δ)] for the
    printed law :math:`C k^{a}\rho^{g(k)}` (:func:`law_log_form`): the exponent of k (printed
    a) and the multiplier of the printed ρ exponent g(k) (printed 1) fitted separately. Two
    pending rate records, each ``H0: exponent = printed`` (two-sided Student t, regression
    standard errors); the interval is in the detail."""

    name: str = field(default="stable_step_fit", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        from theory.symbols import k as k_sym

        a_printed, gk = law_log_form(claim.formula)
        rows = ctx.cached(("insight_4", "steps"), lambda: _step_grid(ctx))
        g = sp.lambdify(k_sym, gk, "numpy")
        y = np.log([x["gamma"] for x in rows])
        groups = sorted({x["r"] for x in rows})
        dummies = [[float(x["r"] == gr) for x in rows] for gr in groups]
        X = np.column_stack(
            [
                *dummies,
                np.log([x["k"] for x in rows]),
                [float(g(x["k"])) * np.log(x["rho"]) for x in rows],
            ]
        )
        coef, se, dof = numerics.ols(X, y)

        def gmean(eps, kk):
            sel = [np.log(x["gamma"]) for x in rows if x["eps"] == eps and x["k"] == kk]
            return float(np.exp(np.mean(sel)))

        epss = sorted({x["eps"] for x in rows}, reverse=True)
        table = "; ".join(
            f"ρ={next(x['rho'] for x in rows if x['eps'] == e):.3g}: "
            + ", ".join(f"k={kk}: {gmean(e, kk):.3g}" for kk in (2, 3, 4))
            for e in epss
        )
        params = {
            "delta": 0.5,
            "n": 200,
            "B": 50,
            "datasets": len(groups),
            "k": [2, 3, 4],
            "eps": epss,
        }
        seed = ctx.rng("insight_4", "steps")[0]
        out = []
        for j, (what, printed) in enumerate(
            (
                (f"exponent of k (printed {a_printed:g})", a_printed),
                (f"multiplier of the printed ρ exponent {gk} (printed 1)", 1.0),
            )
        ):
            est, s = float(coef[-2 + j]), float(se[-2 + j])
            out.append(
                z_evidence(
                    "rate",
                    f"largest stable OS step vs the printed law: {what}",
                    claimed=printed,
                    measured=est,
                    stderr=s,
                    dof=dof,
                    params=params,
                    seed=seed,
                    n_samples=len(rows),
                    detail=f"{est:.3f} ± {s:.3f} (±3 s.e.: [{est - 3 * s:.2f}, "
                    f"{est + 3 * s:.2f}]), t with {dof} dof; geometric-mean γ_max: {table}",
                )
            )
        return out


@dataclass
class AlignedVsMisaligned(Check):
    r"""Real OS loss, k = 1..4: aligned shift (ε = 1, δ = 0.5, ρ(Γ0⁻¹Δ) < 1) against
    misaligned (ε = 0.05, δ = 0.5, ρ ≫ 1). Passes when (i) aligned: the largest stable step
    does not shrink with k (γ_max(k) ≥ γ_max(1)/2) and 50 GD steps at the common step
    γ0 = γ_max(aligned, k = 1)/4 lower the loss at every k; (ii) misaligned: γ_max(4) is below
    γ_max(1)/100 and GD at the same γ0 diverges for every k ≥ 2."""

    name: str = field(default="aligned_vs_misaligned", init=False)
    uses_formula: bool = field(default=False, init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        seed, rng = ctx.rng("insight_4", "aligned")
        nn, B = 200, 50

        def sim():
            out = {}
            for name, eps in (("aligned", 1.0), ("misaligned", 0.05)):
                st = stability_setting(eps, 0.5, nn)
                data = numerics.make_sft_data(st.Sigma, nn, B, rng)
                steps = {
                    kk: numerics.largest_stable_step(
                        _os_lg(data, kk), st.Vt0.ravel(), start=1e-2
                    ).estimate
                    for kk in (1, 2, 3, 4)
                }
                out[name] = (st, data, steps)
            g0 = out["aligned"][2][1] / 4
            runs = {
                (name, kk): numerics.gd_fixed_step(
                    _os_lg(data, kk), st.Vt0.ravel(), step=g0, steps=50
                )
                for name, (st, data, _) in out.items()
                for kk in (1, 2, 3, 4)
            }
            return out, g0, runs

        out, g0, runs = ctx.cached(("insight_4", "aligned"), sim)
        a_steps, m_steps = out["aligned"][2], out["misaligned"][2]
        a_ok = all(a_steps[kk] >= a_steps[1] / 2 for kk in a_steps) and all(
            not runs[("aligned", kk)].diverged
            and runs[("aligned", kk)].losses[-1] < runs[("aligned", kk)].losses[0]
            for kk in (1, 2, 3, 4)
        )
        m_ok = m_steps[4] < m_steps[1] / 100 and all(
            runs[("misaligned", kk)].diverged for kk in (2, 3, 4)
        )

        def fmt(steps):
            return ", ".join(f"k={kk}: {g:.3g}" for kk, g in steps.items())

        def fate(name):
            return ", ".join(
                f"k={kk}: "
                + (
                    "diverged"
                    if runs[(name, kk)].diverged
                    else f"L50/L0 = {runs[(name, kk)].losses[-1] / runs[(name, kk)].losses[0]:.2g}"
                )
                for kk in (1, 2, 3, 4)
            )

        rho_a = out["aligned"][0].rho_gamma_delta
        rho_m = out["misaligned"][0].rho_gamma_delta
        return [
            Evidence(
                kind="numeric",
                label="aligned shift (ρ(Γ0⁻¹Δ) < 1): OS stable at an O(1) step for every k, "
                "loss decreases",
                outcome=Outcome.PASS if a_ok else Outcome.FAIL,
                params={"eps": 1.0, "delta": 0.5, "n": nn, "B": B, "rho": rho_a, "step": g0},
                seed=seed,
                detail=f"ρ(Γ0⁻¹Δ) = {rho_a:.3g}; γ_max {fmt(a_steps)}; at γ0 = {g0:.3g}: "
                + fate("aligned"),
            ),
            Evidence(
                kind="numeric",
                label="misaligned shift (ρ(Γ0⁻¹Δ) ≫ 1): the stable step collapses with k; the "
                "aligned step diverges for k ≥ 2",
                outcome=Outcome.PASS if m_ok else Outcome.FAIL,
                params={"eps": 0.05, "delta": 0.5, "n": nn, "B": B, "rho": rho_m, "step": g0},
                seed=seed,
                detail=f"ρ(Γ0⁻¹Δ) = {rho_m:.3g}; γ_max {fmt(m_steps)}; at γ0 = {g0:.3g}: "
                + fate("misaligned"),
            ),
        ]


# ----------------------------------------------------------------- Insight 4 and §7


insight_4 = Claim(
    id="insight_4",
    reference="§6, Insight 4",
    statement="near initialisation with large n, M ≈ −Γ0⁻¹Δ, so ρ(M) ≈ ρ(Γ0⁻¹Δ); where pretraining "
    "covers Δ (ρ < 1) OS starts stable and refines safely; for new directions (ρ ≫ 1) it needs a "
    "step of order C/(k² ρ^{2k−2})",
    formula=k ** (-2) * RHO ** (-(2 * k - 2)),
    checks=(
        InitSpectrumLimit(),
        InitSpectrumRate(),
        HessianLawD1(reciprocal=True),
        StableStepFit(),
        AlignedVsMisaligned(),
    ),
    section="§6",
    expected="inconclusive",
    seed_spread={
        "quick": "root seeds 0–5 (insight_4 alone): 3 confirmed (0, 4, 5), 3 refuted (1, 2, 3) "
        "by the step-law fit — k exponent −0.68 to −1.97 (printed −2), ρ multiplier 0.926 to "
        "1.005 (printed 1), each with a regression s.e. (0.008–0.36) far below this seed-to-seed "
        "spread: the fit's error model does not hold, so its point-null tests cannot decide"
    },
    lhs_latex=r"\gamma_{\max}",
    derivation=os_d1_stable_step,
    notes="`lsa-verify latex` shows 2/H at d = 1, k = 3 (H the Hessian of the derived OS loss, "
    "m = 1 + vs = M): the local-quadratic stable step. ρ is ρ(Γ0⁻¹Δ); the stable step is "
    "measured on the real OS loss from the pretrained point (50 GD steps that neither blow "
    "up nor end above the start). The step fit reports the exponent of k and the multiplier of "
    "the printed ρ exponent separately (H0: each = printed; Holm): at seed 0, k exponent "
    "−1.71 ± 0.30 (printed −2), ρ multiplier 0.936 ± 0.018 (printed 1; 3.5 s.e. below, "
    "p = 0.004, not significant at the run's level — the paper says 'of order').",
    quote="§6, Insight 4: near initialisation with large n, M ≈ −Γ0⁻¹Δ, so ρ(M) ≈ ρ(Γ0⁻¹Δ). "
    "Where pretraining covers Δ (ρ < 1) OS starts stable and refines safely; for new directions "
    "(ρ ≫ 1) it needs a step size of order C / (k² ρ^{2k−2})",
    wrong_variants={
        "rho_to_the_minus_2k": k ** (-2) * RHO ** (-2 * k),
        "k_to_the_minus_six": k ** (-6) * RHO ** (-(2 * k - 2)),
    },
)


CLAIMS = (insight_4,)
