"""A user's formula, validated before any check judges it.

:func:`validate_formula` refuses what the checks could only misjudge — a string, NaN or ∞, an
unknown or undeclared symbol, a symbol that shares a library name but not its assumptions, a
matrix-valued formula for a scalar quantity — with :class:`InvalidArgument` (one line naming
the problem and the quantity's valid letters and scalars). It returns warnings for what is
legal but suspicious: a formula that omits one of the quantity's free letters states that the
quantity does not depend on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derivations import LETTERS, Bsym, d, eta, k, n, sigma
from theory._validation import InvalidArgument

if TYPE_CHECKING:
    from theory.quantities import Quantity

__all__ = ["LIBRARY_SCALARS", "check_scalar_domains", "simplify_inverses", "validate_formula"]

#: the scalar symbols of :mod:`theory.symbols`, by name
LIBRARY_SCALARS: dict[str, sp.Symbol] = {str(s): s for s in (d, n, eta, k, Bsym, sigma)}

_SHAPES = {"scalar": "a scalar", "vector": "a d × 1 vector", "matrix": "a d × d matrix"}


def _valid(quantity: Quantity, scalars: Sequence[sp.Symbol]) -> str:
    names = ["d", "n", *quantity.scalars, *(str(s) for s in scalars)]
    return (
        f"{quantity.name} takes the letters {', '.join(quantity.letters) or '(none)'} "
        f"and the scalars {', '.join(dict.fromkeys(names))}"
    )


def _shape_of(expr: sp.Basic) -> tuple | None:
    if isinstance(expr, sp.MatrixExpr):
        return tuple(expr.shape)
    return None


def check_scalar_domains(scalars: Mapping[Any, Any]) -> dict[sp.Symbol, tuple[float, float]]:
    """``{symbol: (low, high)}`` from a user's ``{symbol or name: (low, high)}`` (open interval,
    finite ends; the Monte Carlo points draw each scalar uniformly inside it)."""
    out: dict[sp.Symbol, tuple[float, float]] = {}
    for key, dom in scalars.items():
        sym = sp.Symbol(key) if isinstance(key, str) else key
        if not isinstance(sym, sp.Symbol):
            raise InvalidArgument(
                f"scalar {key!r} is invalid: scalars are sympy Symbols or names, e.g. sigma"
            )
        if str(sym) in ("d", "n"):
            raise InvalidArgument(
                f"scalar {sym} is invalid: d and n are set by each point, not declared"
            )
        try:
            lo, hi = (float(x) for x in dom)
        except (TypeError, ValueError):
            raise InvalidArgument(
                f"domain of {sym}={dom!r} is invalid: give (low, high) with finite low < high"
            ) from None
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise InvalidArgument(
                f"domain of {sym}={dom!r} is invalid: give (low, high) with finite low < high"
            )
        out[sym] = (lo, hi)
    return out


def simplify_inverses(expr: sp.Basic) -> sp.Basic:
    """Replace every inverse of a scalar multiple of the identity, ``(c I)⁻¹``, by ``I / c``
    (the case where everything commutes, e.g. ``Γ(Σ)⁻¹`` at ``Σ = I``)."""

    def scalar_identity(e: sp.Inverse) -> bool:
        arg = e.arg.doit()
        if isinstance(arg, sp.Identity):
            return True
        if isinstance(arg, sp.MatMul):
            mats = [a for a in arg.args if isinstance(a, sp.MatrixExpr)]
            return len(mats) == 1 and isinstance(mats[0], sp.Identity)
        return False

    return expr.replace(
        lambda e: isinstance(e, sp.Inverse) and scalar_identity(e), lambda e: e.doit()
    )


def validate_formula(
    formula: Any,
    quantity: Quantity,
    *,
    scalars: Sequence[sp.Symbol] = (),
    bound: Sequence[str] = (),
    shape: str | None = None,
    what: str = "formula",
) -> tuple[sp.Basic, list[str]]:
    """``(formula as sympy, warnings)``, or :class:`InvalidArgument` (see the module docstring).

    ``scalars`` are the extra scalar symbols the claim declares; ``bound`` the letters the claim
    fixes to expressions (they need not appear in the formula); ``shape`` overrides the
    quantity's shape (for the expression bound to a letter, named ``what``).
    """
    from theory.quantities import Quantity

    if not isinstance(quantity, Quantity):
        raise InvalidArgument(
            f"quantity={quantity!r} is invalid: quantity must be a theory.quantities.Quantity"
        )
    valid = _valid(quantity, scalars)
    if isinstance(formula, str):
        raise InvalidArgument(
            f"{what}={formula!r} is a string: write it with the symbols of theory.symbols; {valid}"
        )
    if isinstance(formula, bool) or formula is None:
        raise InvalidArgument(f"formula={formula!r} is invalid: it must be a sympy expression")
    if isinstance(formula, int | float | complex | np.number):
        formula = sp.sympify(formula)
    if isinstance(formula, sp.MatrixBase):
        raise InvalidArgument(
            f"{what}={formula} is an explicit sympy Matrix: write it for every d with the "
            f"matrix letters; {valid}"
        )
    if not isinstance(formula, sp.Basic):
        raise InvalidArgument(
            f"formula of type {type(formula).__name__} is invalid: it must be a sympy "
            f"expression in theory.symbols; {valid}"
        )
    relation = isinstance(formula, sp.core.relational.Relational)
    if relation or (isinstance(formula, sp.logic.boolalg.Boolean) and not formula.is_Atom):
        raise InvalidArgument(
            f"formula={formula} is a relation: Claim.identity takes the right-hand side only"
        )
    if formula.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InvalidArgument(f"formula={formula} contains NaN or ∞: it must be finite")
    if formula.is_number and formula.is_real is False:
        raise InvalidArgument(f"formula={formula} is not real: the quantity is real")
    undef = sorted(str(f.func) for f in formula.atoms(AppliedUndef))
    if undef:
        raise InvalidArgument(
            f"formula uses the unknown function {undef[0]}: only sympy's own functions "
            f"and theory.symbols can be evaluated; {valid}"
        )

    allowed_letters = set(quantity.letters)
    for m in sorted(formula.atoms(sp.MatrixSymbol), key=str):
        name = str(m.name)
        if name not in LETTERS:
            raise InvalidArgument(
                f"formula uses the unknown matrix {name}: use the letters of "
                f"theory.symbols; {valid}"
            )
        if name not in allowed_letters:
            raise InvalidArgument(
                f"formula uses the matrix {name}, which {quantity.name} does not declare; {valid}"
            )
        want = (LETTERS[name].rows, LETTERS[name].cols)
        if tuple(m.shape) != want:
            raise InvalidArgument(
                f"matrix {name} has shape {tuple(m.shape)}: use theory.symbols.{name} "
                f"(shape {want})"
            )
    allowed_scalars = {"d": d, "n": n}
    for name in quantity.scalars:
        allowed_scalars[name] = LIBRARY_SCALARS.get(name, sp.Symbol(name))
    for s in scalars:
        allowed_scalars[str(s)] = s
    for s in sorted(formula.free_symbols, key=str):
        if not isinstance(s, sp.Symbol) or isinstance(s, sp.Dummy):
            continue
        name = str(s)
        if name not in allowed_scalars:
            where = (
                f"{name} is a symbol of theory.symbols that {quantity.name} does not declare "
                "(declare it with scalars={...: (low, high)})"
                if name in LIBRARY_SCALARS
                else f"{name} is an unknown scalar (declare it with scalars={{...: (low, high)}})"
            )
            raise InvalidArgument(f"formula uses the scalar {name}: {where}; {valid}")
        if s != allowed_scalars[name]:
            raise InvalidArgument(
                f"scalar {name} in the formula has other assumptions than the declared {name}: "
                f"use theory.symbols.{name} (or the symbol you declared); {valid}"
            )

    want = shape or quantity.shape
    shape = _shape_of(formula)
    if want == "scalar" and shape is not None:
        raise InvalidArgument(
            f"{what} has shape {shape} but {quantity.name} is a scalar "
            f"(take a Trace, or index the matrix); {valid}"
        )
    if want != "scalar":
        expected = (d, sp.Integer(1)) if want == "vector" else (d, d)
        if shape is None or tuple(sp.sympify(x) for x in shape) != expected:
            got = "a scalar" if shape is None else f"shape {shape}"
            raise InvalidArgument(f"{what} is {got} but must be {_SHAPES[want]}; {valid}")

    used = {str(m.name) for m in formula.atoms(sp.MatrixSymbol)}
    warnings = [
        f"the formula does not use {name}: it states that {quantity.description} does not "
        f"depend on {name}"
        for name in quantity.letters
        if name not in used and name not in bound
    ]
    return formula, warnings
