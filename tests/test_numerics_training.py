"""Optimisers on problems with known minimisers (quadratics), masks, Armijo, Adam's update."""

import functools

import numpy as np
import pytest
from helpers import assert_close

import numerics as nm


def _quadratic(seed=12345, cond=50.0):
    """f(x, y) = 1/2 [x; y]^T H [x; y] - b^T [x; y] with x (2, 2), y (3,); minimiser H^{-1} b."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((7, 7)))
    H = Q @ np.diag(np.geomspace(1.0, cond, 7)) @ Q.T
    b = rng.standard_normal(7)

    def loss_and_grad(x, y):
        v = np.concatenate([x.ravel(), y])
        g = H @ v - b
        return 0.5 * v @ H @ v - b @ v, g[:4].reshape(2, 2), g[4:]

    return loss_and_grad, H, b


def test_gradient_descent_fixed_step_converges_to_minimiser():
    f, H, b = _quadratic()
    res = nm.gradient_descent(
        f, (np.zeros((2, 2)), np.zeros(3)), step=1.0 / 50.0, max_steps=5000, grad_tol=1e-10
    )
    assert res.converged and res.n_steps < 5000
    v = np.concatenate([res.params[0].ravel(), res.params[1]])
    assert_close(v, np.linalg.solve(H, b), atol=1e-9)
    assert res.loss_history.shape == (res.n_steps + 1,)
    assert np.all(np.diff(res.loss_history) <= 1e-15)  # monotone for step <= 1/L


def test_gradient_descent_armijo_from_a_too_large_initial_step():
    f, H, b = _quadratic()
    res = nm.gradient_descent(
        f,
        (np.zeros((2, 2)), np.zeros(3)),
        step="armijo",
        armijo_init=10.0,
        max_steps=5000,
        grad_tol=1e-6,  # Armijo cannot certify decrease once t*|g|^2 is below eps*|loss|
    )
    assert res.converged
    assert np.all(np.diff(res.loss_history) < 0)
    assert np.max(res.step_history) <= 10.0
    v = np.concatenate([res.params[0].ravel(), res.params[1]])
    assert_close(v, np.linalg.solve(H, b), atol=1e-6)


def test_gradient_descent_reports_divergence():
    f, _, _ = _quadratic()
    res = nm.gradient_descent(f, (np.ones((2, 2)), np.ones(3)), step=1.0, max_steps=10_000)
    assert not res.converged and "diverged" in res.message
    assert np.isfinite(res.loss_history).all()


def test_mask_freezes_entries_and_callback_stops():
    f, _, _ = _quadratic()
    x0, y0 = np.full((2, 2), 0.3), np.full(3, -0.2)
    mask = (np.array([[True, False], [False, True]]), None)
    seen = []

    def cb(t, params, loss):
        seen.append(t)
        return t == 7

    res = nm.gradient_descent(f, (x0, y0), step=0.01, max_steps=100, mask=mask, callback=cb)
    assert res.n_steps == 7 and seen == list(range(1, 8)) and "callback" in res.message
    assert res.params[0][0, 1] == 0.3 and res.params[0][1, 0] == 0.3
    assert res.params[0][0, 0] != 0.3
    assert np.all(x0 == 0.3)  # the caller's arrays are not modified


def test_adam_first_step_and_convergence():
    f, H, b = _quadratic(cond=5.0)
    x0, y0 = np.zeros((2, 2)), np.zeros(3)
    one = nm.adam(f, (x0, y0), lr=1e-3, max_steps=1)
    # First Adam step: m_hat = g, v_hat = g^2, so each entry moves by lr * |g|/(|g| + eps).
    _, gx, gy = f(x0, y0)
    assert_close(one.params[0], -1e-3 * gx / (np.abs(gx) + 1e-8), rtol=1e-12)
    assert_close(one.params[1], -1e-3 * gy / (np.abs(gy) + 1e-8), rtol=1e-12)
    res = nm.adam(f, (x0, y0), lr=0.02, max_steps=4000)
    v = np.concatenate([res.params[0].ravel(), res.params[1]])
    assert_close(v, np.linalg.solve(H, b), atol=1e-4)


@pytest.mark.parametrize("optimiser", ["gd", "adam"])
def test_training_the_lsa_with_the_pattern_mask(optimiser):
    # Integration: full (V, W) parameterisation, updates restricted to the sparse pattern.
    rng = np.random.default_rng(12345)
    d, n = 2, 8
    data = nm.make_sft_data(np.eye(d), n, 50, rng)
    V0, W0 = nm.sparse_weights(-0.5 * np.eye(d))
    mV, mW = nm.pattern_masks(d)
    f = functools.partial(nm.sft_loss_and_grad, data, eta=0.5, k=2)
    if optimiser == "gd":
        res = nm.gradient_descent(f, (V0, W0), step="armijo", max_steps=50, mask=(mV, mW))
    else:
        res = nm.adam(f, (V0, W0), lr=1e-2, max_steps=50, mask=(mV, mW))
    V, W = res.params
    assert np.all(V[~mV] == 0) and np.all(W[~mW] == 0)
    # B = 50 > d: no zero-loss point exists; the loss must still go down and the gradient
    # shrink markedly.
    assert res.loss_history[-1] < res.loss_history[0]
    assert res.grad_norm_history[-1] < 0.2 * res.grad_norm_history[0]
