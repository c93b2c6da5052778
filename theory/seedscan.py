r"""Verdicts across root seeds: stability, false refutations of true claims, power.

Three measurements, each a loop over root seeds (one run of its own per seed, Holm over that
run), written as JSON lines so that a long scan can be split over processes (``--shard i/k``)
and summarised afterwards:

* ``stability`` — every claim at every seed: how often each verdict word comes out;
* ``false`` — the claims documented as true (``expected == "confirmed"``): a run is a false
  alarm when any of them is not confirmed; the README's promise is
  :math:`P(\text{any false refutation in a run}) \le \alpha`;
* ``power`` — each exact claim with one coefficient off by 1 % (the printed right-hand side
  times 101/100): the fraction of seeds at which it is refuted, overall and by the statistical
  witnesses alone (which, unlike the symbolic ones, can miss).

Usage::

    python -m theory.seedscan run stability --seeds 0:25 --out stability.jsonl [--shard 0/2]
    python -m theory.seedscan table stability.jsonl [more.jsonl ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import sympy as sp

from theory._claim import Claim
from theory._context import RunContext
from theory._runner import collect_evidence, judge
from theory._verdict import Evidence, Outcome, Verdict, apply_holm
from theory.claims import all_claims

__all__ = ["planted_error", "power_claims", "scan", "summarise"]

#: the coefficient error planted by ``power``
PLANTED = sp.Rational(101, 100)
#: scaling laws: their constant is free, so a 1 % change of it is no error
LAWS = frozenset({"os_gradient_regimes", "os_hessian", "insight_4"})


#: parts of a formula object that are an equation's zero set (``0 = f(q)``): scaling them by
#: 101/100 changes nothing, so the error is planted in the next printed expression
ZERO_SETS = frozenset({"equation"})


def _plant(obj: object) -> object | None:
    """``obj`` with its first sympy expression (depth-first through tuples, dataclass fields
    in declaration order and mapping values, skipping :data:`ZERO_SETS`) multiplied by
    101/100; ``None`` if it has none."""
    if isinstance(obj, sp.Expr | sp.MatrixExpr):
        return PLANTED * obj
    if isinstance(obj, sp.Tuple | tuple) and len(obj):
        head = _plant(obj[0])
        if head is None:
            return None
        return sp.Tuple(head, *obj[1:]) if isinstance(obj, sp.Tuple) else (head, *obj[1:])
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name in ZERO_SETS:
                continue
            planted = _plant(getattr(obj, f.name))
            if planted is not None:
                return dataclasses.replace(obj, **{f.name: planted})
        return None
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            if key in ZERO_SETS:
                continue
            planted = _plant(value)
            if planted is not None:
                return {**obj, key: planted}
    return None


def planted_error(claim: Claim) -> Claim | None:
    """The claim with its printed right-hand side multiplied by 101/100 — the first expression
    of the formula: the formula itself, the first entry of a tuple of printed parts, or the
    first printed expression of a formula object (e.g. the first term of an asymptotic
    formula, F(∞) of Prop. B.2) — or ``None`` when the formula prints no expression (a
    relation, a sparsity pattern, a list of assertions)."""
    wrong = _plant(claim.formula)
    if wrong is None:
        return None
    return dataclasses.replace(
        claim, id=f"{claim.id}[×1.01]", formula=wrong, conditions={}, expected="refuted"
    )


def power_claims() -> list[Claim]:
    """Every true claim with an exact printed formula, with a 1 % coefficient error planted."""
    out = []
    for c in all_claims():
        if c.expected != "confirmed" or c.experiment or c.id in LAWS:
            continue
        p = planted_error(c)
        if p is not None:
            out.append(p)
    return out


def _claims_for(kind: str, only: Sequence[str] = ()) -> list[Claim]:
    if kind == "stability":
        claims = all_claims()
    elif kind == "false":
        claims = [c for c in all_claims() if c.expected == "confirmed"]
    elif kind == "power":
        claims = power_claims()
    else:
        raise ValueError(f"kind={kind!r} is invalid: kind must be one of stability, false, power")
    if only:
        claims = [c for c in claims if c.id.split("[")[0] in only]
    return claims


def _fingerprint(evidence: Sequence[Evidence]) -> str:
    return json.dumps([e.to_json() for e in evidence], sort_keys=True)


def scan(
    kind: str, seeds: Iterable[int], out: Path, *, tier: str = "quick", only: Sequence[str] = ()
) -> None:
    """Run the claims of ``kind`` at every seed, appending one JSON line per seed to ``out``:
    the seed, each claim's verdict, whether its statistical witnesses failed, its raw
    p-values and the run's seconds.

    A check whose evidence is non-statistical and identical, record for record, at the first
    two seeds does not depend on the seed (an exact symbolic derivation): it is run at those
    two seeds only and its evidence reused at the others. Every other check runs at every seed,
    and Holm is applied over each seed's run as in ``lsa-verify check``.
    """
    claims = _claims_for(kind, only)
    seeds = list(seeds)
    fixed: dict[tuple[int, int], list[Evidence]] = {}
    probe: dict[tuple[int, int], str] = {}
    with out.open("a", encoding="utf-8") as fh:
        for n_done, seed in enumerate(seeds):
            t0 = time.perf_counter()
            ctx = RunContext(tier=tier, seed=seed)
            evidence: list[list[Evidence]] = []
            for ci, claim in enumerate(claims):
                ev: list[Evidence] = []
                for ki, chk in enumerate(claim.checks):
                    if (ci, ki) in fixed:
                        ev += [dataclasses.replace(e) for e in fixed[(ci, ki)]]
                        continue
                    r = collect_evidence(claim, ctx, (chk,))
                    ev += r
                    if n_done < 2 and not any(e.statistical for e in r):
                        fp = _fingerprint(r)
                        if n_done == 1 and probe.get((ci, ki)) == fp:
                            fixed[(ci, ki)] = r
                        probe[(ci, ki)] = fp
                evidence.append(ev)
            apply_holm([e for ev in evidence for e in ev], ctx.alpha)
            verdicts = [
                judge(c, ev, ctx) for c, ev in zip(claims, evidence, strict=True)
            ]
            line = {
                "kind": kind,
                "tier": tier,
                "seed": seed,
                "seconds": round(time.perf_counter() - t0, 2),
                "seed_independent_checks": len(fixed),
                "claims": {
                    c.id: {
                        "expected": c.expected,
                        "verdict": str(v),
                        "statistical_fail": any(
                            e.statistical and e.outcome == Outcome.FAIL for e in ev
                        ),
                        "p": [e.p_value for e in ev if e.statistical],
                    }
                    for c, v, ev in zip(claims, verdicts, evidence, strict=True)
                },
            }
            fh.write(json.dumps(line, sort_keys=True) + "\n")
            fh.flush()
            print(
                f"seed {seed}: {line['seconds']} s ({len(fixed)} seed-independent checks reused)",
                file=sys.stderr,
                flush=True,
            )


def _load(paths: Sequence[Path]) -> list[dict]:
    rows: dict[tuple[str, int], dict] = {}
    for p in paths:
        for text in p.read_text(encoding="utf-8").splitlines():
            if text.strip():
                row = json.loads(text)
                rows[(row["kind"], row["seed"])] = row
    return [rows[k] for k in sorted(rows)]


def _upper_95(k: int, n: int) -> float:
    """Clopper–Pearson one-sided 95 % upper bound of a rate with ``k`` events in ``n`` trials
    (bisection on the binomial tail)."""
    if n == 0:
        return 1.0
    lo, hi = k / n, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        tail = sum(math.comb(n, j) * mid**j * (1 - mid) ** (n - j) for j in range(k + 1))
        lo, hi = (mid, hi) if tail > 0.05 else (lo, mid)
    return hi


def summarise(paths: Sequence[Path]) -> str:
    """A markdown table per kind of scan found in ``paths``."""
    rows = _load(paths)
    out: list[str] = []
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    words = [str(v) for v in Verdict]
    for kind, runs in by_kind.items():
        seeds = [r["seed"] for r in runs]
        secs = sum(r["seconds"] for r in runs)
        out.append(
            f"### {kind}: {len(runs)} root seeds ({min(seeds)}–{max(seeds)}), "
            f"tier {runs[0]['tier']}, {secs / 60:.1f} min of runs"
        )
        ids = list(runs[0]["claims"])
        if kind == "stability":
            out += ["", "| claim | documented | " + " | ".join(words) + " | seeds off |"]
            out.append("|---" * (len(words) + 3) + "|")
            for cid in ids:
                got = Counter(r["claims"][cid]["verdict"] for r in runs if cid in r["claims"])
                exp = runs[0]["claims"][cid]["expected"]
                off = [
                    str(r["seed"])
                    for r in runs
                    if cid in r["claims"] and r["claims"][cid]["verdict"] != exp
                ]
                cells = " | ".join(str(got.get(w, "")) for w in words)
                out.append(f"| {cid} | {exp} | {cells} | {', '.join(off) or '—'} |")
        elif kind == "false":
            alarms = [
                r["seed"]
                for r in runs
                if any(c["verdict"] == "refuted" for c in r["claims"].values())
            ]
            unconfirmed = [
                r["seed"]
                for r in runs
                if any(c["verdict"] != "confirmed" for c in r["claims"].values())
            ]
            n = len(runs)
            out += [
                "",
                f"{len(ids)} true claims per run. Runs with a false refutation: {len(alarms)} of "
                f"{n} (95 % upper bound on the rate {_upper_95(len(alarms), n):.3f}); runs with "
                f"any claim not confirmed: {len(unconfirmed)} "
                f"({', '.join(map(str, unconfirmed)) or 'none'}).",
            ]
            ps = sorted(p for r in runs for c in r["claims"].values() for p in c["p"] if p)
            if ps:
                m = len(ps)
                ks = max(max((i + 1) / m - p, p - i / m) for i, p in enumerate(ps))
                crit = 1.36 / math.sqrt(m)
                out.append(
                    f"Raw p-values of their statistical tests: {m}, Kolmogorov–Smirnov "
                    f"distance to uniform {ks:.3f} (5 % critical value ≈ {crit:.3f})."
                )
        elif kind == "power":
            out += ["", "| planted 1 % error in | refuted | by a statistical witness |"]
            out.append("|---|---|---|")
            for cid in ids:
                n = sum(cid in r["claims"] for r in runs)
                ref = sum(r["claims"][cid]["verdict"] == "refuted" for r in runs)
                stat = sum(r["claims"][cid]["statistical_fail"] for r in runs)
                out.append(f"| {cid} | {ref}/{n} | {stat}/{n} |")
        out.append("")
    return "\n".join(out)


def _seeds(text: str) -> range:
    a, _, b = text.partition(":")
    return range(int(a), int(b))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m theory.seedscan", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="scan root seeds, appending JSON lines")
    run.add_argument("kind", choices=("stability", "false", "power"))
    run.add_argument("--seeds", type=_seeds, default=range(0, 25), help="A:B (B excluded)")
    run.add_argument("--shard", default="0/1", help="i/k: this process takes seeds ≡ i mod k")
    run.add_argument("--tier", default="quick", choices=("quick", "full"))
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--only", default="", help="comma-separated claim ids (default: all)")
    tab = sub.add_parser("table", help="summarise JSON-line files as markdown")
    tab.add_argument("files", type=Path, nargs="+")
    a = ap.parse_args(argv)
    if a.cmd == "run":
        i, _, k = a.shard.partition("/")
        seeds = [s for s in a.seeds if s % int(k) == int(i)]
        only = [x for x in a.only.split(",") if x]
        scan(a.kind, seeds, a.out, tier=a.tier, only=only)
    else:
        print(summarise(a.files))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
