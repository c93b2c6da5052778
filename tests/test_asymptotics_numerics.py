"""numerics._sft_scale: every shortcut against the naive construction it replaces.

Expected values come from independent routes: dense matrices with numpy.linalg.pinv, the naive
feature-level sampler, and the Wishart moment E[S²] = ((n+1)/n) A² + (tr A/n) A."""

import numpy as np
import pytest
from helpers import assert_close, assert_invalid, assert_z_within

import numerics as nm


def _two_sample_z(x, y):
    return (x.mean(0) - y.mean(0)) / np.sqrt(x.var(0, ddof=1) / len(x) + y.var(0, ddof=1) / len(y))


def test_exact_law_sampler_matches_the_feature_construction_and_the_wishart_moment():
    rng = np.random.default_rng(0)
    a = np.array([0.3, 1.0, 2.0, 0.0])  # includes a null direction (r = 0)
    n, B = 5, 40_000
    Om1, Ph1 = nm.sample_sft_statistics(a, n, B, rng)
    Om2, Ph2 = nm.sample_sft_statistics(a, n, B, rng, method="features")
    assert np.all(Ph1[3] == 0) and np.all(Ph2[3] == 0)

    # statistics: Φ_i Ω_i (mean a_i), Φ_i² (mean ((n+1)/n) a_i² + tr(A) a_i / n), ‖Φ‖⁴
    def stats(Om, Ph):
        return np.column_stack([(Ph * Om).T, (Ph**2).T, (Ph**2).sum(0) ** 2])

    s1, s2 = stats(Om1, Ph1)[:, [0, 1, 2, 4, 5, 6, 8]], stats(Om2, Ph2)[:, [0, 1, 2, 4, 5, 6, 8]]
    assert_z_within(_two_sample_z(s1, s2), 4.5)
    exact = np.concatenate([a[:3], ((n + 1) / n) * a[:3] ** 2 + a.sum() * a[:3] / n])
    for s in (s1, s2):
        se = s[:, :6].std(0, ddof=1) / np.sqrt(B)
        assert_z_within((s[:, :6].mean(0) - exact) / se, 4.5)


def test_sampler_rejects_a_wrong_law():
    """The moment test above has power: dropping the √c fluctuation changes E[Φ_i²]."""
    rng = np.random.default_rng(1)
    a, n, B = np.array([1.0, 2.0]), 3, 40_000
    Om, Ph = nm.sample_sft_statistics(a, n, B, rng, method="features")
    wrong = a[:, None] * Om * rng.chisquare(n, B) / n  # only the e-component
    s = (Ph**2)[0]
    w = (wrong**2)[0]
    assert abs((s.mean() - w.mean()) / np.sqrt(s.var() / B + w.var() / B)) > 10


@pytest.mark.parametrize("shape", [(6, 3, 0.5), (6, 9, 0.5), (6, 4, 0.0), (6, 9, 0.0)])
def test_minimizer_equals_the_dense_pseudo_inverse_formula(shape):
    d, B, r = shape
    rng = np.random.default_rng(2)
    st = nm.BlockDiagonalSetting(d=d, m=3, n=7, rho=0.1, eta=0.2, r=r)
    Om, Ph = nm.sample_sft_statistics(st.a, st.n, B, rng)
    V = nm.theorem_4_1_minimiser(Om, Ph, st.gamma0, st.eta)
    P = np.linalg.pinv(Ph, rcond=1e-10)
    G = np.diag(1 / st.gamma0)
    dense = -st.eta * Om @ P - G @ (np.eye(d) - Ph @ P)
    assert_close(V, dense, atol=1e-9)
    if np.linalg.matrix_rank(Ph) == B:  # interpolation: zero SFT loss
        assert_close(V @ Ph, -st.eta * Om, atol=1e-9)


def test_post_test_error_equals_lemma_A1_dense():
    rng = np.random.default_rng(3)
    d, n = 5, 11
    V = rng.standard_normal((d, d))
    sig = rng.uniform(0.5, 2, d)
    S = np.diag(sig)
    M = np.eye(d) + V @ S
    dense = (np.sum(M**2) + (np.trace(V @ S @ S @ V.T) + np.trace(V @ S @ V.T) * sig.sum()) / n) / d
    assert nm.post_test_error_diag(V, sig, n) == pytest.approx(dense, rel=1e-12)


