r"""Claim ``fig_1`` (the figures' qualitative statements): the claim, its settings and the
checks written only for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from theory._check import Check
from theory._claim import Claim
from theory._verdict import Evidence, Outcome
from theory.claims.figures._setup import _FIG1_UNPRINTED
from theory.claims.figures._sft_figures import (
    ExactLawSymbolic,
    _p_all_above,
    _p_greater,
    _records,
    fig1_data,
)

if TYPE_CHECKING:
    from theory._context import RunContext


def _p_some_above(L: np.ndarray, j: int, ks) -> float:
    """Bonferroni p-value of "Err(B_k) > Err(B_j) for some k in ``ks``" (the null: none is)."""
    ks = list(ks)
    if not ks:
        return 1.0
    return min(1.0, len(ks) * min(_p_greater(L[:, k] - L[:, j]) for k in ks))


# ------------------------------------------------------------------ statements
@dataclass(frozen=True)
class Fig1Statements:
    """Fig. 1's qualitative statements: spike location per r ("m" or "d"), the direction in
    which the turning point (the small-B minimum) moves as n grows (+1 right), and the r at
    which the large-B error stays above the best small-B error."""

    spike: Mapping[float, str] = field(default_factory=lambda: {0.0: "m", 0.01: "d", 0.1: "d"})
    turning_direction: int = 1
    interference_r: tuple[float, ...] = (0.01,)

    def __str__(self) -> str:
        return (
            f"spike at B = {dict(self.spike)}; turning point moves "
            f"{'right' if self.turning_direction > 0 else 'left'} with n; large-B error "
            f"above the best small-B error at r ∈ {self.interference_r}"
        )


# ------------------------------------------------------------------ checks
#: a spike "at B = target" is located to the grid's resolution: the points within 10 % of the
#: target (its ±5 % neighbours) are not compared with it
SPIKE_WINDOW = 0.1


class SpikeCheck(Check):
    """Per (r, n): Err(Ṽ*) at B = target (m or d) above Err(Ṽ*) at every B of the grid outside
    the ±10 % window around it (paired one-sided t-tests over replicates, intersection–union
    for "for", Bonferroni for "against"; Holm over the run decides)."""

    name = "spike"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st: Fig1Statements = claim.formula
        fs, data = fig1_data(ctx)
        seed, _ = ctx.rng("fig_1", "bootstrap", "spike")
        Bs = np.asarray(fs.Bs)
        out = []
        for (r, n), arr in data.items():
            where = st.spike.get(r)
            if where is None:
                continue
            target = fs.m if where == "m" else fs.d
            jt = int(np.flatnonzero(Bs == target)[0])
            far = np.flatnonzero(np.abs(Bs / target - 1) >= SPIKE_WINDOW)
            L = np.log(arr)
            mean = L.mean(0)
            top = int(np.argmax(mean))
            out += _records(
                f"spike of Err(Ṽ*) in B at B = {where} ({target}), r={r}, n={n}",
                _p_all_above(L, jt, far),
                _p_some_above(L, jt, far),
                params={**fs.describe(), "r": r, "n": n},
                claimed=target,
                measured=int(Bs[top]),
                seed=seed,
                n_samples=arr.shape[0],
                detail=f"located argmax of the mean log error B = {Bs[top]}; log Err(B={target}) "
                f"− max outside ±{SPIKE_WINDOW:.0%} = {mean[jt] - mean[far].max():+.3g} "
                f"(paired t over {arr.shape[0]} replicates); peak Err = {np.exp(mean).max():.3g}",
            )
        return out


class TurningPointCheck(Check):
    r"""The small-B minimum (turning point) moves in the claimed direction s from the smallest
    n to the largest. The two curves are independent, so each locates a minimum that is tested
    on the other: "for" — the large-n curve still falls past the small-n minimum B*_lo (one
    grid step in direction s) and the small-n curve already rises at the large-n minimum
    B*_hi (intersection–union); "against" — the opposite slopes (Bonferroni). Paired t-tests
    over replicates (unimodal curves near their minima assumed)."""

    name = "turning_point"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st: Fig1Statements = claim.formula
        fs, data = fig1_data(ctx)
        Bs = np.asarray(fs.Bs)
        s = st.turning_direction
        out = []
        for r in fs.rs:
            seed, _ = ctx.rng("fig_1", "bootstrap", "turning", r)
            limit = fs.m if r == 0 else fs.d
            sel = Bs < limit
            lo_n, hi_n = fs.ns[0], fs.ns[-1]
            Llo, Lhi = np.log(data[(r, lo_n)][:, sel]), np.log(data[(r, hi_n)][:, sel])
            jlo, jhi = int(np.argmin(Llo.mean(0))), int(np.argmin(Lhi.mean(0)))
            G = Llo.shape[1]

            def p(L, j, k, G=G):
                return _p_greater(L[:, j] - L[:, k]) if 0 <= k < G else 1.0

            p_for = max(p(Lhi, jlo, jlo + s), p(Llo, jhi, jhi - s))
            p_against = min(1.0, 2 * min(p(Lhi, jlo, jlo - s), p(Llo, jhi, jhi + s)))
            Bsel = Bs[sel]
            out += _records(
                f"turning point moves {'right' if s > 0 else 'left'} as n grows, r={r}",
                p_for,
                p_against,
                params={**fs.describe(), "r": r},
                seed=seed,
                claimed=s,
                measured=int(np.sign(Bsel[jhi] - Bsel[jlo])),
                n_samples=Llo.shape[0],
                detail=f"located minima (mean log error, B < {limit}): n={lo_n}: B* = {Bsel[jlo]}, "
                f"n={hi_n}: B* = {Bsel[jhi]}"
                + ("; B*_lo at the grid's first point" if jlo == 0 else ""),
            )
        return out


class InterferenceCheck(Check):
    """Err(Ṽ*) at the largest B above the best small-B error, i.e. above Err(Ṽ*) at some B < d,
    per n: paired one-sided t-tests, Bonferroni over the B < d ("for"); against: below every
    B < d (intersection–union)."""

    name = "interference"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st: Fig1Statements = claim.formula
        fs, data = fig1_data(ctx)
        Bs = np.asarray(fs.Bs)
        small = np.flatnonzero(Bs < fs.d)
        out = []
        for r in st.interference_r:
            for n in fs.ns:
                seed, _ = ctx.rng("fig_1", "bootstrap", "interference", r, n)
                L = np.log(data[(r, n)])
                jmax = len(Bs) - 1
                mean = np.exp(L.mean(0))
                best = float(mean[small].min())
                out += _records(
                    f"large-B error (B={Bs[-1]}) above the best small-B error, r={r}, n={n}",
                    _p_some_above(-L, jmax, small),  # some B < d below B_max
                    _p_all_above(-L, jmax, small),  # B_max below every B < d
                    params={**fs.describe(), "r": r, "n": n},
                    seed=seed,
                    claimed="Err(B_max) > min_{B<d} Err",
                    measured=float(mean[jmax] / best),
                    n_samples=L.shape[0],
                    detail=f"geometric-mean Err(B={Bs[-1]}) = {mean[jmax]:.4g}, best small-B "
                    f"{best:.4g} (ratio {mean[jmax] / best:.3g})",
                )
        return out


class SpikeSymbolic(Check):
    r"""The spike location from the derived Lemma C.1 (the deterministic-equivalent limit): the
    error of the minimum-norm interpolator diverges where q → ∞, i.e. at
    :math:`\beta^* = \lim_{q\to\infty}\beta(q) = \sum_{k: a_k>0}\mu_k` (the rank fraction of A),
    where the derived :math:`\tfrac1d\operatorname{tr}(\hat G^\dagger)` diverges too (both
    limits: :func:`derivations.spike_limits`). β* is μ1 (B = m) for r = 0 and 1 (B = d) for
    r > 0; compared with the claimed location."""

    name = "spike_symbolic"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        import sympy as sp

        from derivations import ASYM, spike_limits

        st: Fig1Statements = claim.formula
        out = []
        for r, where in st.spike.items():
            a1sq = sp.Rational(121, 2500)  # (η(ρ+1))² at η = 0.2, ρ = 0.1
            a2sq = sp.Integer(0) if r == 0 else sp.nsimplify(r) ** 2
            bstar, blow = spike_limits(a1sq, a2sq)
            claimed = ASYM.mu1 if where == "m" else sp.Integer(1)
            ok = sp.simplify(bstar - claimed) == 0 and blow == sp.oo
            out.append(
                Evidence(
                    kind="symbolic",
                    label=f"derived singular point of the error in β at r={r}: claimed B = {where}",
                    outcome=Outcome.PASS if ok else Outcome.FAIL,
                    claimed=str(claimed),
                    measured=str(bstar),
                    detail=f"lim_(q→∞) β(q) = {bstar} (claimed {claimed}); the derived "
                    f"(1/d) tr(Ĝ†) → {blow} there",
                )
            )
        return out


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
    "5.5e-6; with 48 it is 2e-11), Holm over the run. Confirmed at every root seed scanned "
    "(quick tier, 48 replicates): 0–24 in whole 46-claim runs, 0–89 in runs of the 22 true "
    "claims.",
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


CLAIMS = (fig_1,)
