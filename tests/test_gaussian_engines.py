"""The two Gaussian-moment engines: known moments, and each checks the other."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import (
    LETTERS,
    Gaussian,
    TracePoly,
    d,
    expect,
    expect_wishart,
    generic_matrix,
    isserlis_moment,
    n,
    perfect_matchings,
    set_partitions,
    wishart_moment,
)

S = TracePoly.letter(LETTERS["S"])
Sig = TracePoly.letter(LETTERS["Sigma"])
B = TracePoly.letter(LETTERS["B"])
A = TracePoly.letter(LETTERS["A"])
WISH = [Gaussian(LETTERS["S"], "outer", LETTERS["Sigma"], n)]


@pytest.mark.parametrize("m, bell", [(1, 1), (2, 2), (3, 5), (4, 15), (5, 52)])
def test_set_partitions_are_counted_by_bell_numbers(m, bell):
    parts = list(set_partitions(list(range(m))))
    assert len(parts) == bell
    assert len({tuple(sorted(tuple(b) for b in p)) for p in parts}) == bell


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
def test_perfect_matchings_are_double_factorial(k):
    count = len(list(perfect_matchings(list(range(2 * k)))))
    assert count == (math.prod(range(1, 2 * k, 2)) if k else 1)
    assert list(perfect_matchings([0, 1, 2])) == []


def test_isserlis_scalar_moments():
    s = sp.Symbol("s", positive=True)
    cov = sp.Matrix([[s]])
    assert sp.simplify(isserlis_moment([0, 0, 0, 0], cov) - 3 * s**2) == 0  # E x⁴ = 3σ⁴
    assert sp.simplify(isserlis_moment([0] * 6, cov) - 15 * s**3) == 0
    assert isserlis_moment([0, 0, 0], cov) == 0


def test_isserlis_cross_moment():
    C = generic_matrix("C", 2, symmetric=True)
    got = isserlis_moment([0, 0, 1, 1], C)
    assert sp.expand(got - (C[0, 0] * C[1, 1] + 2 * C[0, 1] ** 2)) == 0


def test_wishart_first_and_second_moments_index_level():
    C = generic_matrix("C", 2, symmetric=True)
    assert sp.simplify(wishart_moment([(0, 1)], C, n) - C[0, 1]) == 0
    # Var of a scalar sample variance: E[S²] = σ⁴ (1 + 2/n)
    s = sp.Symbol("s", positive=True)
    assert (
        sp.simplify(wishart_moment([(0, 0), (0, 0)], sp.Matrix([[s]]), n) - s**2 * (1 + 2 / n)) == 0
    )


def test_matrix_level_known_results():
    assert expect(S, WISH).equals(Sig)
    # E[S B S] for symmetric B: independent hand computation (n(n-1) pairs a≠b, n diagonal)
    hand = (Sig @ B @ Sig).scale((n - 1) / n) + (
        (Sig @ B @ Sig).scale(2) + Sig * (B @ Sig).trace()
    ) / n
    assert expect(S @ B @ S, WISH).equals(hand)
    # E[tr(S)²] = tr(Σ)² + 2 tr(Σ²)/n
    assert expect(S.trace() * S.trace(), WISH).equals(
        Sig.trace() * Sig.trace() + (Sig @ Sig).trace().scale(2 / n)
    )


def test_matrix_level_vector_gaussian():
    w = TracePoly.letter(LETTERS["w"])
    g = [Gaussian(LETTERS["w"], "vector")]
    assert expect(w @ w.T, g).equals(TracePoly.identity(d))
    assert expect((w.T @ w) * (w.T @ w), g).equals(TracePoly.scalar(d**2 + 2 * d))
    assert expect(w, g).is_zero()


_WORD = st.lists(st.sampled_from(["S", "A", "B"]), min_size=1, max_size=5).filter(
    lambda wd: 1 <= wd.count("S") <= 3
)


@settings(max_examples=15)
@given(_WORD, st.sampled_from([1, 2]), st.booleans())
def test_engines_agree_on_random_words(word, dd, traced):
    """Matrix-level Wick on words == index-level Isserlis on entries, at explicit d."""
    p = TracePoly.letter(LETTERS[word[0]])
    for x in word[1:]:
        p = p @ TracePoly.letter(LETTERS[x])
    if traced:
        p = p.trace()
    mat = expect(p, WISH)
    Sx = generic_matrix("S", dd, symmetric=True)
    C = generic_matrix("Sigma", dd, symmetric=True)
    mats = {"A": generic_matrix("A", dd), "B": generic_matrix("B", dd, symmetric=True), "S": Sx}
    explicit = p.evaluate(mats, {d: dd})
    if traced:
        idx = expect_wishart(explicit, Sx, C, n)
    else:
        idx = explicit.applyfunc(lambda e: expect_wishart(e, Sx, C, n))
    got = mat.evaluate({**mats, "Sigma": C}, {d: dd})
    diff = sp.Matrix([got - idx]) if traced else got - idx
    assert all(sp.cancel(sp.expand(e)) == 0 for e in diff)


def test_matrix_level_agrees_with_monte_carlo():
    """An independent witness for the engine itself: E[tr(S A S A)] by simulation."""
    import numerics

    rng = np.random.default_rng(7)
    dd, nn = 3, 4
    Am = rng.standard_normal((dd, dd))
    C = np.cov(rng.standard_normal((dd, 10)))
    val = expect((S @ A @ S @ A).trace(), WISH)
    exact = float(val.evaluate({"A": sp.Matrix(Am), "Sigma": sp.Matrix(C)}, {d: dd, n: nn}))
    Ss = numerics.sample_wishart(C, nn, 400_000, rng)
    samples = np.einsum("bij,jk,bkl,li->b", Ss, Am, Ss, Am)
    assert abs(samples.mean() - exact) < 5 * samples.std() / np.sqrt(samples.size)
