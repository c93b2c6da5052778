r"""Claims that are not identities: an inequality, a limit, an arg-min.

Each is stated for a scalar quantity of :mod:`theory.quantities` through the same public
arguments as :meth:`Claim.identity` (``at=``, ``scalars=``, ``dims=``) and judged by a
symbolic witness (the quantity's own derivation) and a simulation witness (the real model):

* :func:`inequality_claim` — ``quantity <= bound`` (or ``>=``): exact values of
  derived − bound at rational points (:class:`~theory.checks.SymbolicInequality`) and a
  one-sided Monte Carlo test at each simulated point
  (:class:`~theory.checks.MonteCarloInequality`);
* :func:`limit_claim` — ``quantity / per → limit`` as ``n → ∞`` at fixed ``d``, or as
  ``d → ∞`` with ``n = ratio·d``: the exact limit of the derivation
  (:class:`~theory.checks.SymbolicPathLimit`) and the extrapolation of simulations at
  geometric sizes (:class:`~theory.checks.SimulatedLimit`);
* :func:`argmin_claim` — ``minimiser = argmin over θ ∈ domain``: the derived stationarity
  equation, second derivative and global minimum (:class:`~theory.checks.SymbolicArgmin`) and
  the minimiser of the simulated curve (:class:`~theory.checks.SimulatedArgmin`).

The claim's ``formula`` is one of :class:`Inequality`, :class:`Limit`, :class:`ArgMin`
(what is printed, with the kind's parameters); a wrong variant is the same object with
another printed expression (:meth:`with_value`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from derivations import d as d_sym
from derivations import n as n_sym
from theory._validation import InvalidArgument, check_choice, check_int

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory.quantities import Quantity

__all__ = [
    "ArgMin",
    "Inequality",
    "Limit",
    "argmin_claim",
    "inequality_claim",
    "limit_claim",
]

SENSES = ("<=", ">=")
PATHS = ("n", "d")


@dataclass(frozen=True)
class Inequality:
    """Printed ``quantity <sense> bound``."""

    bound: sp.Basic
    sense: str
    lhs: str = "Q"

    @property
    def value(self) -> sp.Basic:
        return self.bound

    def with_value(self, expr: sp.Basic) -> Inequality:
        return dataclasses.replace(self, bound=sp.sympify(expr))

    def __str__(self) -> str:
        return f"{self.sense} {self.bound}"

    def latex_lines(self, tex) -> list[str]:
        rel = r"\le" if self.sense == "<=" else r"\ge"
        return [f"{self.lhs} {rel} {tex(self.bound)}"]


@dataclass(frozen=True)
class Limit:
    """Printed ``lim quantity / per = limit`` along ``n`` (``d`` fixed) or ``d`` (``n =
    ratio·d``)."""

    limit: sp.Basic
    along: str
    ratio: sp.Rational | None = None
    per: sp.Basic = sp.S.One
    lhs: str = "Q"

    @property
    def value(self) -> sp.Basic:
        return self.limit

    def with_value(self, expr: sp.Basic) -> Limit:
        return dataclasses.replace(self, limit=sp.sympify(expr))

    @property
    def path(self) -> str:
        return "n → ∞" if self.along == "n" else f"d → ∞, n = {self.ratio}·d"

    def __str__(self) -> str:
        per = "" if self.per == 1 else f" / ({self.per})"
        return f"→ {self.limit}{per and ' (quantity' + per + ')'} as {self.path}"

    def latex_lines(self, tex) -> list[str]:
        sub = r"n \to \infty" if self.along == "n" else rf"d \to \infty,\ n = {tex(self.ratio)} d"
        q = self.lhs if self.per == 1 else rf"\frac{{{self.lhs}}}{{{tex(self.per)}}}"
        return [rf"\lim_{{{sub}}} {q} = {tex(self.limit)}"]


@dataclass(frozen=True)
class ArgMin:
    """Printed ``argmin_{over ∈ domain} quantity = minimiser``."""

    minimiser: sp.Basic
    over: sp.Symbol
    domain: tuple[sp.Rational, sp.Rational]
    lhs: str = "Q"

    @property
    def value(self) -> sp.Basic:
        return self.minimiser

    def with_value(self, expr: sp.Basic) -> ArgMin:
        return dataclasses.replace(self, minimiser=sp.sympify(expr))

    def __str__(self) -> str:
        lo, hi = self.domain
        return f"argmin over {self.over} ∈ ({lo}, {hi}) = {self.minimiser}"

    def latex_lines(self, tex) -> list[str]:
        lo, hi = self.domain
        return [
            rf"\operatorname{{argmin}}_{{{tex(self.over)} \in ({tex(lo)}, {tex(hi)})}} "
            f"{self.lhs} = {tex(self.minimiser)}"
        ]


# ---------------------------------------------------------------- shared validation
def _common(
    id: str,
    quantity: Quantity,
    at: Mapping[str, Any] | None,
    scalars: Mapping[Any, tuple[float, float]] | None,
    dims: Sequence[int],
) -> tuple[dict, dict, tuple[int, ...]]:
    """The validated id, scalar domains, bindings and dimensions (as for ``Claim.identity``)."""
    from theory._bindings import resolve_bindings
    from theory._formula import check_scalar_domains
    from theory.quantities import Quantity

    if not isinstance(id, str) or not id or any(c.isspace() for c in id):
        raise InvalidArgument(f"id={id!r} is invalid: id must be a non-empty word")
    if not isinstance(quantity, Quantity):
        raise InvalidArgument(
            f"quantity={quantity!r} is invalid: quantity must be a theory.quantities.Quantity"
        )
    if quantity.shape != "scalar":
        raise InvalidArgument(
            f"quantity={quantity.name} is invalid: it is {quantity.shape}-valued, and "
            "inequalities, limits and arg-mins are stated for scalar quantities"
        )
    domains = check_scalar_domains(scalars or {})
    bound = dict(at or {})
    letters = getattr(quantity, "bindable", ()) or getattr(quantity, "letters", ())
    for name in bound:
        check_choice("at", name, letters)
    bound = resolve_bindings(bound, quantity, tuple(domains))
    dims = tuple(sorted({check_int("dims", x, maximum=4) for x in dims}))
    return domains, bound, dims


def _validated(expr: Any, quantity, domains, bound, what: str) -> tuple[sp.Basic, list[str]]:
    from theory._formula import validate_formula

    formula, warnings = validate_formula(
        expr, quantity, scalars=tuple(domains), bound=tuple(bound), what=what
    )
    return formula, warnings if what == "bound" else []


def _validated_variants(variants, quantity, domains, bound) -> dict[str, sp.Basic]:
    return {
        k: _validated(v, quantity, domains, bound, f"wrong_variants[{k!r}]")[0]
        for k, v in (variants or {}).items()
    }


def _rational(name: str, value: Any) -> sp.Rational:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if not np.isfinite(x):
        raise InvalidArgument(f"{name}={value!r} is invalid: {name} must be a finite number")
    r = sp.nsimplify(value, rational=True) if not isinstance(value, sp.Rational) else value
    return sp.Rational(r)


def _where(bound: Mapping[str, sp.Basic], dims: Sequence[int]) -> str:
    out = "".join(f", {k} = {v}" for k, v in bound.items())
    if dims:
        out += f", d ∈ {{{', '.join(map(str, dims))}}}"
    return out


def _build(cls, kind_formula, variants, checks, quantity, domains, bound, dims, **kw) -> Claim:
    return cls(
        formula=kind_formula,
        checks=checks,
        quantity=quantity,
        at=bound,
        scalars=domains,
        dims=dims,
        wrong_variants={k: kind_formula.with_value(v) for k, v in variants.items()},
        **kw,
    )


# ---------------------------------------------------------------- the three kinds
def inequality_claim(
    cls: type[Claim],
    id: str,
    *,
    quantity: Quantity,
    bound: Any,
    sense: str = "<=",
    reference: str = "user",
    statement: str = "",
    at: Mapping[str, Any] | None = None,
    scalars: Mapping[Any, tuple[float, float]] | None = None,
    dims: Sequence[int] = (),
    wrong_variants: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Claim:
    """``quantity <= bound`` (``sense="<="``) or ``quantity >= bound`` (see the module)."""
    from theory.checks import MonteCarloInequality, SymbolicInequality

    domains, bnd, dims = _common(id, quantity, at, scalars, dims)
    sense = check_choice("sense", sense, SENSES)
    formula, warnings = _validated(bound, quantity, domains, bnd, "bound")
    variants = _validated_variants(wrong_variants, quantity, domains, bnd)
    kind = Inequality(formula, sense, getattr(quantity, "latex", "") or "Q")
    return _build(
        cls,
        kind,
        variants,
        (SymbolicInequality(), MonteCarloInequality()),
        quantity,
        domains,
        bnd,
        dims,
        id=id,
        reference=reference,
        statement=statement or f"{quantity.description} {sense} {formula}{_where(bnd, dims)}",
        warnings=tuple(warnings),
        **kwargs,
    )


def limit_claim(
    cls: type[Claim],
    id: str,
    *,
    quantity: Quantity,
    limit: Any,
    along: str = "n",
    ratio: Any = None,
    per: Any = 1,
    reference: str = "user",
    statement: str = "",
    at: Mapping[str, Any] | None = None,
    scalars: Mapping[Any, tuple[float, float]] | None = None,
    dims: Sequence[int] = (),
    wrong_variants: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Claim:
    """``quantity / per → limit`` along ``n`` (``d`` fixed) or ``d`` (``n = ratio·d``)."""
    from theory.checks import SimulatedLimit, SymbolicPathLimit

    domains, bnd, dims = _common(id, quantity, at, scalars, dims)
    along = check_choice("along", along, PATHS)
    per_expr = sp.sympify(per) if not isinstance(per, str) else None
    if per_expr is None or not per_expr.free_symbols <= {d_sym, n_sym} or per_expr.is_zero:
        raise InvalidArgument(
            f"per={per!r} is invalid: per must be a nonzero expression in d and n, e.g. d"
        )
    if along == "n":
        if ratio is not None:
            raise InvalidArgument(
                f"ratio={ratio!r} is invalid with along='n': n grows alone (d fixed); "
                "give ratio only with along='d'"
            )
        forbidden = {n_sym}
    else:
        if ratio is None:
            raise InvalidArgument(
                "ratio=None is invalid with along='d': give n/d as a positive number, e.g. 2"
            )
        ratio = _rational("ratio", ratio)
        if not ratio > 0:
            raise InvalidArgument(f"ratio={ratio} is invalid: ratio = n/d must be > 0")
        if dims:
            raise InvalidArgument(f"dims={dims} is invalid with along='d': d grows along the path")
        free = [x for x in quantity.letters if x not in bnd]
        if free:
            raise InvalidArgument(
                f"at= leaves {', '.join(free)} free: along='d' needs every letter of "
                f"{quantity.name} fixed (e.g. at={{'Sigma': I, 'Vt': -eta * I}})"
            )
        forbidden = {n_sym, d_sym}
    formula, _ = _validated(limit, quantity, domains, bnd, "limit")
    variants = _validated_variants(wrong_variants, quantity, domains, bnd)
    for name, e in {"limit": formula, **variants}.items():
        bad = sorted(str(s) for s in e.free_symbols & forbidden)
        if bad:
            raise InvalidArgument(
                f"{name}={e} is invalid: it uses {', '.join(bad)}, which grows along the path"
            )
    kind = Limit(formula, along, ratio, per_expr, getattr(quantity, "latex", "") or "Q")
    lhs = quantity.description if per_expr == 1 else f"{quantity.description} / ({per_expr})"
    return _build(
        cls,
        kind,
        variants,
        (SymbolicPathLimit(), SimulatedLimit()),
        quantity,
        domains,
        bnd,
        dims,
        id=id,
        reference=reference,
        statement=statement or f"{lhs} → {formula} as {kind.path}{_where(bnd, dims)}",
        **kwargs,
    )


def argmin_claim(
    cls: type[Claim],
    id: str,
    *,
    quantity: Quantity,
    over: Any,
    minimiser: Any,
    domain: tuple[float, float] | None = None,
    reference: str = "user",
    statement: str = "",
    at: Mapping[str, Any] | None = None,
    scalars: Mapping[Any, tuple[float, float]] | None = None,
    dims: Sequence[int] = (),
    wrong_variants: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Claim:
    """``argmin_{over ∈ domain} quantity = minimiser`` (``domain``: the declared scalar's
    domain when not given)."""
    from theory._formula import check_scalar_domains
    from theory.checks import SimulatedArgmin, SymbolicArgmin

    by_name = {str(s): s for s in check_scalar_domains(scalars or {})}
    key = str(over) if isinstance(over, str | sp.Symbol) else None
    if key not in by_name:
        declared = ", ".join(by_name) or "(none)"
        raise InvalidArgument(
            f"over={over!r} is invalid: over must be a scalar declared in scalars= "
            f"(declared: {declared})"
        )
    domains, bnd, dims = _common(id, quantity, at, scalars, dims)
    theta = by_name[key]
    if domain is None:
        domain = domains[theta]
    try:
        lo, hi = (_rational("domain", x) for x in domain)
    except (TypeError, ValueError):
        raise InvalidArgument(
            f"domain={domain!r} is invalid: give (low, high) with finite low < high"
        ) from None
    if not lo < hi:
        raise InvalidArgument(
            f"domain={domain!r} is invalid: it is empty; give (low, high) with low < high"
        )
    dlo, dhi = domains[theta]
    if lo < sp.nsimplify(dlo, rational=True) or hi > sp.nsimplify(dhi, rational=True):
        raise InvalidArgument(
            f"domain={domain!r} is invalid: it must lie inside the declared domain of "
            f"{theta}, ({dlo:g}, {dhi:g})"
        )
    formula, _ = _validated(minimiser, quantity, domains, bnd, "minimiser")
    variants = _validated_variants(wrong_variants, quantity, domains, bnd)
    for name, e in {"minimiser": formula, **variants}.items():
        if theta in e.free_symbols:
            raise InvalidArgument(f"{name}={e} is invalid: it uses {theta}, the variable itself")
    if not any(theta in e.free_symbols for e in bnd.values()):
        raise InvalidArgument(
            f"over={theta} is invalid: the quantity does not depend on it; bind a letter to "
            f"it with at=, e.g. at={{'Vt': -{theta} * I}}"
        )
    kind = ArgMin(formula, theta, (lo, hi), getattr(quantity, "latex", "") or "Q")
    return _build(
        cls,
        kind,
        variants,
        (SymbolicArgmin(), SimulatedArgmin()),
        quantity,
        domains,
        bnd,
        dims,
        id=id,
        reference=reference,
        statement=statement
        or f"argmin over {theta} ∈ ({lo}, {hi}) of {quantity.description} = {formula}"
        + _where(bnd, dims),
        **kwargs,
    )
