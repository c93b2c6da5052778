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


def test_gaussian_vector_and_wishart_together():
    # E_w[wᵀMw] = tr M for w ~ N(0, I), then E[SAS] (the sandwich above): by hand
    from theory.symbols import w

    q = quantities.gaussian_expectation(w.T * S * A * S * w, vectors={"w": None})
    assert q.letters == ("A", "Sigma") and q.shape == "scalar"
    claim = Claim.identity(
        "w_sas_w",
        quantity=q,
        formula=(1 + 1 / n) * sp.Trace(A * Sigma**2) + sp.Trace(A * Sigma) * sp.Trace(Sigma) / n,
        wrong_variants={"population": sp.Trace(A * Sigma**2)},
    )
    r, v = run_claims([claim, claim.variant("population")], RunContext(seed=3))
    assert r.verdict == Verdict.CONFIRMED, r.summary()
    assert v.verdict == Verdict.REFUTED


def test_two_independent_wisharts_and_a_correlated_vector():
    # S ~ W(Σ), B ~ W(Σ0) independent: E_B[BSB] = (1 + 1/n) Σ0SΣ0 + tr(SΣ0) Σ0 / n, then
    # E tr(SΣ0SΣ0) = (1 + 1/n) tr(P²) + tr(P)²/n and E tr(SΣ0)² = tr(P)² + 2 tr(P²)/n, P = ΣΣ0
    from theory.symbols import B, Sigma0, wi

    P = Sigma * Sigma0
    q = quantities.gaussian_expectation(
        sp.Trace(S * B * S * B), wishart={"S": "Sigma", "B": "Sigma0"}
    )
    assert q.letters == ("Sigma", "Sigma0")
    two = Claim.identity(
        "tr_sbsb",
        quantity=q,
        formula=((1 + 1 / n) ** 2 + 2 / n**2) * sp.Trace(P * P)
        + ((1 + 1 / n) / n + 1 / n) * sp.Trace(P) ** 2,
        wrong_variants={
            "no_cross": (1 + 1 / n) ** 2 * sp.Trace(P * P)
            + ((1 + 1 / n) / n + 1 / n) * sp.Trace(P) ** 2
        },
    )
    # x ~ N(0, Σ): E(xᵀAx)² = tr(AΣ)² + tr(AΣAΣ) + tr(AΣAᵀΣ) (Isserlis, three pairings)
    quad = quantities.gaussian_expectation(
        (wi.T * A * wi) * (wi.T * A * wi), vectors={"wi": "Sigma"}
    )
    vec = Claim.identity(
        "quad_sq",
        quantity=quad,
        formula=sp.Trace(A * Sigma) ** 2
        + sp.Trace(A * Sigma * A * Sigma)
        + sp.Trace(A * Sigma * A.T * Sigma),
        wrong_variants={
            "symmetric_A": sp.Trace(A * Sigma) ** 2 + 2 * sp.Trace(A * Sigma * A * Sigma)
        },
    )
    claims = [two, two.variant("no_cross"), vec, vec.variant("symmetric_A")]
    r2, v2, r3, v3 = run_claims(claims, RunContext(seed=4))
    assert r2.verdict == Verdict.CONFIRMED, r2.summary()
    assert r3.verdict == Verdict.CONFIRMED, r3.summary()
    assert v2.verdict == Verdict.REFUTED and v3.verdict == Verdict.REFUTED


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"wishart": {"A": "Sigma"}}, "wishart"),
        ({"vectors": {"S": None}}, "vectors"),
        ({"wishart": {"S": "S"}}, "covariance"),
        ({"wishart": {"S": "Vt"}}, "wishart\\['S'\\]"),
        ({"wishart": {}, "vectors": {}}, "at least one family"),
        ({"wishart": {}, "vectors": {"w": None}}, "does not contain"),
    ],
)
def test_gaussian_expectation_refuses_bad_families(kwargs, words):
    with pytest.raises(InvalidArgument, match=words):
        quantities.gaussian_expectation(sp.Trace(S * A), **kwargs)


def test_gaussian_expectation_refuses_an_inverse_of_a_random_letter():
    from theory.symbols import w

    with pytest.raises(InvalidArgument, match="inverse"):
        quantities.gaussian_expectation(sp.Trace((S + A).I) * (w.T * w), vectors={"w": None})
