"""Ways of judging a claim. Each check returns evidence records (see :mod:`theory._verdict`)."""

from theory.checks._montecarlo import MonteCarloIdentity, NumericIdentity, simulated_points
from theory.checks._symbolic import SymbolicIdentity, exact_difference

__all__ = [
    "MonteCarloIdentity",
    "NumericIdentity",
    "SymbolicIdentity",
    "exact_difference",
    "simulated_points",
]
