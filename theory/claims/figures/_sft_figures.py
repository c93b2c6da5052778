r"""Data and checks of the SFT figures (Figs. 1, 2, 5; Insight 2).

The data are exact post-test errors (Prop. 5.1 with Lemma A.1, per coordinate) of the SFT
minimiser Ṽ* (4.1), on prompts sampled through their sufficient statistics
(:func:`numerics.sample_sft_statistics`), R replicates per curve; a curve in B reuses one growing
set of prompts (common random numbers). Every qualitative statement becomes statistical
evidence with a p-value, decided by Holm over the whole run (no decision is taken here): a
statement gives a "for" record (null = its negation, ``reject_means="pass"``) and an "against"
record (null = the statement), from one-sided paired t-tests over replicates (the points of one
curve share prompts), combined by intersection–union (an "every" statement: the largest
p-value) or Bonferroni (a "some" statement). Every record carries the located extremum.

Tiers: ``full`` uses the paper's sizes (d = 400, m = 200, n ∈ {400, 800, 1200}, B up to 2000;
Fig. 5: d = 600, n ∈ {1000, 5000}); ``quick`` the same ratios at d = 100 (Fig. 5: d = 150).
η = 0.2 throughout (Figs. 1–2 do not print η; Fig. 5 uses 0.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

import numerics
from theory._check import Check
from theory._claim import Claim
from theory._stats import upper_tail_p
from theory._verdict import Evidence, Outcome

if TYPE_CHECKING:
    from theory._context import RunContext


ETA = 0.2


RHO = 0.1


#: B/d of the Fig. 1 sweep (contains B = m = d/2 and B = d exactly; up to B = 5d)
B_FRACTIONS = (
    0.125,
    0.1875,
    0.25,
    0.3125,
    0.375,
    0.4375,
    0.475,
    0.5,
    0.525,
    0.5625,
    0.625,
    0.75,
    0.875,
    0.95,
    1.0,
    1.05,
    1.125,
    1.25,
    1.5,
    2.0,
    2.5,
    3.125,
    3.75,
    4.375,
    5.0,
)


#: n/d of the Fig. 2 sweep (n from 20 to 1000 at d = 400)
N_FRACTIONS = (0.05, 0.1, 0.15, 0.25, 0.375, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5)


FIG2_B_FRACTIONS = (0.125, 0.375, 0.75, 1.25)  # B ∈ {50, 150, 300, 500} at d = 400


FIG5_B_FRACTIONS = (
    0.05,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.95,
    1.05,
    1.1,
    1.2,
    1.35,
    1.5,
    1.67,
)


@dataclass(frozen=True)
class FigureSetting:
    """Sizes of one figure at one tier."""

    d: int
    m: int
    ns: tuple[int, ...]
    rs: tuple[float, ...]
    Bs: tuple[int, ...]
    replicates: int

    def block(self, n: int, r: float) -> numerics.BlockDiagonalSetting:
        return numerics.BlockDiagonalSetting(d=self.d, m=self.m, n=n, rho=RHO, eta=ETA, r=r)

    def describe(self) -> dict[str, Any]:
        return {
            "d": self.d,
            "m": self.m,
            "rho": RHO,
            "eta": ETA,
            "n": list(self.ns),
            "r": list(self.rs),
            "B": list(self.Bs),
            "replicates": self.replicates,
        }


def figure_setting(fig: str, ctx: RunContext) -> FigureSetting:
    """The sizes of ``fig`` ("fig_1", "fig_2", "fig_5") at the run's tier."""
    if fig == "fig_5":
        d = ctx.pick(150, 600)
        return FigureSetting(
            d,
            d // 2,
            (round(d * 5 / 3), round(d * 25 / 3)),
            (0.1,),
            tuple(round(f * d) for f in FIG5_B_FRACTIONS),
            # 12 replicates in the quick tier: with 4 the n = 250 band record was undecided
            # under Holm at 2 of 90 root seeds (p = 5e-5, 1.4e-3); with 8 its worst p over
            # seeds 0–99 was 2.9e-6, too near the whole run's Bonferroni level 1e-3/181
            ctx.pick(12, 10),
        )
    d = ctx.pick(100, 400)
    if fig == "fig_1":
        return FigureSetting(
            d,
            d // 2,
            tuple(k * d for k in (1, 2, 3)),
            (0.0, 0.01, 0.1),
            tuple(round(f * d) for f in B_FRACTIONS),
            ctx.pick(48, 10),
        )
    return FigureSetting(
        d,
        d // 2,
        tuple(max(2, round(f * d)) for f in N_FRACTIONS),
        (0.0, 0.01, 0.1),
        tuple(round(f * d) for f in FIG2_B_FRACTIONS),
        ctx.pick(6, 10),
    )


