"""The console entry point ``lsa-verify``.

Subcommands: ``list`` (the registered claims), ``check`` (verdicts, table or ``--json``),
``at`` (one claim at the user's own parameters), ``latex`` (printed and derived formula),
``figure`` (a paper figure as PNG + CSV), ``bench`` (time to a target
standard error against a user's own numpy). Invalid input
prints one line ``lsa-verify: error: ...`` naming the parameter and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from theory._validation import InvalidArgument

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2 (argparse prints usage too)
        raise InvalidArgument(message)


class _Progress:
    """Progress on stderr: a live line on a terminal, one line per claim otherwise."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.t0 = time.perf_counter()
        self.prefix = ""

    def claim(self, i: int, total: int, claim, _secs: float) -> None:
        if claim is None or i >= total:
            if self.tty:
                self.stream.write("\r\033[K")
            self.stream.flush()
            return
        self.prefix = f"[{i + 1}/{total}] {claim.id}"
        self._show(self.prefix)

    def note(self, message: str) -> None:
        if self.tty:
            self._show(f"{self.prefix} · {message}")

    def _show(self, text: str) -> None:
        elapsed = time.perf_counter() - self.t0
        line = f"{text}  ({elapsed:.0f} s)"
        if self.tty:
            self.stream.write("\r\033[K" + line[:150])
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lsa-verify", description="Theorem-by-theorem verifier for arXiv:2603.01293.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help="every registered claim: id, reference, statement")
    c = sub.add_parser("check", help="verdicts for the given claims (default: all)")
    c.add_argument("ids", nargs="*", metavar="ID")
    c.add_argument("--tier", default="quick", help="quick (default) or full")
    c.add_argument("--seed", default="0", help="root seed, an integer >= 0 (default 0)")
    c.add_argument(
        "--alpha", default=None, help="family-wise significance level in (0, 1) (default 1e-3)"
    )
    c.add_argument("--json", action="store_true", help="print a JSON array instead of the table")
    c.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    lx = sub.add_parser("latex", help="LaTeX of the printed and the derived formula")
    lx.add_argument("id", metavar="ID")
    a = sub.add_parser("at", help="one claim at your own parameters: printed, derived, simulated")
    a.add_argument("id", metavar="ID")
    a.add_argument("--d", default="3", help="feature dimension, an integer >= 1 (default 3)")
    a.add_argument("--n", default="10", help="prompt length, an integer >= 1 (default 10)")
    a.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=SPEC",
        help="a matrix: identity | diag:1,2,3 | [[1,0],[0,2]] | random:cond=100 (others random)",
    )
    a.add_argument("--eta", default=None, help="CoT step size in (0, 1), for claims that use it")
    a.add_argument("--seed", default="0")
    a.add_argument("--tier", default="quick")
    f = sub.add_parser("figure", help="regenerate a paper figure: PNG plus its data as CSV")
    f.add_argument("id", metavar="ID")
    f.add_argument("--tier", default="quick", help="quick (default, about a minute) or full")
    f.add_argument("--seed", default="0")
    f.add_argument("--out", required=True, help="the PNG to write (the CSV goes next to it)")
    b = sub.add_parser("bench", help="time to a target SE: project estimators vs a user's numpy")
    b.add_argument("--seconds", default="1.0", help="seconds per measured case (default 1.0)")
    b.add_argument("--repeats", default="3", help="rounds, an integer >= 1 (default 3)")
    b.add_argument("--json", action="store_true")
    b.add_argument(
        "--figures",
        nargs="*",
        default=None,
        metavar="ID",
        help="time the paper figures instead (all, or the given ids) at --tier",
    )
    b.add_argument("--tier", default="quick", help="tier of the figure timing (default quick)")
    return p


