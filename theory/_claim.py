"""Claims: what the paper prints, and how to check it.

A :class:`Claim` carries its printed formula (a sympy expression in :mod:`theory.symbols`) and
its checks; tests and the CLI ask the claim, never retype it. A deliberately wrong variant is
the same claim with another formula (:meth:`Claim.variant`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from theory._check import Check

if TYPE_CHECKING:
    from theory.quantities import Quantity

__all__ = ["Check", "Claim"]


@dataclass(frozen=True)
class Claim:
    """A result of the paper: id, reference, one-line statement, printed formula, checks.

    ``formula`` is the printed right-hand side for ``quantity`` (identity claims) or a
    claim-specific object (e.g. a set of blocks); ``wrong_variants`` maps a name to a
    deliberately wrong formula that the checks must refute; ``expected`` records the verdict
    the evidence gives (tests hold the verifier to it). ``lhs_latex`` and ``derivation`` (a
    callable returning the derived sympy expression) feed ``lsa-verify latex`` when the claim
    has no quantity.

    Scope of the verdict (see :func:`theory._verdict.claim_verdict`):

    * ``quote`` — the paper's own wording and its location (page, equation), so a reader can
      hold the verdict against what is printed;
    * ``conditions`` — named sub-domains (name → description) on which checks with that
      ``scope`` test the claim separately: a claim refuted in general but confirmed on each of
      them is "holds under" those conditions;
    * ``experiment`` — a figure or trend statement whose set-up the paper leaves partly
      unprinted; ``unprinted`` names each choice the project made (choice → value, and whether
      it could change the outcome). Such a claim that fails is "not reproduced";
    * ``seed_spread`` — tier → the measured spread of the verdict over root seeds, for a claim
      whose tests at that tier lack the power to decide the same way at every seed: its verdict
      there is "inconclusive", with the spread and this seed's own outcome shown;
    * ``extends`` — the id of the paper's claim of which this one is the project's stronger or
      different reading (its statement says so); empty for the paper's own claims.

    What the test suite holds the verifier to (none of these is part of the JSON report):

    * ``cheap`` — the claim is cheap enough that the default test suite re-runs it at more root
      seeds (1 and 2; every claim is re-run at seeds 3–5 under ``-m slow``);
    * ``simulation_only`` — a qualitative statement about simulated curves with no derivation of
      the statement itself (its symbolic evidence is the exact law of the sampler): a
      confirmation needs simulated evidence only;
    * ``refuted_at`` — for a claim whose verdict rests on a located failure ("refuted", "holds
      under", "not reproduced"): ``(checks, holds)``, the names of the checks whose records fail
      at seed 0 in the quick tier, and fragments of record labels that must pass (the parts the
      notes say still hold). A regression that moves the failure elsewhere, or breaks a part
      that holds, keeps the verdict but fails the test.
    """

    id: str
    reference: str
    statement: str
    formula: Any
    checks: Sequence[Check]
    quantity: Quantity | None = None
    section: str = ""
    notes: str = ""
    wrong_variants: Mapping[str, Any] = field(default_factory=dict)
    expected: str = "confirmed"
    lhs_latex: str = ""
    derivation: Callable[[], Any] | None = None
    quote: str = ""
    conditions: Mapping[str, str] = field(default_factory=dict)
    experiment: bool = False
    unprinted: Mapping[str, str] = field(default_factory=dict)
    extends: str = ""
    seed_spread: Mapping[str, str] = field(default_factory=dict)
    #: a claim at a point: matrix letters of the quantity fixed to expressions in the other
    #: letters and scalars (letter → sympy expression), e.g. ``{"Vt": -Gamma(Sigma).I}``
    at: Mapping[str, Any] = field(default_factory=dict)
    #: scalars the formula declares, with their domains (symbol → (low, high))
    scalars: Mapping[Any, tuple[float, float]] = field(default_factory=dict)
    #: the dimensions the claim is stated at (empty: every ``d``); a claim at fixed ``d`` is
    #: derived exactly at each of them (index-level engine, symbolic ``n``) and simulated there
    dims: Sequence[int] = ()
    #: what validation found legal but suspicious (e.g. a letter the formula omits)
    warnings: Sequence[str] = ()
    cheap: bool = False
    simulation_only: bool = False
    refuted_at: tuple[frozenset[str], tuple[str, ...]] | None = None

    def variant(self, name: str) -> Claim:
        """The deliberately wrong variant ``name`` of this claim."""
        if name not in self.wrong_variants:
            raise KeyError(f"claim {self.id} has no variant {name!r}")
        return dataclasses.replace(
            self,
            id=f"{self.id}[{name}]",
            formula=self.wrong_variants[name],
            wrong_variants={},
            conditions={},  # a wrong formula is judged on the whole domain
            seed_spread={},  # the spread was measured for the printed formula
            refuted_at=None,  # so was where the printed formula fails
            expected="not reproduced" if self.experiment else "refuted",
        )

    def with_formula(self, formula: Any, *, id: str | None = None) -> Claim:
        if hasattr(self.formula, "with_value") and not hasattr(formula, "with_value"):
            formula = self.formula.with_value(formula)  # a new bound, limit or minimiser
        return dataclasses.replace(self, formula=formula, id=id or self.id)

    @classmethod
    def identity(
        cls,
        id: str,
        *,
        quantity: Quantity,
        formula: Any,
        reference: str = "user",
        statement: str = "",
        at: Mapping[str, Any] | None = None,
        scalars: Mapping[Any, tuple[float, float]] | None = None,
        time_limit: float | None = 120.0,
        dims: Sequence[int] = (),
        wrong_variants: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Claim:
        r"""A claim ``quantity = formula`` checked symbolically and by simulation.

        ``formula`` is a sympy expression in the names of :mod:`theory.symbols` that
        ``quantity`` declares; the symbolic check compares it with the quantity's derivation
        (exact, within ``time_limit`` seconds: past it the evidence is undecided), the
        simulation check with the real model — a z-test against Monte Carlo for a random
        quantity, a float64 comparison for a deterministic one (``quantity.stochastic`` false).

        ``at`` states the claim at a point: letters of the quantity fixed to expressions in the
        other letters and declared scalars, e.g. ``{"Sigma": I, "Vt": -eta * I}``;
        ``scalars`` declares the formula's scalars with their domains,
        ``{eta: (0, 1)}`` (each simulated point draws them uniformly inside). ``dims``
        states the claim at those dimensions only, e.g. ``(1, 2)``: it is then derived exactly
        there by the index-level engine (which inverts any matrix of symbolic entries) and
        simulated there — the way to state a result whose formula inverts a compound
        expression such as ``Γ(Σ)⁻¹`` for a general Σ.

        Everything is validated first (:func:`theory._formula.validate_formula`): a string, NaN,
        an unknown or undeclared symbol, a formula of the wrong shape raise
        :class:`~theory.InvalidArgument`; a letter the formula omits is kept as a warning.
        """
        from theory._formula import check_scalar_domains, validate_formula
        from theory._validation import InvalidArgument, check_choice
        from theory.checks import MonteCarloIdentity, NumericIdentity, SymbolicIdentity

        if not isinstance(id, str) or not id or any(c.isspace() for c in id):
            raise InvalidArgument(f"id={id!r} is invalid: id must be a non-empty word")
        domains = check_scalar_domains(scalars or {})
        bound = dict(at or {})
        for name in bound:
            letters = getattr(quantity, "bindable", ()) or getattr(quantity, "letters", ())
            check_choice("at", name, letters)
        from theory._bindings import resolve_bindings

        declared = tuple(domains)
        bound = resolve_bindings(bound, quantity, declared)
        formula, warnings = validate_formula(
            formula, quantity, scalars=declared, bound=tuple(bound)
        )
        variants = {}
        for name, v in (wrong_variants or {}).items():
            variants[name] = validate_formula(v, quantity, scalars=declared, bound=tuple(bound))[0]
        if time_limit is not None and not (float(time_limit) > 0):
            raise InvalidArgument(f"time_limit={time_limit!r} is invalid: it must be > 0 seconds")
        from theory._validation import check_int

        dims = tuple(sorted({check_int("dims", x, maximum=4) for x in dims}))
        explicit = dims or getattr(quantity, "explicit_dims", (1, 2, 3))
        symbolic = SymbolicIdentity(dims=explicit, time_limit=time_limit)
        simulation = MonteCarloIdentity() if quantity.stochastic else NumericIdentity()
        where = "".join(f", {k} = {v}" for k, v in bound.items())
        if dims:
            where += f", d ∈ {{{', '.join(map(str, dims))}}}"
        return cls(
            id=id,
            reference=reference,
            statement=statement or f"{quantity.description} = {formula}{where}",
            formula=formula,
            checks=(symbolic, simulation),
            dims=dims,
            quantity=quantity,
            at=bound,
            scalars=domains,
            warnings=tuple(warnings),
            wrong_variants=variants,
            **kwargs,
        )

    @classmethod
    def inequality(cls, id: str, *, quantity: Quantity, bound: Any, sense: str = "<=", **kw: Any):
        """A claim ``quantity <= bound`` (``sense="<="``) or ``>= bound``, with ``at=``,
        ``scalars=``, ``dims=`` as for :meth:`identity` (see :mod:`theory._claim_kinds`)."""
        from theory._claim_kinds import inequality_claim

        return inequality_claim(cls, id, quantity=quantity, bound=bound, sense=sense, **kw)

    @classmethod
    def limit(cls, id: str, *, quantity: Quantity, limit: Any, along: str = "n", **kw: Any):
        """A claim ``quantity / per → limit`` as ``n → ∞`` (``along="n"``, ``d`` fixed) or as
        ``d → ∞`` with ``n = ratio·d`` (``along="d"``) (see :mod:`theory._claim_kinds`)."""
        from theory._claim_kinds import limit_claim

        return limit_claim(cls, id, quantity=quantity, limit=limit, along=along, **kw)

    @classmethod
    def argmin(cls, id: str, *, quantity: Quantity, over: Any, minimiser: Any, **kw: Any):
        """A claim ``argmin over θ ∈ domain of quantity = minimiser`` for a declared scalar
        ``over`` (``domain=(lo, hi)``, default its declared domain; see
        :mod:`theory._claim_kinds`)."""
        from theory._claim_kinds import argmin_claim

        return argmin_claim(cls, id, quantity=quantity, over=over, minimiser=minimiser, **kw)
