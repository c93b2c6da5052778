r"""Every training loop of the simulation: gradient descent over a tuple of arrays (fixed step
or Armijo) and Adam, both stopping by the same rules; Adam over minibatch epochs
(:func:`adam_epochs`); fixed-step GD on a flat vector that reports divergence
(:func:`gd_fixed_step`) and the largest stable step it admits (:func:`largest_stable_step`).

``loss_and_grad(*params) -> (loss, *grads)`` — e.g.
``functools.partial(numerics.sft_loss_and_grad, data, eta=0.2, k=3)`` with
``params = (V, W)``. A ``mask`` (one boolean array per parameter, True = trainable; e.g.
:func:`numerics.pattern_masks`) zeroes the gradient of frozen entries, so they never move;
convergence is judged on the masked gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import InvalidArgument, as_float_array, check_float, check_int, check_rng

LossAndGrad = Callable[..., tuple]
Callback = Callable[[int, tuple, float], object]


@dataclass(frozen=True)
class GDResult:
    """Result of an optimiser run.

    Attributes:
        params: final parameters (the last iterate with a finite loss).
        loss_history: (n_steps + 1,) loss at every accepted iterate, starting with the initial one.
        grad_norm_history: (n_steps + 1,) global 2-norm of the masked gradient at those iterates.
        step_history: (n_steps,) step sizes taken (the Armijo step, or the fixed/learning rate).
        n_steps: number of accepted updates.
        converged: True iff the final masked gradient norm is ``<= grad_tol``.
        message: why the run stopped.
    """

    params: tuple
    loss_history: np.ndarray
    grad_norm_history: np.ndarray
    step_history: np.ndarray
    n_steps: int
    converged: bool
    message: str


def _prepare(params: Sequence[ArrayLike], mask) -> tuple[tuple, tuple]:
    if isinstance(params, np.ndarray) or not isinstance(params, tuple | list):
        raise InvalidArgument(
            f"params must be a tuple of arrays, e.g. (V, W), got {type(params).__name__}"
        )
    if len(params) == 0:
        raise InvalidArgument("params must contain at least one array, got an empty tuple")
    ps = []
    for i, p in enumerate(params):
        a = np.array(p, dtype=np.float64)  # copy: the caller's arrays are never modified
        if not np.all(np.isfinite(a)):
            raise InvalidArgument(f"params[{i}] must be finite, got a NaN or inf entry")
        ps.append(a)
    if mask is None:
        return tuple(ps), tuple(None for _ in ps)
    if not isinstance(mask, tuple | list) or len(mask) != len(ps):
        raise InvalidArgument(
            f"mask must be None or a tuple of {len(ps)} boolean arrays (one per parameter), "
            f"got {type(mask).__name__} of length {len(mask) if hasattr(mask, '__len__') else '?'}"
        )
    ms = []
    for i, (m, p) in enumerate(zip(mask, ps, strict=True)):
        if m is None:
            ms.append(None)
            continue
        m = np.asarray(m)
        if m.dtype != bool or m.shape != p.shape:
            raise InvalidArgument(
                f"mask[{i}] must be a boolean array of shape {p.shape}, "
                f"got {m.dtype} array of shape {m.shape}"
            )
        ms.append(m)
    return tuple(ps), tuple(ms)


def _evaluate(loss_and_grad: LossAndGrad, params: tuple, masks: tuple):
    out = loss_and_grad(*params)
    if not isinstance(out, tuple) or len(out) != len(params) + 1:
        raise InvalidArgument(
            f"loss_and_grad(*params) must return (loss, *grads) with {len(params)} gradients, "
            f"got {type(out).__name__} of length {len(out) if isinstance(out, tuple) else '?'}"
        )
    loss = float(out[0])
    grads = []
    for i, (g, p, m) in enumerate(zip(out[1:], params, masks, strict=True)):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != p.shape:
            raise InvalidArgument(f"gradient {i} has shape {g.shape}, expected {p.shape}")
        grads.append(g if m is None else np.where(m, g, 0.0))
    return loss, tuple(grads)


def _norm(grads: tuple) -> float:
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads)))


def _finite(loss: float, grads: tuple) -> bool:
    return bool(np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads))


# Overflow to inf/NaN is detected and reported as divergence (``message``), so the optimisers
# run under errstate(over/invalid="ignore") instead of letting those warnings escape.
@np.errstate(over="ignore", invalid="ignore")
def gradient_descent(
    loss_and_grad: LossAndGrad,
    params: Sequence[ArrayLike],
    *,
    step: float | str,
    max_steps: int,
    grad_tol: float = 0.0,
    mask: Sequence[np.ndarray | None] | None = None,
    callback: Callback | None = None,
    armijo_init: float = 1.0,
    armijo_shrink: float = 0.5,
    armijo_c: float = 1e-4,
    max_backtracks: int = 60,
) -> GDResult:
    r"""Gradient descent :math:`\theta_{t+1} = \theta_t - \gamma_t\, M \odot \nabla L(\theta_t)`.

    M is the 0/1 mask (all ones if ``mask`` is None). ``step`` is a fixed
    :math:`\gamma > 0`, or ``"armijo"``: backtracking from
    :math:`\gamma = \min(\text{armijo\_init}, 2\gamma_{t-1})`, multiplying by
    ``armijo_shrink`` until :math:`L(\theta - \gamma g) \le L(\theta) - c\,\gamma\|g\|^2`
    (:math:`c` = ``armijo_c``, g the masked gradient).

    Stops when :math:`\|g\| \le` ``grad_tol`` (converged), after ``max_steps`` updates, when
    ``callback(t, params, loss)`` returns True (t = number of updates so far), when the
    loss becomes non-finite (the last finite iterate is returned; overflow warnings are
    silenced while the optimiser runs, divergence is reported in ``message``), or when the
    line search fails.

    Returns:
        :class:`GDResult`.
    """
    armijo = isinstance(step, str)
    if armijo:
        if step != "armijo":
            raise InvalidArgument(f"step must be a positive number or 'armijo', got step={step!r}")
        armijo_init = check_float("armijo_init", armijo_init, lo=0.0, lo_open=True)
        armijo_shrink = check_float(
            "armijo_shrink", armijo_shrink, lo=0.0, hi=1.0, lo_open=True, hi_open=True
        )
        armijo_c = check_float("armijo_c", armijo_c, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
        max_backtracks = check_int("max_backtracks", max_backtracks, min_value=1)
        gamma = armijo_init
    else:
        gamma = check_float("step", step, lo=0.0, lo_open=True)
    max_steps = check_int("max_steps", max_steps, min_value=0)
    grad_tol = check_float("grad_tol", grad_tol, lo=0.0)
    params, masks = _prepare(params, mask)

    def update(t, params, loss, grads, gnorm):
        nonlocal gamma
        if armijo:
            g_try = min(armijo_init, 2.0 * gamma)
            for _ in range(max_backtracks):
                new = tuple(p - g_try * g for p, g in zip(params, grads, strict=True))
                new_loss, new_grads = _evaluate(loss_and_grad, new, masks)
                if _finite(new_loss, new_grads) and new_loss <= loss - armijo_c * g_try * gnorm**2:
                    break
                g_try *= armijo_shrink
            else:
                return f"Armijo line search failed after {max_backtracks} halvings at step {t - 1}"
            gamma = g_try
        else:
            new = tuple(p - gamma * g for p, g in zip(params, grads, strict=True))
            new_loss, new_grads = _evaluate(loss_and_grad, new, masks)
            if not _finite(new_loss, new_grads):
                return f"diverged: non-finite loss at step {t} (step={gamma:g} too large?)"
        return new, new_loss, new_grads, gamma

    return _descend(loss_and_grad, params, masks, max_steps, grad_tol, callback, update)


def _descend(
    loss_and_grad: LossAndGrad,
    params: tuple,
    masks: tuple,
    max_steps: int,
    grad_tol: float,
    callback: Callback | None,
    update: Callable[..., tuple | str],
) -> GDResult:
    """The loop of :func:`gradient_descent` and :func:`adam`: ``update(t, params, loss, grads,
    gnorm)`` proposes update t (1-based) as ``(params, loss, grads, step)``, or returns the
    message why it stops; stopping rules as in :func:`gradient_descent`."""
    loss, grads = _evaluate(loss_and_grad, params, masks)
    if not _finite(loss, grads):
        raise InvalidArgument("the loss or gradient is not finite at the initial params")
    gnorm = _norm(grads)
    losses, gnorms, steps = [loss], [gnorm], []
    message = f"reached max_steps={max_steps}"
    for t in range(1, max_steps + 1):
        if gnorm <= grad_tol:
            message = f"gradient norm {gnorm:.3g} <= grad_tol={grad_tol:g}"
            break
        proposed = update(t, params, loss, grads, gnorm)
        if isinstance(proposed, str):
            message = proposed
            break
        params, loss, grads, step = proposed
        gnorm = _norm(grads)
        losses.append(loss)
        gnorms.append(gnorm)
        steps.append(step)
        if callback is not None and callback(t, params, loss) is True:
            message = f"stopped by callback at step {t}"
            break
    else:
        if gnorm <= grad_tol:
            message = f"gradient norm {gnorm:.3g} <= grad_tol={grad_tol:g}"
    return GDResult(
        params=params,
        loss_history=np.array(losses),
        grad_norm_history=np.array(gnorms),
        step_history=np.array(steps),
        n_steps=len(steps),
        converged=gnorm <= grad_tol,
        message=message,
    )


def adam_step(
    params: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    m1: list[np.ndarray],
    m2: list[np.ndarray],
    t: int,
    *,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> list[np.ndarray]:
    r"""Step ``t`` (from 1) of Adam: updates the moments ``m1``, ``m2`` in place,
    :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2)
    g_t^2`, and returns :math:`\theta_t = \theta_{t-1} - \alpha\, (m_t/(1-\beta_1^t)) /
    (\sqrt{v_t/(1-\beta_2^t)} + \epsilon)` per parameter array (dtype kept)."""
    c1, c2 = 1.0 - beta1**t, 1.0 - beta2**t
    new = []
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        m1[i] *= beta1
        m1[i] += (1.0 - beta1) * g
        m2[i] *= beta2
        m2[i] += (1.0 - beta2) * g * g
        new.append(p - lr * (m1[i] / c1) / (np.sqrt(m2[i] / c2) + eps))
    return new


@np.errstate(over="ignore", invalid="ignore")
def adam(
    loss_and_grad: LossAndGrad,
    params: Sequence[ArrayLike],
    *,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    max_steps: int,
    grad_tol: float = 0.0,
    mask: Sequence[np.ndarray | None] | None = None,
    callback: Callback | None = None,
) -> GDResult:
    r"""Adam (Kingma & Ba 2015), per parameter array, on the masked gradient :math:`g_t`:

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        \hat m_t = \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t},

        \theta_t = \theta_{t-1} - \alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon),

    with :math:`\alpha` = ``lr``, :math:`\beta_1` = ``beta1``, :math:`\beta_2` = ``beta2``,
    :math:`\epsilon` = ``eps`` (added outside the square root, as in the paper and in
    PyTorch/optax; frozen entries have g = 0, hence m = v = 0 and no update).
    Stopping rules as in :func:`gradient_descent`.

    Returns:
        :class:`GDResult` (``step_history`` holds ``lr`` for every step).
    """
    lr = check_float("lr", lr, lo=0.0, lo_open=True)
    beta1 = check_float("beta1", beta1, lo=0.0, hi=1.0, hi_open=True)
    beta2 = check_float("beta2", beta2, lo=0.0, hi=1.0, hi_open=True)
    eps = check_float("eps", eps, lo=0.0, lo_open=True)
    max_steps = check_int("max_steps", max_steps, min_value=0)
    grad_tol = check_float("grad_tol", grad_tol, lo=0.0)
    params, masks = _prepare(params, mask)

    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]

    def update(t, params, _loss, grads, _gnorm):
        new = tuple(adam_step(params, grads, m, v, t, lr=lr, beta1=beta1, beta2=beta2, eps=eps))
        new_loss, new_grads = _evaluate(loss_and_grad, new, masks)
        if not _finite(new_loss, new_grads):
            return f"diverged: non-finite loss at step {t} (lr={lr:g} too large?)"
        return new, new_loss, new_grads, lr

    return _descend(loss_and_grad, params, masks, max_steps, grad_tol, callback, update)


@dataclass(frozen=True)
class TrainResult:
    """Result of :func:`adam_epochs` / :func:`gd_fixed_step`.

    Attributes:
        params: final parameters (the last finite iterate).
        losses: loss at every recorded point (per epoch for Adam — the mean minibatch loss —,
            per step for GD, starting with the initial loss).
        n_steps: parameter updates made.
        diverged: True if a non-finite loss or gradient stopped the run.
    """

    params: tuple
    losses: np.ndarray
    n_steps: int
    diverged: bool


LossAndGradIdx = Callable[..., tuple]


@np.errstate(over="ignore", invalid="ignore")
def adam_epochs(
    loss_and_grad: LossAndGradIdx,
    n_items: int,
    params: Sequence[ArrayLike],
    *,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    mask: Sequence[np.ndarray | None] | None = None,
) -> TrainResult:
    r"""Adam (the update of :func:`numerics.adam`) over minibatch epochs: each epoch shuffles
    the ``n_items`` training prompts with ``rng`` and takes one step per minibatch of
    ``batch_size`` (the last one may be smaller), so an epoch is
    :math:`\lceil n_{items}/\text{batch\_size}\rceil` steps.

    ``loss_and_grad(idx, *params) -> (loss, *grads)`` evaluates the minibatch ``idx``
    (an integer index array). Frozen entries (``mask`` False) get zero gradient.
    """
    n_items = check_int("n_items", n_items, min_value=1)
    epochs = check_int("epochs", epochs, min_value=0)
    batch_size = check_int("batch_size", batch_size, min_value=1)
    lr = check_float("lr", lr, lo=0.0, lo_open=True)
    check_rng(rng)
    ps = [np.array(p, dtype=np.float64) for p in params]
    ms = [None] * len(ps) if mask is None else [None if m is None else np.asarray(m) for m in mask]
    m1 = [np.zeros_like(p) for p in ps]
    m2 = [np.zeros_like(p) for p in ps]
    t = 0
    losses = []
    diverged = False
    for _ in range(epochs):
        perm = rng.permutation(n_items)
        ep = []
        for start in range(0, n_items, batch_size):
            out = loss_and_grad(perm[start : start + batch_size], *ps)
            loss, grads = float(out[0]), out[1:]
            if not np.isfinite(loss) or not all(np.all(np.isfinite(g)) for g in grads):
                diverged = True
                break
            ep.append(loss)
            t += 1
            grads = [
                g if mk is None else np.where(mk, g, 0.0) for g, mk in zip(grads, ms, strict=True)
            ]
            ps = adam_step(ps, grads, m1, m2, t, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
        if diverged:
            break
        losses.append(float(np.mean(ep)))
    return TrainResult(tuple(ps), np.array(losses), t, diverged)


@np.errstate(over="ignore", invalid="ignore")
def gd_fixed_step(
    loss_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta: ArrayLike,
    *,
    step: float,
    steps: int,
    blowup: float = 1e6,
) -> TrainResult:
    r"""Gradient descent :math:`\theta_{t+1} = \theta_t - \gamma\nabla L(\theta_t)` on a flat
    parameter vector for ``steps`` updates; stops (``diverged``) when the loss is non-finite or
    exceeds ``blowup`` times the initial loss."""
    theta = as_float_array("theta", theta, (None,), ("p",)).copy()
    step = check_float("step", step, lo=0.0, lo_open=True)
    steps = check_int("steps", steps, min_value=0)
    loss, g = loss_and_grad(theta)
    losses = [float(loss)]
    for t in range(steps):
        theta = theta - step * g
        loss, g = loss_and_grad(theta)
        if not np.isfinite(loss) or not np.all(np.isfinite(g)) or loss > blowup * losses[0]:
            return TrainResult((theta,), np.array([*losses, np.inf]), t + 1, True)
        losses.append(float(loss))
    return TrainResult((theta,), np.array(losses), steps, False)


@dataclass(frozen=True)
class StableStep:
    """Bracket of the largest stable GD step: ``stable`` is the largest step found stable,
    ``unstable`` the smallest found unstable; ``estimate`` their geometric mean."""

    stable: float
    unstable: float
    estimate: float
    evaluations: int


def largest_stable_step(
    loss_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta: ArrayLike,
    *,
    steps: int = 50,
    start: float = 1.0,
    rel_tol: float = 0.05,
    max_evals: int = 80,
) -> StableStep:
    r"""The largest fixed GD step γ for which ``steps`` updates from θ stay stable, by bracketing
    and bisection on :math:`\log\gamma` until ``unstable/stable <= 1 + rel_tol``.

    Stable means: every loss finite, none above :math:`10^6 L_0`, and the final loss
    :math:`L_T \le L_0` (for a quadratic this is :math:`\gamma < 2/\lambda_{\max}`).

    Paper: the step-size scale C/(k² ρ^{2k−2}) of §6 (Insight 4, (6.1)).
    """
    theta = as_float_array("theta", theta, (None,), ("p",))
    steps = check_int("steps", steps, min_value=1)
    start = check_float("start", start, lo=0.0, lo_open=True)

    def stable(gamma: float) -> bool:
        res = gd_fixed_step(loss_and_grad, theta, step=gamma, steps=steps)
        return (not res.diverged) and res.losses[-1] <= res.losses[0]

    evals = 1
    g = start
    if stable(g):
        lo = g
        hi = g * 4
        while stable(hi):
            evals += 1
            lo, hi = hi, hi * 4
            if evals > max_evals:
                return StableStep(lo, np.inf, lo, evals)
        evals += 1
    else:
        hi = g
        lo = g / 4
        while not stable(lo):
            evals += 1
            hi, lo = lo, lo / 4
            if evals > max_evals:
                return StableStep(0.0, hi, hi, evals)
        evals += 1
    while hi / lo > 1 + rel_tol and evals < max_evals:
        mid = float(np.sqrt(lo * hi))
        evals += 1
        if stable(mid):
            lo = mid
        else:
            hi = mid
    return StableStep(lo, hi, float(np.sqrt(lo * hi)), evals)
