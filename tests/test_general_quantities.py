"""User quantities: E[f] from its description (Wick, Isserlis and an automatic sampler), and
the documented extension point ``quantities.from_functions`` — each stated true and wrong."""

import numpy as np
import pytest
import sympy as sp

import numerics
from derivations import LETTERS, Gaussian, TracePoly, expect, n
from theory import Claim, InvalidArgument, RunContext, Verdict, quantities, run_claims
from theory.symbols import A, C, S, Sigma


def test_wishart_sandwich_with_non_symmetric_A():
    # E[S A S] = Σ A Σ + (Σ Aᵀ Σ + tr(AΣ) Σ)/n (Isserlis on x xᵀ A x xᵀ, by hand)
    q = quantities.wishart_expectation(S * A * S)
    assert q.letters == ("A", "Sigma") and q.shape == "matrix"
    claim = Claim.identity(
        "sas",
        quantity=q,
        formula=Sigma * A * Sigma + (Sigma * A.T * Sigma + sp.Trace(A * Sigma) * Sigma) / n,
        wrong_variants={
            "symmetric_A": (1 + 1 / n) * Sigma * A * Sigma + sp.Trace(A * Sigma) * Sigma / n
        },
    )
    r, v = run_claims([claim, claim.variant("symmetric_A")], RunContext(seed=1))
    assert r.verdict == Verdict.CONFIRMED, r.summary()
    assert v.verdict == Verdict.REFUTED


@pytest.mark.parametrize(
    ("f", "words"),
    [
        ("tr(S)", "sympy expression"),
        (sp.Trace(A), "does not contain"),
        (sp.Trace(S.I), "polynomial"),
    ],
)
def test_wishart_expectation_refuses_bad_descriptions(f, words):
    with pytest.raises(InvalidArgument, match=words):
        quantities.wishart_expectation(f)


def _trace_ss_quantity():
    """E tr(S²) under C, through the public extension point only."""

    def derive():
        SS = TracePoly.letter(LETTERS["S"])
        return expect((SS @ SS).trace(), [Gaussian(LETTERS["S"], "outer", LETTERS["C"], n)])

    def simulate(point, rng, tier):
        Ss = numerics.sample_wishart(point.matrices["C"], point.n, 20_000, rng)
        v = np.einsum("bij,bji->b", Ss, Ss)
        return v.mean(), v.std(ddof=1) / np.sqrt(len(v)), len(v)

    return quantities.from_functions(
        "trace_S_squared",
        letters=("C",),
        letter_kinds={"C": "cov"},
        derive=derive,
        simulate=simulate,
        description="E tr(Σ̂²)",
    )


def test_extension_point_true_and_wrong():
    q = _trace_ss_quantity()
    claim = Claim.identity(
        "tr_ss",
        quantity=q,
        formula=(1 + 1 / n) * sp.Trace(C * C) + sp.Trace(C) ** 2 / n,
        wrong_variants={"no_square_of_trace": (1 + 1 / n) * sp.Trace(C * C)},
    )
    r, v = run_claims([claim, claim.variant("no_square_of_trace")], RunContext(seed=2))
    assert r.verdict == Verdict.CONFIRMED, r.summary()
    assert v.verdict == Verdict.REFUTED
    with pytest.raises(InvalidArgument, match="letters"):
        quantities.from_functions("x", letters=("Q",), derive=lambda: None, simulate=lambda *a: 0)
