r"""Claim ``os_hessian`` (§6–§8, outcome supervision): the claim, its settings and the checks
written only for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import numerics
from derivations import os_d1_gauss_newton
from theory._check import Check
from theory._claim import Claim
from theory._params import random_covariance
from theory._stats import upper_tail_p
from theory._verdict import Evidence
from theory.claims.outcome_supervision._curvature import (
    OPNORM,
    RHO,
    HessianLawD1,
    _spectra,
    law_values,
)
from theory.symbols import k
from theory.symbols import k as k_sym

if TYPE_CHECKING:
    from theory._context import RunContext


# ----------------------------------------------------------------- Hessian at minimisers
def _train_minimiser(data, Vt0: np.ndarray, k: int, gd_steps: int):
    """Gradient descent (Armijo) on the real OS loss, polished by damped Newton."""
    dd = data.d

    def lg_mat(Vt):
        loss, g, _ = numerics.os_recursion_loss_and_grad(data, Vt, k=k)
        return loss, g

    res = numerics.gradient_descent(lg_mat, (Vt0,), step="armijo", max_steps=gd_steps)

    def lg(theta):
        loss, g, _ = numerics.os_recursion_loss_and_grad(data, theta.reshape(dd, dd), k=k)
        return loss, g.ravel()

    theta, loss, gnorm, _ = numerics.damped_newton(
        lg, res.params[0].ravel(), max_iter=20, grad_tol=1e-9
    )
    return theta.reshape(dd, dd), loss, gnorm


def _hessian_grid(ctx: RunContext):
    """Minimisers of the real OS loss reached by training, across condition numbers of the
    feature covariance (κ = 1: M_τ nearly normal; κ = 30: strongly non-normal), prompt lengths
    and k; at each, the top Hessian eigenvalue (dense Hessian from Hessian–vector products of
    the hand-written gradient) and the per-prompt ρ(M_τ), ‖M_τ‖_op, ‖S_τ‖, ‖w*_τ‖."""
    d, B = 4, 40
    seeds = ctx.pick(3, 8)
    ns = ctx.pick((96,), (32, 96))
    ks = ctx.pick((1, 2, 4, 6), (1, 2, 3, 4, 5, 6, 8))
    kappas = (1.0, 30.0)
    gd_steps = ctx.pick(50, 300)
    rows = []
    root = ctx.rng("os_hessian", "grid")[0]
    for r in range(seeds):
        for kappa in kappas:
            for nn in ns:
                rng = np.random.default_rng([root, r, int(kappa), nn])
                Sig = random_covariance(rng, d, condition=kappa)
                data = numerics.make_sft_data(Sig, nn, B, rng)
                Gam = (1 + 1 / nn) * Sig + np.trace(Sig) / nn * np.eye(d)
                start = -np.linalg.inv(Gam)  # the pretrained point for this covariance
                for kk in ks:
                    ctx.note(f"os_hessian: seed {r}, κ={kappa:g}, n={nn}, k={kk}")
                    Vt, loss, gnorm = _train_minimiser(data, start, kk, gd_steps)

                    def grad(theta, kk=kk, data=data):
                        return numerics.os_recursion_loss_and_grad(data, theta.reshape(d, d), k=kk)[
                            1
                        ].ravel()

                    H = numerics.hessian_matrix(grad, Vt.ravel())
                    lam = float(np.linalg.eigvalsh(H)[-1])
                    rho, op = _spectra(np.eye(d) + Vt @ data.S)
                    c = np.linalg.norm(data.S, 2, axis=(1, 2)) ** 2 * np.sum(data.w_star**2, 1)
                    rows.append(
                        dict(
                            seed=r,
                            kappa=kappa,
                            n=nn,
                            k=kk,
                            lam=lam,
                            loss=loss,
                            gnorm=gnorm,
                            rho=rho,
                            op=op,
                            c=c,
                            w2=float(np.mean(np.sum(data.w_star**2, 1))),
                        )
                    )
                    start = Vt  # warm start the next k
    return rows


def _fit(rows, law: sp.Expr) -> tuple[np.ndarray, np.ndarray, int]:
    """Least squares of log λ on [dataset intercepts, log Q, log k] over every trained
    minimiser (one intercept per dataset: the k-dependence is fitted within datasets),
    Q = mean_τ law(k, ·)·‖S_τ‖²‖w_τ‖². Returns (coefficients (β, γ), their standard errors,
    residual degrees of freedom). Reported for reference (an op-norm law against ρ)."""
    Q = np.array([np.mean(law_values(law, x["k"], x["rho"], x["op"]) * x["c"]) for x in rows])
    y = np.log([x["lam"] for x in rows])
    groups = sorted({(x["seed"], x["kappa"], x["n"]) for x in rows})
    dummies = [[float((x["seed"], x["kappa"], x["n"]) == g) for x in rows] for g in groups]
    X = np.column_stack([*dummies, np.log(Q), np.log([x["k"] for x in rows])])
    coef, se, dof = numerics.ols(X, y)
    return coef[-2:], se[-2:], dof


def printed_exponents(law: sp.Expr) -> tuple[float, float]:
    r"""``(a, b)`` of a law of the form :math:`C\,k^{a}\rho^{b(2k-2)}` (read off the sympy
    expression: a the coefficient of log k, b the coefficient of (2k − 2)·log ρ in log f);
    raises :class:`theory.CannotExpress` for any other form (e.g. an operator-norm law)."""
    from theory._verdict import CannotExpress

    lk, lr = sp.Symbol("log_k"), sp.Symbol("log_rho")
    g = sp.expand(sp.expand_log(sp.log(law), force=True))
    g = g.subs({sp.log(k_sym): lk, sp.log(RHO): lr})
    a = sp.diff(g, lk)
    b = sp.simplify(sp.diff(g, lr) / (2 * k_sym - 2))
    if a.free_symbols or b.free_symbols or (g - a * lk).has(lk) or g.has(OPNORM):
        raise CannotExpress(f"the law {law} is not of the form C·k^a·ρ^(b(2k−2))")
    return float(a), float(b)


def exponent_fit(rows) -> tuple[np.ndarray, np.ndarray, int]:
    r"""Nonlinear least squares, separately for the two exponents of
    :math:`\lambda_{\max} = C_g\,k^{a}\,\frac1B\sum_\tau \rho_\tau^{b(2k-2)}\|S_\tau\|^2
    \|w^*_\tau\|^2` (one constant per dataset g): for fixed b the model is linear in
    (log C_g, a); b minimises the profiled residual sum of squares (grid, then Newton steps).
    Standard errors from the Jacobian at the optimum (classical, σ² = RSS/ν). Returns
    ((a, b), (se_a, se_b), ν)."""
    y = np.log([x["lam"] for x in rows])
    lk = np.log([x["k"] for x in rows])
    groups = sorted({(x["seed"], x["kappa"], x["n"]) for x in rows})
    D = np.array([[float((x["seed"], x["kappa"], x["n"]) == g) for g in groups] for x in rows])
    X = np.column_stack([D, lk])

    def logq(b: float) -> np.ndarray:
        return np.array(
            [np.log(np.mean(x["c"] * x["rho"] ** (b * (2 * x["k"] - 2)))) for x in rows]
        )

    def rss(b: float) -> tuple[float, np.ndarray]:
        r = y - logq(b)
        coef, *_ = np.linalg.lstsq(X, r, rcond=None)
        res = r - X @ coef
        return float(res @ res), coef

    grid = np.linspace(-1.0, 4.0, 501)
    b = float(grid[int(np.argmin([rss(v)[0] for v in grid]))])
    h = 1e-4
    for _ in range(50):
        f0, f1, f2 = rss(b - h)[0], rss(b)[0], rss(b + h)[0]
        curv = (f2 - 2 * f1 + f0) / h**2
        if curv <= 0:
            break
        step = (f2 - f0) / (2 * h) / curv
        b -= step
        if abs(step) < 1e-10:
            break
    rss_b, coef = rss(b)
    J = np.column_stack([X, (logq(b + 1e-6) - logq(b - 1e-6)) / 2e-6])
    dof = len(y) - J.shape[1]
    cov = rss_b / dof * np.linalg.pinv(J.T @ J)
    return np.array([coef[-1], b]), np.sqrt(np.diag(cov)[-2:]), dof


#: a trained minimiser is "near a minimiser (M^k w* ≈ 0)" when its OS loss is below this
#: fraction of the loss at Ṽ = 0 (½ mean ‖w*‖²): the residual M^k w* is then below 10 % of w*
NEAR_MINIMISER = 1e-2


@dataclass
class HessianTrainedFit(Check):
    r"""Real model at minimisers reached by training (module :func:`_hessian_grid`), kept
    where the paper's regime holds (OS loss < ``NEAR_MINIMISER`` × ½ mean ‖w*‖², i.e.
    M^k w* ≈ 0): the exponent of k and the exponent of ρ fitted separately
    (:func:`exponent_fit`) against the law's printed ones (:func:`printed_exponents`). Per
    exponent two pending records: ``H0: exponent = printed`` (two-sided Student t; rejection
    refutes) and the equivalence null ``H0: |exponent − printed| ≥ margin`` (TOST; rejection
    confirms the law to that margin, else the record stays undecided): a wide interval that
    merely contains the printed value does not confirm it."""

    margins: tuple[float, float] = (0.5, 0.1)
    name: str = field(default="trained_minimisers", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        printed = printed_exponents(claim.formula)
        rows_all = ctx.cached(("os_hessian_grid",), lambda: _hessian_grid(ctx))
        rows = [x for x in rows_all if x["loss"] < NEAR_MINIMISER * x["w2"] / 2]
        est, se, dof = exponent_fit(rows)
        (rb, rg), (sb, sg), _ = _fit(rows, k_sym**2 * RHO ** (2 * k_sym - 2))
        (ob, og), (sob, sog), _ = _fit(rows, k_sym**2 * OPNORM ** (2 * k_sym - 2))
        seed = ctx.rng("os_hessian", "grid")[0]
        params = {
            "d": 4,
            "B": 40,
            "kappa": sorted({x["kappa"] for x in rows}),
            "n": sorted({x["n"] for x in rows}),
            "k": sorted({x["k"] for x in rows}),
            "seeds": len({x["seed"] for x in rows}),
            "minimisers": len(rows),
            "minimisers_trained": len(rows_all),
            "max_loss": max(x["loss"] for x in rows),
            "max_grad_norm": max(x["gnorm"] for x in rows),
        }
        info = (
            f"for reference, λ ∝ Q^β k^γ: with Q = mean k²ρ^(2k−2)‖S‖²‖w‖² β = {rb:.2f} ± "
            f"{sb:.2f}, γ = {rg:.2f} ± {sg:.2f}; with k²‖M‖_op^(2k−2) β = {ob:.2f} ± {sob:.2f}, "
            f"γ = {og:.2f} ± {sog:.2f}"
        )
        tq = 3.0  # for the interval quoted in the detail (≈ 99.5 % two-sided at these dof)
        out = []
        for j, what in enumerate(("a (exponent of k)", "b (ρ exponent, in units of 2k − 2)")):
            e, s, c, margin = float(est[j]), float(se[j]), printed[j], self.margins[j]
            z = (e - c) / s
            p_eq = max(
                upper_tail_p((e - (c - margin)) / s, dof),
                upper_tail_p(((c + margin) - e) / s, dof),
            )
            detail = (
                f"fit over {len(rows)} of {len(rows_all)} trained minimisers (those with M^k w* ≈ "
                f"0), t with {dof} dof: {e:.3f} ± {s:.3f}, ±{tq:g}·s.e. interval "
                f"[{e - tq * s:.2f}, {e + tq * s:.2f}] vs printed {c:g}; " + info
            )
            for role, p, means, claimed in (
                (f"H0: {what[0]} = {c:g}", 2 * upper_tail_p(abs(z), dof), "fail", c),
                (
                    f"H0: |{what[0]} − {c:g}| ≥ {margin:g} (rejection confirms)",
                    p_eq,
                    "pass",
                    f"within ±{margin:g} of {c:g}",
                ),
            ):
                out.append(
                    Evidence(
                        kind="rate",
                        label=f"top Hessian eigenvalue near trained minimisers: {what}; {role}",
                        params=params,
                        claimed=claimed,
                        measured=e,
                        stderr=s,
                        z=z,
                        p_value=min(1.0, p),
                        reject_means=means,
                        seed=seed,
                        n_samples=len(rows),
                        detail=detail,
                    )
                )
        return out


os_hessian = Claim(
    id="os_hessian",
    reference="(6.1), Appendix E",
    statement="near a minimiser (M^k w* ≈ 0) the top Hessian eigenvalue of L_OS scales like "
    "(1/B) Σ_τ k² ρ(M_τ)^{2k−2}",
    formula=k**2 * RHO ** (2 * k - 2),
    checks=(HessianLawD1(), HessianTrainedFit()),
    section="§6 / Appendix E",
    expected="inconclusive",
    lhs_latex=r"\lambda_{\max}(\nabla^2 L_{OS})",
    derivation=os_d1_gauss_newton,
    quote="(6.1), Appendix E: near a minimiser (M^k w* ≈ 0) the top Hessian eigenvalue of L_OS "
    "scales like (1/B) Σ_τ k² ρ(M_τ)^{2k−2}",
    notes="Exact at d = 1 (J² = k² m^(2k−2) s² w²). At d = 4 it is tested at minimisers reached "
    "by training (GD, then damped Newton; B = 40 > d, so the residual is small but not 0), kept "
    "where M^k w* ≈ 0 (OS loss < 1 % of its value at Ṽ = 0), with the Hessian assembled from "
    "Hessian–vector products of the hand-written gradient: the exponent of k (a, printed 2) and "
    "the ρ exponent (b, in units of 2k − 2, printed 1) are fitted separately (nonlinear least "
    "squares, dataset intercepts); each is a rate record of H0: exponent = printed, plus an "
    "equivalence record (|a − 2| < 0.5, |b − 1| < 0.1) needed to confirm. Quick tier (3 seeds, "
    "k = 1, 2, 4, 6, 18 minimisers kept): a = 0.25 ± 1.50, b = 0.76 ± 0.20 at seed 0 — neither "
    "rejected nor resolved: inconclusive (6 seeds and k = 1, 2, 3, 4, 6 still leave "
    "a = 0.13 ± 0.63, p = 0.005: the quick tier cannot decide). Full tier (8 seeds, n = 32, "
    "96, k = 1..8; 170 of 224 minimisers kept; `lsa-verify check os_hessian --tier full`, "
    "seed 0): a = 0.09 ± 0.29 and b = 0.76 ± 0.04, both printed exponents rejected "
    "(|t| = 6.7 and 6.4, 136 dof; p = 6e-10, 2e-9) — refuted in the stated regime at "
    "d = 4. The closer the minimiser (smaller residual), the smaller the k exponent (k ≥ 2 "
    "and OS loss < 10 % of its value at Ṽ = 0: a = 0.66 ± 0.22; < 1 %: 0.09 ± 0.29): at an "
    "exact minimiser "
    "with M w* = 0 the Jacobian Σ_j M^j E S M^{k−1−j} w* keeps only j = k − 1, with no factor "
    "k — the k² is the triangle-inequality count of the k terms (exact at d = 1 only, where "
    "M^k w* = 0 forces ρ = 0). The fit also reports the joint form λ ∝ Q^β k^γ and the "
    "operator-norm law. `lsa-verify latex` shows the d = 1 Gauss–Newton Hessian at k = 3.",
    wrong_variants={
        "rho_to_the_6k_minus_6": k**2 * RHO ** (3 * (2 * k - 2)),
    },
)


CLAIMS = (os_hessian,)
