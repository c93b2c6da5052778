"""Running checks: claims in, verdicts with evidence out (Holm over the whole run)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from theory._claim import Claim
from theory._collect import collect_evidence
from theory._context import RunContext
from theory._verdict import (
    Evidence,
    Outcome,
    Verdict,
    apply_holm,
    claim_verdict,
)

__all__ = ["ClaimResult", "check", "collect_evidence", "judge", "run_claims"]


@dataclass
class ClaimResult:
    """A claim's verdict and the evidence behind it."""

    claim: Claim
    verdict: Verdict
    evidence: list[Evidence]
    seconds: float = field(default=0.0, compare=False)

    def summary(self) -> str:
        """One line: the decisive evidence."""
        ev = self.evidence
        cannot = [e for e in ev if e.kind == "cannot_express"]
        if cannot:
            return f"{cannot[0].label}: {cannot[0].detail}"
        spread = [e for e in ev if e.check == "seed_spread"]
        if spread and self.verdict == Verdict.INCONCLUSIVE:
            return f"{spread[0].label}: {spread[0].detail}"
        general = [e for e in ev if e.outcome == Outcome.FAIL and not e.scope]
        fails = general or [e for e in ev if e.outcome == Outcome.FAIL]
        if fails and self.verdict == Verdict.HOLDS_UNDER:
            e = fails[0]
            held = "; ".join(self.claim.conditions.values())
            return f"holds when {held} ({_count(ev, scoped=True)}); in general: {e.label}: " + (
                _evidence_numbers(e)
            )
        if fails:
            e = fails[0]
            return f"{e.label}: {_evidence_numbers(e)}"
        undecided = [e for e in ev if e.outcome == Outcome.UNDECIDED]
        if undecided:
            return f"undecided: {undecided[0].label}: {undecided[0].detail}"
        return "all pass: " + _count(ev)

    def to_json(self, ctx: RunContext) -> dict[str, Any]:
        c = self.claim
        out: dict[str, Any] = {
            "id": c.id,
            "reference": c.reference,
            "statement": c.statement,
            "verdict": str(self.verdict),
            "summary": self.summary(),
            "notes": c.notes,
        }
        for key in ("quote", "extends"):
            if getattr(c, key):
                out[key] = getattr(c, key)
        for key in ("conditions", "unprinted"):
            if getattr(c, key):
                out[key] = dict(getattr(c, key))
        if c.at:
            out["at"] = {k: str(v) for k, v in c.at.items()}
        if c.scalars:
            out["scalars"] = {str(k): list(v) for k, v in c.scalars.items()}
        if c.warnings:
            out["warnings"] = list(c.warnings)
        out["run"] = {"seed": ctx.seed, "tier": ctx.tier, "alpha": ctx.alpha}
        out["evidence"] = [e.to_json() for e in self.evidence]
        return out


def _count(ev: Sequence[Evidence], *, scoped: bool = False) -> str:
    """``3 symbolic, 2 numeric, 4 statistical (max |z| 1.2)`` over ``ev`` (the scoped records
    only, with ``scoped``)."""
    if scoped:
        ev = [e for e in ev if e.scope]
    n_sym = sum(e.kind == "symbolic" for e in ev)
    stats = [e for e in ev if e.statistical]
    n_num = sum(e.kind == "numeric" for e in ev)
    parts = []
    if n_sym:
        parts.append(f"{n_sym} symbolic")
    if n_num:
        parts.append(f"{n_num} numeric")
    if stats:
        # how close the tests of the statement came to rejecting it: |z| of two-sided tests,
        # z itself of one-sided ones; confirmatory records (null = the statement's negation),
        # whose large |z| is the evidence for the statement, are not counted
        zs = [
            max(e.z, 0.0) if e.alternative else abs(e.z)
            for e in stats
            if e.z is not None and e.reject_means == "fail"
        ]
        zmax = f" (max |z| {max(zs):.2f})" if zs else ""
        parts.append(f"{len(stats)} statistical{zmax}")
    return ", ".join(parts)


