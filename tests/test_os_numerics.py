"""numerics._os: the OS loss and its hand-written gradient (checked by finite differences and by
the reference rollouts), the structured and sparse kernels, curvature tools and the training
loops. Expected values come from independent routes named in each test."""

import numpy as np
import pytest
from helpers import assert_close, assert_invalid

import numerics as nm


def _data(rng, d=3, n=7, B=5, cond=3.0):
    C = np.diag(np.geomspace(1.0, 1.0 / cond, d))
    return nm.make_sft_data(C, n, B, rng)


def _weights(rng, d, scale=0.2):
    D = 2 * d + 2
    return rng.standard_normal((D, D)) * scale, rng.standard_normal((D, D)) * scale


@pytest.mark.parametrize("k", [1, 2, 4])
def test_os_loss_matches_reference_rollouts(k):
    """Independent routes: numerics.os_loss (Gram rollout) and cot_rollout_naive (explicit
    embedding, full forward pass on features)."""
    rng = np.random.default_rng(k)
    d, n, B = 3, 6, 4
    V, W = _weights(rng, d)
    X = nm.sample_features(np.eye(d), n, B, rng)
    w = rng.standard_normal((B, d))
    data = nm.PromptData.from_features(X, w)
    loss, _, _ = nm.os_loss_and_grad(data, V, W, k=k)
    naive = np.mean(
        [
            0.5 * np.sum((nm.cot_rollout_naive(X[b], X[b] @ w[b], V, W, k)[-1] - w[b]) ** 2)
            for b in range(B)
        ]
    )
    assert loss == pytest.approx(nm.os_loss(data, V, W, k=k), rel=1e-12)
    assert loss == pytest.approx(naive, rel=1e-10)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_os_gradient_matches_central_differences(k):
    rng = np.random.default_rng(10 + k)
    data = _data(rng)
    V, W = _weights(rng, data.d)
    _, dV, dW = nm.os_loss_and_grad(data, V, W, k=k)
    for _ in range(3):
        E, F = rng.standard_normal(V.shape), rng.standard_normal(W.shape)
        h = 1e-6
        fd = (
            nm.os_loss(data, V + h * E, W + h * F, k=k)
            - nm.os_loss(data, V - h * E, W - h * F, k=k)
        ) / (2 * h)
        assert np.sum(dV * E) + np.sum(dW * F) == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_per_prompt_and_chunking_agree():
    rng = np.random.default_rng(3)
    data = _data(rng, B=9)
    V, W = _weights(rng, data.d)
    agg = nm.os_loss_and_grad(data, V, W, k=3)
    chunked = nm.os_loss_and_grad(data, V, W, k=3, batch_size=2)
    per = nm.os_loss_and_grad(data, V, W, k=3, per_prompt=True)
    for a, b, c in zip(agg, chunked, per, strict=True):
        assert_close(a, b, rtol=1e-12, atol=1e-14)
        assert_close(a, np.mean(c, axis=0), rtol=1e-12, atol=1e-14)


