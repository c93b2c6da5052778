"""derivations._os and theory._matsum: the unrolled rollout, exact curvature, the SFT loss of
the sparse model, and the matrix-sum node used by the printed formulas. Expected values come
from the simulation (numerics), never from the printed formulas."""

import numpy as np
import pytest
import sympy as sp
from helpers import assert_close

import derivations
import numerics as nm
from derivations import d
from theory._evaluate import evaluate
from theory._latex import to_latex
from theory._matsum import at_steps, msum
from theory.symbols import S, Vt, k


def _rand(rng, dd):
    C = np.diag(np.linspace(0.5, 1.5, dd))
    X = nm.sample_features(C, 6, 1, rng)[0]
    return {
        "Vt": rng.standard_normal((dd, dd)) * 0.4,
        "Wt": np.eye(dd) + 0.3 * rng.standard_normal((dd, dd)),
        "X": X,
        "w": rng.standard_normal((dd, 1)),
    }


@pytest.mark.parametrize("kk", [1, 2, 3])
def test_unrolled_iterate_equals_the_real_rollout(kk):
    """Independent route: numerics.cot_rollout_naive on real features."""
    rng = np.random.default_rng(kk)
    dd = 3
    m = _rand(rng, dd)
    S_ = m["X"].T @ m["X"] / m["X"].shape[0]
    vals = {
        "Vt": sp.Matrix(m["Vt"]),
        "Wt": sp.Matrix(m["Wt"]),
        "S": sp.Matrix(S_),
        "w": sp.Matrix(m["w"]),
    }
    derived = np.array(derivations.os_iterate(kk).evaluate(vals, {d: dd}), dtype=float).ravel()
    V, W = nm.sparse_weights(m["Vt"], m["Wt"])
    real = nm.cot_rollout_naive(m["X"], m["X"] @ m["w"][:, 0], V, W, kk)[-1]
    assert_close(derived, real, rtol=1e-9)
    at = np.array(derivations.os_iterate_at(kk, vals), dtype=float).ravel()
    assert_close(at, real, rtol=1e-9)


def test_appended_column_is_an_iterate_column():
    x, y, wblk, c = derivations.appended_column()
    assert not x.terms and not y.terms and (c - c.scalar(1)).is_zero()
    assert not {"Wp", "one_p"} & {letter.name for letter in wblk.letters()}


def test_exact_curvature_matches_finite_differences_of_the_real_gradient():
    rng = np.random.default_rng(1)
    Sn = np.array([[2.0, 0.5], [0.5, 1.0]])
    wn = np.array([1.0, -2.0])
    Vn = rng.standard_normal((2, 2)) * 0.3
    Vq = sp.Matrix(2, 2, [sp.Rational(round(v * 1000), 1000) for v in Vn.ravel()])
    r, J, H = derivations.os_curvature_at(
        3, Vq, sp.Matrix([[2, sp.Rational(1, 2)], [sp.Rational(1, 2), 1]]), sp.Matrix([1, -2])
    )
    data = nm.PromptData(Sn[None], wn[None], 5)

    def grad(t):
        return nm.os_recursion_loss_and_grad(data, t.reshape(2, 2), k=3)[1].ravel()

    Hn = nm.hessian_matrix(grad, np.array(Vq, dtype=float).ravel())
    assert_close(np.array(H, dtype=float), Hn, rtol=1e-5, atol=1e-6)
    assert r != sp.zeros(2, 1)  # a generic point has a residual, and then H ≠ JᵀJ
    assert H != J.T * J


def test_sft_loss_of_the_sparse_model_is_ck_times_a_fixed_loss():
    rho = sp.Symbol("rho_c", positive=True)
    base = derivations.sft_loss_sparse(0)
    for kk in (1, 2):
        ck = sum(rho ** (2 * i) for i in range(kk + 1))
        assert (derivations.sft_loss_sparse(kk) - base.scale(ck)).simplified().is_zero()


def test_matsum_expands_evaluates_and_prints():
    i = sp.Symbol("i", integer=True)
    expr = msum(sp.MatPow(Vt * S, i), i, 0, k - 1)
    assert at_steps(expr, 1) == sp.Identity(d)
    assert at_steps(expr, 3).shape == (d, d)
    rng = np.random.default_rng(2)
    A = rng.standard_normal((3, 3))
    B = np.eye(3) * 0.5
    val = evaluate(expr, {"Vt": A, "S": B}, {"k": 3, "d": 3})
    assert_close(val, np.eye(3) + A @ B + (A @ B) @ (A @ B))
    assert r"\sum_{i=0}^{k - 1}" in to_latex(expr)
    with pytest.raises(ValueError, match="not integers"):
        expr.expanded()
