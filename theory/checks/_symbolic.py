"""Symbolic identity check: the printed formula against the quantity's own derivations."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from derivations import LETTERS, TracePoly, d, exact_difference
from theory._bindings import bind_derived, bind_explicit, bind_formula
from theory._check import Check
from theory._evaluate import evaluate_exact
from theory._verdict import CannotExpress, Evidence, Outcome
from theory.checks._evidence import short_text

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory._context import RunContext

__all__ = ["SymbolicIdentity", "time_limit"]


class _OutOfTime(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Interrupt the body after ``seconds`` of wall time (raises :class:`_OutOfTime`).

    sympy is pure Python, so a ``SIGALRM`` interrupts it between bytecodes. Off the main
    thread, or where ``SIGALRM`` does not exist, the body runs without a limit."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _alarm(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class SymbolicIdentity(Check):
    """``quantity == formula`` exactly: (1) for every ``d`` by canonical trace polynomials of the
    matrix-level derivation; (2) at ``d = 1, 2, 3`` against the index-level derivation with
    generic symbolic matrices and symbolic ``n``; (3) the two engines agree with each other.

    A claim at a point (``claim.at``) is judged with its bindings substituted in both
    derivations. Exact evaluation stops after ``time_limit`` seconds (``None``: no limit): the
    steps done so far are kept and one undecided record says where it stopped. A formula that
    the matrix-level engine cannot represent (an inverse of a compound expression, a function
    of a matrix) raises :class:`~theory.CannotExpress`.
    """

    name = "symbolic"

    def __init__(self, dims: Sequence[int] = (1, 2, 3), time_limit: float | None = 120.0):
        self.dims = tuple(dims)
        self.time_limit = time_limit

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        q = claim.quantity
        if q is None:
            raise ValueError(f"claim {claim.id} has no quantity to derive")
        out: list[Evidence] = []
        step = ["the matrix-level derivation"]
        t0 = time.perf_counter()
        try:
            with time_limit(self.time_limit):
                self._run(claim, ctx, out, step)
        except _OutOfTime:
            out.append(
                Evidence(
                    kind="symbolic",
                    label="exact symbolic evaluation within its time limit",
                    outcome=Outcome.UNDECIDED,
                    params={"time_limit_s": self.time_limit},
                    detail=f"inconclusive: ran past the time limit of {self.time_limit:g} s "
                    f"during {step[0]} (after {time.perf_counter() - t0:.1f} s); "
                    "pass a larger time_limit to wait longer",
                )
            )
        return out

    def _run(self, claim: Claim, ctx: RunContext, out: list[Evidence], step: list[str]) -> None:
        q = claim.quantity
        formula = bind_formula(claim)
        ctx.note(f"{claim.id}: symbolic, {step[0]}")
        derived: TracePoly = ctx.cached(("derive", q.name), q.derive)
        if claim.dims:
            ctx.note(f"{claim.id}: stated at d = {claim.dims} only: no every-d comparison")
        else:
            self._every_d(claim, formula, derived, out, step)
        # (2) explicit d, independent engine; (3) engines agree
        failures, disagreements, done = [], [], []
        try:
            for dd in claim.dims or self.dims:
                step[0] = f"the index-level derivation at d = {dd}"
                ctx.note(f"{claim.id}: symbolic, {step[0]}")
                value, subs = ctx.cached(
                    ("derive_explicit", q.name, dd), lambda dd=dd: q.derive_explicit(dd)
                )
                value, subs = bind_explicit(value, subs, claim, dd)
                try:
                    printed_val = evaluate_exact(formula, subs, {d: dd})
                except (NotImplementedError, KeyError) as exc:
                    raise CannotExpress(
                        f"the index-level engine cannot evaluate the formula: {exc}"
                    ) from None
                diff = exact_difference(value, printed_val)
                if diff is not None:
                    failures.append(f"d={dd}: derived − printed = {short_text(diff)}")
                # the unbound matrix-level result on the bound matrices: an independent value
                matrix_level = derived.evaluate(subs, {d: dd})
                if exact_difference(matrix_level, value) is not None:
                    disagreements.append(dd)
                done.append(dd)
        finally:
            if done:
                self._explicit_evidence(out, done, failures, disagreements)

    @staticmethod
    def _every_d(claim, formula, derived, out, step) -> None:
        derived = bind_derived(derived, claim)
        step[0] = "the matrix-level comparison"
        try:
            printed = TracePoly.from_sympy(formula, LETTERS)
        except (NotImplementedError, ValueError) as exc:
            raise CannotExpress(
                f"the matrix-level engine cannot represent the formula {short_text(formula, 120)}: "
                f"{exc} (state the claim at fixed dimensions with dims=(1, 2) to derive it "
                "exactly there)"
            ) from None
        diff = (derived - printed).simplified()
        ok = not diff.terms
        out.append(
            Evidence(
                kind="symbolic",
                label="matrix-level derivation (Wick on words) = printed formula, every d",
                outcome=Outcome.PASS if ok else Outcome.FAIL,
                claimed=str(printed.simplified()),
                measured=str(derived.simplified()),
                detail="canonical forms agree" if ok else f"derived − printed = {short_text(diff)}",
            )
        )

    @staticmethod
    def _explicit_evidence(out, done, failures, disagreements) -> None:
        dims = ", ".join(map(str, done))
        out.append(
            Evidence(
                kind="symbolic",
                label=f"index-level derivation (Isserlis on entries) = printed, d = {dims}",
                outcome=Outcome.FAIL if failures else Outcome.PASS,
                params={"d": list(done), "n": "symbolic"},
                detail="; ".join(failures)
                if failures
                else "exact equality, generic symbolic matrices",
            )
        )
        out.append(
            Evidence(
                kind="symbolic",
                label=f"the two derivation engines agree at d = {dims}",
                outcome=Outcome.UNDECIDED if disagreements else Outcome.PASS,
                detail=(
                    f"internal inconsistency at d = {disagreements}: the verifier cannot decide"
                    if disagreements
                    else "matrix-level result evaluated on generic matrices = index-level result"
                ),
            )
        )
