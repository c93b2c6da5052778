"""lsa-verify: what the paper CLAIMS, and the machinery that judges claims.

>>> from theory import all_claims
>>> [c.id for c in all_claims()][:3]
['recursion', 'pretrain_fixed_point', 'sparsity_preserved']
"""

from theory import quantities, symbols
from theory._claim import Check, Claim
from theory._context import TIERS, RunContext
from theory._decide import PointDecision, decide_at
from theory._runner import ClaimResult, check, run_claims
from theory._validation import InvalidArgument
from theory._verdict import DEFAULT_ALPHA, CannotExpress, Evidence, Outcome, Verdict
from theory.claims import all_claims, get_claim

__all__ = [
    "DEFAULT_ALPHA",
    "TIERS",
    "CannotExpress",
    "Check",
    "Claim",
    "ClaimResult",
    "Evidence",
    "InvalidArgument",
    "Outcome",
    "PointDecision",
    "RunContext",
    "Verdict",
    "all_claims",
    "check",
    "decide_at",
    "get_claim",
    "quantities",
    "run_claims",
    "symbols",
]