@pytest.mark.parametrize("B", [3, 8, 14])
def test_projector_resolvent_and_pinv_traces_equal_dense_definitions(B):
    rng = np.random.default_rng(4)
    d, m, z = 10, 4, 0.3
    a = np.r_[np.full(m, 0.7), np.full(d - m, 0.2)]
    M0 = a[:, None] * rng.standard_normal((d, B))
    Pi = M0 @ np.linalg.pinv(M0)
    t11, t22, t12 = nm.projector_block_traces(M0, m)
    assert t11 == pytest.approx(np.trace(Pi[:m, :m]) / m)
    assert t22 == pytest.approx(np.trace(Pi[m:, m:]) / (d - m))
    assert t12 == pytest.approx(np.trace(Pi[:m, m:] @ Pi[m:, :m]) / d, abs=1e-12)
    R = np.linalg.inv(M0 @ M0.T / d + z * np.eye(d))
    D1 = np.diag(np.r_[np.ones(m), np.zeros(d - m)])
    T, v = nm.resolvent_cross_trace(M0, m, z)
    dense_T = np.trace(D1 @ R @ (np.eye(d) - D1) @ R) / d
    assert pytest.approx(dense_T) == T
    assert v == pytest.approx(z * np.trace(np.linalg.inv(M0.T @ M0 / d + z * np.eye(B))) / d)
    G = np.linalg.pinv(M0 @ M0.T / d, rcond=1e-10, hermitian=True)
    w = rng.uniform(0.5, 2, d)
    assert nm.pseudo_inverse_traces(M0, w) == pytest.approx(np.trace(np.diag(w) @ G) / d)
    assert nm.pseudo_inverse_traces(M0, w, power=2, extra=a**2) == pytest.approx(
        np.trace(np.diag(w * a**2) @ G @ G) / d
    )


def test_theorem_b1_terms_and_first_order_weights_equal_dense_definitions():
    rng = np.random.default_rng(5)
    st = nm.BlockDiagonalSetting(d=8, m=4, n=20, rho=0.1, eta=0.2, r=0.1)
    Om, Ph = nm.sample_sft_statistics(st.a, st.n, 5, rng)
    A, Sig = np.diag(st.a), np.diag(st.sigma)
    M0 = A @ Om
    P = np.linalg.pinv(M0)
    VS = -st.eta * Om @ P - np.diag(1 / st.gamma0) @ (np.eye(8) - M0 @ P)
    VS2, VN = nm.first_order_weights(Om, Ph, st.a, st.gamma0, st.eta)
    assert_close(VS2, VS, atol=1e-10)
    assert_close(VN, -VS @ (Ph - M0) @ P, atol=1e-10)
    t = nm.theorem_b1_terms_finite(Om, st)
    Ds = np.trace(A) / 8 * A
    assert t["bias"] == pytest.approx(np.sum((np.eye(8) + VS @ Sig) ** 2) / 8)
    assert t["T_var"] == pytest.approx(np.trace(VS @ Ds @ VS.T) / 8)
    assert t["T_var_Sigma"] == pytest.approx(np.trace(VS @ Sig @ VS.T) / 8)
    G = np.linalg.pinv(M0 @ M0.T / 8, rcond=1e-10, hermitian=True)
    assert t["T_inv_C20"] == pytest.approx(np.trace(Sig @ Sig @ G) / 8)
    assert t["T_inv_C24"] == pytest.approx(np.trace(Sig @ Sig @ A @ A @ G @ G) / 8)


def test_error_sweep_uses_nested_prompt_sets():
    st = nm.BlockDiagonalSetting(d=6, m=3, n=10, rho=0.1, eta=0.2, r=0.1)
    E1 = nm.sft_error_sweep(st, [2, 4, 9], 2, np.random.default_rng(6))
    rng = np.random.default_rng(6)
    Om, Ph = nm.sample_sft_statistics(st.a, st.n, 9, rng)
    V = nm.theorem_4_1_minimiser(Om[:, :4], Ph[:, :4], st.gamma0, st.eta)
    assert E1[0, 1] == pytest.approx(nm.post_test_error_diag(V, st.sigma, st.n))
    both = nm.sft_error_sweep(st, [3], 1, np.random.default_rng(0), first_order=True)
    assert both.shape == (2, 1, 1)


@pytest.mark.parametrize(
    "fn, kwargs, match",
    [
        (nm.BlockDiagonalSetting, dict(d=4, m=5, n=3, rho=0.1, eta=0.2, r=0.1), "m must be <= d"),
        (nm.BlockDiagonalSetting, dict(d=4, m=2, n=3, rho=0.1, eta=1.5, r=0.1), "eta"),
        (nm.BlockDiagonalSetting, dict(d=4, m=2, n=3, rho=-1, eta=0.5, r=0.1), "rho and r"),
        (nm.sample_sft_statistics, dict(a=[1, -1], n=2, B=3, rng=np.random.default_rng(0)), ">= 0"),
        (
            nm.sample_sft_statistics,
            dict(a=[1, 1], n=2, B=3, rng=np.random.default_rng(0), method="magic"),
            "method",
        ),
        (nm.sample_sft_statistics, dict(a=[1, 1], n=0, B=3, rng=np.random.default_rng(0)), "n"),
        (nm.post_test_error_diag, dict(V=np.eye(2), sigma=[1, 2, 3], n=3), "length 2"),
        (
            nm.theorem_4_1_minimiser,
            dict(Omega=np.eye(2), Phi=np.eye(2), gamma0=[1, 0], eta=0.2),
            "> 0",
        ),
    ],
)
def test_invalid_inputs_raise_one_line(fn, kwargs, match):
    assert_invalid(fn, match=match, **kwargs)
