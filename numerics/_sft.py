r"""SFT post-training of the real LSA in the sparse parametrisation (paper §4): the loss and its
gradients at :math:`(\tilde V, \tilde W)`, gradient-descent trajectories, the exact minimiser of
the real loss nearest a starting point, ridge paths and a small damped-Newton optimiser.

Everything here goes through :func:`numerics.sft_loss_and_grad` — real teacher-forced
embeddings, the real forward pass over all :math:`D = 2d + 2` rows — with the sparse weights
:math:`V_{31} = \tilde V`, :math:`W_{13} = \tilde W`, :math:`W_{24} = -1`
(:func:`numerics.sparse_weights`); the gradients w.r.t. :math:`\tilde V` and
:math:`\tilde W` are the corresponding blocks of the full gradients. No closed form of the
paper is used.

Data shorthand (paper §2): :math:`\Omega = [w^*_1 \dots w^*_B]` and
:math:`\Phi = [S_1 w^*_1 \dots S_B w^*_B]`, both ``(d, B)`` (:func:`sft_statistics`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._embedding import block_slices, sparse_weights
from ._gradients import PromptData, sft_loss_and_grad
from ._optimise import NewtonResult, newton_minimise
from ._training import GDResult, gradient_descent
from ._validation import InvalidArgument, as_float_array, check_float, check_int

__all__ = [
    "minimise_sft_loss",
    "nearest_sft_minimiser",
    "ridge_path",
    "sft_gd_iterations",
    "sft_gd_trajectory",
    "sft_statistics",
    "sparse_sft_loss_and_grad",
]


def _check_data(data: object) -> PromptData:
    if not isinstance(data, PromptData):
        raise InvalidArgument(f"data must be a PromptData, got data={type(data).__name__}")
    return data


def _square(name: str, M: ArrayLike, d: int) -> np.ndarray:
    return as_float_array(name, M, (d, d), ("d", "d"))


def sft_statistics(data: PromptData) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`(\Omega, \Phi)`: the task vectors :math:`w^*_\tau` and the vectors
    :math:`S_\tau w^*_\tau` as columns, each ``(d, B)``.

    Paper: Ω, Φ of PAPER.md §2, as in Theorem 4.1, (4.1) and Theorem 4.2.
    """
    data = _check_data(data)
    Phi = np.einsum("bij,bj->ib", data.S, data.w_star)
    return data.w_star.T.copy(), Phi


def sparse_sft_loss_and_grad(
    data: PromptData,
    V_tilde: ArrayLike,
    W_tilde: ArrayLike | None = None,
    *,
    eta: float,
    k: int,
    w24: float = -1.0,
) -> tuple[float, np.ndarray, np.ndarray]:
    r"""The real SFT loss at the sparse point and its gradients w.r.t. the two blocks.

    :math:`L = \frac1{2B}\sum_\tau\sum_{i=0}^{k}\|f(Z_{i,\tau})[:, -1] - (0, 0, w_{i+1,\tau},
    1)\|^2` (:func:`numerics.sft_loss_and_grad` with :math:`V, W` from
    :func:`numerics.sparse_weights`); returns ``(L, dL/dV[w, x], dL/dW[x, w])``, the second
    and third ``(d, d)``. The same loss written through the recursion (A.1) in d×d work is
    :func:`numerics.sft_recursion_loss_and_grad` (faster; used by the post-training runs).

    Paper: L_SFT of PAPER.md §2 on the sparse pattern (3.8) (W̃ = I: Theorem 4.2).
    """
    data = _check_data(data)
    d = data.d
    V_tilde = _square("V_tilde", V_tilde, d)
    W_tilde = np.eye(d) if W_tilde is None else _square("W_tilde", W_tilde, d)
    V, W = sparse_weights(V_tilde, W_tilde, w24)
    loss, dV, dW = sft_loss_and_grad(data, V, W, eta=eta, k=k)
    b = block_slices(d)
    return float(loss), dV[b.w, b.x].copy(), dW[b.x, b.w].copy()


def sft_gd_trajectory(
    data: PromptData,
    V_tilde0: ArrayLike,
    *,
    eta: float,
    k: int,
    step: float,
    steps: int,
) -> np.ndarray:
    r"""Gradient descent :math:`\tilde V_{t+1} = \tilde V_t - \gamma\,\nabla_{\tilde V} L` on
    the real SFT loss over :math:`\tilde V` only (:math:`\tilde W = I`, :math:`W_{24} = -1`
    frozen by a mask on the full matrices), fixed step :math:`\gamma` = ``step``.

    Returns the iterates :math:`\tilde V_0, \dots, \tilde V_T`, ``(T + 1, d, d)``; a run that
    overflows stops early and the remaining rows are ``inf``.

    Paper: the gradient descent of Theorem 4.2.
    """
    data = _check_data(data)
    d = data.d
    V_tilde0 = _square("V_tilde0", V_tilde0, d)
    step = check_float("step", step, lo=0.0, lo_open=True)
    steps = check_int("steps", steps, min_value=0)
    out = np.full((steps + 1, d, d), np.inf)
    out[0] = V_tilde0

    def record(t, Vt):
        out[t] = Vt

    _vtilde_gd(data, V_tilde0, eta=eta, k=k, step=step, max_steps=steps, callback=record)
    return out


