"""numerics._sft: the real SFT loss in the sparse parametrisation, its minimisers and optimisers.

Expected values come from independent routes: finite differences of the loss, the naive
per-prompt forward pass on explicit embeddings, and plain gradient descent run to convergence.
"""

import numpy as np
import pytest
from helpers import assert_close, assert_invalid

import numerics

D_, N_, ETA = 3, 5, 0.3


def _data(B, seed=0, d=D_, n=N_, rank=None):
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((d, d if rank is None else rank))
    return numerics.make_sft_data(G @ G.T / d + (0 if rank else 0.2) * np.eye(d), n, B, rng)


def _naive_loss(X, w, Vt, Wt, eta, k):
    """(1/2B) Σ_τ Σ_i ‖f(Z_i)[:, -1] − (0, 0, w_{i+1}, 1)‖² by the full forward pass of every
    prompt on its explicit embedding (teacher-forced iterates as columns)."""
    B, n, d = X.shape
    V, W = numerics.sparse_weights(Vt, Wt)
    its = numerics.sft_iterates(w, eta, k)
    total = 0.0
    for t in range(B):
        for i in range(k + 1):
            Z = numerics.embed_prompt(X[t], X[t] @ w[t], its[t, : i + 1])
            out = numerics.lsa_forward(Z, V, W, n)[:, -1]
            target = np.zeros(2 * d + 2)
            target[d + 1 : 2 * d + 1] = its[t, i + 1]
            target[-1] = 1.0
            total += 0.5 * np.sum((out - target) ** 2)
    return total / B


def test_statistics_are_columns_of_w_and_Sw():
    data = _data(4)
    Om, Ph = numerics.sft_statistics(data)
    assert Om.shape == Ph.shape == (D_, 4)
    for t in range(4):
        assert_close(Om[:, t], data.w_star[t])
        assert_close(Ph[:, t], data.S[t] @ data.w_star[t])


def test_sparse_loss_equals_naive_forward_pass_and_gradients_equal_finite_differences():
    rng = np.random.default_rng(1)
    B, k = 3, 2
    X = rng.standard_normal((B, N_, D_))
    w = rng.standard_normal((B, D_))
    data = numerics.PromptData.from_features(X, w)
    Vt, Wt = rng.standard_normal((D_, D_)) / 2, np.eye(D_) + rng.standard_normal((D_, D_)) / 4
    L, gV, gW = numerics.sparse_sft_loss_and_grad(data, Vt, Wt, eta=ETA, k=k)
    assert pytest.approx(_naive_loss(X, w, Vt, Wt, ETA, k), rel=1e-12) == L
    h = 1e-6
    for M, g, which in ((Vt, gV, 0), (Wt, gW, 1)):
        fd = np.zeros_like(M)
        for i in range(D_):
            for j in range(D_):
                E = np.zeros_like(M)
                E[i, j] = h
                args_p = (Vt + E, Wt) if which == 0 else (Vt, Wt + E)
                args_m = (Vt - E, Wt) if which == 0 else (Vt, Wt - E)
                fd[i, j] = (
                    numerics.sparse_sft_loss_and_grad(data, *args_p, eta=ETA, k=k)[0]
                    - numerics.sparse_sft_loss_and_grad(data, *args_m, eta=ETA, k=k)[0]
                ) / (2 * h)
        assert_close(g, fd, rtol=1e-6, atol=1e-8)


def test_minimiser_below_d_is_stationary_and_moves_only_within_range_phi():
    """B < d: many minimisers; the one returned is stationary and differs from V0 only by rows
    in range(Φ) (the nearest one)."""
    data = _data(2)
    V0 = -0.5 * np.eye(D_)
    Vm = numerics.nearest_sft_minimiser(data, V0, eta=ETA, k=1)
    g = numerics.sparse_sft_loss_and_grad(data, Vm, None, eta=ETA, k=1)[1]
    assert np.max(np.abs(g)) < 1e-10
    _, Ph = numerics.sft_statistics(data)
    P = Ph @ np.linalg.pinv(Ph)
    assert_close((Vm - V0) @ (np.eye(D_) - P), 0, atol=1e-10)


def test_minimiser_is_the_limit_of_gradient_descent():
    data = _data(40, seed=4)
    V0 = -0.5 * np.eye(D_)
    Vm = numerics.nearest_sft_minimiser(data, V0, eta=ETA, k=1)
    _, Ph = numerics.sft_statistics(data)
    lmax = np.linalg.eigvalsh(Ph @ Ph.T)[-1]
    c1 = 1 + (1 - ETA) ** 2
    traj = numerics.sft_gd_trajectory(data, V0, eta=ETA, k=1, step=40 / (c1 * lmax), steps=300)
    assert_close(traj[-1], Vm, atol=1e-10)


