r"""Checks of the data-allocation results of §5.1: the error operator on :math:`U =
\operatorname{range}(\Delta)`, the optimal post-training covariance, and Insight 1.

Post-test errors are the exact formula of Lemma A.1 / Prop 5.1 (the confirmed claim
``lemma_A1``) at the derived population limit :math:`\tilde V_\infty(A)`
(:func:`theory.claims.sft._data.vinf_derived`); at finite B the SFT weights come from real
training (:func:`numerics.nearest_sft_minimiser`); Monte Carlo of real test prompts through the real
forward pass witnesses the error formula at a few points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from derivations import d, eta, exact_difference, n, optimal_scale_limit, optimal_scales
from numerics import golden_section_min
from theory._check import Check
from theory._claim import Claim
from theory._evaluate import evaluate, evaluate_exact
from theory._params import random_covariance, random_orthogonal
from theory._verdict import Evidence, Outcome
from theory.checks import scope_if, short_text
from theory.claims.sft._data import part, vinf_derived, vinf_numeric

if TYPE_CHECKING:
    from theory._context import RunContext


def post_test_error(V: np.ndarray, Sigma: np.ndarray, n_test: int) -> float:
    r"""Exact one-step post-test error :math:`E\|\hat w - w^*\|^2` of weights
    :math:`\tilde V` on prompts :math:`x \sim N(0, \Sigma)` of length n: the right side of the
    confirmed ``lemma_A1`` (= Prop 5.1) with :math:`A = \tilde V`, evaluated in float64."""
    from theory.claims.gaussian_moments.lemma_A1 import lemma_A1

    return float(
        evaluate(lemma_A1.formula, {"A": V, "Sigma": Sigma}, {"n": n_test, "d": V.shape[0]})
    )




#: the §5.1 sub-domain on which the printed operator and optimum hold
U_INVARIANT = "Σ0-invariant U"


# ------------------------------------------------------------------ settings
@dataclass
class Allocation:
    """A §5.1 setting: Σ0, Δ (range U, dim m), the projector P on U, a post-training A with
    range U, and whether U is an invariant subspace of Σ0 ("aligned")."""

    label: str
    Sigma0: np.ndarray
    Delta: np.ndarray
    A: np.ndarray
    aligned: bool
    P: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.P = self.Delta @ np.linalg.pinv(self.Delta, rcond=1e-10)

    @property
    def d(self) -> int:
        return self.Sigma0.shape[0]

    @property
    def Sigma(self) -> np.ndarray:
        return self.Sigma0 + self.Delta

    @property
    def M(self) -> np.ndarray:
        return self.P @ self.Sigma0 @ self.P + self.Delta

    def params(self) -> dict:
        return {
            "label": self.label,
            "Sigma0": self.Sigma0,
            "Delta": self.Delta,
            "A": self.A,
            "aligned": self.aligned,
        }


def allocation_settings(ctx: RunContext, dd: int, m: int, tag: str) -> list[Allocation]:
    """Σ0 leaving U invariant (block diagonal in a rotated basis: 'aligned') and a generic Σ0
    ('misaligned'); Δ of rank m on U, A positive definite on U."""
    rng = ctx.rng("allocation", tag)[1]
    Q = random_orthogonal(rng, dd)
    QU, QP = Q[:, :m], Q[:, m:]

    def on(Qb, k, cond, scale=1.0):
        return Qb @ random_covariance(rng, k, condition=cond, scale=scale) @ Qb.T

    Delta = on(QU, m, 2.0)
    A = on(QU, m, 3.0, scale=0.4)
    S_aligned = on(QU, m, 2.0, scale=0.3) + on(QP, dd - m, 2.0)
    S_generic = random_covariance(rng, dd, condition=5.0)
    return [
        Allocation(f"d={dd}, m={m}, Σ0 leaves U invariant", S_aligned, Delta, A, True),
        Allocation(f"d={dd}, m={m}, generic Σ0 (U not invariant)", S_generic, Delta, A, False),
    ]


# ------------------------------------------------------------------ §5.1 optimal A
@dataclass
class OptimalASymbolic(Check):
    r"""Exact, d = 2, m = 1, :math:`\Sigma_0 = \operatorname{diag}(\rho, 1)`,
    :math:`\Delta = \operatorname{diag}(1, 0)`, A = c·M: the exact post-test error of the
    derived :math:`\tilde V_\infty(cM)` (Lemma A.1) as a rational function of c with symbolic
    n and η; its stationary point :math:`c^*(n)` and :math:`\lim_{n\to\infty} c^*(n) M`
    derived by :func:`derivations.optimal_scales` and :func:`derivations.optimal_scale_limit`,
    against the printed optimum (which must be a multiple of M along this family)."""

    name: str = field(default="optimal_a_symbolic", init=False)

    @staticmethod
    def stationary_points(rho: sp.Expr) -> list[sp.Expr]:
        """Positive stationary points c*(n) of the exact error along A = c·diag(ρ + 1, 0): the
        error set up here, its stationary points derived by :func:`derivations.optimal_scales`."""
        from theory.claims.gaussian_moments.lemma_A1 import lemma_A1

        c = sp.Symbol("c", positive=True)
        S0, D = sp.diag(rho, 1), sp.diag(1, 0)
        V = evaluate_exact(vinf_derived(), {"A": c * sp.diag(rho + 1, 0), "Sigma0": S0}, {d: 2})
        V = V.applyfunc(sp.cancel)
        E = sp.cancel(evaluate_exact(lemma_A1.formula, {"A": V, "Sigma": S0 + D}, {d: 2}))
        return optimal_scales(E, c)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        rho = sp.Rational(1, 10) if not ctx.full else sp.Symbol("rho", positive=True)
        S0, D = sp.diag(rho, 1), sp.diag(1, 0)
        Mm = sp.diag(rho + 1, 0)
        roots = ctx.cached(("sec51_optimal_c", str(rho)), lambda: self.stationary_points(rho))
        printed = evaluate_exact(part(claim.formula, 0), {"Sigma0": S0, "Delta": D}, {d: 2})
        ok, detail = False, f"stationary points c*(n) = {roots}"
        if len(roots) == 1:
            limit = optimal_scale_limit(roots[0])
            diff = exact_difference(printed, (limit * Mm).applyfunc(sp.simplify))
            ok = diff is None
            detail = f"c*(n) = {sp.factor(roots[0])} → {limit} as n → ∞; " + (
                "printed optimum = lim c*(n)·M"
                if ok
                else f"printed − lim c*(n)·M = {short_text(diff)}"
            )
        return [
            Evidence(
                kind="symbolic",
                label="exact minimiser over the family A = c(P_UΣ0P_U + Δ), d = 2, Σ0 = "
                f"diag({rho}, 1), Δ = diag(1, 0): lim_(n→∞) c*(n)·M = printed",
                outcome=Outcome.PASS if ok else Outcome.FAIL,
                detail=detail,
                scope=scope_if(claim, U_INVARIANT, True),  # diagonal Σ0, Δ: U is invariant
            )
        ]


def _err_fn(st: Allocation, nn: int, ee: float) -> Callable[[np.ndarray], float]:
    def err(A: np.ndarray) -> float:
        return post_test_error(vinf_numeric(A, st.Sigma0, nn, ee), st.Sigma, nn)

    return err


SEC51_ETA = 0.2


def _optimal_family(ctx: RunContext, st: Allocation, j: int, nn: int):
    """c*_n of the family c·M (golden-section search in log c) and its error."""
    err = _err_fn(st, nn, SEC51_ETA)

    def run():
        ctx.note(f"§5.1: search over c·M at n = {nn}, {st.label}")
        x, fx = golden_section_min(
            lambda lc: err(math.exp(lc) * st.M),
            math.log(SEC51_ETA / 20),
            math.log(SEC51_ETA * 20),
            iters=ctx.pick(45, 60),
        )
        return math.exp(x), fx

    return ctx.cached(("sec51_family", j, nn), run)


def _sec51_ns(ctx: RunContext) -> tuple[int, ...]:
    return ctx.pick((50, 200, 800, 3200), (25, 50, 100, 200, 400, 800, 1600, 3200, 6400))


# ------------------------------------------------------------------ Insight 1
INSIGHT_ETA = 0.2


def insight_arms(dd: int, m: int, rho: float, r: float) -> dict[str, np.ndarray]:
    r"""Fig. 1's setting: :math:`\Sigma_0 = \operatorname{diag}(\rho 1_m, 1_{d-m})`,
    :math:`\Delta = \operatorname{diag}(1_m, 0)`; aligned data
    :math:`A_\Delta = \operatorname{diag}(\eta(\rho+1) 1_m, r 1_{d-m})`, covered data
    :math:`A_c = \operatorname{diag}(r 1_m, a 1_{d-m})` with the same trace."""
    a = INSIGHT_ETA * (rho + 1)
    tau = m * a + (dd - m) * r
    ac = (tau - m * r) / (dd - m)
    return {
        "Sigma0": np.diag(np.r_[np.full(m, rho), np.ones(dd - m)]),
        "Delta": np.diag(np.r_[np.ones(m), np.zeros(dd - m)]),
        "aligned": np.diag(np.r_[np.full(m, a), np.full(dd - m, r)]),
        "covered": np.diag(np.r_[np.full(m, r), np.full(dd - m, ac)]),
    }


def insight_grid(ctx: RunContext, rs: tuple[float, ...] | None = None):
    """d and the (ρ, m/d, r, n) grid, restricted to the interference levels ``rs`` if given."""
    dd = ctx.pick(20, 40)
    rhos = ctx.pick((0.1, 1.0), (0.1, 0.5, 1.0, 2.0))
    fracs = ctx.pick((0.1, 0.5), (0.1, 0.25, 0.5, 0.75))
    rs = (0.0, 0.01, 0.1) if rs is None else rs
    ns = (dd, 10 * dd)
    return dd, [(rho, f, r, nn) for r in rs for nn in ns for rho in rhos for f in fracs]


def _relation(claim: Claim, aligned: float, covered: float) -> bool:
    rel = part(claim.formula, 0)
    names = {s.name: s for s in rel.free_symbols}
    return bool(rel.subs({names["Err_aligned"]: aligned, names["Err_covered"]: covered}))


@dataclass
class InsightPopulation(Check):
    """Population limit (B → ∞): the exact post-test errors of :math:`\\tilde V_\\infty` for
    the two arms on the grid of (ρ, m/d, r, n); one evidence per (r, n), listing where the
    printed relation fails."""

    #: the interference levels r evaluated (None: every r of the grid)
    rs: tuple[float, ...] | None = None
    name: str = field(default="insight_population", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        dd, grid = insight_grid(ctx, self.rs)
        groups: dict = {}
        for rho, f, r, nn in grid:
            m = round(f * dd)
            arms = insight_arms(dd, m, rho, r)
            Sig = arms["Sigma0"] + arms["Delta"]

            def pop(arms=arms, Sig=Sig, nn=nn):
                return {
                    a: post_test_error(
                        vinf_numeric(arms[a], arms["Sigma0"], nn, INSIGHT_ETA), Sig, nn
                    )
                    for a in ("aligned", "covered")
                }

            errs = ctx.cached(("insight_pop", dd, rho, f, r, nn), pop)
            groups.setdefault((r, nn), []).append((rho, f, errs))
        out = []
        for (r, nn), rows in groups.items():
            bad = [
                (rho, f, e)
                for rho, f, e in rows
                if not _relation(claim, e["aligned"], e["covered"])
            ]
            out.append(
                Evidence(
                    kind="numeric",
                    label=f"printed relation at B = ∞, r = {r}, n = {nn}, all (ρ, m/d), d = {dd}",
                    outcome=Outcome.FAIL if bad else Outcome.PASS,
                    params={"d": dd, "r": r, "n": nn, "eta": INSIGHT_ETA},
                    measured={
                        f"rho={rho}, m/d={f}": [e["aligned"], e["covered"]] for rho, f, e in rows
                    },
                    detail=(
                        "fails at "
                        + "; ".join(
                            f"ρ={rho}, m/d={f}: aligned {e['aligned']:.4g} vs covered "
                            f"{e['covered']:.4g}"
                            for rho, f, e in bad
                        )
                    )
                    if bad
                    else "holds at every (ρ, m/d): "
                    + "; ".join(
                        f"ρ={rho}, m/d={f}: {e['aligned']:.4g} vs {e['covered']:.4g}"
                        for rho, f, e in rows
                    ),
                )
            )
        return out


@dataclass
class InsightExact(Check):
    """Exact rational arithmetic (d = 10, B = ∞) at a few grid points: the derived
    :math:`\\tilde V_\\infty` and Lemma A.1 for both arms, the printed relation decided
    exactly."""

    #: the interference levels r evaluated (None: every point)
    rs: tuple[float, ...] | None = None
    name: str = field(default="insight_exact", init=False)

    @staticmethod
    def exact_errors(rho: sp.Expr, m: int, r: sp.Expr, nn: int, dd: int = 10) -> dict:
        """Exact population post-test errors of both arms (η = 1/5, rational arithmetic)."""
        from theory.claims.gaussian_moments.lemma_A1 import lemma_A1

        e_ = sp.Rational(1, 5)
        a = e_ * (rho + 1)
        ac = (m * a + (dd - m) * r - m * r) / (dd - m)
        S0 = sp.diag(*([rho] * m + [1] * (dd - m)))
        D = sp.diag(*([1] * m + [0] * (dd - m)))
        arms = {
            "aligned": sp.diag(*([a] * m + [r] * (dd - m))),
            "covered": sp.diag(*([r] * m + [ac] * (dd - m))),
        }
        out = {}
        for name, Am in arms.items():
            V = evaluate_exact(vinf_derived(), {"A": Am, "Sigma0": S0}, {d: dd, n: nn, eta: e_})
            out[name] = sp.nsimplify(
                evaluate_exact(lemma_A1.formula, {"A": V, "Sigma": S0 + D}, {d: dd, n: nn})
            )
        return out

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        dd = 10
        pts = [(sp.Rational(1, 10), 5, 0, 100), (sp.Rational(1, 10), 1, sp.Rational(1, 100), 100)]
        if ctx.full:
            pts += [(sp.Integer(1), 1, sp.Rational(1, 10), 10), (sp.Integer(2), 5, 0, 10)]
        if self.rs is not None:
            pts = [p for p in pts if float(p[2]) in self.rs]
        out = []
        for rho, m, r, nn in pts:
            errs = ctx.cached(
                ("insight_exact", str(rho), m, str(r), nn),
                lambda rho=rho, m=m, r=r, nn=nn: self.exact_errors(rho, m, r, nn),
            )
            ok = _relation(claim, errs["aligned"], errs["covered"])
            out.append(
                Evidence(
                    kind="symbolic",
                    label=f"printed relation, exact (B = ∞), d = {dd}, ρ = {rho}, m = {m}, "
                    f"r = {r}, n = {nn}",
                    outcome=Outcome.PASS if ok else Outcome.FAIL,
                    detail=f"aligned {errs['aligned']} ≈ {float(errs['aligned']):.6g}; covered "
                    f"{errs['covered']} ≈ {float(errs['covered']):.6g}",
                )
            )
        return out
