"""Collecting a claim's evidence: run its checks, record what each one produced or raised.

Its own module so that the runner (:mod:`theory._runner`) and the worker processes
(:mod:`theory._parallel`) both use it without importing each other.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING

from theory._verdict import CannotExpress, Evidence, Outcome

if TYPE_CHECKING:
    from theory._check import Check
    from theory._claim import Claim
    from theory._context import RunContext

__all__ = ["collect_evidence"]


def collect_evidence(
    claim: Claim, ctx: RunContext, checks: Sequence[Check] | None = None
) -> list[Evidence]:
    """The evidence of every check of ``claim`` (or of ``checks``), statistical records left
    pending. A check that raises is recorded as *undecided* evidence carrying the error, so
    one broken check makes its claim inconclusive instead of aborting the run; a check that
    raises :class:`CannotExpress` makes it "cannot express"."""
    evidence: list[Evidence] = []
    for chk in claim.checks if checks is None else checks:
        try:
            produced = chk.run(claim, ctx)
            for e in produced:
                e.check = chk.name
            evidence.extend(produced)
        except CannotExpress as exc:
            evidence.append(
                Evidence(
                    kind="cannot_express",
                    label=f"check {chk.name} cannot express the claim",
                    check=chk.name,
                    outcome=Outcome.UNDECIDED,
                    detail=str(exc),
                )
            )
            break  # the verdict is "cannot express" whatever the other checks say
        except Exception as exc:
            evidence.append(
                Evidence(
                    kind="error",
                    label=f"check {chk.name} raised",
                    check=chk.name,
                    outcome=Outcome.UNDECIDED,
                    detail=f"{type(exc).__name__}: {exc}",
                    params={"traceback": traceback.format_exc(limit=3)},
                )
            )
    return evidence