def test_structured_sft_equals_reference_sft():
    rng = np.random.default_rng(4)
    data = _data(rng)
    V, W = _weights(rng, data.d)
    for k in (0, 2):
        a = nm.sft_loss_and_grad_structured(data, V, W, eta=0.3, k=k)
        b = nm.sft_loss_and_grad(data, V, W, eta=0.3, k=k)
        for x, y in zip(a, b, strict=True):
            assert_close(x, y, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("method", ["OS", "SFT"])
def test_sparse_kernels_are_the_pattern_blocks_of_the_full_gradient(method):
    rng = np.random.default_rng(5)
    data = _data(rng, d=4, B=6)
    d = data.d
    Vt = rng.standard_normal((d, d)) * 0.4
    Wt = np.eye(d) + 0.2 * rng.standard_normal((d, d))
    V, W = nm.sparse_weights(Vt, Wt)
    b = nm.block_slices(d)
    if method == "OS":
        a = nm.os_recursion_loss_and_grad(data, Vt, Wt, k=3)
        f = nm.os_loss_and_grad(data, V, W, k=3)
    else:
        a = nm.sft_recursion_loss_and_grad(data, Vt, Wt, eta=0.3, k=3)
        f = nm.sft_loss_and_grad(data, V, W, eta=0.3, k=3)
    assert a[0] == pytest.approx(f[0], rel=1e-12)
    assert_close(a[1], f[1][b.w, b.x], rtol=1e-10, atol=1e-12)
    assert_close(a[2], f[2][b.x, b.w], rtol=1e-10, atol=1e-12)


def test_one_step_test_errors_equal_twice_the_k1_os_loss():
    rng = np.random.default_rng(6)
    data = _data(rng)
    V, W = _weights(rng, data.d)
    per = nm.os_loss_and_grad(data, V, W, k=1, per_prompt=True)[0]
    assert_close(nm.one_step_test_errors(data, V, W), 2 * per, rtol=1e-12)


def _quadratic(A):
    def lg(theta):
        return 0.5 * theta @ A @ theta, A @ theta

    return lg


def test_curvature_tools_on_a_known_quadratic():
    rng = np.random.default_rng(7)
    Q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    lam = np.array([4.0, 2.0, 1.0, 0.5, 0.1])
    A = (Q * lam) @ Q.T
    lg = _quadratic(A)
    theta = rng.standard_normal(5)
    v = rng.standard_normal(5)
    assert_close(
        nm.hessian_vector_product(lambda t: lg(t)[1], theta, v), A @ v, rtol=1e-8
    )
    assert_close(nm.hessian_matrix(lambda t: lg(t)[1], theta), A, atol=1e-8)
    top, _, _ = nm.top_hessian_eigenvalue(lambda t: lg(t)[1], theta, rng, rtol=1e-10)
    assert top == pytest.approx(4.0, rel=1e-6)
    # GD on a quadratic diverges exactly for γ > 2/λ_max; over 50 steps a step a little above
    # 2/λ can still end below L0 (the other directions decay), hence the tolerance
    st = nm.largest_stable_step(lg, theta, steps=50, start=0.1, rel_tol=0.01)
    assert st.stable <= st.unstable <= st.stable * 1.011
    assert st.estimate == pytest.approx(0.5, rel=0.03)
    res = nm.damped_newton(lg, theta, max_iter=20)
    assert res[2] < 1e-8


def test_post_train_many_is_post_train_model_by_model():
    rng = np.random.default_rng(8)
    d, n = 3, 9
    datas = [_data(rng, d=d, n=n, B=10) for _ in range(3)]
    V0, W0 = nm.sparse_weights(-0.5 * np.eye(d))
    for method in ("SFT", "OS"):
        for sparse in (False, True):
            kw = dict(method=method, k=2, eta=0.3, sparse=sparse, epochs=3, batch_size=4, lr=1e-2)
            V, W = nm.post_train_many(
                np.stack([x.S for x in datas]),
                np.stack([x.w_star for x in datas]),
                n,
                V0,
                W0,
                rngs=[np.random.default_rng(r) for r in range(3)],
                **kw,
            )
            for r, data in enumerate(datas):
                V1, W1 = nm.post_train(data, V0, W0, rng=np.random.default_rng(r), **kw)
                assert_close(V[r], V1, rtol=1e-12, atol=1e-14)
                assert_close(W[r], W1, rtol=1e-12, atol=1e-14)
            if sparse:  # only Ṽ moves
                mask_V, _ = nm.pattern_masks(d)
                assert np.all(V[:, ~mask_V] == V0[~mask_V]) and np.all(W == W0)


def test_single_precision_training_tracks_double_precision():
    rng = np.random.default_rng(11)
    d, n = 4, 12
    data = _data(rng, d=d, n=n, B=16)
    V0, W0 = nm.sparse_weights(-0.5 * np.eye(d))
    kw = dict(method="OS", k=3, epochs=5, batch_size=8, lr=1e-2)
    out = [
        nm.post_train_many(
            data.S[None],
            data.w_star[None],
            n,
            V0,
            W0,
            dtype=dt,
            rngs=[np.random.default_rng(0)],
            **kw,
        )
        for dt in (np.float64, np.float32)
    ]
    assert out[1][0].dtype == np.float64
    assert_close(out[1][0], out[0][0], atol=1e-4)
    assert_close(out[1][1], out[0][1], atol=1e-4)


def test_adam_epochs_and_zero_epochs():
    rng = np.random.default_rng(9)
    A = np.diag([1.0, 3.0])

    def lg(idx, theta):
        return 0.5 * theta @ A @ theta, A @ theta

    res = nm.adam_epochs(
        lg, 10, (np.array([1.0, -1.0]),), epochs=50, batch_size=5, rng=rng, lr=0.05
    )
    assert res.n_steps == 100 and res.losses[-1] < 1e-2 * res.losses[0]
    data = _data(rng)
    V0, W0 = nm.sparse_weights(-0.5 * np.eye(data.d))
    V, W = nm.post_train(data, V0, W0, method="OS", k=2, epochs=0, batch_size=4, rng=rng)
    assert np.array_equal(V, V0) and np.array_equal(W, W0)


BAD = [
    (lambda d: nm.os_loss_and_grad(d, *_weights(np.random.default_rng(0), 3), k=0), "k must be"),
    (
        lambda d: nm.os_loss_and_grad("data", *_weights(np.random.default_rng(0), 3), k=1),
        "data must be a PromptData",
    ),
    (
        lambda d: nm.post_train(
            d,
            *nm.sparse_weights(np.eye(3)),
            method="RL",
            k=1,
            epochs=1,
            batch_size=2,
            rng=np.random.default_rng(0),
        ),
        "method must be",
    ),
    (
        lambda d: nm.post_train_many(
            d.S[None],
            d.w_star[None],
            d.n,
            *nm.sparse_weights(np.eye(3)),
            method="OS",
            k=1,
            epochs=1,
            batch_size=2,
            rngs=[],
        ),
        "one generator per model",
    ),
    (lambda d: nm.largest_stable_step(lambda t: (0.0, t), np.zeros(2), start=0.0), "start must be"),
    (lambda d: nm.os_recursion_loss_and_grad(d, np.eye(2), k=1), "Vt must have shape"),
]


@pytest.mark.parametrize("call, match", BAD, ids=[m for _, m in BAD])
def test_invalid_inputs_raise_one_line(call, match):
    assert_invalid(call, _data(np.random.default_rng(0)), match=match)