def _vtilde_gd(
    data: PromptData,
    V_tilde0: np.ndarray,
    *,
    eta: float,
    k: int,
    step: float,
    max_steps: int,
    callback: Callable[[int, np.ndarray], bool | None],
) -> GDResult:
    """:func:`gradient_descent` on the real SFT loss with every entry but the Ṽ block frozen
    (W̃ = I, W24 = −1); ``callback(t, Ṽ_t)`` after every step (a true return stops the run)."""
    d = data.d
    V0, W0 = sparse_weights(V_tilde0, np.eye(d))
    b = block_slices(d)
    mask_V = np.zeros_like(V0, dtype=bool)
    mask_V[b.w, b.x] = True

    def lg(V, W):
        return sft_loss_and_grad(data, V, W, eta=eta, k=k)

    return gradient_descent(
        lg,
        (V0, W0),
        step=step,
        max_steps=max_steps,
        mask=(mask_V, np.zeros_like(mask_V)),
        callback=lambda t, params, _loss: callback(t, params[0][b.w, b.x]),
    )


def nearest_sft_minimiser(
    data: PromptData, V_tilde0: ArrayLike, *, eta: float, k: int, check_structure: bool = True
) -> np.ndarray:
    r"""The minimiser of the real SFT loss (paper §2, :math:`L_{SFT}`) over :math:`\tilde V`
    (:math:`\tilde W = I`) nearest ``V_tilde0`` in Frobenius norm, found from the real gradient
    alone — the simulation's witness of the zero-loss point of Theorem 4.1, (4.1); compare
    :func:`theorem_4_1_minimiser`, which evaluates the paper's closed form instead.

    With :math:`\tilde W = I` the w-rows of every supervised output column are
    :math:`\tilde V u + c` with u, c independent of :math:`\tilde V` (the only block of V is
    :math:`V_{31}`), so the loss is quadratic and its Hessian acts as
    :math:`E \mapsto E K`. K is read off the real gradient with one probe,
    :math:`K = \nabla L(\tilde V_0 + I) - \nabla L(\tilde V_0)`; with ``check_structure`` a
    random probe confirms :math:`\nabla L(\tilde V_0 + E) - \nabla L(\tilde V_0) = E K`.
    The minimiser nearest the start is one Newton step with the pseudo-inverse,
    :math:`\tilde V = \tilde V_0 - \nabla L(\tilde V_0) K^{+}` (exact for a quadratic;
    singular values of K below ``1e-10 · max`` count as zero).

    Returns ``(d, d)``.
    """
    data = _check_data(data)
    d = data.d
    V_tilde0 = _square("V_tilde0", V_tilde0, d)

    def grad(Vt):
        return sparse_sft_loss_and_grad(data, Vt, None, eta=eta, k=k)[1]

    g0 = grad(V_tilde0)
    K = grad(V_tilde0 + np.eye(d)) - g0
    K = 0.5 * (K + K.T)
    if check_structure:
        E = np.random.default_rng(12345).standard_normal((d, d))
        lhs = grad(V_tilde0 + E) - g0
        scale = max(float(np.max(np.abs(lhs))), 1e-300)
        if np.max(np.abs(lhs - E @ K)) > 1e-8 * scale:
            raise RuntimeError("the real SFT gradient is not of the form E K (structure check)")
    return V_tilde0 - g0 @ np.linalg.pinv(K, rcond=1e-10, hermitian=True)


