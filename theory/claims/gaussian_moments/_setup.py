r"""Gaussian moment lemmas: the Wishart moment (the authors' earlier Lemma A.2) and Lemma A.1,
in both printed forms."""

from __future__ import annotations

import sympy as sp

from theory.checks import MonteCarloIdentity, SymbolicIdentity
from theory.symbols import A, I, Sigma

_CHECKS = (SymbolicIdentity(), MonteCarloIdentity())


_POPULATION = sp.Trace((I + A * Sigma) * (I + A * Sigma).T)
