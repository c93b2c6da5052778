"""Samplers: covariance factors, features, and the two Wishart samplers.

The Bartlett and feature samplers are compared by two-sample z-tests on a set of statistics
at family-wise level ALPHA with a Bonferroni correction, with pinned seeds; the same test must
reject a deliberately wrong sampler (S divided by n - 1 instead of n).
"""

import numpy as np
import pytest
from helpers import assert_close, assert_z_within

import numerics as nm

ALPHA = 1e-3  # family-wise significance level of every statistical test in this file
N_MC = 20_000  # samples per sampler and test


def _spd(rng, d):
    A = rng.standard_normal((d, d))
    return A @ A.T / d + 0.2 * np.eye(d)


def _statistics(S):
    """Per-sample statistics (N, K): upper-triangular entries of S and of S^2, and tr(S)^2."""
    d = S.shape[1]
    iu = np.triu_indices(d)
    S2 = S @ S
    tr = np.trace(S, axis1=1, axis2=2)
    return np.concatenate([S[:, iu[0], iu[1]], S2[:, iu[0], iu[1]], (tr**2)[:, None]], axis=1)


def _max_abs_z(S_a, S_b):
    ea = nm.RunningMoments().update(_statistics(S_a)).estimate()
    eb = nm.RunningMoments().update(_statistics(S_b)).estimate()
    z = np.asarray(nm.two_sample_z(ea, eb))
    return float(np.max(np.abs(z))), z.size


# ---------------------------------------------------------------- covariance_sqrt


@pytest.mark.parametrize(
    "C,expected",
    [
        (np.diag([2.0, 1.0, 0.5]), np.diag([2.0, 1.0, 0.5])),
        (np.ones((2, 2)), np.ones((2, 2))),  # singular
        (np.zeros((2, 2)), np.zeros((2, 2))),
        (np.diag([1.0, -1e-17]), np.diag([1.0, 0.0])),  # rounding-level negative eigenvalue
        (np.array([[4.0]]), np.array([[4.0]])),
    ],
    ids=["diag", "singular", "zero", "tiny-negative", "d1"],
)
def test_covariance_sqrt_reconstructs(C, expected):
    L = nm.covariance_sqrt(C)
    assert L.shape == C.shape
    assert_close(L @ L.T, expected, atol=1e-14)


def test_covariance_sqrt_generic():
    rng = np.random.default_rng(12345)
    C = _spd(rng, 6)
    L = nm.covariance_sqrt(C)
    assert_close(L @ L.T, C, rtol=1e-13, atol=1e-13)


def test_features_live_in_range_of_singular_C():
    rng = np.random.default_rng(12345)
    u = np.array([1.0, 2.0, 2.0]) / 3.0
    C = np.outer(u, u) * 4.0  # rank one
    X = nm.sample_features(C, 50, 3, rng)
    assert X.shape == (3, 50, 3)
    residual = X - (X @ u)[..., None] * u
    assert np.max(np.abs(residual)) < 1e-13


def test_sample_tasks_shape_and_moments():
    rng = np.random.default_rng(12345)
    w = nm.sample_tasks(4, 50_000, rng)
    assert w.shape == (50_000, 4)
    # E[w w^T] = I: z-test on the 10 distinct second moments.
    iu = np.triu_indices(4)
    est = nm.RunningMoments().update((w[:, :, None] * w[:, None, :])[:, iu[0], iu[1]]).estimate()
    z = est.z_score(np.eye(4)[iu])
    assert_z_within(z, nm.z_critical(ALPHA, z.size))


# ---------------------------------------------------------------- Wishart


def _cov(kind, rng):
    if kind == "dense":
        return _spd(rng, 3)
    if kind == "diag-unsorted":  # exercises the samplers' diagonal row-scaling shortcut
        return np.diag([3.0, 1.0, 2.0])
    return np.diag([0.0, 2.0, 0.0, 1.0])  # diagonal and singular (rank 2)


@pytest.mark.parametrize("kind", ["dense", "diag-unsorted", "diag-singular"])
def test_bartlett_and_features_agree_in_distribution(kind):
    rng = np.random.default_rng(12345)
    n = 5
    C = _cov(kind, rng)
    S_b = nm.sample_wishart(C, n, N_MC, rng, method="bartlett")
    S_f = nm.sample_wishart(C, n, N_MC, rng, method="features")
    zmax, n_stats = _max_abs_z(S_b, S_f)
    d = C.shape[0]
    assert n_stats == d * (d + 1) + 1
    assert zmax < nm.z_critical(ALPHA, n_stats), f"max |z| = {zmax:.2f} over {n_stats} statistics"
    # E[S] = C (definition of S): one-sample z-test of the Bartlett sampler.
    iu = np.triu_indices(d)
    z = nm.RunningMoments().update(S_b[:, iu[0], iu[1]]).estimate().z_score(C[iu])
    assert_z_within(z, nm.z_critical(ALPHA, z.size))