def ridge_path(
    data: PromptData,
    V_tilde0: ArrayLike,
    lambdas: Sequence[float],
    *,
    eta: float,
    k: int,
    start: tuple[ArrayLike, ArrayLike] | None = None,
    max_iter: int = 100,
    gtol: float | None = None,
) -> list[tuple[np.ndarray, np.ndarray, NewtonResult]]:
    r"""Minimisers of :math:`L(\tilde V, \tilde W) + \lambda(\|\tilde V - \tilde V_0\|_F^2 +
    \|\tilde W - I\|_F^2)` (L the real SFT loss, both blocks trained) for each λ of
    ``lambdas`` in turn, each run warm-started at the previous minimiser (the first at
    ``start``, default :math:`(\tilde V_0, I)`), by :func:`newton_minimise` (to a gradient
    norm of ``gtol``; default :math:`\min(10^{-11}, 10^{-6}\lambda)`, since the penalty's pull
    along the set of minimisers of L is only of order λ).

    Returns ``[(V_tilde, W_tilde, NewtonResult), ...]`` in the order of ``lambdas``.

    Paper: Theorem 4.1, (4.1): the penalised minimiser as λ → 0+.
    """
    data = _check_data(data)
    d = data.d
    V_tilde0 = _square("V_tilde0", V_tilde0, d)
    I = np.eye(d)
    if start is None:
        x = np.concatenate([V_tilde0.ravel(), I.ravel()])
    else:
        x = np.concatenate(
            [_square("start V", start[0], d).ravel(), _square("start W", start[1], d).ravel()]
        )
    out = []
    for lam in lambdas:
        lam = check_float("lambda", lam, lo=0.0, lo_open=True)

        def fg(z, lam=lam):
            Vt, Wt = z[: d * d].reshape(d, d), z[d * d :].reshape(d, d)
            L, gV, gW = sparse_sft_loss_and_grad(data, Vt, Wt, eta=eta, k=k)
            DV, DW = Vt - V_tilde0, Wt - I
            f = L + lam * (float(np.sum(DV * DV)) + float(np.sum(DW * DW)))
            return f, np.concatenate([(gV + 2 * lam * DV).ravel(), (gW + 2 * lam * DW).ravel()])

        # the penalty's pull along the zero-loss set is O(λ): resolve it (default 1e-6·λ)
        tol = min(1e-11, 1e-6 * lam) if gtol is None else gtol
        res = newton_minimise(fg, x, max_iter=max_iter, gtol=tol)
        x = res.x
        out.append((x[: d * d].reshape(d, d).copy(), x[d * d :].reshape(d, d).copy(), res))
    return out


def minimise_sft_loss(
    data: PromptData,
    start: tuple[ArrayLike, ArrayLike],
    *,
    eta: float,
    k: int,
    max_iter: int = 300,
    ftol: float = 1e-28,
) -> tuple[np.ndarray, np.ndarray, NewtonResult]:
    r"""Minimise the real SFT loss :math:`L(\tilde V, \tilde W)` (no penalty) from ``start``
    = ``(V_tilde, W_tilde)`` by :func:`newton_minimise`; stops at :math:`L \le` ``ftol``
    (a zero-loss point) or at a stationary point. Returns ``(V_tilde, W_tilde, result)``.

    Paper: the zero-loss points of Theorem 4.1, (4.1).
    """
    data = _check_data(data)
    d = data.d
    x0 = np.concatenate(
        [_square("start V", start[0], d).ravel(), _square("start W", start[1], d).ravel()]
    )

    def fg(z):
        L, gV, gW = sparse_sft_loss_and_grad(
            data, z[: d * d].reshape(d, d), z[d * d :].reshape(d, d), eta=eta, k=k
        )
        return L, np.concatenate([gV.ravel(), gW.ravel()])

    res = newton_minimise(fg, x0, max_iter=max_iter, gtol=0.0, ftol=ftol)
    x = res.x
    return x[: d * d].reshape(d, d).copy(), x[d * d :].reshape(d, d).copy(), res


def sft_gd_iterations(
    data: PromptData,
    V_tilde0: ArrayLike,
    target: ArrayLike,
    *,
    eta: float,
    k: int,
    step: float,
    tol: float = 1e-6,
    max_steps: int = 5000,
) -> int:
    r"""Number of fixed-step gradient-descent iterations on the real SFT loss over
    :math:`\tilde V` (:math:`\tilde W = I`; as :func:`sft_gd_trajectory`) until
    :math:`\|\tilde V_t - \text{target}\|_F \le` ``tol`` :math:`\cdot\|\tilde V_0 -
    \text{target}\|_F`; ``max_steps + 1`` if that never happens (e.g. divergence).

    Paper: the gradient-descent rate of Theorem 4.2 (and Remark 4.1's k-dependence).
    """
    data = _check_data(data)
    d = data.d
    V_tilde0 = _square("V_tilde0", V_tilde0, d)
    target = _square("target", target, d)
    step = check_float("step", step, lo=0.0, lo_open=True)
    max_steps = check_int("max_steps", max_steps, min_value=1)
    e0 = float(np.linalg.norm(V_tilde0 - target))
    if e0 == 0.0:
        return 0

    def done(_t, Vt):
        return bool(np.linalg.norm(Vt - target) <= tol * e0)

    res = _vtilde_gd(data, V_tilde0, eta=eta, k=k, step=step, max_steps=max_steps, callback=done)
    return res.n_steps if res.message.startswith("stopped by callback") else max_steps + 1
