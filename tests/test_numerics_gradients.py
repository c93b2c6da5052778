"""Losses and hand-written gradients w.r.t. the full V, W.

Gradients are checked against central finite differences of the loss itself, entry by entry,
for dense random V and W (not only the sparse pattern). Losses are checked against the
recursion (A.1) written out here, for the sparse weights.
"""

import numpy as np
import pytest
from helpers import assert_close

import numerics as nm

H = 1e-6  # central-difference step; truncation O(H^2), rounding O(eps/H)
FD_RTOL = 1e-8  # observed agreement ~1e-10


def _data(d=2, n=4, B=3, seed=12345):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d, d))
    C = A @ A.T / d + 0.2 * np.eye(d)
    return nm.make_sft_data(C, n, B, rng), rng


def _dense_weights(rng, d, scale=0.5):
    D = 2 * d + 2
    return (
        rng.standard_normal((D, D)) * scale / np.sqrt(D),
        rng.standard_normal((D, D)) * scale / np.sqrt(D),
    )


def _fd(loss, V, W):
    gV, gW = np.zeros_like(V), np.zeros_like(W)
    for g, which in ((gV, 0), (gW, 1)):
        for idx in np.ndindex(V.shape):
            P = [V.copy(), W.copy()]
            P[which][idx] += H
            up = loss(*P)
            P[which][idx] -= 2 * H
            down = loss(*P)
            g[idx] = (up - down) / (2 * H)
    return gV, gW


def _assert_grad(g, fd):
    scale = np.max(np.abs(fd))
    assert_close(g, fd, rtol=FD_RTOL, atol=FD_RTOL * scale)


@pytest.mark.parametrize("d", [1, 2])
def test_pretrain_gradient_matches_finite_differences(d):
    data, rng = _data(d=d)
    V, W = _dense_weights(rng, d)
    _, dV, dW = nm.pretrain_loss_and_grad(data, V, W)
    fV, fW = _fd(lambda v, w: nm.pretrain_loss_and_grad(data, v, w)[0], V, W)
    _assert_grad(dV, fV)
    _assert_grad(dW, fW)
    # Only the w-block rows are supervised, so dV vanishes outside them; with dense weights
    # the gradient is not confined to the sparse pattern.
    w_rows = nm.block_slices(d).w
    assert np.all(np.delete(dV, np.arange(d + 1, 2 * d + 1), axis=0) == 0)
    mask_V, _ = nm.pattern_masks(d)
    assert np.any(dV[w_rows][~mask_V[w_rows]] != 0)


@pytest.mark.parametrize("d,k", [(1, 0), (2, 2)])
def test_sft_gradient_matches_finite_differences(d, k):
    data, rng = _data(d=d)
    V, W = _dense_weights(rng, d)
    _, dV, dW = nm.sft_loss_and_grad(data, V, W, eta=0.3, k=k)
    fV, fW = _fd(lambda v, w: nm.sft_loss_and_grad(data, v, w, eta=0.3, k=k)[0], V, W)
    _assert_grad(dV, fV)
    _assert_grad(dW, fW)


def test_last_column_gradient_with_row_selector_and_nonsymmetric_G():
    # The building block with an arbitrary (non-symmetric) G and a boolean row mask.
    rng = np.random.default_rng(12345)
    d, n, B = 2, 3, 4
    D = 2 * d + 2
    G = rng.standard_normal((B, D, D))
    z, t = rng.standard_normal((B, D)), rng.standard_normal((B, D))
    V, W = _dense_weights(rng, d)
    rows = np.array([True, False, True, True, False, True])

    def loss(v, w):
        return nm.last_column_loss_and_grad(G, z, t, v, w, n, rows=rows)[0]

    _, dV, dW = nm.last_column_loss_and_grad(G, z, t, V, W, n, rows=rows)
    fV, fW = _fd(loss, V, W)
    _assert_grad(dV, fV)
    _assert_grad(dW, fW)


@pytest.mark.parametrize("kind", ["pretrain", "sft"])
def test_per_prompt_and_chunking_agree_with_aggregate(kind):
    data, rng = _data(d=2, B=7)
    V, W = _dense_weights(rng, 2)
    if kind == "pretrain":

        def f(**kw):
            return nm.pretrain_loss_and_grad(data, V, W, **kw)
    else:

        def f(**kw):
            return nm.sft_loss_and_grad(data, V, W, eta=0.25, k=3, **kw)

    loss, dV, dW = f()
    l_pp, dV_pp, dW_pp = f(per_prompt=True, batch_size=3)
    assert l_pp.shape == (7,) and dV_pp.shape == (7, 6, 6) and dW_pp.shape == (7, 6, 6)
    assert_close(l_pp.mean(), loss, rtol=1e-13)
    assert_close(dV_pp.mean(axis=0), dV, rtol=1e-12, atol=1e-15)
    assert_close(dW_pp.mean(axis=0), dW, rtol=1e-12, atol=1e-15)
    l2, dV2, dW2 = f(batch_size=2)
    assert_close([l2], [loss], rtol=1e-13)
    assert_close(dV2, dV, rtol=1e-12, atol=1e-15)
    assert_close(dW2, dW, rtol=1e-12, atol=1e-15)


def test_losses_equal_recursion_for_sparse_weights():
    # Independent route via (A.1) with W~ = I, w24 = -1.
    data, rng = _data(d=3, n=5, B=6)
    d, eta, k = 3, 0.3, 3
    Vt = -0.4 * np.eye(d) + 0.1 * rng.standard_normal((d, d))
    V, W = nm.sparse_weights(Vt)
    S, w = data.S, data.w_star
    M = np.eye(d) + Vt @ S  # (B, d, d)
    # pretrain: w_1 - w* = -(I + V~ S) w*
    r = np.einsum("bij,bj->bi", M, w)
    pre = nm.pretrain_loss_and_grad(data, V, W)[0]
    assert_close(pre, 0.5 * np.mean(np.sum(r * r, axis=1)), rtol=1e-13)
    # SFT: only the w-block is off target: w_i + V~ S (w_i - w*) - w_{i+1}
    total = 0.0
    for i in range(k + 1):
        wi = (1 - (1 - eta) ** i) * w
        wn = (1 - (1 - eta) ** (i + 1)) * w
        e = wi + np.einsum("ij,bjk,bk->bi", Vt, S, wi - w) - wn
        total += np.sum(e * e)
    sft = nm.sft_loss_and_grad(data, V, W, eta=eta, k=k)[0]
    assert_close(sft, total / (2 * data.B), rtol=1e-13)
    # OS: w_k from the recursion; L = (1/2B) sum ||M^k w*||^2 (Prop 6.1 is not used here)
    wk = np.zeros_like(w)
    for _ in range(k):
        wk = wk + np.einsum("ij,bjk,bk->bi", Vt, S, wk - w)
    os_ = nm.os_loss(data, V, W, k=k)
    assert_close(os_, 0.5 * np.mean(np.sum((wk - w) ** 2, axis=1)), rtol=1e-12)


def test_sft_iterates():
    w = np.array([[1.0, -2.0]])
    its = nm.sft_iterates(w, 0.5, 2)
    assert_close(its[0], [[0, 0], [0.5, -1.0], [0.75, -1.5], [0.875, -1.75]])


def test_prompt_data_from_features():
    rng = np.random.default_rng(12345)
    X = rng.standard_normal((3, 4, 2))
    w = rng.standard_normal((3, 2))
    data = nm.PromptData.from_features(X, w)
    assert (data.B, data.d, data.n) == (3, 2, 4)
    assert_close(data.S[1], X[1].T @ X[1] / 4)
