"""Claims: what the paper prints, and how to check it.

A :class:`Claim` carries its printed formula (a sympy expression in :mod:`theory.symbols`) and
its checks; tests and the CLI ask the claim, never retype it. A deliberately wrong variant is
the same claim with another formula (:meth:`Claim.variant`).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from theory._context import RunContext
    from theory._verdict import Evidence
    from theory.quantities import Quantity

__all__ = ["Check", "Claim"]


class Check(ABC):
    """One way of judging a claim; returns evidence records."""

    name: str = "check"
    #: False for checks whose evidence does not depend on the printed formula (they test the
    #: model or the derivation itself); wrong variants of a claim must fail every other check.
    uses_formula: bool = True

    @abstractmethod
    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        """Evidence for ``claim`` under ``ctx`` (statistical records left pending)."""


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
    * ``extends`` — the id of the paper's claim of which this one is the project's stronger or
      different reading (its statement says so); empty for the paper's own claims.
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
            expected="not reproduced" if self.experiment else "refuted",
        )

    def with_formula(self, formula: Any, *, id: str | None = None) -> Claim:
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
        **kwargs: Any,
    ) -> Claim:
        """A claim ``quantity = formula`` checked symbolically and by Monte Carlo.

        ``formula`` is a sympy expression in the names of :mod:`theory.symbols` that
        ``quantity`` declares; the symbolic check compares it with the quantity's derivation,
        the Monte Carlo check with a simulation of the real model.
        """
        from theory.checks import MonteCarloIdentity, SymbolicIdentity

        return cls(
            id=id,
            reference=reference,
            statement=statement or f"{quantity.description} = {formula}",
            formula=formula,
            checks=(SymbolicIdentity(), MonteCarloIdentity()),
            quantity=quantity,
            **kwargs,
        )
