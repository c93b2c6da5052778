"""The base class of a check: one way of judging a claim (see :mod:`theory._claim`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory._context import RunContext
    from theory._verdict import Evidence

__all__ = ["Check"]


class Check(ABC):
    """One way of judging a claim; returns evidence records."""

    name: str = "check"
    #: False for checks whose evidence does not depend on the printed formula (they test the
    #: model or the derivation itself); wrong variants of a claim must fail every other check.
    uses_formula: bool = True

    @abstractmethod
    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        """Evidence for ``claim`` under ``ctx`` (statistical records left pending)."""
