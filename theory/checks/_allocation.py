r"""Checks of the data-allocation results of §5.1: the error operator on :math:`U =
\operatorname{range}(\Delta)`, the optimal post-training covariance, and Insight 1.

Post-test errors are the exact formula of Lemma A.1 / Prop 5.1 (the confirmed claim
``lemma_A1``) at the derived population limit :math:`\tilde V_\infty(A)`
(:func:`theory.checks._sft_setup.vinf_derived`); at finite B the SFT weights come from real
training (:func:`numerics.sft_minimiser`); Monte Carlo of real test prompts through the real
forward pass witnesses the error formula at a few points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import numerics
from derivations import d, eta, n
from theory._claim import Check, Claim
from theory._evaluate import evaluate, evaluate_exact
from theory._params import random_covariance, random_orthogonal
from theory._stats import upper_tail_p
from theory._verdict import Evidence, Outcome, z_test
from theory.checks._evidence import scope_if
from theory.checks._symbolic import _short, exact_difference
from theory.claims.sft._data import gamma0, part, vinf_derived, vinf_numeric

if TYPE_CHECKING:
    from theory._context import RunContext

__all__ = [
    "U_INVARIANT",
    "Allocation",
    "InsightExact",
    "InsightFiniteB",
    "InsightPopulation",
    "OffUSearch",
    "OperatorMC",
    "OperatorSymbolic",
    "OptimalAFamily",
    "OptimalASymbolic",
    "PostTestWitness",
    "golden_min",
    "offu_evidence",
    "post_test_error",
]


def post_test_error(V: np.ndarray, Sigma: np.ndarray, n_test: int) -> float:
    r"""Exact one-step post-test error :math:`E\|\hat w - w^*\|^2` of weights
    :math:`\tilde V` on prompts :math:`x \sim N(0, \Sigma)` of length n: the right side of the
    confirmed ``lemma_A1`` (= Prop 5.1) with :math:`A = \tilde V`, evaluated in float64."""
    from theory.claims.gaussian_moments.lemma_A1 import lemma_A1

    return float(
        evaluate(lemma_A1.formula, {"A": V, "Sigma": Sigma}, {"n": n_test, "d": V.shape[0]})
    )


def golden_min(f: Callable[[float], float], lo: float, hi: float, iters: int = 60):
    """Golden-section search of a unimodal f on [lo, hi]: ``(x, f(x))``."""
    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, e = b - g * (b - a), a + g * (b - a)
    fc, fe = f(c), f(e)
    for _ in range(iters):
        if fc <= fe:
            b, e, fe = e, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, e, fe
            e = a + g * (b - a)
            fe = f(e)
    return (c, fc) if fc <= fe else (e, fe)


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


def _rational_setting(rng: np.random.Generator, dd: int, m: int, aligned: bool):
    """Exact rational (Σ0, Δ, A) with range(Δ) = range(A) = U of dimension m."""
    Bm = sp.Matrix(dd, m, lambda i, j: sp.Integer(int(rng.integers(-2, 3))))
    while Bm.rank() < m:
        Bm = sp.Matrix(dd, m, lambda i, j: sp.Integer(int(rng.integers(-2, 3))))
    P = Bm * (Bm.T * Bm).inv() * Bm.T
    Cp = sp.Matrix(dd, dd - m, lambda i, j: sp.Integer(int(rng.integers(-2, 3))))
    Q = (sp.eye(dd) - P) * Cp  # spans U⊥ (generically)

    def psd(k):
        Lm = sp.Matrix(k, k, lambda i, j: sp.Integer(int(rng.integers(-2, 3))) if i >= j else 0)
        return Lm * Lm.T + sp.eye(k)

    Delta = Bm * psd(m) * Bm.T
    A = Bm * psd(m) * Bm.T / 3
    if aligned:
        S0 = Bm * psd(m) * Bm.T / 5 + Q * psd(dd - m) * Q.T
    else:
        G = sp.Matrix(dd, dd, lambda i, j: sp.Integer(int(rng.integers(-2, 3))))
        S0 = G * G.T + sp.eye(dd)
    return S0, Delta, A


# ------------------------------------------------------------------ §5.1 operator
@dataclass
class OperatorSymbolic(Check):
    r"""Exact, rational (Σ0, Δ, A) with range(A) = range(Δ) = U, d = 3, m = 2, at rational
    (n, η): the derived :math:`\tilde V_\infty` gives :math:`P_U(I + \tilde V_\infty\Sigma)P_U`
    and :math:`\tilde V_\infty(I - P_U)`; compared with the printed parts, for Σ0 leaving U
    invariant and for a generic Σ0."""

    name: str = field(default="operator_symbolic", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        derived = ctx.cached(("vinf_derived",), vinf_derived)
        rng = ctx.rng("sec51", "rational")[1]
        out = []
        for aligned in (True, False):
            S0, D, A = _rational_setting(rng, 3, 2, aligned)
            P = D * D.pinv()
            Sig = S0 + D
            mats = {"Sigma0": S0, "Delta": D, "A": A}
            fails = {0: [], 1: []}
            pairs = ((sp.Integer(5), sp.Rational(3, 10)), (sp.Integer(40), sp.Rational(1, 5)))
            for nn, ee in pairs:
                scal = {d: 3, n: nn, eta: ee}
                V = evaluate_exact(derived, mats, scal).applyfunc(sp.cancel)
                lhs = [P * (sp.eye(3) + V * Sig) * P, V * (sp.eye(3) - P)]
                for idx in (0, 1):
                    pr = evaluate_exact(part(claim.formula, idx), mats, scal)
                    diff = exact_difference(lhs[idx], pr)
                    if diff is not None:
                        fails[idx].append(
                            f"n={nn}, η={ee}: derived − printed has entry {_short(diff, 120)}"
                        )
            where = "Σ0 leaves U invariant" if aligned else "generic Σ0"
            for idx, what in ((0, "P_U(I + Ṽ_∞Σ)P_U"), (1, "Ṽ_∞(I − P_U) = −Γ0⁻¹(I − P_U)")):
                out.append(
                    Evidence(
                        kind="symbolic",
                        label=f"{what}: derived = printed, exact rational d=3, m=2, {where}",
                        outcome=Outcome.FAIL if fails[idx] else Outcome.PASS,
                        params={
                            "Sigma0": str(S0.tolist()),
                            "Delta": str(D.tolist()),
                            "A": str(A.tolist()),
                        },
                        detail="; ".join(fails[idx])
                        or "exact equality at (n, η) = (5, 3/10), (40, 1/5)",
                        scope=scope_if(claim, U_INVARIANT, aligned),
                    )
                )
        return out


@dataclass
class OperatorMC(Check):
    r"""Real training at large B: :math:`\tilde V^*_B` = the real-loss minimiser nearest
    :math:`-\Gamma_0^{-1}`; the mean over R replicates of :math:`P_U(I + \tilde V^*_B\Sigma)P_U`
    and :math:`\tilde V^*_B(I - P_U)` against the printed parts (entrywise t-test; the O(1/B)
    bias is below the standard error)."""

    name: str = field(default="operator_mc", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        B, R = ctx.pick((4096, 10), (65536, 16))
        nn, ee, kk = 6, 0.3, 1
        out = []
        for j, st in enumerate(allocation_settings(ctx, 3, 2, "operator")):
            seed, rng = ctx.rng("sec51", "operator_mc", j)
            V0 = -np.linalg.inv(gamma0(st.Sigma0, nn))

            def run(st=st, rng=rng, V0=V0):
                ctx.note(f"§5.1 operator: {R} real-loss minimisers at B = {B}")
                return np.array(
                    [
                        numerics.sft_minimiser(
                            numerics.make_sft_data(st.A, nn, B, rng),
                            V0,
                            eta=ee,
                            k=kk,
                            check_structure=r == 0,
                        )
                        for r in range(R)
                    ]
                )

            Vs = ctx.cached(("sec51_operator_mc", j), run)
            I = np.eye(st.d)
            lhs = [
                np.array([st.P @ (I + V @ st.Sigma) @ st.P for V in Vs]),
                np.array([V @ (I - st.P) for V in Vs]),
            ]
            mats = {"Sigma0": st.Sigma0, "Delta": st.Delta, "A": st.A}
            for idx, what in ((0, "P_U(I + Ṽ*Σ)P_U"), (1, "Ṽ*(I − P_U)")):
                claimed = np.asarray(
                    evaluate(part(claim.formula, idx), mats, {"n": nn, "eta": ee, "d": st.d}),
                    dtype=float,
                )
                mean = lhs[idx].mean(0)
                params = {**st.params(), "n": nn, "eta": ee, "k": kk, "B": B, "replicates": R}
                if idx == 1:
                    # deterministic, not Monte Carlo: range Φ ⊆ U, so the minimiser nearest V0
                    # keeps V0 = −Γ0⁻¹ off U; this compares that with the printed off-U part
                    gap = float(np.max(np.abs(lhs[idx] - claimed)))
                    ok = gap <= 1e-9 * (1 + float(np.max(np.abs(claimed))))
                    out.append(
                        Evidence(
                            kind="numeric",
                            label=f"{what} of real minimisers (= −Γ0⁻¹(I − P_U): range Φ ⊆ U) "
                            f"= printed, {st.label}",
                            outcome=Outcome.PASS if ok else Outcome.FAIL,
                            params=params,
                            claimed=claimed,
                            measured=mean,
                            seed=seed,
                            detail=f"max |Ṽ* − printed| over {R} minimisers = {gap:.3g} "
                            "(tolerance 1e-9, relative)",
                            scope=scope_if(claim, U_INVARIANT, st.aligned),
                        )
                    )
                    continue
                se = lhs[idx].std(0, ddof=1) / math.sqrt(R)
                z, p = z_test(mean, claimed, se, dof=R - 1)
                out.append(
                    Evidence(
                        kind="monte_carlo",
                        label=f"{what} of real minimisers at B = {B} = printed, {st.label}",
                        params=params,
                        claimed=claimed,
                        measured=mean,
                        stderr=se,
                        z=z,
                        p_value=p,
                        seed=seed,
                        n_samples=R * B,
                        detail=f"t-test with {R - 1} dof; max |mean − printed| = "
                        f"{float(np.max(np.abs(mean - claimed))):.3g}",
                        scope=scope_if(claim, U_INVARIANT, st.aligned),
                    )
                )
        return out


# ------------------------------------------------------------------ §5.1 optimal A
@dataclass
class OptimalASymbolic(Check):
    r"""Exact, d = 2, m = 1, :math:`\Sigma_0 = \operatorname{diag}(\rho, 1)`,
    :math:`\Delta = \operatorname{diag}(1, 0)`, A = c·M: the exact post-test error of the
    derived :math:`\tilde V_\infty(cM)` (Lemma A.1) as a rational function of c with symbolic
    n and η; its stationary point :math:`c^*(n)` from sympy, and
    :math:`\lim_{n\to\infty} c^*(n) M` against the printed optimum (which must be a multiple
    of M along this family)."""

    name: str = field(default="optimal_a_symbolic", init=False)

    @staticmethod
    def stationary_points(rho: sp.Expr) -> list[sp.Expr]:
        """Positive stationary points c*(n) of the exact error along A = c·diag(ρ + 1, 0)."""
        from theory.claims.gaussian_moments.lemma_A1 import lemma_A1

        c = sp.Symbol("c", positive=True)
        S0, D = sp.diag(rho, 1), sp.diag(1, 0)
        V = evaluate_exact(vinf_derived(), {"A": c * sp.diag(rho + 1, 0), "Sigma0": S0}, {d: 2})
        V = V.applyfunc(sp.cancel)
        E = sp.cancel(evaluate_exact(lemma_A1.formula, {"A": V, "Sigma": S0 + D}, {d: 2}))
        num, _ = sp.fraction(sp.together(sp.diff(E, c)))
        return [s for s in sp.solve(sp.factor(num), c) if s.is_positive is not False]

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        rho = sp.Rational(1, 10) if not ctx.full else sp.Symbol("rho", positive=True)
        S0, D = sp.diag(rho, 1), sp.diag(1, 0)
        Mm = sp.diag(rho + 1, 0)
        roots = ctx.cached(("sec51_optimal_c", str(rho)), lambda: self.stationary_points(rho))
        printed = evaluate_exact(part(claim.formula, 0), {"Sigma0": S0, "Delta": D}, {d: 2})
        ok, detail = False, f"stationary points c*(n) = {roots}"
        if len(roots) == 1:
            limit = sp.limit(roots[0], n, sp.oo)
            diff = exact_difference(printed, (limit * Mm).applyfunc(sp.simplify))
            ok = diff is None
            detail = f"c*(n) = {sp.factor(roots[0])} → {limit} as n → ∞; " + (
                "printed optimum = lim c*(n)·M" if ok else f"printed − lim c*(n)·M = {_short(diff)}"
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
        x, fx = golden_min(
            lambda lc: err(math.exp(lc) * st.M),
            math.log(SEC51_ETA / 20),
            math.log(SEC51_ETA * 20),
            iters=ctx.pick(45, 60),
        )
        return math.exp(x), fx

    return ctx.cached(("sec51_family", j, nn), run)


def _sec51_ns(ctx: RunContext) -> tuple[int, ...]:
    return ctx.pick((50, 200, 800, 3200), (25, 50, 100, 200, 400, 800, 1600, 3200, 6400))


@dataclass
class OptimalAFamily(Check):
    r"""Numerical search over the family :math:`A = c(P_U\Sigma_0P_U + \Delta)` (golden
    section in log c) of the exact post-test error of :math:`\tilde V_\infty(A)` for n on a
    geometric grid; the relative distance :math:`\delta_n = \|c^*_n M - A_{printed}\|_F /
    \|A_{printed}\|_F` must shrink with n (log-log slope ≤ −1/2) and be below 5 % at the
    largest n."""

    name: str = field(default="optimal_a_family", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        out = []
        for j, st in enumerate(allocation_settings(ctx, 6, 3, "optimal")):
            ns = _sec51_ns(ctx)
            printed = np.asarray(
                evaluate(
                    part(claim.formula, 0),
                    {"Sigma0": st.Sigma0, "Delta": st.Delta},
                    {"eta": SEC51_ETA, "d": st.d},
                ),
                dtype=float,
            )
            cs, deltas = [], []
            for nn in ns:
                c, _ = _optimal_family(ctx, st, j, nn)
                cs.append(c)
                deltas.append(
                    float(np.linalg.norm(c * st.M - printed) / max(np.linalg.norm(printed), 1e-300))
                )
            slope = float(np.polyfit(np.log(ns), np.log(np.maximum(deltas, 1e-300)), 1)[0])
            ok = slope <= -0.5 and deltas[-1] <= 0.05
            out.append(
                Evidence(
                    kind="numeric",
                    label=f"minimiser of the exact post-test error over A = c(P_UΣ0P_U + Δ) → "
                    f"printed as n grows, {st.label}",
                    outcome=Outcome.PASS if ok else Outcome.FAIL,
                    params={**st.params(), "eta": SEC51_ETA, "n": list(ns)},
                    claimed=0.0,
                    measured=deltas,
                    detail="c*_n = "
                    + ", ".join(f"{c:.5g}" for c in cs)
                    + f" (η = {SEC51_ETA}); relative distance to printed "
                    + ", ".join(f"{x:.3g}" for x in deltas)
                    + f"; log-log slope {slope:.2f}",
                    scope=scope_if(claim, U_INVARIANT, st.aligned),
                )
            )
        return out


def offu_evidence(
    label: str, base_err: float, ray_results: list[tuple[str, float, float]], params: dict
) -> Evidence:
    """Evidence from off-U rays: ``ray_results`` = (direction, best t, best error); FAIL when a
    point off U has a lower exact error than the within-U minimiser (separate for testing)."""
    best = min(ray_results, key=lambda r: r[2])
    gain = (best[2] - base_err) / base_err
    ok = gain >= -1e-9
    return Evidence(
        kind="numeric",
        label=label,
        outcome=Outcome.PASS if ok else Outcome.FAIL,
        params=params,
        claimed=base_err,
        measured=best[2],
        detail=(
            "no off-U perturbation lowers the error; "
            if ok
            else f"leaving U lowers the error by {-gain:.3g} (relative): "
        )
        + "; ".join(f"{name}: best t = {t:.3g}, error {e:.6g}" for name, t, e in ray_results)
        + f" (within-U minimiser: {base_err:.6g})",
    )


@dataclass
class OffUSearch(Check):
    r"""Perturbations off U: from the family minimiser :math:`c^*_n M`, rays
    :math:`c^*_n M + t E` with E the pretraining covariance off U,
    :math:`(I - P_U)\Sigma_0(I - P_U)`, and a random PSD matrix on :math:`U^\perp`, t on a
    geometric grid over :math:`[10^{-4}, 10]\,\eta` refined by golden section. Reports the
    smallest exact error found off U; fails if it is below the within-U minimum (the minimiser
    then lies off U, not near :math:`\eta(P_U\Sigma_0P_U + \Delta)`)."""

    name: str = field(default="off_u_search", init=False)
    uses_formula: bool = field(default=False, init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        out = []
        rng = ctx.rng("sec51", "off_u")[1]
        ns = _sec51_ns(ctx)
        for j, st in enumerate(allocation_settings(ctx, 6, 3, "optimal")):
            if not st.aligned:
                continue  # the within-U claim already fails there
            Pp = np.eye(st.d) - st.P
            G = rng.standard_normal((st.d, st.d))
            Er = Pp @ G @ G.T @ Pp
            dirs = [("(I−P)Σ0(I−P)", Pp @ st.Sigma0 @ Pp), ("random PSD on U⊥", Er)]
            for nn in (ns[0], ns[-1]):
                c, base = _optimal_family(ctx, st, j, nn)
                err = _err_fn(st, nn, SEC51_ETA)

                def rays(c=c, err=err, nn=nn, st=st, dirs=dirs):
                    ctx.note(f"§5.1: off-U rays at n = {nn}")
                    res = []
                    for name, E in dirs:
                        E = E / np.linalg.norm(E)
                        ts = SEC51_ETA * np.geomspace(1e-4, 10, 25)
                        vals = [err(c * st.M + t * E) for t in ts]
                        i = int(np.argmin(vals))
                        lo, hi = ts[max(i - 1, 0)], ts[min(i + 1, len(ts) - 1)]
                        t, v = golden_min(
                            lambda lt, E=E: err(c * st.M + math.exp(lt) * E),
                            math.log(lo),
                            math.log(hi),
                            iters=30,
                        )
                        res.append((name, math.exp(t), v))
                    return res

                res = ctx.cached(("sec51_offu", j, nn), rays)
                out.append(
                    offu_evidence(
                        "no post-training covariance off U beats the within-U minimiser, "
                        f"n = {nn}, {st.label}",
                        base,
                        res,
                        {**st.params(), "n": nn, "eta": SEC51_ETA},
                    )
                )
        return out


@dataclass
class PostTestWitness(Check):
    r"""Monte Carlo of real test prompts (:math:`x \sim N(0, \Sigma)`, the real LSA forward pass
    with :math:`\tilde V_\infty(A)`, :math:`\tilde W = I`) against the exact error formula used by
    the searches, at the printed optimum and at half of it."""

    name: str = field(default="post_test_witness", init=False)
    uses_formula: bool = field(default=False, init=False)
    error: Callable[[np.ndarray, np.ndarray, int], float] = post_test_error

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st = allocation_settings(ctx, 6, 3, "optimal")[0]
        nn = 50
        out = []
        for scale in (1.0, 0.5):
            A = scale * SEC51_ETA * st.M
            V = vinf_numeric(A, st.Sigma0, nn, SEC51_ETA)
            exact = self.error(V, st.Sigma, nn)
            seed, rng = ctx.rng("sec51", "witness", str(scale))

            def sample(r, size, V=V):
                return numerics.one_step_error_samples(V, st.Sigma, nn, r, size, method="wishart")

            N = ctx.pick(20_000, 400_000)
            res = ctx.cached(
                ("sec51_witness", scale, N),
                lambda sample=sample, rng=rng, N=N: numerics.mc_estimate(sample, N, rng),
            )
            z, p = z_test(res.mean, exact, res.stderr)
            out.append(
                Evidence(
                    kind="monte_carlo",
                    label=f"real post-test error of Ṽ_∞({scale:g}·η·M) = exact formula, n = {nn}, "
                    f"{st.label}",
                    params={**st.params(), "n": nn, "eta": SEC51_ETA},
                    claimed=exact,
                    measured=res.mean,
                    stderr=res.stderr,
                    z=z,
                    p_value=p,
                    seed=seed,
                    n_samples=res.n_samples,
                    scope=scope_if(claim, U_INVARIANT, st.aligned),
                )
            )
        return out


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
                        V = numerics.sft_minimiser(
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
