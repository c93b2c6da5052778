r"""What the Gaussian moment claims share: their two checks and the population part of
Lemma A.1."""

from __future__ import annotations

import sympy as sp

from theory.checks import MonteCarloIdentity, SymbolicIdentity
from theory.symbols import A, I, Sigma

_CHECKS = (SymbolicIdentity(), MonteCarloIdentity())


_POPULATION = sp.Trace((I + A * Sigma) * (I + A * Sigma).T)