def test_gd_trajectory_is_plain_gradient_descent_and_iterations_count_it():
    data = _data(6)
    V0 = -0.3 * np.eye(D_)
    traj = numerics.sft_gd_trajectory(data, V0, eta=ETA, k=2, step=0.05, steps=5)
    V = V0.copy()
    for t in range(1, 6):
        V = V - 0.05 * numerics.sparse_sft_loss_and_grad(data, V, None, eta=ETA, k=2)[1]
        assert_close(traj[t], V, rtol=1e-12, atol=1e-14)
    target = numerics.nearest_sft_minimiser(data, V0, eta=ETA, k=2)
    N = numerics.sft_gd_iterations(data, V0, target, eta=ETA, k=2, step=0.05, tol=1e-3)
    long = numerics.sft_gd_trajectory(data, V0, eta=ETA, k=2, step=0.05, steps=N)
    e = np.linalg.norm(long - target, axis=(1, 2))
    assert e[N] <= 1e-3 * e[0] < e[N - 1]
    # a diverging step never reaches the accuracy
    assert numerics.sft_gd_iterations(data, V0, target, eta=ETA, k=2, step=50.0, max_steps=30) == 31


def test_newton_minimise_rosenbrock_and_stops():
    def rosen(x):
        f = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        g = np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])
        return f, g

    res = numerics.newton_minimise(rosen, [-1.2, 1.0], max_iter=200, gtol=1e-10)
    assert res.converged
    assert_close(res.x, [1, 1], atol=1e-6)
    res = numerics.newton_minimise(rosen, [-1.2, 1.0], ftol=1e-3)
    assert res.value <= 1e-3 and res.converged
    assert numerics.newton_minimise(rosen, [-1.2, 1.0], max_iter=0).iterations == 0


def test_ridge_path_with_k0_leaves_W_at_identity_and_tends_to_the_nearest_minimiser():
    """With k = 0 the loss does not involve W̃: the ridge keeps W̃ = I, and Ṽ tends to the
    minimiser of the loss nearest Ṽ0 linearly in λ."""
    data = _data(2)
    V0 = -0.4 * np.eye(D_)
    lams = [1e-2, 1e-4, 1e-6, 1e-8]
    path = numerics.ridge_path(data, V0, lams, eta=ETA, k=0)
    target = numerics.nearest_sft_minimiser(data, V0, eta=ETA, k=0)
    dist = [np.linalg.norm(v - target) for v, _, _ in path]
    for _, w, res in path:
        assert_close(w, np.eye(D_), atol=1e-9)
        assert res.grad_norm < 1e-9
    assert dist[3] < 0.02 * dist[2] < 0.02 * 0.02 * dist[1]


def test_minimise_loss_reaches_zero_loss_when_B_below_d():
    data = _data(2)
    rng = np.random.default_rng(3)
    v, w, res = numerics.minimise_sft_loss(
        data, (rng.standard_normal((D_, D_)), np.eye(D_)), eta=ETA, k=1
    )
    assert res.value < 1e-24
    assert numerics.sparse_sft_loss_and_grad(data, v, w, eta=ETA, k=1)[0] < 1e-24


BAD = [
    (numerics.sft_statistics, dict(data=np.zeros((2, 2))), "PromptData"),
    (
        numerics.sparse_sft_loss_and_grad,
        dict(data=_data(2), V_tilde=np.zeros((2, 2)), eta=ETA, k=1),
        "V_tilde",
    ),
    (
        numerics.sft_gd_trajectory,
        dict(data=_data(2), V_tilde0=np.zeros((D_, D_)), eta=ETA, k=1, step=0.0, steps=3),
        "step",
    ),
    (
        numerics.sft_gd_iterations,
        dict(
            data=_data(2),
            V_tilde0=np.zeros((D_, D_)),
            target=np.eye(D_),
            eta=ETA,
            k=1,
            step=0.1,
            max_steps=0,
        ),
        "max_steps",
    ),
    (
        numerics.ridge_path,
        dict(data=_data(2), V_tilde0=np.zeros((D_, D_)), lambdas=[-1.0], eta=ETA, k=1),
        "lambda",
    ),
    (
        numerics.nearest_sft_minimiser,
        dict(data=_data(2), V_tilde0=np.zeros((D_, D_)), eta=1.5, k=1),
        "eta",
    ),
    (
        numerics.newton_minimise,
        dict(fun_grad=lambda x: (0.0, x), x0=[1.0], max_iter=-1),
        "max_iter",
    ),
]


@pytest.mark.parametrize("fn, kwargs, match", BAD, ids=[f"{b[0].__name__}-{b[2]}" for b in BAD])
def test_invalid_input_raises_one_line(fn, kwargs, match):
    assert_invalid(fn, match=match, **kwargs)
