"""Generic witnesses: ways of judging a claim that several claims share (see README.md).

Each check returns evidence records (see :mod:`theory._verdict`); a check written for one claim
lives in that claim's file under :mod:`theory.claims`.
"""

from theory.checks._argmin import SimulatedArgmin, SymbolicArgmin
from theory.checks._evidence import scope_if, short_text, t_interval, z_evidence
from theory.checks._inequality import MonteCarloInequality, SymbolicInequality
from theory.checks._limit import SimulatedLimit, SymbolicPathLimit
from theory.checks._montecarlo import MonteCarloIdentity, NumericIdentity, simulated_points
from theory.checks._symbolic import SymbolicIdentity

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
    "scope_if",
    "short_text",
    "simulated_points",
    "t_interval",
    "z_evidence",
]
