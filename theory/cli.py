"""The console entry point ``lsa-verify``.

Subcommands: ``list`` (the registered claims), ``check`` (verdicts, table or ``--json``),
``at`` (one claim at the user's own parameters), ``latex`` (printed and derived formula),
``figure`` (a paper figure as PNG + CSV), ``report`` (a self-contained HTML report),
``bench`` (time to a target standard error against a user's own numpy). Invalid input prints
one line ``lsa-verify: error: ...`` naming the parameter and exits with status 2; no input
makes it print a traceback (a closed stdout ends quietly, a terminal that cannot show Unicode
gets ASCII stand-ins).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import sys
import time
import unicodedata
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


_CLAIMS_HELP = "a Python file defining claims (CLAIMS = [...] or Claim objects)"


def _file_claims(args):
    """The claims of ``--claims FILE`` (None without it)."""
    if getattr(args, "claims", None) is None:
        return None
    from theory._claimsfile import load_claims

    return load_claims(args.claims)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lsa-verify")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _add_run_options(c: argparse.ArgumentParser) -> None:
    """Options shared by ``check`` and ``report`` (what to run and where)."""
    c.add_argument("ids", nargs="*", metavar="ID", help="claim ids (default: every claim)")
    c.add_argument("--tier", default="quick", help="quick (default) or full")
    c.add_argument("--seed", default="0", help="root seed, an integer >= 0 (default 0)")
    c.add_argument(
        "--alpha", default=None, help="family-wise significance level in (0, 1) (default 1e-3)"
    )
    c.add_argument(
        "--jobs",
        default=None,
        help="worker processes, an integer >= 1 (default: the number of cores; 1 = serial); "
        "results are identical for every value",
    )
    c.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the claims on a Dask cluster at ADDRESS (e.g. tcp://host:8786; needs the "
        "'distributed' extra) instead of local processes",
    )
    c.add_argument("--claims", default=None, metavar="FILE.py", help=_CLAIMS_HELP)
    c.add_argument("--no-progress", action="store_true", help="no progress on stderr")


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lsa-verify", description="Theorem-by-theorem verifier for arXiv:2603.01293.")
    p.add_argument("--version", action="version", version=f"lsa-verify {_version()}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help="every registered claim: id, reference, statement")
    c = sub.add_parser("check", help="verdicts for the given claims (default: all)")
    _add_run_options(c)
    c.add_argument("--json", action="store_true", help="print a JSON array instead of the table")
    r = sub.add_parser("report", help="a self-contained HTML report (run now, or --from a JSON)")
    _add_run_options(r)
    r.add_argument("--out", required=True, help="the HTML file to write (atomically)")
    r.add_argument(
        "--from",
        dest="from_json",
        default=None,
        metavar="RUN.json",
        help="render an existing 'check --json' output instead of running the checks",
    )
    r.add_argument(
        "--figures",
        action="store_true",
        help="also render the paper's figures at --tier and inline them as SVG (slow)",
    )
    lx = sub.add_parser("latex", help="LaTeX of the printed and the derived formula")
    lx.add_argument("id", metavar="ID", help="a claim id (see 'lsa-verify list')")
    lx.add_argument("--claims", default=None, metavar="FILE.py", help=_CLAIMS_HELP)
    a = sub.add_parser("at", help="one claim at your own parameters: printed, derived, simulated")
    a.add_argument("id", metavar="ID", help="a claim id with a simulable quantity")
    a.add_argument("--claims", default=None, metavar="FILE.py", help=_CLAIMS_HELP)
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
    a.add_argument("--seed", default="0", help="root seed, an integer >= 0 (default 0)")
    a.add_argument("--tier", default="quick", help="Monte Carlo precision: quick (default) or full")
    f = sub.add_parser("figure", help="regenerate a paper figure: PNG plus its data as CSV")
    f.add_argument("id", metavar="ID", help="a figure id: fig_1, fig_2, fig_4 or fig_5")
    f.add_argument("--tier", default="quick", help="quick (default, about a minute) or full")
    f.add_argument("--seed", default="0", help="root seed, an integer >= 0 (default 0)")
    f.add_argument("--out", required=True, help="the PNG to write (the CSV goes next to it)")
    b = sub.add_parser("bench", help="time to a target SE: project estimators vs a user's numpy")
    b.add_argument("--seconds", default="1.0", help="seconds per measured case (default 1.0)")
    b.add_argument("--repeats", default="3", help="rounds, an integer >= 1 (default 3)")
    b.add_argument("--json", action="store_true", help="print JSON instead of the table")
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


def _jobs_arg(text: str | None) -> int:
    if text is None:
        return os.cpu_count() or 1
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise InvalidArgument(f"jobs={text!r} is invalid: jobs must be an integer >= 1")
    return value


def _run_from_args(args):
    """Validate the run options of ``check``/``report``, run the claims; ``(results, ctx,
    seconds)``."""
    from theory._context import RunContext
    from theory._runner import run_claims
    from theory.claims import all_claims, get_claim

    seed = _int_arg("seed", args.seed)
    kwargs = {} if args.alpha is None else {"alpha": _float_arg("alpha", args.alpha)}
    jobs = _jobs_arg(args.jobs)
    if args.scheduler is not None and not args.scheduler.strip():
        raise InvalidArgument(f"scheduler={args.scheduler!r} is invalid: give a Dask address")
    progress = None if args.no_progress else _Progress()
    ctx = RunContext(
        tier=args.tier, seed=seed, progress=progress.note if progress else None, **kwargs
    )
    from theory._claimsfile import find_claim

    user = _file_claims(args)
    if args.ids:
        claims = [find_claim(i, user) if user else get_claim(i) for i in args.ids]
    else:
        claims = user if user is not None else all_claims()
    t0 = time.perf_counter()
    results = run_claims(
        claims,
        ctx,
        on_claim=progress.claim if progress else None,
        jobs=jobs,
        scheduler=args.scheduler,
    )
    return results, ctx, time.perf_counter() - t0


def _cmd_check(args) -> int:
    from theory._report import render_json, render_table

    results, ctx, secs = _run_from_args(args)
    print(render_json(results, ctx) if args.json else render_table(results, ctx, seconds=secs))
    return 0


def _cmd_report(args) -> int:
    from theory import _html
    from theory._io import atomic_write_text, check_output_path

    out = check_output_path("out", args.out, (".html", ".htm"))
    if args.from_json is not None:
        if args.ids or args.jobs is not None or args.scheduler is not None:
            raise InvalidArgument(
                "from is invalid with claim ids, --jobs or --scheduler: the run is read from "
                f"{args.from_json}"
            )
        records = _html.load_run(args.from_json)
        run = records[0].get("run", {}) if records else {}
        figures = _html.render_figures(run.get("tier", "quick"), run.get("seed", 0), args.figures)
        page = _html.render_html(records, source=args.from_json, figures=figures)
    else:
        from theory._context import TIERS
        from theory._validation import check_choice

        check_choice("tier", args.tier, TIERS)
        results, ctx, secs = _run_from_args(args)
        figures = _html.render_figures(ctx.tier, ctx.seed, args.figures)
        page = _html.render_html(
            [r.to_json(ctx) for r in results], seconds=secs, figures=figures
        )
    atomic_write_text(out, page)
    print(out)
    return 0


def _cmd_latex(args) -> int:
    from theory._claimsfile import find_claim
    from theory._latex import claim_latex

    print(claim_latex(find_claim(args.id, _file_claims(args))))
    return 0


def _cmd_at(args) -> int:
    import numpy as np

    from theory._bindings import bind_point
    from theory._claimsfile import find_claim
    from theory._context import RunContext
    from theory._evaluate import evaluate
    from theory._params import parse_matrix
    from theory._validation import check_eta, check_int
    from theory._verdict import z_test

    claim = find_claim(args.id, _file_claims(args))
    dd = check_int("d", _int_arg("d", args.d))
    nn = check_int("n", _int_arg("n", args.n))
    _check_at_memory(dd, nn)
    if claim.dims and dd not in claim.dims:
        dims = ", ".join(map(str, claim.dims))
        raise InvalidArgument(f"d={dd} is invalid for {claim.id}: it is stated at d = {dims}")
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
    if hasattr(claim.formula, "with_value"):  # an inequality, a limit or an arg-min
        raise InvalidArgument(
            f"id={args.id!r} is invalid for 'at': it is not an identity (use 'check' instead)"
        )
    _, rng = ctx.rng("at", args.id)
    mats = {}
    for item in args.set:
        if "=" not in item:
            raise InvalidArgument(f"set={item!r} is invalid: use NAME=SPEC, e.g. Sigma=diag:1,2,3")
        name, spec = item.split("=", 1)
        mats[name.strip()] = parse_matrix(name.strip(), spec, dd, rng)
    pt = q.make_point(dd, nn, mats, rng)
    if claim.at or claim.scalars:
        pt = bind_point(pt, claim, rng, fixed=scalars)
    values = pt.scalar_values() | scalars
    printed = np.asarray(evaluate(claim.formula, pt.matrices, values), dtype=float)
    derived = np.asarray(
        evaluate(q.derive().simplified().to_sympy(), pt.matrices, values), dtype=float
    )
    seed, sim_rng = ctx.rng("at", args.id, "simulate")
    print(f"simulating {q.description} at d={dd}, n={nn} …", file=sys.stderr)
    sim = q.simulate(pt, sim_rng, ctx)
    z, p = z_test(sim.mean, printed, sim.stderr)
    fmt = lambda x: np.array2string(np.asarray(x), precision=6, max_line_width=120)  # noqa: E731
    print(f"{claim.id} at d={dd}, n={nn} (seed {ctx.seed}; simulation seed {seed})")
    for name, m in pt.matrices.items():
        if name in q.letters:
            print(f"  {name} = {fmt(m)}")
    for name, v in pt.scalars.items():
        print(f"  {name} = {v:.6g}")
    print(f"  printed formula : {fmt(printed)}")
    print(f"  derived (sympy) : {fmt(derived)}")
    print(f"  simulated       : {fmt(sim.mean)} ± {fmt(sim.stderr)} (N = {sim.n_samples})")
    if q.stochastic:
        agree = p >= ctx.alpha
        word = "is consistent with" if agree else "REJECTS"
        print(f"  z = {z:.3g}, p = {p:.3g}: the simulation {word} the printed formula", end="")
        print(f" (α = {ctx.alpha:g})")
    return 0


#: bytes one ``at`` simulation holds per d² (a chunk of about 8000 d × d float64 matrices in
#: flight; measured 47-61 KB·d² at d = 50-200, peak RSS) and per n·d (the prompt's tokens)
_AT_BYTES_PER_D2 = 65_536
_AT_BYTES_PER_ND = 8 * 4096


def _available_memory() -> int:
    """Bytes of memory available now (``MemAvailable``; physical memory where unknown)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 8 << 30


