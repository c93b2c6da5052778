"""Symbolic identity check: the printed formula against the quantity's own derivations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

from derivations import LETTERS, TracePoly, d
from theory._claim import Check, Claim
from theory._evaluate import evaluate_exact
from theory._verdict import Evidence, Outcome

if TYPE_CHECKING:
    from theory._context import RunContext

__all__ = ["SymbolicIdentity", "exact_difference"]


def _is_zero(e: sp.Expr) -> bool:
    e = sp.expand(e)
    if e == 0:
        return True
    numerator, _ = sp.fraction(sp.together(e))
    return sp.expand(numerator) == 0


def exact_difference(a, b) -> sp.Expr | sp.Matrix | None:
    """``None`` if ``a == b`` exactly, else the (simplified) first nonzero difference."""
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        a, b = sp.Matrix(a), sp.Matrix(b)
        if a.shape != b.shape:
            return sp.Symbol(f"shape{a.shape}!=shape{b.shape}")
        for x, y in zip(a, b, strict=True):
            if not _is_zero(x - y):
                return sp.expand(x - y)
        return None
    diff = a - b
    return None if _is_zero(diff) else sp.expand(diff)


def _short(e: object, limit: int = 240) -> str:
    s = str(e)
    return s if len(s) <= limit else s[: limit - 1] + "…"


class SymbolicIdentity(Check):
    """``quantity == formula`` exactly: (1) for every ``d`` by canonical trace polynomials of the
    matrix-level derivation; (2) at ``d = 1, 2, 3`` against the index-level derivation with
    generic symbolic matrices and symbolic ``n``; (3) the two engines agree with each other."""

    name = "symbolic"

    def __init__(self, dims: Sequence[int] = (1, 2, 3)):
        self.dims = tuple(dims)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        q = claim.quantity
        if q is None:
            raise ValueError(f"claim {claim.id} has no quantity to derive")
        out: list[Evidence] = []
        derived: TracePoly = ctx.cached(("derive", q.name), q.derive)

        # (1) every d
        try:
            printed = TracePoly.from_sympy(claim.formula, LETTERS)
            diff = (derived - printed).simplified()
            ok = not diff.terms
            out.append(
                Evidence(
                    kind="symbolic",
                    label="matrix-level derivation (Wick on words) = printed formula, every d",
                    outcome=Outcome.PASS if ok else Outcome.FAIL,
                    claimed=str(printed.simplified()),
                    measured=str(derived.simplified()),
                    detail="canonical forms agree" if ok else f"derived − printed = {_short(diff)}",
                )
            )
        except (NotImplementedError, ValueError) as exc:
            out.append(
                Evidence(
                    kind="symbolic",
                    label="matrix-level derivation = printed formula, every d",
                    outcome=Outcome.UNDECIDED,
                    detail=f"printed formula not convertible: {exc}",
                )
            )

        # (2) explicit d, independent engine; (3) engines agree
        failures, disagreements = [], []
        for dd in self.dims:
            value, subs = ctx.cached(
                ("derive_explicit", q.name, dd), lambda dd=dd: q.derive_explicit(dd)
            )
            printed_val = evaluate_exact(claim.formula, subs, {d: dd})
            diff = exact_difference(value, printed_val)
            if diff is not None:
                failures.append(f"d={dd}: derived − printed = {_short(diff)}")
            matrix_level = derived.evaluate(subs, {d: dd})
            if exact_difference(matrix_level, value) is not None:
                disagreements.append(dd)
        dims = ", ".join(map(str, self.dims))
        out.append(
            Evidence(
                kind="symbolic",
                label=f"index-level derivation (Isserlis on entries) = printed, d = {dims}",
                outcome=Outcome.FAIL if failures else Outcome.PASS,
                params={"d": list(self.dims), "n": "symbolic"},
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
        return out
