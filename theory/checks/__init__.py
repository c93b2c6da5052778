"""Ways of judging a claim. Each check returns evidence records (see :mod:`theory._verdict`)."""

from theory.checks._argmin import SimulatedArgmin, SymbolicArgmin
from theory.checks._inequality import MonteCarloInequality, SymbolicInequality
from theory.checks._limit import SimulatedLimit, SymbolicPathLimit
from theory.checks._montecarlo import MonteCarloIdentity, NumericIdentity, simulated_points
from theory.checks._symbolic import SymbolicIdentity, exact_difference

__all__ = [
    "MonteCarloIdentity",
    "MonteCarloInequality",
    "NumericIdentity",
    "SimulatedArgmin",
    "SimulatedLimit",
    "SymbolicArgmin",
    "SymbolicIdentity",
    "SymbolicInequality",
    "SymbolicPathLimit",
    "exact_difference",
    "simulated_points",
]
