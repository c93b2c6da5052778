"""Every invalid-input path, from one table: (callable, kwargs, message fragment)."""

import numpy as np
import pytest
from helpers import assert_invalid

from theory import RunContext, get_claim, quantities, strategies
from theory._params import parse_matrix, random_covariance
from theory._validation import check_covariance, check_eta, check_int

RNG = np.random.default_rng(0)
NOT_PSD = np.array([[1.0, 2.0], [2.0, 1.0]])

CASES = [
    (check_int, {"name": "n", "value": 0}, r"n=0 is invalid: n must be an integer >= 1"),
    (check_int, {"name": "d", "value": -2}, r"d=-2 is invalid: d must be an integer >= 1"),
    (check_int, {"name": "n", "value": 2.5}, r"n must be an integer"),
    (check_int, {"name": "n", "value": True}, r"n must be an integer"),
    (check_eta, {"eta": 0.0}, r"eta=0.0 is invalid: eta must lie in \(0, 1\)"),
    (check_eta, {"eta": 1.0}, r"eta must lie in \(0, 1\)"),
    (check_eta, {"eta": float("nan")}, r"eta=nan is invalid"),
    (check_covariance, {"name": "Sigma", "value": NOT_PSD}, r"Sigma has smallest eigenvalue -1"),
    (check_covariance, {"name": "Sigma", "value": [[1.0, 0.5], [0.0, 1.0]]}, r"not symmetric"),
    (check_covariance, {"name": "Sigma", "value": [[np.nan]]}, r"NaN or inf"),
    (check_covariance, {"name": "Sigma", "value": np.eye(2), "d": 3}, r"must have shape \(3, 3\)"),
    (
        check_covariance,
        {"name": "Sigma0", "value": np.diag([1.0, 0.0]), "definite": True},
        r"positive definite",
    ),
    (RunContext, {"tier": "huge"}, r"tier='huge' is invalid: tier must be one of quick, full"),
    (RunContext, {"seed": -1}, r"seed=-1 is invalid"),
    (RunContext, {"alpha": 0.0}, r"alpha=0.0 is invalid: alpha must lie in \(0, 1\)"),
    (get_claim, {"claim_id": "thm_9_9"}, r"claim id 'thm_9_9' is unknown: valid ids are"),
    (random_covariance, {"rng": RNG, "d": 2, "condition": 0.5}, r"condition must be >= 1"),
    (random_covariance, {"rng": RNG, "d": 0}, r"d=0 is invalid"),
    (parse_matrix, {"name": "A", "spec": "diag:1,2", "d": 3, "rng": RNG}, r"diag needs d=3 values"),
    (parse_matrix, {"name": "A", "spec": "banana", "d": 3, "rng": RNG}, r"A='banana' is invalid"),
    (
        quantities.frobenius_risk.make_point,
        {"d": 2, "n": 3, "matrices": {"Sigma": NOT_PSD}, "rng": RNG},
        r"positive semi-definite",
    ),
    (
        quantities.frobenius_risk.make_point,
        {"d": 2, "n": 0, "matrices": {}, "rng": RNG},
        r"n=0 is invalid",
    ),
    (
        quantities.frobenius_risk.make_point,
        {"d": 2, "n": 3, "matrices": {"Q": np.eye(2)}, "rng": RNG},
        r"valid matrices are A, Sigma",
    ),
    (
        quantities.wishart_sandwich.make_point,
        {"d": 2, "n": 3, "matrices": {"B": [[0, 1], [0, 0]]}, "rng": RNG},
        r"B must be symmetric",
    ),
    (strategies.dimensions, {"min_d": 0}, r"min_d=0 is invalid: min_d must be an integer >= 1"),
    (strategies.etas, {"min_eta": 0.0}, r"need 0 < min_eta"),
    (strategies.covariances, {"d": 2, "max_condition": 0.1}, r"max_condition=0.1 is invalid"),
]


@pytest.mark.parametrize(
    "fn, kwargs, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]
)
def test_invalid_input_raises_one_clear_line(fn, kwargs, match):
    assert_invalid(fn, match=match, **kwargs)
