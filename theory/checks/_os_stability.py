r"""Checks of the stability arguments of §6 (Insight 4) and §7 (the balance between the prior
and outcome supervision): the spectral radius of :math:`M = I + \tilde V_0 S` at the pretrained
point, the largest stable gradient-descent step of the real OS loss, and what a fixed budget of
steps achieves, for aligned and misaligned shifts and for priors Σ0 of growing condition number.

Setting (d = 4): pretraining covariance :math:`\Sigma_0 = \mathrm{diag}(\epsilon, 1, 1, 1)`,
shift :math:`\Delta = \delta e_1 e_1^\top`, post-training prompts :math:`x \sim N(0, \Sigma_0 +
\Delta)`, :math:`\tilde W = I`, start at the pretrained :math:`\tilde V_0 = -\Gamma_0^{-1}`.
A GD step γ is *stable* when 50 steps from :math:`\tilde V_0` keep every loss finite, never
above :math:`10^6 L_0`, and end at or below :math:`L_0` (:func:`numerics.largest_stable_step`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import derivations._os as dos
import derivations._training as dtr
import numerics
from derivations import LETTERS, generic_matrix
from theory._claim import Check, Claim
from theory._stats import ols, upper_tail_p
from theory._verdict import Evidence, Outcome

if TYPE_CHECKING:
    from theory._context import RunContext

__all__ = [
    "AlignedVsMisaligned",
    "Balance",
    "BalanceNumeric",
    "BalanceSymbolic",
    "InitSpectrumLimit",
    "InitSpectrumRate",
    "StableStepFit",
    "printed_gamma0",
    "stability_setting",
]

D4 = 4


@dataclass(frozen=True)
class Setting:
    """One post-training problem of this module (arrays, d = 4)."""

    eps: float
    delta: float
    n: int
    Sigma0: np.ndarray
    Delta: np.ndarray
    Gamma0: np.ndarray
    Vt0: np.ndarray

    @property
    def Sigma(self) -> np.ndarray:
        return self.Sigma0 + self.Delta

    @property
    def rho_gamma_delta(self) -> float:
        r""":math:`\rho(\Gamma_0^{-1}\Delta)`."""
        return float(np.abs(np.linalg.eigvals(np.linalg.solve(self.Gamma0, self.Delta))).max())


def stability_setting(eps: float, delta: float, n: int) -> Setting:
    """Σ0 = diag(ε, 1, 1, 1), Δ = δ e1e1ᵀ, Γ0 = (1 + 1/n)Σ0 + (tr Σ0/n) I, Ṽ0 = −Γ0⁻¹."""
    Sigma0 = np.diag([eps, 1.0, 1.0, 1.0])
    Delta = np.diag([delta, 0.0, 0.0, 0.0])
    Gamma0 = (1 + 1 / n) * Sigma0 + np.trace(Sigma0) / n * np.eye(D4)
    return Setting(eps, delta, n, Sigma0, Delta, Gamma0, -np.linalg.inv(Gamma0))


def _os_lg(data, k: int):
    def lg(theta):
        loss, g, _ = numerics.os_loss_and_grad_sparse(data, theta.reshape(D4, D4), k=k)
        return loss, g.ravel()

    return lg


def _sft_lg(data, k: int, eta: float):
    def lg(theta):
        loss, g, _ = numerics.sft_loss_and_grad_sparse(data, theta.reshape(D4, D4), eta=eta, k=k)
        return loss, g.ravel()

    return lg


def _test_error(Vt: np.ndarray, Sigma: np.ndarray, n: int) -> float:
    r"""Exact one-step post-test error (Proposition 5.1, confirmed elsewhere):
    :math:`\|I + \tilde V\Sigma\|_F^2 + \frac1n[\operatorname{tr}(\tilde V\Sigma^2\tilde V^\top) +
    \operatorname{tr}(\tilde V\Sigma\tilde V^\top)\operatorname{tr}\Sigma]`."""
    M = np.eye(len(Sigma)) + Vt @ Sigma
    extra = np.trace(Vt @ Sigma @ Sigma @ Vt.T) + np.trace(Vt @ Sigma @ Vt.T) * np.trace(Sigma)
    return float(np.sum(M * M) + extra / n)


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
        beta, ses, _ = ols(X, y)
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
    from theory.checks._os_curvature import OPNORM, RHO
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
        coef, se, dof = ols(X, y)

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
            z = (est - printed) / s
            out.append(
                Evidence(
                    kind="rate",
                    label=f"largest stable OS step vs the printed law: {what}",
                    params=params,
                    claimed=printed,
                    measured=est,
                    stderr=s,
                    z=z,
                    p_value=min(1.0, 2 * upper_tail_p(abs(z), dof)),
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


# ------------------------------------------------------------------ §7: the balance
@dataclass(frozen=True)
class Balance:
    r"""What §7 asserts, as measurable statements (True = asserted):

    * ``cliff_from_conditioning`` — at a fixed small shift, ρ(M) at the pretrained point
      exceeds 1 once Σ0 is ill-conditioned (or singular) on the shifted direction, and stays
      below 1 for a well-conditioned Σ0;
    * ``os_step_collapses`` — the largest stable OS step falls by orders of magnitude as the
      condition number grows;
    * ``sft_step_depends_on_prior`` — the largest stable SFT step depends on the prior;
    * ``sft_compensates`` — after a fixed budget (at half its stable step) SFT from a poor prior
      (ρ(Γ0⁻¹Δ) > 5) ends within 3× of the post-test error it reaches from the well-conditioned
      prior (κ = 1). With B = 50 > d = 4 the SFT minimiser does not depend on the prior at all
      (Φ has full row rank), so this measures that SFT gets there within the budget; the
      evidence also reports, as context, the same ratio at B = 2 < d (where it keeps the
      prior);
    * ``os_compensates`` — the same for OS.
    """

    cliff_from_conditioning: bool = True
    os_step_collapses: bool = True
    sft_step_depends_on_prior: bool = False
    sft_compensates: bool = True
    os_compensates: bool = False

    def __str__(self) -> str:
        on = [k for k, v in self.__dict__.items() if v]
        off = [k for k, v in self.__dict__.items() if not v]
        return f"asserted: {', '.join(on)}; denied: {', '.join(off)}"


BALANCE_DELTA, BALANCE_N, BALANCE_K, BALANCE_ETA = 0.2, 200, 3, 0.5


class BalanceSymbolic(Check):
    r"""Exact: (i) with Σ0 = diag(ε, 1, …, 1) (d = 4) and Δ = δe1e1ᵀ,
    :math:`\rho(\Gamma_0^{-1}\Delta) = \delta / ((1 + 1/n)\epsilon + (\epsilon + d - 1)/n)`, so
    the singular prior (ε → 0) crosses 1 for every δ > (d−1)/n while ε = 1 needs δ > 1 + (d+1)/n;
    (ii) the SFT loss derived from the forward pass (W̃ = I) has a gradient affine in Ṽ, so its
    curvature — and the stable step — does not depend on the starting point (the prior); the
    OS gradient is not affine (k ≥ 2)."""

    name = "balance_exact"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        f: Balance = claim.formula
        eps, delta, n = sp.symbols("epsilon delta n", positive=True)
        Sig0 = sp.diag(eps, 1, 1, 1)
        G = (1 + 1 / n) * Sig0 + Sig0.trace() / n * sp.eye(4)
        rho = sp.simplify((G.inv() * sp.diag(delta, 0, 0, 0))[0, 0])
        sing = sp.limit(rho, eps, 0)
        well = rho.subs(eps, 1)
        # "small shift": δ = 0.2 with n = 200 — singular prior above 1, well-conditioned below
        vals = {delta: sp.Rational(1, 5), n: 200}
        cliff = bool(sing.subs(vals) > 1 and well.subs(vals) < 1)
        g = dos.sft_loss_sparse(2).grad(LETTERS["Vt"]).simplified()
        try:
            _, K = dtr.linear_part(g)
            sft_affine, Kstr = True, str(K.simplified())
        except ValueError:
            sft_affine, Kstr = False, "not affine"
        try:
            dtr.linear_part(dos.os_gradient(2))
            os_affine = True
        except ValueError:
            os_affine = False
        ok1 = cliff == f.cliff_from_conditioning
        ok2 = (sft_affine and not os_affine) == (not f.sft_step_depends_on_prior)
        return [
            Evidence(
                kind="symbolic",
                label="ρ(Γ0⁻¹Δ) in closed form: singular vs well-conditioned prior at δ = 0.2, "
                "n = 200",
                outcome=Outcome.PASS if ok1 else Outcome.FAIL,
                measured=str(rho),
                detail=f"ρ = {rho}; ε → 0: {sing} = {float(sing.subs(vals)):.3g}; ε = 1: "
                f"{float(well.subs(vals)):.3g} — cliff from conditioning: {cliff}",
            ),
            Evidence(
                kind="symbolic",
                label="SFT gradient affine in Ṽ (curvature independent of the prior); OS not",
                outcome=Outcome.PASS if ok2 else Outcome.FAIL,
                detail=f"SFT (k = 2): ∇ = C + Ṽ·K with K = {Kstr}; OS (k = 2) gradient affine: "
                f"{os_affine}",
            ),
        ]


def _balance_sim(ctx: RunContext):
    kappas = ctx.pick((1.0, 10.0, 1000.0), (1.0, 10.0, 100.0, 1000.0, math.inf))
    R = ctx.pick(1, 3)
    B, T = 50, 200
    root = ctx.rng("sec_7", "balance")[0]
    rows = []
    for r in range(R):
        for kappa in kappas:
            eps = 0.0 if math.isinf(kappa) else 1 / kappa
            st = stability_setting(eps, BALANCE_DELTA, BALANCE_N)
            data = numerics.make_sft_data(
                st.Sigma, BALANCE_N, B, np.random.default_rng([root, r, int(min(kappa, 1e9))])
            )
            rho_m = float(np.abs(np.linalg.eigvals(np.eye(D4) + st.Vt0 @ data.S)).max(1).mean())
            pre = _test_error(st.Vt0, st.Sigma, BALANCE_N)
            row = dict(r=r, kappa=kappa, rho=st.rho_gamma_delta, rho_m=rho_m, pre=pre)
            for meth, lg in (
                ("sft", _sft_lg(data, BALANCE_K, BALANCE_ETA)),
                ("os", _os_lg(data, BALANCE_K)),
            ):
                ctx.note(f"sec_7: κ={kappa:g}, {meth}")
                step = numerics.largest_stable_step(lg, st.Vt0.ravel(), start=1e-2)
                run = numerics.gd_fixed_step(lg, st.Vt0.ravel(), step=step.stable / 2, steps=T)
                row[meth] = dict(
                    step=step.estimate,
                    post=_test_error(run.params[0].reshape(D4, D4), st.Sigma, BALANCE_N),
                )
            # context for sft_compensates: the same SFT run on B = 2 < d prompts, where the
            # minimiser keeps the prior off range(Φ)
            small = numerics.make_sft_data(
                st.Sigma, BALANCE_N, 2, np.random.default_rng([root, r, int(min(kappa, 1e9)), 2])
            )
            lg = _sft_lg(small, BALANCE_K, BALANCE_ETA)
            step = numerics.largest_stable_step(lg, st.Vt0.ravel(), start=1e-2)
            run = numerics.gd_fixed_step(lg, st.Vt0.ravel(), step=step.stable / 2, steps=T)
            row["sft_B2"] = _test_error(run.params[0].reshape(D4, D4), st.Sigma, BALANCE_N)
            rows.append(row)
    return rows


class BalanceNumeric(Check):
    r"""Real model (d = 4, n = 200, B = 50, k = 3, δ = 0.2; SFT with η = 0.5): for Σ0 of condition
    number κ (ε = 1/κ; κ = ∞ singular), ρ(M_τ) at the pretrained point, the largest stable step
    of SFT and of OS, and the exact post-test error (Prop. 5.1, test on Σ0 + Δ) after 200 GD
    steps at half the stable step. Each statement of :class:`Balance` is measured and compared
    with what the formula asserts."""

    name = "balance_numeric"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        f: Balance = claim.formula
        rows = ctx.cached(("sec_7", "balance"), lambda: _balance_sim(ctx))
        kap = sorted({x["kappa"] for x in rows})
        well, poor = [x for x in rows if x["kappa"] == kap[0]], [x for x in rows if x["rho"] > 5]

        def compensates(meth):
            # ends (same budget) within 3× of where the method ends from the well-conditioned
            # prior, for every poor prior (ρ(Γ0⁻¹Δ) > 5)
            ref = {x["r"]: x[meth]["post"] for x in well}
            return all(x[meth]["post"] < 3 * ref[x["r"]] for x in poor)

        def spread(meth):
            s = [x[meth]["step"] for x in rows]
            return max(s) / min(s)

        measured = {
            "cliff_from_conditioning": all(x["rho_m"] < 1 for x in well)
            and all(x["rho_m"] > 1 for x in rows if x["kappa"] >= 10),
            "os_step_collapses": spread("os") > 100,
            "sft_step_depends_on_prior": spread("sft") > 3,
            "sft_compensates": compensates("sft"),
            "os_compensates": compensates("os"),
        }
        table = "; ".join(
            f"κ={x['kappa']:g}: ρ(M)={x['rho_m']:.3g}, pre {x['pre']:.3g}, SFT step "
            f"{x['sft']['step']:.3g} → post {x['sft']['post']:.3g}, OS step {x['os']['step']:.3g}"
            f" → post {x['os']['post']:.3g}"
            for x in rows
            if x["r"] == 0
        )
        seed = ctx.rng("sec_7", "balance")[0]
        w0, p0 = well[0], max((x for x in poor if x["r"] == 0), key=lambda x: x["rho"])
        context = {
            "sft_compensates": f"; context, B = 2 < d: SFT from the poorest prior ends at "
            f"{p0['sft_B2'] / w0['sft_B2']:.3g}× its error from κ = 1 (pretrained ratio "
            f"{p0['pre'] / w0['pre']:.3g}×; at B = 50 > d: "
            f"{p0['sft']['post'] / w0['sft']['post']:.3g}×) — below d the prior persists off "
            "range(Φ): partial compensation"
        }
        out = []
        for key, value in measured.items():
            asserted = getattr(f, key)
            out.append(
                Evidence(
                    kind="numeric",
                    label=f"§7 statement '{key}': asserted {asserted}, measured {value}",
                    outcome=Outcome.PASS if value == asserted else Outcome.FAIL,
                    params={
                        "d": D4,
                        "n": BALANCE_N,
                        "B": 50,
                        "k": BALANCE_K,
                        "eta": BALANCE_ETA,
                        "delta": BALANCE_DELTA,
                        "kappa": kap,
                        "datasets": len(rows) // len(kap),
                    },
                    claimed=asserted,
                    measured=value,
                    seed=seed,
                    detail=f"SFT step spread ×{spread('sft'):.3g}, OS step spread "
                    f"×{spread('os'):.3g}; {table}" + context.get(key, ""),
                )
            )
        return out
