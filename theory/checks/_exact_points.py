r"""Exact rational points of a claim's domain, and the derived and printed values there.

Shared by the checks of claims that are not identities (:mod:`theory._claim_kinds`). A point
has a dimension ``d``, a prompt length ``n``, rational matrices for the letters the claim
leaves free (covariances ``A Aᵀ`` of small integer matrices, one of them singular and one
badly scaled; general matrices of quarter-integers) and rational values of the declared
scalars inside their domains. The derivation is evaluated there exactly — by the trace form
of the matrix-level derivation for every ``d`` (:func:`derivations._calculus.trace_form`), or
by the index-level derivation for a claim stated at fixed ``dims``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from derivations import (
    LETTERS,
    d,
    expr_trace_form,
    n,
    random_rational,
    random_rational_matrix,
    trace_form,
    trace_values,
)
from theory._bindings import bind_derived, bind_explicit
from theory._evaluate import evaluate_exact
from theory._formula import simplify_inverses
from theory._verdict import CannotExpress

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory._context import RunContext

__all__ = ["DerivedForm", "ExactPoint", "bind_expr", "derived_form", "exact_points"]


@dataclass(frozen=True)
class ExactPoint:
    """``d``, ``n``, rational matrices of the free letters, rational scalars."""

    label: str
    d: int
    n: int
    matrices: Mapping[str, sp.Matrix] = field(default_factory=dict)
    scalars: Mapping[sp.Symbol, sp.Rational] = field(default_factory=dict)

    def values(self, keep: Sequence[sp.Symbol] = ()) -> dict[sp.Symbol, Any]:
        out = {d: sp.Integer(self.d), n: sp.Integer(self.n)}
        out.update({s: v for s, v in self.scalars.items() if s not in keep})
        return out


def bind_expr(expr: sp.Basic, claim: Claim) -> sp.Basic:
    """``expr`` with the claim's bindings substituted (and ``(cI)⁻¹`` simplified)."""
    expr = sp.sympify(expr)
    if claim.at:
        rep = {sp.MatrixSymbol(k, LETTERS[k].rows, LETTERS[k].cols): v for k, v in claim.at.items()}
        expr = expr.xreplace(rep)
    return simplify_inverses(expr)


def _free_letters(claim: Claim) -> list[str]:
    return [x for x in claim.quantity.letters if x not in claim.at]


def _letter_value(kind: str, dd: int, case: int, rng: np.random.Generator) -> sp.Matrix:
    if kind == "cov":
        rank = dd - 1 if (case == 1 and dd > 1) else dd
        A = random_rational_matrix(rng, dd, rank, -4, 5, den=2)
        while rank == dd and A.det() == 0:
            A = random_rational_matrix(rng, dd, rank, -4, 5, den=2)
        C = A * A.T
        if case == 2:  # badly scaled: one direction 100 times smaller
            D = sp.diag(*([1] * (dd - 1) + [sp.Rational(1, 10)]))
            C = D * C * D
        return C
    M = random_rational_matrix(rng, dd, dd, -4, 5, den=4)
    return (M + M.T) / 2 if kind == "symmetric" else M


def _scalar_value(lo: float, hi: float, rng: np.random.Generator) -> sp.Rational:
    lo_r, hi_r = sp.nsimplify(lo, rational=True), sp.nsimplify(hi, rational=True)
    t = random_rational(rng, 1, 100, 100)
    return lo_r + (hi_r - lo_r) * t


