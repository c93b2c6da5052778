"""The canonical trace-polynomial algebra: the matrix-level derivations stand on it."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from derivations import LETTERS, Letter, TracePoly, d, n
from theory._evaluate import evaluate

A, B, Sig = (TracePoly.letter(LETTERS[x]) for x in ("A", "B", "Sigma"))
w = TracePoly.letter(LETTERS["w"])
I = TracePoly.identity(d)


def test_trace_is_cyclic_and_transpose_invariant():
    assert (A @ B).trace().equals((B @ A).trace())
    assert (A @ B).trace().equals((B.T @ A.T).trace())
    assert (A @ B @ Sig).trace().equals((Sig @ A @ B).trace())


def test_distinct_words_stay_distinct():
    # a check that cannot fail would also call these equal
    V = TracePoly.letter(LETTERS["Vt"])
    assert not (A @ V).trace().equals((A @ V.T).trace())
    assert not (A @ B).equals(B @ A)
    assert not (A @ A.T).trace().equals((A @ A).trace())


def test_symmetric_letters_absorb_transposes():
    assert Sig.T.equals(Sig)
    assert not A.T.equals(A)


def test_identity_trace_is_dimension():
    assert I.trace().equals(TracePoly.scalar(d))
    assert (I @ A).equals(A)


def test_one_by_one_words_become_traces():
    q = w.T @ A @ w
    assert q.shape == (1, 1)
    assert q.equals((A @ w @ w.T).trace())


def test_shape_errors():
    with pytest.raises(ValueError, match="shape mismatch"):
        A @ w.T
    with pytest.raises(ValueError, match="shape mismatch"):
        A + w


def test_from_sympy_roundtrip():
    from theory.symbols import A as As
    from theory.symbols import I as Id
    from theory.symbols import Sigma as Ss

    e = sp.Trace((Id + As * Ss) * (Id + As * Ss).T) + sp.Trace(As * Ss**2 * As.T) / n
    p = TracePoly.from_sympy(e, LETTERS)
    again = TracePoly.from_sympy(p.to_sympy(), LETTERS)
    assert p.equals(again)
    expected = (
        I.trace() + (A @ Sig).trace().scale(2) + (A @ Sig @ Sig @ A.T).trace().scale(1 + 1 / n)
    )
    assert p.equals(expected)


def test_from_sympy_rejects_non_polynomial():
    from theory.symbols import Sigma as Ss

    with pytest.raises(NotImplementedError):
        TracePoly.from_sympy(1 / sp.Trace(Ss), LETTERS)


_LET = st.sampled_from(["A", "B", "Sigma", "Vt"])


@given(st.lists(_LET, min_size=1, max_size=4), st.integers(0, 2**31))
def test_canonical_form_agrees_with_numbers(word, seed):
    """tr(word) and the canonical form evaluate to the same number for random matrices."""
    rng = np.random.default_rng(seed)
    dd = 3
    mats = {k: rng.standard_normal((dd, dd)) for k in ("A", "Vt", "B", "Sigma")}
    for sym in ("B", "Sigma"):  # symmetric letters take symmetric values
        mats[sym] = mats[sym] + mats[sym].T
    p = TracePoly.letter(LETTERS[word[0]])
    for x in word[1:]:
        p = p @ TracePoly.letter(LETTERS[x])
    direct = np.linalg.multi_dot([mats[x] for x in word] + [np.eye(dd)])
    got = evaluate(p.trace().to_sympy(), mats, {"d": dd})
    assert np.isclose(got, np.trace(direct))


@given(st.integers(0, 2**31))
def test_gradient_matches_finite_differences(seed):
    """∂/∂Ṽ of tr((I + Ṽ Σ)(I + Ṽ Σ)ᵀ) + tr(Ṽ A)² from TracePoly.grad vs central differences."""
    V = TracePoly.letter(LETTERS["Vt"])
    M = I + V @ Sig
    f = (M @ M.T).trace() + (V @ A).trace() * (V @ A).trace()
    g = f.grad(LETTERS["Vt"])
    rng = np.random.default_rng(seed)
    dd = 3
    mats = {
        "A": rng.standard_normal((dd, dd)),
        "Sigma": np.cov(rng.standard_normal((dd, 6))),
        "Vt": rng.standard_normal((dd, dd)),
    }
    fs, gs = f.to_sympy(), g.to_sympy()
    analytic = evaluate(gs, mats, {"d": dd})
    h = 1e-6
    numeric = np.zeros((dd, dd))
    for i in range(dd):
        for j in range(dd):
            up, dn = dict(mats), dict(mats)
            up["Vt"] = mats["Vt"].copy()
            dn["Vt"] = mats["Vt"].copy()
            up["Vt"][i, j] += h
            dn["Vt"][i, j] -= h
            numeric[i, j] = (evaluate(fs, up, {"d": dd}) - evaluate(fs, dn, {"d": dd})) / (2 * h)
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-6)


def test_grad_refuses_symmetric_letters():
    with pytest.raises(ValueError, match="symmetric"):
        (Sig @ A).trace().grad(LETTERS["Sigma"])


def test_letters_validate_symmetry_shape():
    with pytest.raises(ValueError, match="square"):
        Letter("X", d, n, symmetric=True)
