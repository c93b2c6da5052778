"""The console entry point ``lsa-verify``.

Subcommands: ``list`` (the registered claims), ``check`` (verdicts, table or ``--json``),
``latex`` (printed and derived formula), ``bench`` (Monte Carlo throughput). Invalid input
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

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = stream.isatty()
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
    b = sub.add_parser("bench", help="Monte Carlo throughput vs the machine's matmul peak")
    b.add_argument("--seconds", default="1.0", help="seconds per measured case (default 1.0)")
    b.add_argument("--json", action="store_true")
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


def _cmd_bench(args) -> int:
    import numerics

    secs = _float_arg("seconds", args.seconds)
    if not secs > 0:
        raise InvalidArgument(f"seconds={secs!r} is invalid: seconds must be > 0")
    result = numerics.run_benchmark(seconds_per_case=secs)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        from numerics import format_benchmark

        print(format_benchmark(result))
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