def _int_arg(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidArgument(
            f"{name}={text!r} is invalid: {name} must be an integer >= 0"
        ) from None


def _float_arg(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidArgument(f"{name}={text!r} is invalid: {name} must be a number") from None


def _cmd_list() -> int:
    from theory.claims import all_claims

    claims = all_claims()
    for c in claims:
        print(f"{c.id:<22} {c.reference:<45} {c.statement}")
    return 0


def _cmd_check(args) -> int:
    from theory._context import RunContext
    from theory._report import render_json, render_table
    from theory._runner import run_claims
    from theory.claims import all_claims, get_claim

    seed = _int_arg("seed", args.seed)
    kwargs = {} if args.alpha is None else {"alpha": _float_arg("alpha", args.alpha)}
    progress = None if args.no_progress else _Progress()
    ctx = RunContext(
        tier=args.tier, seed=seed, progress=progress.note if progress else None, **kwargs
    )
    claims = [get_claim(i) for i in args.ids] if args.ids else all_claims()
    t0 = time.perf_counter()
    results = run_claims(claims, ctx, on_claim=progress.claim if progress else None)
    secs = time.perf_counter() - t0
    print(render_json(results, ctx) if args.json else render_table(results, ctx, seconds=secs))
    return 0


def _cmd_latex(args) -> int:
    from theory._latex import claim_latex
    from theory.claims import get_claim

    print(claim_latex(get_claim(args.id)))
    return 0


def _cmd_at(args) -> int:
    import numpy as np

    from theory._context import RunContext
    from theory._evaluate import evaluate
    from theory._params import parse_matrix
    from theory._validation import check_eta, check_int
    from theory._verdict import z_test
    from theory.claims import get_claim

    claim = get_claim(args.id)
    dd = check_int("d", _int_arg("d", args.d))
    nn = check_int("n", _int_arg("n", args.n))
    scalars = {}
    if args.eta is not None:
        scalars["eta"] = check_eta(_float_arg("eta", args.eta))
    ctx = RunContext(tier=args.tier, seed=_int_arg("seed", args.seed))
    q = claim.quantity
    if q is None:
        raise InvalidArgument(
            f"id={args.id!r} is invalid for 'at': it has no simulable quantity "
            "(use 'check' instead)"
        )
    _, rng = ctx.rng("at", args.id)
    mats = {}
    for item in args.set:
        if "=" not in item:
            raise InvalidArgument(f"set={item!r} is invalid: use NAME=SPEC, e.g. Sigma=diag:1,2,3")
        name, spec = item.split("=", 1)
        mats[name.strip()] = parse_matrix(name.strip(), spec, dd, rng)
    pt = q.make_point(dd, nn, mats, rng)
    values = pt.scalar_values() | scalars
    printed = np.asarray(evaluate(claim.formula, pt.matrices, values), dtype=float)
    derived = np.asarray(
        evaluate(q.derive().simplified().to_sympy(), pt.matrices, values), dtype=float
    )
    seed, sim_rng = ctx.rng("at", args.id, "simulate")
    sim = q.simulate(pt, sim_rng, ctx)
    z, p = z_test(sim.mean, printed, sim.stderr)
    fmt = lambda x: np.array2string(np.asarray(x), precision=6, max_line_width=120)  # noqa: E731
    print(f"{claim.id} at d={dd}, n={nn} (seed {ctx.seed}; simulation seed {seed})")
    for name, m in pt.matrices.items():
        if name in q.letters:
            print(f"  {name} = {fmt(m)}")
    print(f"  printed formula : {fmt(printed)}")
    print(f"  derived (sympy) : {fmt(derived)}")
    print(f"  simulated       : {fmt(sim.mean)} ± {fmt(sim.stderr)} (N = {sim.n_samples})")
    if q.stochastic:
        agree = p >= ctx.alpha
        word = "is consistent with" if agree else "REJECTS"
        print(f"  z = {z:.3g}, p = {p:.3g}: the simulation {word} the printed formula", end="")
        print(f" (α = {ctx.alpha:g})")
    return 0


def _cmd_figure(args) -> int:
    from pathlib import Path

    from theory._context import RunContext
    from theory.figures import get_figure

    module = get_figure(args.id)
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise InvalidArgument(f"out={args.out!r} is invalid: out must end in .png")
    if not out.parent.exists():
        raise InvalidArgument(f"out={args.out!r} is invalid: directory {out.parent} does not exist")
    progress = _Progress()
    progress.prefix = f"figure {args.id}"
    ctx = RunContext(tier=args.tier, seed=_int_arg("seed", args.seed), progress=progress.note)
    written = module.render(ctx, out)
    progress.claim(1, 1, None, 0.0)
    for path in written:
        print(path)
    return 0


def _cmd_bench(args) -> int:
    if args.figures is not None:
        return _cmd_bench_figures(args)
    import numerics

    secs = _float_arg("seconds", args.seconds)
    if not secs > 0:
        raise InvalidArgument(f"seconds={secs!r} is invalid: seconds must be > 0")
    repeats = _int_arg("repeats", args.repeats)
    if repeats < 1:
        raise InvalidArgument(f"repeats={repeats!r} is invalid: repeats must be an integer >= 1")
    result = numerics.run_benchmark(seconds_per_case=secs, repeats=repeats)
    print(json.dumps(result, indent=1) if args.json else numerics.format_benchmark(result))
    return 0


def _cmd_bench_figures(args) -> int:
    from theory._context import TIERS
    from theory._validation import check_choice
    from theory.figures import FIGURES, get_figure
    from theory.figures._timing import time_figures

    tier = check_choice("tier", args.tier, TIERS)
    ids = args.figures or list(FIGURES)
    for fid in ids:
        get_figure(fid)  # unknown ids fail before any work
    progress = _Progress()
    rows = []
    for fid in ids:
        progress.prefix = f"bench figure {fid} ({tier})"
        progress._show(progress.prefix)
        rows += time_figures([fid], tier, progress=progress.note)
    progress.claim(1, 1, None, 0.0)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    head = ("figure", "tier", "wall s", "CPU s", "max RSS MiB", "target s")
    print("{:<8} {:<6} {:>8} {:>8} {:>12} {:>9}".format(*head))
    for r in rows:
        target = "-" if r["target_s"] is None else f"{r['target_s']:.0f}"
        mark = {None: "", True: "  within target", False: "  OVER TARGET"}[r["within_target"]]
        print(
            f"{r['figure']:<8} {r['tier']:<6} {r['wall_s']:>8.1f} {r['cpu_s']:>8.1f} "
            f"{r['max_rss_mib']:>12} {target:>9}{mark}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 invalid input)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        if args.command == "list":
            return _cmd_list()
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "latex":
            return _cmd_latex(args)
        if args.command == "at":
            return _cmd_at(args)
        if args.command == "figure":
            return _cmd_figure(args)
        if args.command == "bench":
            return _cmd_bench(args)
        raise InvalidArgument(f"command={args.command!r} is invalid")
    except InvalidArgument as exc:
        print(f"lsa-verify: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lsa-verify: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
