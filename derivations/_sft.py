r"""SFT post-training (paper §4), derived from the forward pass.

* **The residual of one supervised column.** Teacher forcing puts the true iterates
  :math:`w_j = (1 - \rho^j) w^*` (:math:`\rho = 1 - \eta`) into the embedding; the target of
  the last column at step i is :math:`(0, 0, w_{i+1}, 1)`. The block forward pass
  (:mod:`derivations._lsa`, earlier iterate columns included) gives the residual of every row
  block as a polynomial in :math:`u = \rho^i`: :func:`sft_step_residual`. Its coefficients
  are the zero-loss conditions (:func:`sft_zero_loss_conditions`).
* **The loss with** :math:`\tilde W = I`. Summing :math:`\frac12\|r_i\|^2` over
  :math:`i = 0..k` gives a per-prompt loss whose coefficients are the power sums
  :math:`\sum_i \rho^{ji}`; :func:`fold_prompts` rewrites the per-prompt sum
  :math:`\frac1B\sum_\tau \ell(S_\tau, w^*_\tau)` in terms of the data matrices
  :math:`\Omega = [w^*_\tau]`, :math:`\Phi = [S_\tau w^*_\tau]` (``Omega``, ``Phi``, ``d × B``):
  :math:`\sum_\tau x_\tau^\top K y_\tau = \operatorname{tr}(X^\top K Y)` for columns
  :math:`x_\tau, y_\tau \in \{w^*_\tau, S_\tau w^*_\tau\}`.
* **Index level**: the same loss for explicit d, B, k with generic symbolic prompts, from the
  explicit ``(2d+2)``-row forward pass (:func:`sft_loss_explicit`).
* **Minimum distance** (Theorem 4.1): the Lagrange system of
  :math:`\min \|\tilde V - \tilde V_0\|_F^2` subject to the derived zero-loss conditions,
  solved by sympy for explicit d, B with generic symbolic data (:func:`min_distance_explicit`).
* **Population moments** (Proposition 4.3): :math:`E[\Omega\Phi^\top]/B = E[w w^\top S]` and
  :math:`E[\Phi\Phi^\top]/B = E[S w w^\top S]` by the Wick engine
  (:func:`population_moments`).
* **Nearest stationary points** (Theorem 4.1's (4.1), Proposition 4.3's limit): the zero of an
  affine gradient :math:`C + \tilde V K` nearest a starting point :math:`V_0`,
  :math:`V_0 - (C + V_0 K) K^{+}` (:func:`nearest_stationary_point`), for the folded gradient
  (:func:`sft_nearest_point`) and the population gradient (:func:`population_nearest_point`);
  the claim passes :math:`V_0 = -\Gamma_0^{-1}`, so the printed Γ0 stays with the claim.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from derivations._cache import disk_cache
from derivations._isserlis import generic_matrix, generic_vector
from derivations._letters import LETTERS, Bsym, d, eta, n
from derivations._letters import letter_poly as _L
from derivations._lsa import (
    embedding,
    explicit_gram,
    explicit_sparse_weights,
    gram_to_covariance,
    last_column,
    sparse_weights,
)
from derivations._pinv import PseudoInverse
from derivations._tracepoly import Letter, TracePoly
from derivations._training import linear_part
from derivations._wick import Gaussian, expect

__all__ = [
    "fold_prompts",
    "min_distance_explicit",
    "nearest_stationary_point",
    "population_gradient",
    "population_moments",
    "population_nearest_point",
    "rho",
    "sft_gradient_folded",
    "sft_loss_explicit",
    "sft_loss_folded",
    "sft_loss_per_prompt",
    "sft_nearest_point",
    "sft_step_residual",
    "sft_zero_loss_conditions",
    "u",
]

#: :math:`u = \rho^i`, the power of the contraction factor at CoT step i.
u = sp.Symbol("u", positive=True)
#: :math:`\rho = \rho_c = 1 - \eta`.
rho = 1 - eta


def _map_coefficients(poly: TracePoly, fn) -> TracePoly:
    out = TracePoly(poly.shape)
    for (word, traces), coef in poly.terms.items():
        out._add_term(word, traces, fn(sp.sympify(coef)))
    return out


def coefficient_in(poly: TracePoly, sym: sp.Symbol, power: int) -> TracePoly:
    """The coefficient of ``sym**power`` in every scalar coefficient of ``poly``."""
    return _map_coefficients(poly, lambda c: sp.Poly(sp.expand(c), sym).coeff_monomial(sym**power))


@disk_cache
def sft_step_residual() -> tuple[TracePoly, TracePoly, TracePoly, TracePoly]:
    r"""Residual blocks (x, y, w, const) of :math:`f(Z_i)[:, -1] - (0, 0, w_{i+1}, 1)` for the
    sparse weights (3.8) with general :math:`\tilde V, \tilde W`, teacher-forced current
    iterate :math:`w_i = (1 - u) w^*` and target :math:`w_{i+1} = (1 - \rho u) w^*`
    (:math:`u = \rho^i`); the ``p`` earlier iterate columns are kept symbolic (``Wp``)."""
    V, W = sparse_weights(_L("Vt"), _L("Wt"))
    current = _L("w").scale(1 - u)
    Z, z = embedding(current)
    col = last_column(V, W, Z, z)
    targets = [None, None, _L("w").scale(1 - rho * u), TracePoly.scalar(1)]
    out = []
    for r, tgt in enumerate(targets):
        block = gram_to_covariance(col.block(r, 0))
        out.append((block - tgt if tgt is not None else block).simplified())
    return tuple(out)


@disk_cache
def sft_zero_loss_conditions() -> dict[str, TracePoly]:
    r"""The w-block residual is :math:`r(u) = a + u\,b` (affine in :math:`u = \rho^i`); returns
    ``{"a": a, "b": b, "r0": a + b, "a_at_identity": a with W̃ = I, "b_at_identity": ...}``.

    Zero loss for :math:`k \ge 1` needs :math:`r(1) = r(\rho) = 0`, i.e. ``a = b = 0``; for
    :math:`k = 0` only :math:`r(1) = a + b = 0`. Every zero-loss point satisfies ``r0 = 0``.

    Paper: the zero-loss points of Theorem 4.1, (4.1).
    """
    _, _, rw, _ = sft_step_residual()
    a = coefficient_in(rw, u, 0).simplified()
    b = coefficient_in(rw, u, 1).simplified()
    higher = (rw - a - b.scale(u)).simplified()
    if higher.terms:
        raise ValueError(f"the residual is not affine in u: {higher}")
    ident = TracePoly.identity(d)
    return {
        "a": a,
        "b": b,
        "r0": (a + b).simplified(),
        "a_at_identity": a.subs_letter("Wt", ident).simplified(),
        "b_at_identity": b.subs_letter("Wt", ident).simplified(),
    }


def sft_loss_per_prompt(k: int) -> TracePoly:
    r"""One prompt's SFT loss :math:`\ell = \frac12\sum_{i=0}^{k}\|r(\rho^i)\|^2` with
    :math:`\tilde W = I`, expanded as
    :math:`\frac12[(k+1)\|a\|^2 + 2(\sum_i\rho^i)\,a^\top b + (\sum_i\rho^{2i})\|b\|^2]`
    (power sums summed explicitly for the integer ``k``)."""
    cond = sft_zero_loss_conditions()
    a, b = cond["a_at_identity"], cond["b_at_identity"]
    s1 = sum(rho**i for i in range(k + 1))
    s2 = sum(rho ** (2 * i) for i in range(k + 1))
    out = (a.T @ a).scale(sp.Rational(k + 1, 2)) + (a.T @ b).scale(s1) + (b.T @ b).scale(s2 / 2)
    return out.simplified()


def _fold_word(word: tuple[Letter, ...], w: Letter, S: Letter, Phi: Letter, Om: Letter):
    """Replace ``S w`` → Φ, ``wᵀ S`` → Φᵀ, then ``w`` → Ω, ``wᵀ`` → Ωᵀ; None if a letter S or
    w is left that cannot be folded."""
    out: list[Letter] = []
    i = 0
    letters = list(word)
    while i < len(letters):
        x = letters[i]
        nxt = letters[i + 1] if i + 1 < len(letters) else None
        if x.name == w.name and x.transposed and nxt is not None and nxt.name == S.name:
            out.append(Phi.T)
            i += 2
        elif x.name == S.name and nxt is not None and nxt.name == w.name and not nxt.transposed:
            out.append(Phi)
            i += 2
        elif x.name == w.name:
            out.append(Om.T if x.transposed else Om)
            i += 1
        elif x.name == S.name:
            return None
        else:
            out.append(x)
            i += 1
    return tuple(out)


def fold_prompts(poly: TracePoly) -> TracePoly:
    r""":math:`\sum_{\tau=1}^{B} \ell(S_\tau, w^*_\tau)` as a polynomial in Φ and Ω.

    Valid term by term when the term is a single trace :math:`x^\top K y` with
    :math:`x, y \in \{w^*, S w^*\}` (scalar ``poly``), or an open word :math:`K y`
    (``d × 1`` ``poly``: the τ-th column of the result is the τ-th prompt's vector). Raises
    ``ValueError`` otherwise.

    Paper: Φ, Ω of PAPER.md §2, in which Theorem 4.2 writes L_SFT.
    """
    w, S = LETTERS["w"], LETTERS["S"]
    Phi, Om = LETTERS["Phi"], LETTERS["Omega"]
    scalar = poly.is_scalar_shape
    out = TracePoly((1, 1) if scalar else (poly.shape[0], Bsym))
    for (word, traces), coef in poly.terms.items():
        if scalar:
            if word or len(traces) != 1:
                raise ValueError(f"term {traces} is not a single trace: cannot fold over prompts")
            cyc = traces[0]
            starts = [j for j, x in enumerate(cyc) if x.name == w.name and x.transposed]
            if len(starts) != 1 or sum(x.name == w.name for x in cyc) != 2:
                raise ValueError(f"trace {cyc} is not of the form xᵀ K y in w*: cannot fold")
            j = starts[0]
            folded = _fold_word(cyc[j:] + cyc[:j], w, S, Phi, Om)
            if folded is None:
                raise ValueError(f"trace {cyc} has an S not next to w*: cannot fold")
            out._add_term((), [folded], coef)
        else:
            if traces or not word or word[-1].name != w.name or word[-1].transposed:
                raise ValueError(f"term {word} {traces} is not of the form K w*: cannot fold")
            if sum(x.name == w.name for x in word) != 1:
                raise ValueError(f"term {word} has several w*: cannot fold")
            folded = _fold_word(word, w, S, Phi, Om)
            if folded is None:
                raise ValueError(f"word {word} has an S not next to w*: cannot fold")
            out._add_term(folded, (), coef)
    return out


def sft_loss_folded(k: int) -> TracePoly:
    r""":math:`L_{SFT} = \frac1B\sum_\tau \ell_\tau` (:math:`\tilde W = I`) in Φ, Ω, any d and B.

    Paper: L_SFT = (c_k / 2B) ‖Ṽ Φ + η Ω‖_F² of Theorem 4.2.
    """
    return fold_prompts(sft_loss_per_prompt(k)).scale(1 / Bsym).simplified()


def sft_gradient_folded(k: int) -> TracePoly:
    r""":math:`\partial L_{SFT} / \partial \tilde V` of :func:`sft_loss_folded`.

    Paper: the gradient (c_k/B)(Ṽ Φ + η Ω) Φᵀ of Theorem 4.2.
    """
    return sft_loss_folded(k).grad(LETTERS["Vt"]).simplified()


@disk_cache
def sft_loss_explicit(dd: int, B: int, k: int, *, general_W: bool = False):
    r"""Index level: :math:`\frac1{2B}\sum_\tau\sum_{i=0}^{k}\|f(Z_{i,\tau})[:, -1] -
    (0, 0, w_{i+1,\tau}, 1)\|^2` over all ``2d+2`` rows, from the explicit forward pass on the
    Gram matrix of the real embedding (data blocks from generic symmetric :math:`S_\tau` and
    generic :math:`w^*_\tau`; iterate columns :math:`w_0..w_i`), :math:`\rho = 1 - \eta`
    symbolic. ``general_W``: generic :math:`\tilde W` instead of I.

    Returns ``(loss, {"Vt": ..., "Wt": ..., "Phi": ..., "Omega": ...})``.

    Paper: L_SFT of PAPER.md §2 (its W̃ = I form is Theorem 4.2).
    """
    Vt = generic_matrix("Vt", dd)
    Wt = generic_matrix("Wt", dd) if general_W else sp.eye(dd)
    V, W = explicit_sparse_weights(Vt, Wt)
    total = sp.Integer(0)
    phis, omegas = [], []
    for tau in range(B):
        S = generic_matrix(f"S{tau + 1}_", dd, symmetric=True)
        w = generic_vector(f"w{tau + 1}_", dd)
        phis.append(S * w)
        omegas.append(w)
        its = [(1 - rho**j) * w for j in range(k + 2)]

        def unit(v):
            return sp.Matrix.vstack(sp.zeros(dd + 1, 1), v, sp.ones(1, 1))

        for i in range(k + 1):
            G = explicit_gram(S, w, n, its[: i + 1])
            z = unit(its[i])
            r = z + V * G * W * z / n - unit(its[i + 1])
            total += (r.T * r)[0, 0] / 2
    subs = {
        "Vt": Vt,
        "Wt": Wt,
        "Phi": sp.Matrix.hstack(*phis),
        "Omega": sp.Matrix.hstack(*omegas),
    }
    return sp.expand(total / B), subs


@disk_cache
def min_distance_explicit(dd: int, B: int):
    r"""Index level: :math:`\min \|\tilde V - \tilde V_0\|_F^2` subject to the derived
    condition that every zero-loss point satisfies (``r0`` of :func:`sft_zero_loss_conditions`
    folded over B prompts, :math:`r_0(\tilde V) = 0`), for generic symbolic Φ, Ω (``dd × B``)
    and :math:`\tilde V_0 = -K` with K a generic matrix (K stands for :math:`\Gamma_0^{-1}`).

    Lagrange: :math:`\tilde V - \tilde V_0 = \sum \Lambda_{ij}\,\partial r_{0,ij}/\partial
    \tilde V` and :math:`r_0 = 0`, solved by ``sympy.solve``. Returns ``(solution or None,
    {"Phi", "Omega", "Kinv", "Vt"})`` — None when the conditions have no solution (B > d).

    Paper: Theorem 4.1, (4.1) says this point is Ṽ* = −η Ω Φ^† − Γ0^{-1}(I − Φ Φ^†).
    """
    r0 = fold_prompts(sft_zero_loss_conditions()["r0"])
    Phi = generic_matrix("Phi", dd, B)
    Om = generic_matrix("Om", dd, B)
    K = generic_matrix("K", dd)
    Vt = generic_matrix("Vt", dd)
    values = {"Phi": Phi, "Omega": Om, "Vt": Vt}
    R = r0.evaluate(values, {d: dd, Bsym: B})
    lam = generic_matrix("lam", dd, B)
    V0 = -K
    objective = sum((Vt[i, j] - V0[i, j]) ** 2 for i in range(dd) for j in range(dd)) / 2
    lagr = objective + sum(lam[i, j] * R[i, j] for i in range(dd) for j in range(B))
    unknowns = [*list(Vt), *list(lam)]
    eqs = [sp.diff(lagr, v) for v in Vt] + list(R)
    sol = sp.solve(eqs, unknowns, dict=True)
    subs = {"Phi": Phi, "Omega": Om, "Kinv": K, "Vt": Vt, "constraints": R}
    if not sol:
        return None, subs
    if len(sol) != 1:
        raise ValueError(f"the minimum-distance problem has {len(sol)} solutions at d={dd}")
    return Vt.subs(sol[0]).applyfunc(sp.cancel), subs


@disk_cache
def population_moments() -> tuple[TracePoly, TracePoly]:
    r"""``(E[w w^T S], E[S w w^T S])`` for :math:`w \sim N(0, I)` independent of S, the
    empirical covariance of n draws of :math:`N(0, C)`; C stands for the post-training
    covariance A. Since the B prompts are i.i.d., these are
    :math:`E[\Omega\Phi^\top]/B` and :math:`E[\Phi\Phi^\top]/B`.

    Paper: Proposition 4.3, (4.2) (B → ∞), with E[S w wᵀ S] from Lemma A.2.
    """
    w, S = _L("w"), _L("S")
    gs = [Gaussian(LETTERS["S"], "outer", LETTERS["C"], n), Gaussian(LETTERS["w"], "vector")]
    m1 = expect(w @ w.T @ S, gs).simplified()
    m2 = expect(S @ w @ w.T @ S, gs).simplified()
    return m1, m2


@disk_cache
def population_gradient(k: int) -> TracePoly:
    r""":math:`E[\partial \ell / \partial \tilde V]` (:math:`\tilde W = I`) for one prompt with
    :math:`x \sim N(0, C)`, :math:`w^* \sim N(0, I)`: the gradient of the population SFT loss,
    an affine function :math:`C_\infty + \tilde V K_\infty` of :math:`\tilde V`.

    Paper: Proposition 4.3, (4.2) (the B → ∞ limit of the gradient of Theorem 4.2).
    """
    g = sft_loss_per_prompt(k).grad(LETTERS["Vt"])
    gs = [Gaussian(LETTERS["S"], "outer", LETTERS["C"], n), Gaussian(LETTERS["w"], "vector")]
    return expect(g, gs).simplified()


def nearest_stationary_point(C: sp.MatrixExpr, K: sp.MatrixExpr, V0: sp.MatrixExpr) -> sp.Expr:
    r"""The zero of an affine gradient :math:`g(\tilde V) = C + \tilde V K` (K symmetric PSD)
    nearest :math:`V_0` in Frobenius norm: :math:`V_0 - (C + V_0 K) K^{+}` (the minimum-norm
    correction; exact when :math:`C K^{+} K = C`, i.e. when a zero exists).

    Paper: the form of Theorem 4.1's (4.1) (:func:`sft_nearest_point`) and of Proposition
    4.3's limit (:func:`population_nearest_point`)."""
    return V0 - (C + V0 * K) * PseudoInverse(K)


def sft_nearest_point(V0: sp.MatrixExpr) -> sp.Expr:
    r"""The zero of the derived folded SFT gradient (:func:`sft_gradient_folded` at k = 0,
    :math:`\tilde W = I`) nearest :math:`V_0`: with the gradient
    :math:`C + \tilde V K = \frac{c_k}{B}(\eta\,\Omega\Phi^\top + \tilde V \Phi\Phi^\top)`,
    :math:`V_0 - (C + V_0 K) K^{+}` (:func:`nearest_stationary_point`); the factor c_k/B
    cancels, so k = 0 suffices. The claim passes the pretrained :math:`V_0 = -\Gamma_0^{-1}`.

    Paper: Theorem 4.1, (4.1) :math:`\tilde V^* = -\eta\,\Omega\Phi^{+} - \Gamma_0^{-1}(I -
    \Phi\Phi^{+})`."""
    C, K = linear_part(sft_gradient_folded(0))
    return nearest_stationary_point(C.to_sympy(), K.to_sympy(), V0)


def population_nearest_point(
    V0: sp.MatrixExpr, symbols: Mapping[str, sp.MatrixExpr] | None = None, k: int = 1
) -> sp.Expr:
    r"""The population limit :math:`\tilde V_\infty` of the SFT minimiser nearest :math:`V_0`:
    the population gradient :math:`E[\nabla_{\tilde V}\ell] = C_\infty + \tilde V K_\infty`
    (:func:`population_gradient`, derived from the forward pass by the Wick engine) and its
    zero :math:`V_0 - (C_\infty + V_0 K_\infty) K_\infty^{+}` nearest :math:`V_0`
    (:func:`nearest_stationary_point`). The letters become sympy symbols through ``symbols``
    (the claim maps the covariance letter ``"C"`` to A and passes
    :math:`V_0 = -\Gamma_0^{-1}`). (At finite B the same construction on the folded gradient
    gives the minimiser nearest :math:`V_0`; the pseudo-inverse is continuous where the rank is
    constant, and :math:`\operatorname{rank}\Phi\Phi^\top = \operatorname{rank} A` once
    :math:`B \ge \operatorname{rank} A`.) The coefficient :math:`c_k` cancels, so any k gives
    the same limit.

    Paper: Proposition 4.3, (4.2) (B → ∞)."""
    C, K = linear_part(population_gradient(k))
    Cs = C.simplified().to_sympy(symbols)
    Ks = K.simplified().to_sympy(symbols)
    return nearest_stationary_point(Cs, Ks, V0)