def fig1_data(ctx: RunContext) -> tuple[FigureSetting, dict[tuple[float, int], np.ndarray]]:
    """Err(Ṽ*) over B for every (r, n): arrays (replicates, len(Bs))."""
    fs = figure_setting("fig_1", ctx)
    out = {}
    for r in fs.rs:
        for n in fs.ns:
            _, rng = ctx.rng("fig_1", r, n)

            def run(r=r, n=n, rng=rng):
                ctx.note(f"Fig. 1: r={r}, n={n}, {len(fs.Bs)} values of B × {fs.replicates}")
                return numerics.sft_error_sweep(fs.block(n, r), fs.Bs, fs.replicates, rng)

            out[(r, n)] = ctx.cached(("fig_1", fs, r, n), run)
    return fs, out


def _p_greater(diff: np.ndarray) -> float:
    r"""One-sided paired t p-value of :math:`H_0: E[\text{diff}] \le 0` (``diff``: one value per
    replicate, e.g. :math:`\log \mathrm{Err}(B_j) - \log \mathrm{Err}(B_k)` on the same prompts),
    :math:`t = \bar x/(s/\sqrt R)` with R − 1 degrees of freedom."""
    diff = np.asarray(diff, float)
    R = len(diff)
    se = float(diff.std(ddof=1) / math.sqrt(R)) if R > 1 else 0.0
    if se <= 1e-300:
        return 0.0 if diff.mean() > 0 else 1.0
    return upper_tail_p(float(diff.mean()) / se, R - 1)


def _p_all_above(L: np.ndarray, j: int, ks) -> float:
    """Intersection–union p-value of "Err(B_j) > Err(B_k) for every k in ``ks``" (the null is
    its negation; columns of the log errors ``L`` are grid points, rows paired replicates):
    the largest of the one-sided paired p-values."""
    return max((_p_greater(L[:, j] - L[:, k]) for k in ks), default=1.0)


def _records(label: str, p_for: float, p_against: float, **kw: Any) -> list[Evidence]:
    """The two statistical records of one statement, decided by Holm over the run: "for"
    (null = the statement's negation; rejecting it confirms, ``reject_means="pass"``) and
    "against" (null = the statement; rejecting it refutes)."""
    # both are one-sided: a record's z (when given: the statement's own z, positive = for it)
    # is the statistic of that record's null, rejected for large values
    against = dict(kw)
    if kw.get("z") is not None:
        against["z"] = -kw["z"]
    return [
        Evidence(
            kind="monte_carlo",
            label=f"{label} [for]",
            p_value=p_for,
            reject_means="pass",
            alternative="greater",
            **kw,
        ),
        Evidence(
            kind="monte_carlo",
            label=f"{label} [against]",
            p_value=p_against,
            alternative="greater",
            **against,
        ),
    ]


@dataclass(frozen=True)
class InsightStatement:
    """Insight 2: at these r the minimum over B lies at B < d."""

    rs: tuple[float, ...] = (0.01,)

    def __str__(self) -> str:
        return f"argmin_B Err(Ṽ*) < d at r ∈ {self.rs}"


