"""Quantities the library can both derive and simulate; a user's claim names one of these.

>>> from theory import quantities
>>> quantities.one_step_test_error.description
'E‖ŵ − w*‖² (one LSA step)'
"""

from theory.quantities._base import Point, Quantity, SimulationResult
from theory.quantities._lsa import NextIterate, OneStepTestError
from theory.quantities._moments import FrobeniusRisk, WishartSandwich

#: E[S B S] for symmetric B (letters C, B).
wishart_sandwich = WishartSandwich()
#: E‖I + A Σ̂‖_F² (letters A, Sigma).
frobenius_risk = FrobeniusRisk()
#: E‖ŵ − w*‖² after one real LSA step with weights Ṽ, W̃ = I (letters Vt, Sigma).
one_step_test_error = OneStepTestError()
#: ŵ_{i+1} from the real forward pass (letters Vt, Wt, S, w, wi); deterministic.
next_iterate = NextIterate()

__all__ = [
    "FrobeniusRisk",
    "NextIterate",
    "OneStepTestError",
    "Point",
    "Quantity",
    "SimulationResult",
    "WishartSandwich",
    "frobenius_risk",
    "next_iterate",
    "one_step_test_error",
    "wishart_sandwich",
]