def _evidence_numbers(e: Evidence) -> str:
    if e.statistical and e.z is not None:
        return f"z = {e.z:.3g}, p_adj = {e.p_adjusted:.2g}" + (f" ({e.detail})" if e.detail else "")
    return e.detail or str(e.measured)


def judge(claim: Claim, evidence: list[Evidence], ctx: RunContext) -> Verdict:
    """The claim's verdict from its decided evidence (:func:`theory._verdict.claim_verdict`).

    A claim whose verdict was measured to move across root seeds at this tier
    (``claim.seed_spread``) is *inconclusive*: a record saying what this seed alone would give,
    and the measured spread, is appended to ``evidence``.
    """
    verdict = claim_verdict(
        evidence, conditions=tuple(claim.conditions), experiment=claim.experiment
    )
    spread = claim.seed_spread.get(ctx.tier, "")
    if spread and verdict not in (Verdict.CANNOT_EXPRESS, Verdict.INCONCLUSIVE):
        evidence.append(
            Evidence(
                kind="numeric",
                label="verdict across root seeds",
                check="seed_spread",
                outcome=Outcome.UNDECIDED,
                detail=f"this seed alone gives {verdict!s}, but the verdict moves across root "
                f"seeds at the {ctx.tier} tier: {spread}",
            )
        )
        return Verdict.INCONCLUSIVE
    return verdict


def run_claims(
    claims: Sequence[Claim],
    ctx: RunContext | None = None,
    *,
    on_claim: Callable[[int, int, Claim, float], None] | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
) -> list[ClaimResult]:
    """Run every check of every claim, then decide the statistical evidence with Holm's
    procedure over the whole run (family-wise level ``ctx.alpha``) and give verdicts.

    With ``jobs > 1`` the claims run on that many local processes, with ``scheduler`` on the
    Dask cluster at that address (:mod:`theory._parallel`); seeds come from keys, so the
    result is the same as the serial run's. Claims a worker cannot rebuild from their id
    (variants, a user's own claims) run in this process.
    """
    ctx = ctx or RunContext()
    collected: list[tuple[Claim, list[Evidence], float]] = []
    remote: list[int] = []
    if (jobs > 1 and len(claims) > 1) or scheduler is not None:
        from theory._parallel import unit_runnable_remotely

        remote = [i for i, c in enumerate(claims) if unit_runnable_remotely(c)]
    if remote:
        from theory._parallel import run_units

        done = run_units(
            [claims[i] for i in remote],
            ctx.tier,
            ctx.seed,
            ctx.alpha,
            jobs=jobs,
            scheduler=scheduler,
            on_done=None
            if on_claim is None
            else lambda k, c, dt: on_claim(k, len(claims), c, dt),
        )
        by_index = dict(zip(remote, done, strict=True))
    else:
        by_index = {}
    for i, claim in enumerate(claims):
        if i in by_index:
            ev, dt = by_index[i]
            collected.append((claim, ev, dt))
            continue
        if on_claim is not None:
            on_claim(i, len(claims), claim, 0.0)
        t0 = time.perf_counter()
        evidence = collect_evidence(claim, ctx)
        collected.append((claim, evidence, time.perf_counter() - t0))
    apply_holm([e for _, ev, _ in collected for e in ev], ctx.alpha)
    results = [ClaimResult(c, judge(c, ev, ctx), ev, dt) for c, ev, dt in collected]
    if on_claim is not None:
        on_claim(len(claims), len(claims), claims[-1] if claims else None, 0.0)
    return results


def check(
    claim: Claim, *, seed: int = 0, tier: str = "quick", alpha: float | None = None
) -> ClaimResult:
    """Verdict for one claim (a run of its own: Holm over this claim's tests only)."""
    ctx = RunContext(tier=tier, seed=seed, **({} if alpha is None else {"alpha": alpha}))
    return run_claims([claim], ctx)[0]