class SmallBestBCheck(Check):
    """Insight 2: some B < d has a lower error than every B ≥ d of the grid ("for": Bonferroni
    over the candidates B < d of the intersection–union p-values) — against: some B ≥ d lower
    than every B < d."""

    name = "best_B"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st: InsightStatement = claim.formula
        fs, data = fig1_data(ctx)
        Bs = np.asarray(fs.Bs)
        small, large = np.flatnonzero(Bs < fs.d), np.flatnonzero(Bs >= fs.d)
        out = []
        for r in st.rs:
            for n in fs.ns:
                seed, _ = ctx.rng("fig_1", "bootstrap", "best", r, n)
                L = np.log(data[(r, n)])
                neg = -L  # "lower error" = "higher −log error"
                p_for = min(1.0, len(small) * min(_p_all_above(neg, j, large) for j in small))
                p_against = min(1.0, len(large) * min(_p_all_above(neg, k, small) for k in large))
                loc = int(Bs[np.argmin(L.mean(0))])
                out += _records(
                    f"argmin over B of Err(Ṽ*) lies at B < d, r={r}, n={n}",
                    p_for,
                    p_against,
                    params={**fs.describe(), "r": r, "n": n},
                    seed=seed,
                    claimed=f"B* < {fs.d}",
                    measured=loc,
                    n_samples=L.shape[0],
                    detail=f"located minimum of the mean log error B* = {loc}",
                )
        return out


def _exact_law_evidence(dof_shift: int = 0) -> Evidence:
    """The evidence of :class:`ExactLawSymbolic` (``dof_shift`` ≠ 0: a deliberately wrong law
    c ~ χ²_{n + shift}, for tests)."""
    import sympy as sp

    from derivations import d as d_sym
    from derivations import sampler_sw_moments
    from theory import quantities as q

    nn = sp.Symbol("n", positive=True, integer=True)
    a1, a2 = sp.symbols("a_1 a_2", positive=True)
    w = sp.Matrix(sp.symbols("w_1 w_2", real=True))
    A = sp.diag(a1, a2)
    first, second = sampler_sw_moments((a1, a2), w, nn, nn + dof_shift)
    derived = q.wishart_sandwich.derive()
    wick = derived.evaluate({"C": A, "B": w * w.T}, {d_sym: 2, "n": nn})
    wick = sp.Matrix(wick).subs(sp.Symbol("n", positive=True, integer=True), nn)
    diff2 = sp.simplify(second - wick)
    diff1 = sp.simplify(first - A * w)
    ok = diff2 == sp.zeros(2, 2) and diff1 == sp.zeros(2, 1)
    return Evidence(
        kind="symbolic",
        label="the simulation's exact law of S w: E[Sw|w] = Aw and E[Sw wᵀS|w] = Wick-engine "
        "E[S B S] at B = wwᵀ (d = 2, generic diagonal A and w, symbolic n)",
        outcome=Outcome.PASS if ok else Outcome.FAIL,
        detail="exact equality (E c = n, E c² = n² + 2n from sympy.stats)"
        if ok
        else f"difference {diff2} / {diff1}",
    )


class ExactLawSymbolic(Check):
    r"""The exact identities every figure rests on, derived symbolically: the sufficient-statistic
    law used by the simulation, :math:`Sw = \frac{\ell}{n}A^{1/2}(c\,e + \sqrt c\,(I-ee^\top)h)`
    with :math:`c \sim \chi^2_n` (sympy.stats moments), has
    :math:`E[Sw\,|\,w] = Aw` and :math:`E[Sw\,w^\top S\,|\,w]` equal to the Wick-engine
    derivation of :math:`E[SBS]` at :math:`B = ww^\top` (``wishart_sandwich``), for d = 2 with
    generic diagonal A, generic w and symbolic n. (The post-test error formula itself is
    Lemma A.1 / Prop. 5.1, confirmed symbolically in their own claims.)"""

    name = "exact_law"
    uses_formula = False

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        return [ctx.cached(("exact_law_symbolic",), _exact_law_evidence)]
