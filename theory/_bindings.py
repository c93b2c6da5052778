"""Claims at a point: letters of a quantity fixed to expressions in other letters and scalars.

A binding ``{"Sigma": I, "Vt": -Gamma(Sigma).I}`` is resolved once (later bindings may use
earlier ones; cycles are refused) and then applied the same way by every witness: to the
matrix-level derivation by substituting trace polynomials, to the index-level derivation by
substituting the exact value of the bound matrix for its generic entries, and to every
simulated point by evaluating the binding in float64 on the point's own matrices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from derivations import LETTERS, TracePoly, d
from theory._evaluate import evaluate, evaluate_exact
from theory._formula import simplify_inverses, validate_formula
from theory._validation import InvalidArgument, check_covariance
from theory._verdict import CannotExpress

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory.quantities import Point, Quantity

__all__ = ["bind_derived", "bind_explicit", "bind_point", "resolve_bindings"]


def resolve_bindings(
    bound: Mapping[str, Any], quantity: Quantity, scalars: Sequence[sp.Symbol]
) -> dict[str, sp.Basic]:
    """Validated bindings, each written in the free (unbound) letters only."""
    out: dict[str, sp.Basic] = {}
    for name, expr in bound.items():
        letter = LETTERS[name]
        kind = "vector" if letter.cols == 1 else "matrix"
        value, _ = validate_formula(
            expr, quantity, scalars=scalars, bound=tuple(bound), shape=kind, what=f"at[{name!r}]"
        )
        out[name] = value
    symbols = {name: sp.MatrixSymbol(name, LETTERS[name].rows, LETTERS[name].cols) for name in out}
    for _ in range(len(out) + 1):
        changed = False
        for name, expr in out.items():
            new = expr.xreplace({symbols[k]: v for k, v in out.items() if k != name})
            if new != expr:
                out[name], changed = new, True
            if out[name].has(symbols[name]):
                raise InvalidArgument(
                    f"at[{name!r}] refers to {name} itself: bindings must not cycle"
                )
        if not changed:
            break
    return {name: simplify_inverses(expr) for name, expr in out.items()}


def bind_formula(claim: Claim) -> sp.Basic:
    """The claim's formula with its bindings substituted (and ``(cI)⁻¹`` simplified)."""
    formula = sp.sympify(claim.formula)
    if claim.at:
        symbols = {
            sp.MatrixSymbol(k, LETTERS[k].rows, LETTERS[k].cols): v for k, v in claim.at.items()
        }
        formula = formula.xreplace(symbols)
    return simplify_inverses(formula)


def bind_derived(derived: TracePoly, claim: Claim) -> TracePoly:
    """The matrix-level derivation at the claim's point (letters replaced by their bindings)."""
    for name, expr in claim.at.items():
        try:
            value = TracePoly.from_sympy(expr, LETTERS)
        except (NotImplementedError, ValueError) as exc:
            raise CannotExpress(
                f"the matrix-level engine cannot represent at[{name!r}] = {expr}: {exc}"
            ) from None
        derived = derived.subs_letter(name, value)
    return derived


def bind_explicit(
    value: Any, subs: Mapping[str, sp.Matrix], claim: Claim, dd: int
) -> tuple[Any, dict[str, sp.Matrix]]:
    """The index-level derivation at the claim's point: each bound letter's generic entries
    replaced by the exact entries of its binding."""
    subs = dict(subs)
    if not claim.at:
        return value, subs
    replace: dict[sp.Basic, sp.Basic] = {}
    for name, expr in claim.at.items():
        if name not in subs:
            raise CannotExpress(f"the index-level derivation has no generic matrix for {name}")
        exact = sp.Matrix(evaluate_exact(expr, subs, {d: dd}))
        replace.update(
            {g: e for g, e in zip(subs[name], exact, strict=True) if isinstance(g, sp.Symbol)}
        )
        subs[name] = exact
    if isinstance(value, sp.MatrixBase):
        value = value.xreplace(replace)
    else:
        value = sp.sympify(value).xreplace(replace)
    return value, subs


def bind_point(
    point: Point, claim: Claim, rng: np.random.Generator, fixed: Mapping[str, float] | None = None
) -> Point:
    """A simulated point of the claim: declared scalars drawn uniformly in their domains, bound
    letters evaluated on the point's matrices (a covariance letter must come out PSD);
    ``fixed`` scalars are taken as given."""
    from theory.quantities import Point

    scalars = dict(point.scalars)
    for sym, (lo, hi) in claim.scalars.items():
        scalars[str(sym)] = float(rng.uniform(lo, hi))
    scalars.update({k: float(v) for k, v in (fixed or {}).items()})
    matrices = dict(point.matrices)
    values = {"d": point.d, "n": point.n, **scalars}
    kinds = claim.quantity.letter_kinds if claim.quantity is not None else {}
    for name, expr in claim.at.items():
        m = np.asarray(evaluate(expr, point.matrices, values), dtype=float)
        if kinds.get(name) == "cov":
            m = check_covariance(f"at[{name!r}] at {point.label}", m)
        matrices[name] = m
    label = point.label
    if claim.at:  # the drawn matrices a binding replaces no longer describe the point
        label += " (bound: " + ", ".join(f"{k} := {v}" for k, v in claim.at.items()) + ")"
    return Point(label, point.d, point.n, matrices, scalars)
