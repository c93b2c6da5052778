"""Optimisers and root finders: golden-section minimisation and bisection in one variable,
Hessians by differences of an exact gradient (a Hessian-vector product, a dense Hessian) and two
damped Newton methods for a few variables (:func:`damped_newton`, central-difference Hessian,
used to polish gradient-descent endpoints; :func:`newton_minimise`, forward-difference Hessian
with an eigenvalue floor, used for the real SFT loss)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_float_array, check_int

__all__ = [
    "NewtonResult",
    "bisect_root",
    "damped_newton",
    "golden_section_min",
    "hessian_matrix",
    "hessian_vector_product",
    "newton_minimise",
]


def golden_section_min(
    f: Callable[[float], float], lo: float, hi: float, iters: int = 60
) -> tuple[float, float]:
    r"""Golden-section search of a unimodal ``f`` on ``[lo, hi]``: ``(x, f(x))`` at the better
    of the two interior points after ``iters`` steps, each shrinking the bracket by
    :math:`g = (\sqrt5 - 1)/2`: :math:`c = b - g(b - a)`, :math:`e = a + g(b - a)`, keep
    :math:`[a, e]` if :math:`f(c) \le f(e)` else :math:`[c, b]` (used for the one-parameter
    optimum searches of §5.1)."""
    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, e = b - g * (b - a), a + g * (b - a)
    fc, fe = f(c), f(e)
    for _ in range(iters):
        if fc <= fe:
            b, e, fe = e, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, e, fe
            e = a + g * (b - a)
            fe = f(e)
    return (c, fc) if fc <= fe else (e, fe)


def bisect_root(f: Callable[[Any], Any], lo: Any, hi: Any, *, iters: int = 120) -> Any:
    """A root of f in [lo, hi] by bisection (f(lo), f(hi) of opposite signs; mpmath numbers).
    Robust where Newton-type solvers stall (flat tails of the q and v equations)."""
    flo = f(lo)
    for _ in range(iters):
        mid = (lo + hi) / 2
        fm = f(mid)
        if fm == 0:
            return mid
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


def hessian_matrix(grad: GradFn, theta: ArrayLike, *, rel_eps: float = 1e-5) -> np.ndarray:
    r"""Dense Hessian assembled from p :func:`hessian_vector_product`\ s with the unit vectors
    (central differences of the gradient), symmetrised: :math:`(H + H^\top)/2`. For small p."""
    theta = as_float_array("theta", theta, (None,), ("p",))
    p = theta.size
    H = np.empty((p, p))
    for i in range(p):
        e = np.zeros(p)
        e[i] = 1.0
        H[:, i] = hessian_vector_product(grad, theta, e, rel_eps=rel_eps)
    return (H + H.T) / 2


def damped_newton(
    loss_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta: ArrayLike,
    *,
    max_iter: int = 50,
    grad_tol: float = 1e-10,
) -> tuple[np.ndarray, float, float, int]:
    r"""Levenberg-damped Newton iterations :math:`\theta \leftarrow \theta - (H + \mu I)^{-1} g`
    (H from :func:`hessian_matrix`, μ raised until the loss decreases, lowered after a
    success), to polish a gradient-descent endpoint into a minimiser. For small p.

    Returns:
        (θ, final loss, final gradient norm, iterations).
    """
    theta = as_float_array("theta", theta, (None,), ("p",)).copy()
    max_iter = check_int("max_iter", max_iter, min_value=0)
    loss, g = loss_and_grad(theta)
    mu = 1e-3
    done = 0
    for _ in range(max_iter):
        if float(np.linalg.norm(g)) <= grad_tol:
            break
        done += 1
        H = hessian_matrix(lambda t: loss_and_grad(t)[1], theta)
        scale = max(1.0, float(np.max(np.abs(np.diag(H)))))
        for _ in range(40):
            try:
                step = np.linalg.solve(H + mu * scale * np.eye(theta.size), g)
            except np.linalg.LinAlgError:
                mu *= 10
                continue
            new = theta - step
            new_loss, new_g = loss_and_grad(new)
            if np.isfinite(new_loss) and new_loss <= loss:
                theta, loss, g = new, new_loss, new_g
                mu = max(mu / 10, 1e-12)
                break
            mu *= 10
        else:
            break
    return theta, float(loss), float(np.linalg.norm(g)), done


@dataclass(frozen=True)
class NewtonResult:
    """Result of :func:`newton_minimise`: the point, its value and gradient norm, iterations."""

    x: np.ndarray
    value: float
    grad_norm: float
    iterations: int
    converged: bool


def _fd_hessian(
    grad: Callable[[np.ndarray], np.ndarray], x: np.ndarray, g: np.ndarray, h: float
) -> np.ndarray:
    """Forward differences of the exact gradient, :math:`H e_j \approx (g(x + h_j e_j) - g(x))
    / h_j` with :math:`h_j = h(1 + |x_j|)`, symmetrised."""
    p = x.size
    H = np.empty((p, p))
    for j in range(p):
        hj = h * (1.0 + abs(x[j]))
        e = np.zeros(p)
        e[j] = hj
        H[:, j] = (grad(x + e) - g) / hj
    return 0.5 * (H + H.T)


@np.errstate(over="ignore", invalid="ignore")
def newton_minimise(
    fun_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: ArrayLike,
    *,
    max_iter: int = 200,
    gtol: float = 1e-12,
    ftol: float = 0.0,
    fd_step: float = 1e-7,
    stall: int = 3,
) -> NewtonResult:
    r"""Levenberg–Marquardt-damped Newton for a smooth function of a few variables.

    Hessian H by forward differences of the exact gradient (symmetrised); step
    :math:`p = -(H + \mu I)^{-1} g` with :math:`\mu \ge \max(0, 10^{-12} s - \lambda_{\min}(H))`
    (:math:`s = \max(1, |\lambda|_{\max})`). A step is accepted when
    :math:`f(x + p) \le f(x) + 10^{-4} g^\top p`; then μ shrinks (÷4), otherwise it grows (×8)
    and the step is recomputed with the same H. Stops when :math:`\|g\| \le` ``gtol`` or
    :math:`f \le` ``ftol`` (converged), when the relative decrease of f stays below
    :math:`10^{-14}` for ``stall`` iterations (round-off floor), when no damping gives a
    decrease, or after ``max_iter`` iterations.
    """
    x = np.array(x0, dtype=np.float64).ravel()
    max_iter = check_int("max_iter", max_iter, min_value=0)
    f, g = fun_grad(x)
    it, flat = 0, 0
    damp = 1e-3
    while it < max_iter:
        if np.linalg.norm(g) <= gtol or f <= ftol or flat >= stall:
            break
        it += 1
        H = _fd_hessian(lambda z: fun_grad(z)[1], x, g, fd_step)
        lam, Q = np.linalg.eigh(H)
        s = max(1.0, float(np.max(np.abs(lam))))
        floor = max(0.0, 1e-12 * s - float(lam[0]))
        gq = Q.T @ g
        for _ in range(40):
            mu = max(floor, damp * s)
            p = -(Q @ (gq / (lam + mu)))
            fn, gn = fun_grad(x + p)
            if np.isfinite(fn) and fn <= f + 1e-4 * float(g @ p):
                damp = max(damp / 4, 1e-16)
                break
            damp *= 8
        else:
            break
        flat = flat + 1 if f - fn <= 1e-14 * abs(f) else 0
        x, f, g = x + p, fn, gn
    gn = float(np.linalg.norm(g))
    return NewtonResult(x, float(f), gn, it, gn <= gtol or f <= ftol)


GradFn = Callable[[np.ndarray], np.ndarray]


def hessian_vector_product(
    grad: GradFn, theta: ArrayLike, vec: ArrayLike, *, rel_eps: float = 1e-5
) -> np.ndarray:
    r"""Hessian–vector product by a central difference of a (hand-written) gradient:
    :math:`H v \approx [\nabla L(\theta + \epsilon v) - \nabla L(\theta - \epsilon v)]/(2\epsilon)`
    with :math:`\epsilon = \text{rel\_eps}\,(1 + \|\theta\|)/\|v\|` (error :math:`O(\epsilon^2)`
    plus round-off :math:`O(\text{ulp}/\epsilon)`).

    Args:
        grad: flat parameter vector -> flat gradient.
        theta, vec: flat vectors of the same length.

    Returns:
        :math:`Hv` (flat).
    """
    theta = as_float_array("theta", theta, (None,), ("p",))
    vec = as_float_array("vec", vec, theta.shape, ("p",))
    nv = float(np.linalg.norm(vec))
    if nv == 0:
        return np.zeros_like(theta)
    eps = rel_eps * (1.0 + float(np.linalg.norm(theta))) / nv
    return (grad(theta + eps * vec) - grad(theta - eps * vec)) / (2 * eps)