def _human_bytes(x: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if x < 1000 or unit == "PB":
            return f"{x:.3g} {unit}"
        x /= 1000
    return f"{x:.3g} PB"  # pragma: no cover


def _check_at_memory(d: int, n: int) -> None:
    """Refuse a point whose simulation would not fit in memory, with the estimate."""
    need = 150e6 + _AT_BYTES_PER_D2 * d * d + _AT_BYTES_PER_ND * n * d
    have = _available_memory()
    if need > have:
        raise InvalidArgument(
            f"d={d}, n={n} is invalid: the simulation would need about {_human_bytes(need)} of "
            f"memory ({_AT_BYTES_PER_D2 // 1024} KB·d² + {_AT_BYTES_PER_ND // 1024} KB·n·d) and "
            f"{_human_bytes(have)} is available: choose a smaller d or n"
        )


def _cmd_figure(args) -> int:
    from theory._context import RunContext
    from theory._io import check_output_path
    from theory.figures import get_figure

    module = get_figure(args.id)
    out = check_output_path("out", args.out, (".png",))
    check_output_path("out", out.with_suffix(".csv"))
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
    if not 0 < secs < 3600:
        raise InvalidArgument(f"seconds={secs!r} is invalid: seconds must lie in (0, 3600)")
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


_ASCII = {
    "Σ": "Sigma", "α": "alpha", "η": "eta", "ρ": "rho", "λ": "lambda", "μ": "mu", "σ": "sigma",
    "θ": "theta", "τ": "tau", "δ": "delta", "ε": "eps", "Δ": "Delta", "±": "+/-", "—": "-",
    "–": "-", "…": "...", "×": "x", "·": "*", "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~",
    "→": "->", "←": "<-", "‖": "||", "∈": " in ", "√": "sqrt", "∞": "inf", "⊤": "T", "ᵀ": "T",
    "²": "^2", "³": "^3", "′": "'", "“": '"', "”": '"', "‘": "'", "’": "'", "−": "-",
    "⁻": "^-", "§": "sec. ", "Γ": "Gamma", "Λ": "Lambda", "Ω": "Omega", "γ": "gamma",
    "β": "beta", "ξ": "xi", "φ": "phi", "ψ": "psi", "ω": "omega", "κ": "kappa", "π": "pi",
    "∑": "sum", "∏": "prod", "∂": "d", "∇": "grad", "⊗": "(x)", "⊙": "(.)", "∘": "o",
    "ℝ": "R", "𝔼": "E", "≪": "<<", "≫": ">>", "∝": "~", "⟨": "<", "⟩": ">", "✓": "ok",
}


def _ascii_fallback(err: UnicodeError):
    """Codec error handler: a readable ASCII stand-in (Σ → Sigma, ŵ → w) or ``?``."""
    if not isinstance(err, UnicodeEncodeError):  # pragma: no cover
        raise err
    out = []
    for ch in err.object[err.start : err.end]:
        rep = _ASCII.get(ch)
        if rep is None and unicodedata.combining(ch):
            rep = ""  # a combining accent (W̃, ŵ): the base letter stays
        if rep is None:
            parts = unicodedata.normalize("NFKD", ch)
            rep = "".join(_ASCII.get(c, c) for c in parts if not unicodedata.combining(c))
            rep = rep.encode("ascii", "ignore").decode() or "?"
        out.append(rep)
    return "".join(out), err.end


codecs.register_error("lsa-verify-ascii", _ascii_fallback)


def _fit_streams_to_terminal() -> None:
    """Make stdout/stderr survive a terminal that cannot encode Unicode (LANG=C, ascii)."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if enc.startswith("utf") or not hasattr(stream, "reconfigure"):
            continue
        with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
            stream.reconfigure(errors="lsa-verify-ascii")


def _dispatch(parser: argparse.ArgumentParser, args) -> int:
    commands = {
        "list": lambda: _cmd_list(),
        "check": lambda: _cmd_check(args),
        "report": lambda: _cmd_report(args),
        "latex": lambda: _cmd_latex(args),
        "at": lambda: _cmd_at(args),
        "figure": lambda: _cmd_figure(args),
        "bench": lambda: _cmd_bench(args),
    }
    if args.command is None:
        parser.print_help()
        return 2
    if args.command not in commands:  # pragma: no cover - argparse refuses these
        raise InvalidArgument(f"command={args.command!r} is invalid")
    return commands[args.command]()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 invalid input, 1 an internal error,
    130 interrupted, 141 stdout closed). Never prints a traceback (set ``LSA_VERIFY_DEBUG=1``
    to see one for an internal error)."""
    _fit_streams_to_terminal()
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        code = _dispatch(parser, args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler
        return code
    except InvalidArgument as exc:
        _error(f"lsa-verify: error: {exc}")
        return 2
    except KeyboardInterrupt:
        _error("lsa-verify: interrupted")
        return 130
    except BrokenPipeError:  # `lsa-verify list | head -1`: the reader has gone, stop quietly
        _silence_stdout()
        return 141
    except MemoryError:
        _error("lsa-verify: error: out of memory: choose smaller sizes (--d, --n) or --tier quick")
        return 2
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("LSA_VERIFY_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        _error(
            f"lsa-verify: internal error: {type(exc).__name__}: {first} "
            "(please report it; LSA_VERIFY_DEBUG=1 shows the traceback)"
        )
        return 1


def _error(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr closed too
        print(line, file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout not a real fd
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
