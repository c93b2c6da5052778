"""The public hypothesis strategies produce valid parameters (and our own tests use them)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from theory import strategies as lst
from theory._validation import check_covariance


@given(
    lst.dimensions(1, 5).flatmap(
        lambda dd: st.tuples(st.just(dd), lst.covariances(dd, max_condition=1e4))
    )
)
def test_covariances_are_valid(args):
    dd, C = args
    check_covariance("C", C, d=dd)
    lam = np.linalg.eigvalsh(C)
    assert lam[-1] / max(lam[0], 1e-300) <= 1e4 * (1 + 1e-8)


@given(lst.covariances(lst.dimensions(2, 4), singular=True))
def test_singular_covariances_are_psd(C):
    check_covariance("C", C)


@given(lst.etas(), lst.prompt_lengths(1, 10), lst.v_matrices(3), lst.symmetric_matrices(3))
def test_scalars_and_matrices(eta, n, V, B):
    assert 0 < eta < 1 and n >= 1
    assert V.shape == (3, 3) and np.all(np.isfinite(V))
    assert np.allclose(B, B.T)


@given(
    lst.dimensions(1, 3).flatmap(
        lambda dd: st.tuples(lst.v_matrices(dd), lst.covariances(dd, max_condition=50.0))
    )
)
def test_lemma_A1_formula_is_at_least_its_population_part(args):
    """A property a user might test with these strategies: the Lemma A.1 correction is ≥ 0."""
    from theory._evaluate import evaluate
    from theory.claims.gaussian_moments.lemma_A1 import lemma_A1
    from theory.symbols import n

    V, C = args
    dd = C.shape[0]
    full = evaluate(lemma_A1.formula, {"A": V, "Sigma": C}, {"d": dd, "n": 5})
    pop = evaluate(lemma_A1.formula.subs(n, 10**12), {"A": V, "Sigma": C}, {"d": dd, "n": 5})
    assert full >= pop - 1e-9 * max(1.0, abs(pop))
