"""The batched LSA paths (Gram matrices, last column, rollout) against the naive forward pass.

Expected values come from independent routes: an explicit double loop over columns for the
attention formula, the explicit embedding Z for G = Z Z^T, and the recursion (A.1) written
out here for the sparse weights.
"""

import numpy as np
import pytest
from helpers import assert_close

import numerics as nm

RTOL = 1e-12  # all comparisons are of the same arithmetic in a different order


def _close(actual, expected, rtol=RTOL):
    """Relative agreement measured against the largest entry (entries can be ~0)."""
    expected = np.asarray(expected)
    scale = max(1.0, float(np.max(np.abs(expected))))
    assert_close(actual, expected, rtol=rtol, atol=rtol * scale)


def _random_weights(rng, d, scale=0.3):
    D = 2 * d + 2
    V = rng.standard_normal((D, D)) * scale / np.sqrt(D)
    W = rng.standard_normal((D, D)) * scale / np.sqrt(D)
    return V, W


def _random_prompts(rng, B, n, d, m):
    C = np.atleast_2d(np.cov(rng.standard_normal((d, 3 * d))))  # a generic PD covariance
    X = nm.sample_features(C, n, B, rng)
    w = nm.sample_tasks(d, B, rng)
    its = rng.standard_normal((B, m, d))
    return X, w, its


