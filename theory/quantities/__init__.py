"""Quantities the library can both derive and simulate; a user's claim names one of these.

>>> from theory import quantities
>>> quantities.one_step_test_error.description
'E‖ŵ − w*‖² (one LSA step)'
"""

from theory.quantities._base import Point, Quantity, SimulationResult
from theory.quantities._general import from_functions, gaussian_expectation, wishart_expectation
from theory.quantities._icl import ICLRisk, icl_risk
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
#: E(x_qᵀ(ŵ − w*))² of one LSA step, x_q ~ N(0, Σ) a fresh query (letters Vt, Sigma).
query_risk = icl_risk(1, query=True)
#: E‖ŵ − w*‖² of one LSA step with labels y = ⟨w*, x⟩ + σε (letters Vt, Sigma; scalar sigma).
noisy_test_error = icl_risk(1, noise=True)
#: the query risk with label noise (letters Vt, Sigma; scalar sigma).
noisy_query_risk = icl_risk(1, query=True, noise=True)

__all__ = [
    "FrobeniusRisk",
    "ICLRisk",
    "NextIterate",
    "OneStepTestError",
    "Point",
    "Quantity",
    "SimulationResult",
    "WishartSandwich",
    "frobenius_risk",
    "from_functions",
    "gaussian_expectation",
    "icl_risk",
    "next_iterate",
    "noisy_query_risk",
    "noisy_test_error",
    "one_step_test_error",
    "query_risk",
    "wishart_expectation",
    "wishart_sandwich",
]
