"""Per-prompt sample functions: the three one-step simulators agree, paired variant, sandwich.

Exact agreement is tested where the random streams coincide (naive loop vs batched tokens
with batch_size=1); the tokens and Wishart simulators draw differently, so they are compared
in distribution by two-sample z-tests at family-wise level ALPHA (Bonferroni), pinned seeds.
"""

import numpy as np
import pytest
from helpers import assert_close, assert_z_within

import numerics as nm

ALPHA = 1e-3


def _setup(d=3, n=6, seed=12345):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d, d))
    C = A @ A.T / d + 0.3 * np.eye(d)
    Vt = -np.linalg.inv((1 + 1 / n) * C + np.trace(C) / n * np.eye(d)) + 0.1 * rng.standard_normal(
        (d, d)
    )
    return C, Vt


def test_frobenius_risk_samples_matches_loop():
    rng = np.random.default_rng(12345)
    d = 3
    A = rng.standard_normal((d, d))
    S = nm.sample_wishart(np.eye(d), 4, 5, rng)
    expected = [np.linalg.norm(np.eye(d) + A @ S[b], "fro") ** 2 for b in range(5)]
    assert_close(nm.frobenius_risk_samples(A, S), expected, rtol=1e-13)


@pytest.mark.parametrize("d,n", [(1, 1), (3, 6), (4, 2)])
def test_naive_equals_batched_tokens_on_same_stream(d, n):
    C, Vt = _setup(d, n)
    naive = nm.one_step_error_naive(Vt, C, n, np.random.default_rng(99), 20)
    fast = nm.one_step_error_samples(
        Vt, C, n, np.random.default_rng(99), 20, method="tokens", batch_size=1
    )
    assert_close(fast, naive, rtol=1e-12, atol=1e-12 * naive.max())


def test_one_step_error_equals_recursion_on_explicit_prompts():
    # Independent route: (A.1) with W~ = I, w_0 = 0 gives w_1 - w* = -(I + V~ S) w*.
    d, n, B = 3, 5, 7
    C, Vt = _setup(d, n)
    rng = np.random.default_rng(5)
    err = nm.one_step_error_samples(Vt, C, n, rng, B, method="tokens", batch_size=B)
    rng = np.random.default_rng(5)
    X = nm.sample_features(C, n, B, rng)
    w = rng.standard_normal((B, d))
    S = X.transpose(0, 2, 1) @ X / n
    r = w + np.einsum("ij,bjk,bk->bi", Vt, S, w)
    assert_close(err, np.sum(r * r, axis=1), rtol=1e-12)


def test_tokens_and_wishart_simulators_agree_in_distribution():
    d, n, N = 3, 6, 40_000
    C, Vt = _setup(d, n)
    rng = np.random.default_rng(12345)
    e_tok = nm.one_step_error_samples(Vt, C, n, rng, N, method="tokens")
    e_wis = nm.one_step_error_samples(Vt, C, n, rng, N, method="wishart")
    # Statistics: the error, and the event {error <= t} (a distribution-shape check) with the
    # threshold t fixed beforehand as the median of an independent pilot run.
    med = np.median(nm.one_step_error_samples(Vt, C, n, np.random.default_rng(1), 2000))
    stats = [lambda e: e, lambda e: (e <= med).astype(float)]
    z = [
        nm.two_sample_z(
            nm.RunningMoments().update(f(e_tok)).estimate(),
            nm.RunningMoments().update(f(e_wis)).estimate(),
        )
        for f in stats
    ]
    assert_z_within(z, nm.z_critical(ALPHA, len(z)), what="tokens vs wishart z")


def test_wishart_simulator_with_singular_C_and_small_n():
    # Rank-2 C in d = 3 with n = 1 < rank: the Wishart path must fall back to features.
    rng = np.random.default_rng(12345)
    F = rng.standard_normal((3, 2))
    C = F @ F.T
    Vt = -0.3 * np.eye(3)
    N = 20_000
    e_tok = nm.one_step_error_samples(Vt, C, 1, rng, N, method="tokens")
    e_wis = nm.one_step_error_samples(Vt, C, 1, rng, N, method="wishart")
    z = nm.two_sample_z(
        nm.RunningMoments().update(e_tok).estimate(), nm.RunningMoments().update(e_wis).estimate()
    )
    assert_z_within(z, nm.z_critical(ALPHA))


@pytest.mark.parametrize("method", ["tokens", "wishart"])
def test_paired_samples(method):
    d, n, N = 3, 6, 40_000
    C, Vt = _setup(d, n)
    pair = nm.one_step_error_paired_samples(Vt, C, n, np.random.default_rng(3), N, method=method)
    assert pair.shape == (N, 2)
    # Column 0 is exactly the unpaired sampler's output on the same stream.
    single = nm.one_step_error_samples(Vt, C, n, np.random.default_rng(3), N, method=method)
    assert_close(pair[:, 0], single, rtol=1e-13)
    # E[||M w*||^2 | S] = ||M||_F^2 for w* ~ N(0, I): the difference has mean 0.
    est = nm.RunningMoments().update(pair[:, 0] - pair[:, 1]).estimate()
    assert_z_within(est.z_score(0.0), nm.z_critical(ALPHA))


def test_sandwich_samplers_agree():
    rng = np.random.default_rng(12345)
    d, n, N = 3, 5, 20_000
    C, _ = _setup(d, n)
    Bm = rng.standard_normal((d, d))
    Bm = Bm + Bm.T
    a = nm.wishart_sandwich_samples(C, Bm, n, rng, N, method="bartlett")
    b = nm.wishart_sandwich_samples(C, Bm, n, rng, N, method="features", batch_size=1000)
    assert a.shape == (N, d, d)
    assert_close(a, a.transpose(0, 2, 1), atol=1e-12 * np.abs(a).max())
    z = nm.two_sample_z(
        nm.RunningMoments().update(a.reshape(N, -1)).estimate(),
        nm.RunningMoments().update(b.reshape(N, -1)).estimate(),
    )
    assert_z_within(z, nm.z_critical(ALPHA, d * d))


def test_estimators_plug_into_mc_estimate():
    d, n = 2, 4
    C, Vt = _setup(d, n)
    est = nm.mc_estimate(
        lambda r, size: nm.one_step_error_samples(Vt, C, n, r, size, method="wishart"),
        5000,
        np.random.default_rng(12345),
        batch_size=1000,
    )
    assert est.n_samples == 5000 and est.stderr > 0