def exact_points(
    claim: Claim, ctx: RunContext, *, dims: Sequence[int] | None = None, skip: Sequence = ()
) -> list[ExactPoint]:
    """Rational points of the claim's domain (seeded by the claim's id): for each ``d`` of
    ``dims`` (the claim's, else 1, 2, 3) and ``n`` of 1, 3, 12 (and 60 in the full tier), the
    free letters drawn as described in the module docstring (the case cycling through
    generic, singular, badly scaled covariances). Scalars in ``skip`` are left out."""
    q = claim.quantity
    _, rng = ctx.rng("exact_points", claim.id.split("[")[0])
    dims = tuple(dims or claim.dims or (1, 2, 3))
    sizes = ctx.pick((1, 3, 12), (1, 3, 12, 60))
    kinds = getattr(q, "letter_kinds", {})
    out, case = [], 0
    for dd in dims:
        for nn in sizes:
            mats = {
                x: _letter_value(kinds.get(x, "general"), dd, case % 3, rng)
                for x in _free_letters(claim)
            }
            scal = {
                s: _scalar_value(lo, hi, rng)
                for s, (lo, hi) in claim.scalars.items()
                if s not in skip
            }
            names = {str(s) for s in (*scal, *skip)}
            for name in q.scalars:  # scalars the quantity itself defines (e.g. sigma)
                if name not in names:
                    scal[_library_scalar(name)] = random_rational(rng, 20, 150, 100)
            label = f"d={dd}, n={nn}" + ("".join(f", {s}={v}" for s, v in scal.items()))
            out.append(ExactPoint(label, dd, nn, mats, scal))
            case += 1
    return out


def _library_scalar(name: str) -> sp.Symbol:
    from theory._formula import LIBRARY_SCALARS

    return LIBRARY_SCALARS.get(name, sp.Symbol(name))


class DerivedForm:
    """The claim's derived quantity at its bindings, ready to be evaluated exactly.

    Every ``d`` (no ``dims``): ``expr`` is the trace form of the matrix-level derivation and
    ``table`` its trace symbols. Fixed ``dims``: the index-level derivation per ``d``."""

    def __init__(self, claim: Claim, ctx: RunContext):
        self.claim = claim
        q = claim.quantity
        self.table: dict = {}
        self.expr = None
        self.explicit: dict[int, tuple[Any, dict]] = {}
        if claim.dims:
            for dd in claim.dims:
                value, subs = ctx.cached(
                    ("derive_explicit", q.name, dd), lambda dd=dd: q.derive_explicit(dd)
                )
                self.explicit[dd] = bind_explicit(value, subs, claim, dd)
        else:
            derived = ctx.cached(("derive", q.name), q.derive)
            self.expr = trace_form(bind_derived(derived, claim).simplified(), self.table)

    def printed(self, expr: sp.Basic) -> sp.Expr:
        """A printed expression (bindings substituted) in the same trace symbols."""
        try:
            return expr_trace_form(bind_expr(expr, self.claim), LETTERS, self.table)
        except (NotImplementedError, ValueError) as exc:
            raise CannotExpress(
                f"the matrix-level engine cannot represent {expr}: {exc} (state the claim at "
                "fixed dimensions with dims=(1, 2) to derive it exactly there)"
            ) from None

    def at(self, pt: ExactPoint, keep: Sequence[sp.Symbol] = ()) -> sp.Expr:
        """Exact derived value at ``pt`` (scalars in ``keep`` left symbolic)."""
        values = pt.values(keep)
        if self.expr is not None:
            mats = dict(pt.matrices)
            return sp.cancel(self.expr.xreplace(trace_values(self.table, mats)).xreplace(values))
        value, subs = self.explicit[pt.d]
        rep = {}
        for name, generic in subs.items():
            if name in pt.matrices:
                rep.update(
                    {g: e for g, e in zip(generic, pt.matrices[name], strict=True) if g.is_Symbol}
                )
        return sp.cancel(sp.sympify(value).xreplace(rep).xreplace(values))

    def printed_at(self, expr: sp.Basic, pt: ExactPoint, keep: Sequence[sp.Symbol] = ()):
        """Exact printed value at ``pt`` (bindings substituted; ``keep`` left symbolic)."""
        mats = {k: v for k, v in pt.matrices.items()}
        try:
            value = evaluate_exact(bind_expr(expr, self.claim), mats, pt.values(keep))
        except (NotImplementedError, KeyError) as exc:
            raise CannotExpress(f"exact evaluation cannot evaluate {expr}: {exc}") from None
        return sp.cancel(sp.sympify(value))


def derived_form(claim: Claim, ctx: RunContext) -> DerivedForm:
    return DerivedForm(claim, ctx)