def test_block_layout():
    d = 3
    b = nm.block_slices(d)
    assert (b.x, b.y, b.w, b.c) == (slice(0, 3), slice(3, 4), slice(4, 7), slice(7, 8))
    assert nm.embedding_dim(d) == 8
    X = np.arange(6.0).reshape(2, 3)
    y = np.array([10.0, 11.0])
    its = np.array([[0.5, 0.6, 0.7]])
    Z = nm.embed_prompt(X, y, its)
    expected = np.array(
        [
            [0, 3, 0],
            [1, 4, 0],
            [2, 5, 0],
            [10, 11, 0],
            [0, 0, 0.5],
            [0, 0, 0.6],
            [0, 0, 0.7],
            [0, 0, 1],
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(Z, expected)


def test_sparse_weights_and_masks():
    rng = np.random.default_rng(12345)
    d = 3
    Vt, Wt = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    V, W = nm.sparse_weights(Vt, Wt, w24=-0.7)
    mV, mW = nm.pattern_masks(d)
    assert mV.sum() == d * d and mW.sum() == d * d + 1
    assert np.all(V[~mV] == 0) and np.all(W[~mW] == 0)
    np.testing.assert_array_equal(V[4:7, 0:3], Vt)
    np.testing.assert_array_equal(W[0:3, 4:7], Wt)
    assert W[3, 7] == -0.7
    Vt2, Wt2, w24 = nm.extract_pattern(V, W)
    np.testing.assert_array_equal(Vt2, Vt)
    np.testing.assert_array_equal(Wt2, Wt)
    assert w24 == -0.7
    _, W_default = nm.sparse_weights(Vt)
    np.testing.assert_array_equal(W_default[0:3, 4:7], np.eye(d))
    assert W_default[3, 7] == -1.0


def test_lsa_forward_matches_attention_double_loop():
    # Independent route: f(Z)_j = z_j + (1/n) sum_i (V z_i) (z_i^T W z_j), over all N columns.
    rng = np.random.default_rng(12345)
    d, n, m = 2, 4, 2
    X, w, its = _random_prompts(rng, 1, n, d, m)
    Z = nm.embed_prompt(X[0], X[0] @ w[0], its[0])
    V, W = _random_weights(rng, d, scale=1.0)
    N = Z.shape[1]
    expected = Z.copy()
    for j in range(N):
        for i in range(N):
            expected[:, j] += (V @ Z[:, i]) * (Z[:, i] @ W @ Z[:, j]) / n
    _close(nm.lsa_forward(Z, V, W, n), expected)


@pytest.mark.parametrize("d,n,m", [(1, 1, 1), (3, 5, 1), (4, 3, 3)])
def test_gram_matrices_equal_ZZt(d, n, m):
    rng = np.random.default_rng(12345)
    B = 5
    X, w, its = _random_prompts(rng, B, n, d, m)
    Zs = np.stack([nm.embed_prompt(X[b], X[b] @ w[b], its[b]) for b in range(B)])
    expected = Zs @ Zs.transpose(0, 2, 1)
    _close(nm.gram_from_data(X, w, its), expected)
    S = X.transpose(0, 2, 1) @ X / n
    _close(nm.gram_from_sufficient(S, w, n, its), expected)


@pytest.mark.parametrize("d,n,m", [(1, 2, 1), (3, 5, 1), (3, 4, 4)])
def test_last_column_matches_full_forward(d, n, m):
    rng = np.random.default_rng(12345)
    B = 6
    X, w, its = _random_prompts(rng, B, n, d, m)
    V, W = _random_weights(rng, d, scale=1.0)  # full, dense V and W
    G = nm.gram_from_data(X, w, its)
    z = np.zeros((B, 2 * d + 2))
    z[:, d + 1 : 2 * d + 1] = its[:, -1]
    z[:, -1] = 1.0
    out = nm.last_column(G, z, V, W, n)
    for b in range(B):
        Z = nm.embed_prompt(X[b], X[b] @ w[b], its[b])
        _close(out[b], nm.lsa_forward(Z, V, W, n)[:, -1])


@pytest.mark.parametrize("source", ["X", "S"])
@pytest.mark.parametrize("d,n,k", [(1, 3, 3), (3, 5, 4), (2, 2, 5)])
def test_cot_rollout_matches_naive(source, d, n, k):
    rng = np.random.default_rng(12345)
    B = 5
    X, w, _ = _random_prompts(rng, B, n, d, 0)
    w0 = rng.standard_normal((B, d))
    V, W = _random_weights(rng, d)
    naive = np.stack(
        [
            nm.cot_rollout_naive(X[b], X[b] @ w[b], V, W, k, w0[b], return_columns=True)
            for b in range(B)
        ]
    )
    if source == "X":
        cols = nm.cot_rollout(w, V, W, k, X=X, w0=w0, return_columns=True, batch_size=2)
    else:
        S = X.transpose(0, 2, 1) @ X / n
        cols = nm.cot_rollout(w, V, W, k, S=S, n=n, w0=w0, return_columns=True, batch_size=2)
    # With dense V the appended columns have nonzero x/y/const rows: compare the whole column.
    assert np.max(np.abs(naive[:, :, :d])) > 1e-3
    _close(cols, naive)
    its = nm.cot_rollout(w, V, W, k, X=X, w0=w0)
    _close(its, naive[:, :, d + 1 : 2 * d + 1])
    # The Gram-level core gives the same.
    G0 = nm.gram_from_data(X, w, w0[:, None, :])
    z0 = np.zeros((B, 2 * d + 2))
    z0[:, d + 1 : 2 * d + 1] = w0
    z0[:, -1] = 1.0
    _close(nm.cot_rollout_gram(G0, z0, V, W, k, n), its)


def test_cot_rollout_gram_does_not_modify_input():
    rng = np.random.default_rng(12345)
    d, n = 2, 3
    X, w, its = _random_prompts(rng, 2, n, d, 1)
    G = nm.gram_from_data(X, w, its)
    G_copy = G.copy()
    z = np.zeros((2, 6))
    z[:, -1] = 1
    V, W = _random_weights(rng, d)
    nm.cot_rollout_gram(G, z, V, W, 3, n)
    np.testing.assert_array_equal(G, G_copy)


@pytest.mark.parametrize("d,n,k", [(1, 4, 3), (3, 6, 5), (5, 3, 4)])
def test_sparse_forward_satisfies_recursion(d, n, k):
    # Recursion (A.1), written out independently: w_{i+1} = w_i + Vt S (Wt w_i - w*).
    rng = np.random.default_rng(12345)
    Vt = rng.standard_normal((d, d)) * 0.3
    Wt = rng.standard_normal((d, d)) * 0.5
    V, W = nm.sparse_weights(Vt, Wt)
    X = rng.standard_normal((n, d)) @ rng.standard_normal((d, d))
    w_star = rng.standard_normal(d)
    w0 = rng.standard_normal(d)
    S = X.T @ X / n
    expected, wi = [], w0
    for _ in range(k):
        wi = wi + Vt @ S @ (Wt @ wi - w_star)
        expected.append(wi)
    cols = nm.cot_rollout_naive(X, X @ w_star, V, W, k, w0, return_columns=True)
    _close(cols[:, d + 1 : 2 * d + 1], np.array(expected))
    # With the sparse pattern the appended columns are iterate columns (0_d, 0, w_i, 1).
    np.testing.assert_array_equal(cols[:, : d + 1], 0.0)
    np.testing.assert_array_equal(cols[:, -1], 1.0)
