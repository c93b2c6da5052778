"""The registry: every claim of the paper, one module per part of the paper.

A new claim is one entry in one of these modules' ``CLAIMS`` tuples; a new module is one line
in :data:`MODULES`.
"""

from __future__ import annotations

import importlib

from theory._claim import Claim
from theory._validation import InvalidArgument

__all__ = ["MODULES", "all_claims", "get_claim"]

MODULES = (
    "theory.claims.model",
    "theory.claims.gaussian_moments",
    "theory.claims.post_test_error",
    "theory.claims.outcome_supervision",
    "theory.claims.sft",
    "theory.claims.data_allocation",
    "theory.claims.proportional_asymptotics",
    "theory.claims.figures_sft",
    "theory.claims.fig_3",
)


def all_claims() -> list[Claim]:
    """Every registered claim, in registry order."""
    out: list[Claim] = []
    for name in MODULES:
        out.extend(importlib.import_module(name).CLAIMS)
    ids = [c.id for c in out]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise RuntimeError(f"duplicate claim ids: {sorted(dup)}")
    return out


def get_claim(claim_id: str) -> Claim:
    """The claim with this id (``InvalidArgument`` naming the valid ids otherwise)."""
    claims = {c.id: c for c in all_claims()}
    if claim_id not in claims:
        raise InvalidArgument(
            f"claim id {claim_id!r} is unknown: valid ids are {', '.join(claims)}"
        )
    return claims[claim_id]
