"""The registry: every claim of the paper, one file per claim, one package per part of the paper.

Layout: ``theory/claims/<section>/<claim>.py`` holds one claim (its ``CLAIMS`` tuple names it),
its settings, its tier sizes and every check written only for it; what several claims of a
section share (printed formulas, simulated data sets, checks used by more than one claim) sits
beside them in the section's private modules (``_setup.py`` and the like). Generic witnesses
used across sections live in :mod:`theory.checks`.

Order (the JSON, the tables and the reports follow it): the sections in :data:`SECTIONS`, and
within a section the modules its ``__init__`` lists in ``ORDER``, then every other public
module of the package in alphabetical order. So a new claim that reuses existing witnesses is
one new file in its section's package: discovery picks it up (after the listed claims) without
editing a list; listing it in ``ORDER`` places it elsewhere. A new section is one new package
and one entry in :data:`SECTIONS`.
"""

from __future__ import annotations

import importlib
import pkgutil

from theory._claim import Claim
from theory._validation import InvalidArgument

__all__ = ["SECTIONS", "all_claims", "get_claim", "section_claims", "section_modules"]

SECTIONS = (
    "model",
    "gaussian_moments",
    "post_test_error",
    "outcome_supervision",
    "sft",
    "data_allocation",
    "proportional_asymptotics",
    "figures",
)


def section_modules(section: str) -> list[str]:
    """The claim modules of ``section`` (dotted names), in registry order: the package's
    ``ORDER`` first, then its other public modules alphabetically."""
    pkg = importlib.import_module(f"{__name__}.{section}")
    if not hasattr(pkg, "__path__"):  # a section still written as one module
        return [pkg.__name__]
    found = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))
    order = tuple(getattr(pkg, "ORDER", ()))
    missing = [m for m in order if m not in found]
    if missing:
        raise RuntimeError(f"{pkg.__name__}.ORDER names missing modules: {missing}")
    return [f"{pkg.__name__}.{m}" for m in (*order, *(m for m in found if m not in order))]


def section_claims(section: str) -> list[Claim]:
    """The claims of one section, in registry order."""
    return [c for m in section_modules(section) for c in importlib.import_module(m).CLAIMS]


def all_claims() -> list[Claim]:
    """Every registered claim, in registry order."""
    out = [c for s in SECTIONS for c in section_claims(s)]
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
