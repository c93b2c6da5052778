"""Human and machine output of a run: the verdict table, refutation details, JSON."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence

import numpy as np

from theory._context import RunContext
from theory._runner import ClaimResult
from theory._verdict import Outcome, Verdict

__all__ = ["render_json", "render_table"]


#: verdicts printed in capitals in the table and explained below it
_LOUD = (Verdict.REFUTED, Verdict.HOLDS_UNDER, Verdict.NOT_REPRODUCED)
#: verdicts counted in the table's last line even when no claim has them
_ALWAYS_COUNTED = (Verdict.CONFIRMED, Verdict.REFUTED, Verdict.INCONCLUSIVE)


def render_json(results: Sequence[ClaimResult], ctx: RunContext) -> str:
    """A JSON array, one object per claim (deterministic: same seed → same bytes)."""
    return json.dumps(
        [r.to_json(ctx) for r in results], indent=1, ensure_ascii=False, sort_keys=False
    )


def _fmt(x) -> str:
    if x is None:
        return "—"
    arr = np.asarray(x, dtype=float) if not isinstance(x, str) else None
    if arr is None:
        return str(x)
    if arr.size == 1:
        return f"{float(arr.ravel()[0]):.6g}"
    return np.array2string(arr, precision=4, threshold=12, max_line_width=10_000).replace("\n", "")


def render_table(
    results: Sequence[ClaimResult], ctx: RunContext, *, seconds: float | None = None
) -> str:
    """The verdict table, then the counter-example behind every refutation."""
    width = max(shutil.get_terminal_size((160, 20)).columns, 120)
    n_stat = sum(e.statistical for r in results for e in r.evidence)
    idw = max([22, *(len(r.claim.id) for r in results)])
    lines = [
        f"lsa-verify — tier {ctx.tier}, seed {ctx.seed}, family-wise α = {ctx.alpha:g} "
        f"(Holm over {n_stat} statistical tests)",
        "",
        f"{'claim':<{idw}} {'reference':<34} {'verdict':<15} evidence",
    ]
    for r in results:
        ref = r.claim.reference if len(r.claim.reference) <= 34 else r.claim.reference[:33] + "…"
        summary = r.summary()
        room = max(30, width - idw - 52)
        if len(summary) > room:
            summary = summary[: room - 1] + "…"
        verdict = str(r.verdict).upper() if r.verdict in _LOUD else str(r.verdict)
        lines.append(f"{r.claim.id:<{idw}} {ref:<34} {verdict:<15} {summary}")
    counts = {v: sum(r.verdict == v for r in results) for v in Verdict}
    tail = f"{len(results)} claims: " + ", ".join(
        f"{counts[v]} {v}" for v in Verdict if counts[v] or v in _ALWAYS_COUNTED
    )
    if seconds is not None:
        tail += f"  ({seconds:.1f} s)"
    lines += ["", tail]

    refuted = [r for r in results if r.verdict in _LOUD]
    if refuted:
        lines += ["", "Counter-examples (first failing evidence of each kind):"]
    for r in refuted:
        lines.append(f"  {r.claim.id} ({r.verdict}):")
        if r.verdict == Verdict.HOLDS_UNDER:
            for name, text in r.claim.conditions.items():
                lines.append(f"    holds under {name}: {text}")
        if r.verdict == Verdict.NOT_REPRODUCED:
            for name, text in r.claim.unprinted.items():
                lines.append(f"    unprinted, chosen: {name} = {text}")
        seen = set()
        for e in r.evidence:
            if e.outcome != Outcome.FAIL or e.kind in seen or e.scope:
                continue
            seen.add(e.kind)
            lines.append(f"    [{e.kind}] {e.label}")
            if e.statistical:
                se = np.max(np.asarray(e.stderr, dtype=float)) if e.stderr is not None else None
                spread = f" ± {_fmt(se)}" if se is not None else ""
                zs = f"z = {e.z:.3g}, " if e.z is not None else f"p = {e.p_value:.2g}, "
                lines.append(
                    f"      claimed {_fmt(e.claimed)}, measured {_fmt(e.measured)}{spread}, "
                    f"{zs}p_adj = {e.p_adjusted:.2g}, seed {e.seed}"
                )
                if e.z is None and e.detail:
                    lines.append(f"      {e.detail[:300]}")
            elif e.detail:
                lines.append(f"      {e.detail[:300]}")
        if r.claim.notes:
            lines.append(f"    note: {r.claim.notes}")
    undecided = [r for r in results if r.verdict in (Verdict.INCONCLUSIVE, Verdict.CANNOT_EXPRESS)]
    for r in undecided:
        for e in r.evidence:
            if e.outcome == Outcome.UNDECIDED:
                lines.append(f"  {r.claim.id}: {r.verdict} — {e.label}: {e.detail[:300]}")
    warned = [r for r in results if r.claim.warnings]
    if warned:
        lines += ["", "Warnings:"]
    for r in warned:
        lines += [f"  {r.claim.id}: {w}" for w in r.claim.warnings]
    return "\n".join(lines)