def test_diagonal_singular_C_gives_exact_zeros():
    rng = np.random.default_rng(12345)
    C = np.diag([0.0, 2.0, 0.0, 1.0])
    X = nm.sample_features(C, 7, 3, rng)
    assert np.all(X[..., [0, 2]] == 0) and np.all(X[..., [1, 3]] != 0)
    S = nm.sample_wishart(C, 7, 3, rng, method="bartlett")
    assert np.all(S[:, [0, 2], :] == 0) and np.all(S[:, :, [0, 2]] == 0)


def _wrong_divide_by_n_minus_1(C, n, size, rng):
    X = nm.sample_features(C, n, size, rng)
    return X.transpose(0, 2, 1) @ X / (n - 1)


def _wrong_bartlett_dof(C, n, size, rng):
    # Bartlett with chi-square degrees of freedom off by one (n - i instead of n - i + 1).
    d = C.shape[0]
    L = nm.covariance_sqrt(C)
    A = np.tril(rng.standard_normal((size, d, d)), k=-1)
    A[:, np.arange(d), np.arange(d)] = np.sqrt(rng.chisquare(n - 1 - np.arange(d), (size, d)))
    T = L @ A
    return T @ T.transpose(0, 2, 1) / n


@pytest.mark.parametrize("wrong", [_wrong_divide_by_n_minus_1, _wrong_bartlett_dof])
def test_wrong_sampler_is_rejected(wrong):
    # Power check of the same test against samplers with the wrong law.
    rng = np.random.default_rng(12345)
    d, n = 3, 5
    C = _spd(rng, d)
    S_b = nm.sample_wishart(C, n, N_MC, rng, method="bartlett")
    zmax, K = _max_abs_z(S_b, wrong(C, n, N_MC, rng))
    assert zmax > nm.z_critical(ALPHA, K), f"max |z| = {zmax:.2f} did not reject"


def test_rank_deficient_bartlett_matches_features():
    # Bartlett on the rank-r factor (n >= r but n < d) against explicit features.
    rng = np.random.default_rng(12345)
    d, r, n = 4, 2, 3
    F = rng.standard_normal((d, r))
    C = F @ F.T
    S_b = nm.sample_wishart(C, n, N_MC, rng, method="bartlett")
    S_f = nm.sample_wishart(C, n, N_MC, rng, method="features")
    zmax, K = _max_abs_z(S_b, S_f)
    assert zmax < nm.z_critical(ALPHA, K)
    # Both live in range(C): S = P S P with P the projector on range(C).
    P = F @ np.linalg.pinv(F)
    assert_close(P @ S_b[:10] @ P, S_b[:10], atol=1e-12)


@pytest.mark.parametrize("method", ["bartlett", "features"])
def test_wishart_mean_is_C(method):
    # E[S] = C by definition of S (one-sample z-test on the d(d+1)/2 entries).
    rng = np.random.default_rng(12345)
    d, n = 4, 6
    C = _spd(rng, d)
    S = nm.sample_wishart(C, n, N_MC, rng, method=method)
    iu = np.triu_indices(d)
    z = nm.RunningMoments().update(S[:, iu[0], iu[1]]).estimate().z_score(C[iu])
    assert_z_within(z, nm.z_critical(ALPHA, z.size))


def test_wishart_samples_are_symmetric_psd_and_chunking_is_seamless():
    rng = np.random.default_rng(12345)
    C = _spd(rng, 3)
    S = nm.sample_wishart(C, 4, 100, np.random.default_rng(7), batch_size=7)
    np.testing.assert_array_equal(S, S.transpose(0, 2, 1))
    assert np.min(np.linalg.eigvalsh(S)) > -1e-12
    S_one = nm.sample_wishart(C, 4, 100, np.random.default_rng(7), batch_size=1000)
    assert S_one.shape == S.shape


def test_auto_method_switches_to_features_when_n_below_rank():
    rng = np.random.default_rng(12345)
    C = _spd(rng, 4)
    S = nm.sample_wishart(C, 2, 10, rng)  # n = 2 < rank 4: only features is exact
    assert np.max(np.linalg.matrix_rank(S)) <= 2
    with pytest.raises(ValueError, match="needs n >= rank"):
        nm.sample_wishart(C, 2, 10, rng, method="bartlett")
