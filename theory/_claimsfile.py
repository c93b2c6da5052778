"""Claims from a user's Python file (``lsa-verify check --claims FILE.py``).

The file is executed as a module. Its claims are the module-level list ``CLAIMS`` if it defines
one, else every :class:`~theory.Claim` object it defines at module level, in definition order.
Any problem — a missing file, an exception while loading (an invalid claim included), no
claims, two claims with one id — is one :class:`InvalidArgument` line.
"""

from __future__ import annotations

import runpy
import traceback
from pathlib import Path

from theory._claim import Claim
from theory._validation import InvalidArgument

__all__ = ["find_claim", "load_claims"]


def load_claims(path: str | Path) -> list[Claim]:
    """The claims a Python file defines (see the module docstring)."""
    p = Path(path)
    if p.suffix != ".py" or not p.is_file():
        raise InvalidArgument(f"claims={str(path)!r} is invalid: it must be an existing .py file")
    try:
        namespace = runpy.run_path(str(p), run_name="lsa_verify_claims")
    except InvalidArgument as exc:
        raise InvalidArgument(f"{p.name}: {exc}") from None
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(p)]
        where = f" at line {frames[-1].lineno}" if frames else ""
        raise InvalidArgument(
            f"claims file {p.name} raised {type(exc).__name__}{where}: {exc}"
        ) from None
    if "CLAIMS" in namespace:
        claims = namespace["CLAIMS"]
        if not isinstance(claims, list | tuple) or not all(isinstance(c, Claim) for c in claims):
            raise InvalidArgument(
                f"CLAIMS in {p.name} is invalid: it must be a list of theory.Claim objects"
            )
        claims = list(claims)
    else:
        claims = [v for k, v in namespace.items() if isinstance(v, Claim) and not k.startswith("_")]
    if not claims:
        raise InvalidArgument(
            f"claims={p.name!r} is invalid: it defines no Claim (define CLAIMS = [...] or Claim "
            "objects at module level)"
        )
    seen: set[str] = set()
    for c in claims:
        if c.id in seen:
            raise InvalidArgument(f"claim id {c.id!r} appears twice in {p.name}: ids must differ")
        seen.add(c.id)
    return claims


def find_claim(claim_id: str, claims: list[Claim] | None) -> Claim:
    """``claim_id`` among ``claims`` (a claims file), else in the paper's registry."""
    from theory.claims import get_claim

    for c in claims or []:
        if c.id == claim_id:
            return c
    try:
        return get_claim(claim_id)
    except InvalidArgument:
        if not claims:
            raise
        raise InvalidArgument(
            f"claim id {claim_id!r} is unknown: the claims file defines "
            f"{', '.join(c.id for c in claims)} (paper claims: see lsa-verify list)"
        ) from None
