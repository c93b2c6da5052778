r"""The proportional asymptotics of Appendices B–C, DERIVED (sympy) and solved (mpmath).

Regime: :math:`B/d \to \beta`, :math:`m/d \to \mu_1`, :math:`\mu_2 = 1 - \mu_1`,
:math:`d/n \to \gamma`; two blocks with :math:`A = \operatorname{diag}(a_1 I_m, a_2 I_{d-m})`.
With :math:`X = A\Omega/\sqrt d` (Ω standard normal) and :math:`R(z) = (XX^\top + zI)^{-1}`,
the only random-matrix input is the standard deterministic equivalent (Silverstein–Bai;
Couillet–Liao, Thm 2.6) of a sample covariance with population covariance :math:`A^2` and a
diagonal shift :math:`D`:

.. math:: R(z; t) \simeq \bigl(\tfrac{\beta}{1+\delta} A^2 + z I + tD\bigr)^{-1},\qquad
          \delta = \tfrac1d\operatorname{tr}\bigl(A^2\bar R\bigr).

Everything below is derived from it by substitution, implicit differentiation and series in z:

* :func:`projector_limit` (Lemma C.1): :math:`\Pi = I - \lim_{z\to0} zR(z)`; with
  :math:`q := \beta/(z(1+\delta))` the z → 0 limit gives the equation for q and the block
  fractions :math:`w_k`; :func:`beta_of_q` / :func:`beta_w_of_q` solve it for β(q), and
  :func:`in_terms_of_q` eliminates β from an expression on the branch β < 1.
* :func:`cross_trace_limit` (Lemma C.3): :math:`\tfrac1d\operatorname{tr}(D_1RD_2R) =
  -\partial_t \tfrac1d\operatorname{tr}(D_1 R(z;t))|_{t=0}` with :math:`D = D_2`, by implicit
  differentiation of the equation for δ; :math:`v := \beta/(1+\delta) = \beta z\tilde m(-z)`.
* :func:`t12_limit` (Lemma C.2): :math:`\tfrac1d\operatorname{tr}(\Pi_{12}\Pi_{21}) =
  \lim z^2\,\tfrac1d\operatorname{tr}(D_1RD_2R)` (since :math:`D_1D_2 = 0`).
* :func:`pinv_trace_limit` (T_inv, (C.20) and (C.24)): :math:`z\tfrac1d\operatorname{tr}(DR)
  = \tfrac1d\operatorname{tr}(D\Pi_0) + z\,\tfrac1d\operatorname{tr}(D\hat G^\dagger)
  - z^2\tfrac1d\operatorname{tr}(D\hat G^{\dagger2}) + \dots` read off the series of v(z).
* :func:`theorem_b1_terms` (Theorem B.1): with A invertible :math:`\Omega M_0^\dagger =
  A^{-1}\Pi`, so :math:`V_S = -\eta A^{-1}\Pi - \Gamma_0^{-1}(I - \Pi)`; the traces of
  :math:`\|I + V_S\Sigma\|_F^2`, :math:`V_SDV_S^\top` are expanded by noncommutative algebra in
  Π and the block indicators (:math:`\Pi^2 = \Pi`, cyclicity) and reduced to the invariants
  :math:`\tfrac1d\operatorname{tr}\Pi_{kk} = \mu_kw_k`, :math:`T_{12}`.
* :func:`theorem_b1_noise_structure`: how the terms combine in
  :math:`\lim\mathrm{Err}(V_S + V_N)`, by expanding Lemma A.1's error over the noise E of Φ;
  :func:`theorem_b1_branches` gives the terms on both branches (β > 1: :math:`w_k = 1`,
  :math:`T_{12} = 0`) and :func:`theorem_b1_error` the assembled limit.
* :func:`spike_limits` (Fig. 1): :math:`\lim_{q\to\infty}\beta(q)`, where the error spikes.

Numerical side: :func:`solve_q` (mpmath, bracketing; β ≥ 1 → q = ∞), :func:`solve_v`.
"""

from __future__ import annotations

from collections.abc import Mapping

import mpmath
import sympy as sp

from derivations._cache import disk_cache
from numerics import bisect_root

__all__ = [
    "ASYM",
    "beta_of_q",
    "beta_w_of_q",
    "cross_trace_limit",
    "evaluate_asymptotic",
    "in_terms_of_q",
    "pinv_trace_limit",
    "projector_limit",
    "solve_q",
    "solve_v",
    "spike_limits",
    "t12_limit",
    "theorem_b1_branches",
    "theorem_b1_error",
    "theorem_b1_noise_structure",
    "theorem_b1_terms",
]


class _Symbols:
    """The scalars of the proportional regime (one namespace, shared with theory.symbols)."""

    beta = sp.Symbol("beta", positive=True)
    mu1 = sp.Symbol("mu_1", positive=True)
    rho = sp.Symbol("rho", positive=True)
    r = sp.Symbol("r", positive=True)
    eta = sp.Symbol("eta", positive=True)
    gamma = sp.Symbol("gamma", positive=True)
    z = sp.Symbol("z", positive=True)
    q = sp.Symbol("q", positive=True)
    v = sp.Symbol("v", positive=True)
    w1 = sp.Symbol("w_1", nonnegative=True)
    w2 = sp.Symbol("w_2", nonnegative=True)
    T12 = sp.Symbol("T_12", nonnegative=True)
    a1sq = sp.Symbol("a_1^2", positive=True)  # generic a_k² for the lemmas
    a2sq = sp.Symbol("a_2^2", positive=True)

    @property
    def mu2(self):
        return 1 - self.mu1

    @property
    def a1(self):
        return self.eta * (self.rho + 1)

    @property
    def a2(self):
        return self.r


ASYM = _Symbols()
S_ = ASYM


def _mu():
    return (S_.mu1, S_.mu2)


# ------------------------------------------------------------------ Lemma C.1
@disk_cache
def projector_limit() -> tuple[sp.Expr, tuple[sp.Expr, sp.Expr]]:
    r"""``(equation, (w_1, w_2))`` derived from the deterministic equivalent, generic
    :math:`a_k^2`: ``equation`` is an expression in q, β whose zero defines q (β < 1), and
    :math:`w_k = \lim_{z\to0} (1 - z\bar R_{kk})`.

    Paper: Lemma C.1, w_k = a_k² q/(1 + a_k² q).
    """
    z, q, beta = S_.z, S_.q, S_.beta
    asq = (S_.a1sq, S_.a2sq)
    delta = sp.Symbol("delta", positive=True)
    # δ = Σ μ_k a_k² / (β a_k²/(1+δ) + z)   (the deterministic-equivalent equation)
    silver = delta - sum(
        m * a / (beta * a / (1 + delta) + z) for m, a in zip(_mu(), asq, strict=True)
    )
    # change of variables q = β / (z (1 + δ)), i.e. δ = β/(z q) − 1; multiply by z; z → 0
    sub = {delta: beta / (z * q) - 1}
    eq = sp.limit(sp.together(z * silver.subs(sub)), z, 0)
    eq = sp.simplify(eq * q)  # q·zδ → β − Σ …: an equation in q and β only
    w = tuple(
        sp.simplify(1 - sp.limit((z / (beta * a / (1 + delta) + z)).subs(sub), z, 0)) for a in asq
    )
    return eq, w


@disk_cache
def beta_of_q() -> sp.Expr:
    r""":math:`\beta(q)`: the derived Lemma C.1 equation (:func:`projector_limit`) solved for β
    (the first root ``sympy.solve`` gives), generic :math:`a_k^2`.

    Paper: Lemma C.1, :math:`\beta = \sum_k \mu_k a_k^2 q/(1 + a_k^2 q)`.
    """
    eq, _ = projector_limit()
    return sp.solve(eq, S_.beta)[0]


@disk_cache
def beta_w_of_q() -> tuple[sp.Expr, tuple[sp.Expr, sp.Expr]]:
    r""":math:`\beta(q)` (:func:`beta_of_q`) and :math:`w_k(q)` (:func:`projector_limit`) at the
    model's :math:`a_1 = \eta(\rho+1)`, :math:`a_2 = r` (:math:`a_k^2 \to a_k^2`).

    Paper: Lemma C.1, :math:`w_k = a_k^2 q/(1 + a_k^2 q)` and the equation for q.
    """
    _, w_generic = projector_limit()
    a_sq = {S_.a1sq: S_.a1**2, S_.a2sq: S_.a2**2}
    return beta_of_q().subs(a_sq), tuple(w.subs(a_sq) for w in w_generic)


@disk_cache
def in_terms_of_q(expr: sp.Expr, branch: str, with_w: bool) -> sp.Expr:
    r"""An asymptotic expression with β eliminated on the branch β < 1 (``branch="below"``):
    :math:`\beta \to \beta(q)` and, with ``with_w``, first :math:`w_k \to w_k(q)` (both from
    :func:`beta_w_of_q`); on β > 1 (``"above"``) ``expr`` unchanged. Without ``with_w`` the
    :math:`w_k` stay free symbols (a sharper test of the block algebra).

    Paper: Lemma C.1 (q as the parameter of the β < 1 branch), Appendices B–C.
    """
    if branch != "below":
        return expr
    beta_q, w_q = beta_w_of_q()
    if with_w:
        expr = expr.subs(dict(zip((S_.w1, S_.w2), w_q, strict=True)))
    return expr.subs(S_.beta, beta_q)


# ------------------------------------------------------------------ root finding
def solve_q(beta: float, mu: tuple[float, float], a_sq: tuple[float, float], *, dps: int = 30):
    r"""The root q ≥ 0 of :math:`\beta = \sum_k \mu_k a_k^2 q/(1 + a_k^2 q)` (mpmath,
    bracketing on a log scale). The right side increases from 0 to :math:`\sum_{a_k>0}\mu_k`,
    so a root exists iff β is below that rank fraction; at and above it q = +inf (the β ≥ 1
    branch, :math:`w_k = 1`, and the singular point β → 1 where q → ∞).

    Paper: Lemma C.1.
    """
    cap = sum(m for m, a in zip(mu, a_sq, strict=True) if a > 0)
    if beta <= 0:
        return 0.0
    if beta >= cap:
        return float("inf")
    with mpmath.workdps(dps):

        def f(t):  # q = exp(t)
            qq = mpmath.e**t
            return sum(m * a * qq / (1 + a * qq) for m, a in zip(mu, a_sq, strict=True) if a) - beta

        lo, hi = mpmath.mpf(-5), mpmath.mpf(5)
        while f(lo) > 0:
            lo -= 10
        while f(hi) < 0:
            hi += 10
        return float(mpmath.e ** bisect_root(f, lo, hi))


def solve_v(z: float, beta: float, mu, a_sq, *, dps: int = 30) -> float:
    r"""v(z) > 0 for z > 0: the root of :math:`\beta/v - 1 = \sum_k \mu_k a_k^2/(z + a_k^2 v)`
    (the δ equation with :math:`v = \beta/(1+\delta)`), in (0, β).

    Paper: v(z) of Lemma C.3.
    """
    with mpmath.workdps(dps):

        def f(t):  # v = β / (1 + e^t): the bracket v ∈ (0, β) becomes t ∈ R
            vv = beta / (1 + mpmath.e**t)
            return beta / vv - 1 - sum(m * a / (z + a * vv) for m, a in zip(mu, a_sq, strict=True))

        lo, hi = mpmath.mpf(-60), mpmath.mpf(60)
        return float(beta / (1 + mpmath.e ** bisect_root(f, lo, hi)))


# ------------------------------------------------------------------ Lemma C.3, C.2
@disk_cache
def cross_trace_limit() -> sp.Expr:
    r""":math:`\lim \tfrac1d\operatorname{tr}(D_1R(z)D_2R(z))` in z, v, β, μ_k, a_k², by implicit
    differentiation of the deterministic equivalent with the shift :math:`tD_2`.

    Paper: Lemma C.3, lim (1/d) tr(D1 R(z) D2 R(z)) = (v(z)²/β) Ψ1 Ψ2 / Δ(z).
    """
    z, beta, t = S_.z, S_.beta, sp.Symbol("t")
    asq = (S_.a1sq, S_.a2sq)
    delta = sp.Symbol("delta", positive=True)
    shift = (0, t)  # D = D_2

    def rbar(k):
        return 1 / (beta * asq[k] / (1 + delta) + z + shift[k])

    eq = delta - sum(m * asq[k] * rbar(k) for k, m in enumerate(_mu()))
    ddelta = -sp.diff(eq, t) / sp.diff(eq, delta)  # implicit differentiation of eq(δ(t), t) = 0
    # −d/dt (1/d) tr(D_1 R̄(t)) at t = 0 (R̄_11 depends on t through δ only)
    expr = -(S_.mu1 * sp.diff(rbar(0), delta) * ddelta).subs(t, 0)
    d0 = delta
    return sp.factor(sp.together(expr.subs(d0, beta / S_.v - 1)))


@disk_cache
def t12_limit() -> sp.Expr:
    r""":math:`T_{12} = \lim_{z\to0} z^2 \tfrac1d\operatorname{tr}(D_1RD_2R)` with v = qz + o(z)
    (:func:`projector_limit`), written in :math:`w_k = a_k^2q/(1+a_k^2q)` and β.

    Paper: Lemma C.2, T12 = μ1 μ2 v1 v2 / (μ1 v1 + μ2 v2) with v_k = w_k(1 − w_k).
    """
    z, q = S_.z, S_.q
    expr = sp.limit(sp.together((z**2 * cross_trace_limit()).subs(S_.v, q * z)), z, 0)
    return sp.simplify(expr)


# ------------------------------------------------------------------ T_inv: (C.20), (C.24)
@disk_cache
def pinv_trace_limit(power: int, branch: str) -> sp.Expr:
    r"""Derived :math:`\lim \tfrac1d\operatorname{tr}(D\,\hat G^{\dagger\,p})` for block-diagonal
    :math:`D = \operatorname{diag}(D_1, D_2)` (symbols ``D_1``, ``D_2``), p = ``power`` ∈ {1, 2}.

    β < 1 (``branch="below"``): write v(z) = z u(z), u = q + c_2 z + c_3 z² + …; the v equation
    becomes :math:`\beta - zu = F(u)`, :math:`F(u) = \sum_k\mu_k a_k^2u/(1+a_k^2u)`, solved order
    by order (β = F(q), c_2 = −q/F′(q), …), and :math:`z\tfrac1d\operatorname{tr}(D\bar R) =
    H(u(z))`, :math:`H(u) = \sum_k \mu_kD_k/(1+a_k^2u)`; the coefficient of :math:`z^p`, times
    :math:`(-1)^{p+1}`, is the limit (expansion :math:`z/(\lambda+z) = z/\lambda - z^2/\lambda^2
    + \dots` on the nonzero spectrum).
    β > 1 (``branch="above"``): :math:`\hat G` is invertible and :math:`\tfrac1d\operatorname{tr}
    (D\hat G^{-p}) = \tfrac{(-1)^{p-1}}{(p-1)!}\partial_z^{p-1}\tfrac1d\operatorname{tr}(D\bar R)`
    at z = 0, with v(0) = β − 1 and v′(0) by implicit differentiation of the v equation.

    Paper: the two definitions of T_inv, (C.20) and (C.24), in (C.19)–(C.24).
    """
    z, beta, q = S_.z, S_.beta, S_.q
    asq = (S_.a1sq, S_.a2sq)
    Dk = sp.symbols("D_1 D_2", positive=True)
    u = sp.Symbol("u", positive=True)
    if branch == "below":
        F = sum(m * a * u / (1 + a * u) for m, a in zip(_mu(), asq, strict=True))
        H = sum(m * D / (1 + a * u) for m, D, a in zip(_mu(), Dk, asq, strict=True))
        F1, F2 = (sp.diff(F, u, j).subs(u, q) for j in (1, 2))
        H1, H2 = (sp.diff(H, u, j).subs(u, q) for j in (1, 2))
        c2 = -q / F1  # order z¹ of β − z u = F(u(z))
        c3 = (-c2 - F2 * c2**2 / 2) / F1  # order z²
        coeff = H1 * c2 if power == 1 else H1 * c3 + H2 * c2**2 / 2
        return (-1) ** (power + 1) * coeff
    vv = sp.Symbol("v", positive=True)
    G = beta / vv - 1 - sum(m * a / (z + a * vv) for m, a in zip(_mu(), asq, strict=True))
    trace = sum(m * D / (z + a * vv) for m, D, a in zip(_mu(), Dk, asq, strict=True))
    at0 = {z: 0, vv: beta - 1}  # β/v − 1 = Σ μ_k = 1 at z = 0
    if power == 1:
        return trace.subs(at0)
    dv = (-sp.diff(G, z) / sp.diff(G, vv)).subs(at0)
    dtr = (sp.diff(trace, z) + sp.diff(trace, vv) * dv).subs(at0)
    return -dtr


@disk_cache
def spike_limits(a1sq: sp.Expr, a2sq: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    r"""The singular point of the minimum-norm interpolator's error in β at the given
    :math:`a_k^2`: ``(β*, T)`` with :math:`\beta^* = \lim_{q\to\infty}\beta(q)`
    (:func:`beta_of_q`; the rank fraction :math:`\sum_{k: a_k>0}\mu_k`) and
    :math:`T = \lim_{q\to\infty}\tfrac1d\operatorname{tr}(\hat G^\dagger)` there
    (:func:`pinv_trace_limit` with D = I, β < 1), which diverges at the spike.

    Paper: §5.2 / Fig. 1 (spike at B = m for r = 0, at B = d for r > 0), from Lemma C.1 and
    (C.20).
    """
    sub = {S_.a1sq: a1sq, S_.a2sq: a2sq}
    Dk = sp.symbols("D_1 D_2", positive=True)
    t = sp.Symbol("t_", positive=True)
    bstar = sp.limit(beta_of_q().subs(sub).subs(S_.q, 1 / t), t, 0)
    tinv = pinv_trace_limit(1, "below").subs(sub).subs({Dk[0]: 1, Dk[1]: 1})
    return bstar, sp.limit(tinv.subs(S_.q, 1 / t), t, 0)


# ------------------------------------------------------------------ Theorem B.1
_D1, _D2, _P = sp.symbols("D1 D2 P", commutative=False)


def _block(x1, x2):
    return x1 * _D1 + x2 * _D2


def _reduce_word(word: list[sp.Symbol]) -> list[sp.Symbol] | None:
    """Collapse D_kD_l (0 if k ≠ l), P², then rotate cyclically to a canonical word."""
    changed = True
    while changed and word:
        changed = False
        for i in range(len(word)):
            a, b = word[i], word[(i + 1) % len(word)]
            if len(word) == 1:
                break
            if a == b and a in (_D1, _D2, _P):
                del word[(i + 1) % len(word)]
                changed = True
                break
            if {a, b} == {_D1, _D2}:
                return None
    return word


def _trace_invariant(word: list[sp.Symbol]) -> sp.Expr:
    r"""(1/d) tr of a reduced cyclic word in D_1, D_2, P: :math:`\mu_k`, :math:`\mu_kw_k`,
    :math:`\mu_kw_k - T_{12}` (tr Π_kkΠ_kk = tr Π_kk − tr Π_klΠ_lk), :math:`T_{12}`."""
    w = (S_.w1, S_.w2)
    mu = _mu()
    idx = {_D1: 0, _D2: 1}
    ds = [x for x in word if x != _P]
    ps = len(word) - len(ds)
    if ps == 0 and len(ds) == 1:
        return mu[idx[ds[0]]]
    if ps == 1 and len(ds) == 1:
        return mu[idx[ds[0]]] * w[idx[ds[0]]]
    if ps == 2 and len(ds) == 2:
        k, l = idx[ds[0]], idx[ds[1]]
        return mu[k] * w[k] - S_.T12 if k == l else S_.T12
    raise NotImplementedError(f"trace of {word} needs a higher-order invariant")


def _normalized_trace(expr: sp.Expr) -> sp.Expr:
    """(1/d) tr of a polynomial in D_1, D_2, P with commutative coefficients."""
    out = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        c, nc = term.args_cnc()
        word = []
        for f in nc:
            if isinstance(f, sp.Pow):
                word += [f.base] * int(f.exp)
            else:
                word.append(f)
        red = _reduce_word(word)
        if red is None:
            continue
        out += sp.Mul(*c) * _trace_invariant(red)
    return sp.expand(out)


def _transpose(expr: sp.Expr) -> sp.Expr:
    """Transpose of a polynomial in the symmetric D_1, D_2, P: reverse each word."""
    out = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        c, nc = term.args_cnc()
        out += sp.Mul(*c) * sp.Mul(*reversed(nc))
    return out


@disk_cache
def theorem_b1_limits() -> dict[str, sp.Expr]:
    r"""Block scalars derived from the model (n → ∞ with d/n = γ):
    :math:`\Gamma_{0,k} = \lim[(1+1/n)\Sigma_{0,k} + \operatorname{tr}\Sigma_0/n]`,
    :math:`\Sigma_k`, :math:`a_k`, and the variance weights
    :math:`s_k = \lim (n/d)\cdot(\operatorname{tr}A/n)a_k` (the Wishart moment: a column of
    :math:`E = \Phi - M_0` has covariance :math:`\tfrac1n(Aw^*w^{*\top}A + w^{*\top}Aw^*A)`).

    Paper: the block scalars of Theorem B.1, (B.10)–(B.17).
    """
    nn = sp.Symbol("n", positive=True)
    dd = S_.gamma * nn
    rho, mu1 = S_.rho, S_.mu1
    tr_sigma0 = dd * (mu1 * rho + S_.mu2)
    gamma0 = tuple(sp.limit((1 + 1 / nn) * s0 + tr_sigma0 / nn, nn, sp.oo) for s0 in (rho, 1))
    a = (S_.a1, S_.a2)
    tr_a = dd * (mu1 * a[0] + S_.mu2 * a[1])
    s = tuple(sp.limit(nn / dd * tr_a / nn * ak, nn, sp.oo) for ak in a)
    return {
        "Gamma0_1": gamma0[0],
        "Gamma0_2": gamma0[1],
        "Sigma_1": rho + 1,
        "Sigma_2": sp.Integer(1),
        "a_1": a[0],
        "a_2": a[1],
        "s_1": s[0],
        "s_2": s[1],
        "Sigma_bar": mu1 * (rho + 1) + S_.mu2,
    }


@disk_cache
def theorem_b1_terms() -> dict[str, sp.Expr]:
    r"""Derived limits of the finite-d definitions (A invertible, i.e. r > 0), in
    :math:`w_1, w_2, T_{12}` (and q for T_inv, β < 1 branch):
    ``bias`` :math:`=\tfrac1d\|I + V_S\Sigma\|_F^2`, ``T_var`` :math:`=\tfrac1d\operatorname{tr}
    (V_SD_sV_S^\top)`, ``T_var_Sigma`` (Σ for D_s), ``T_inv`` :math:`=\tfrac1d\operatorname{tr}
    (\Sigma^2\hat G^\dagger)` (C.20), ``T_inv_C24`` :math:`=\tfrac1d\operatorname{tr}(\Sigma^2A^2
    \hat G^{\dagger2})`, ``T_inv_Sigma`` :math:`=\tfrac1d\operatorname{tr}
    (\Sigma\hat G^\dagger)`."""
    L = theorem_b1_limits()
    ident = _D1 + _D2
    # placeholders keep the noncommutative expansion small; the block values go in at the end
    ph = sp.symbols("ainv1 ainv2 ginv1 ginv2 sig1 sig2 dd1 dd2 eta_")
    values = dict(
        zip(
            ph,
            (
                1 / L["a_1"],
                1 / L["a_2"],
                1 / L["Gamma0_1"],
                1 / L["Gamma0_2"],
                L["Sigma_1"],
                L["Sigma_2"],
                L["s_1"],
                L["s_2"],
                S_.eta,
            ),
            strict=True,
        )
    )
    ai1, ai2, gi1, gi2, sg1, sg2, dd1, dd2, et = ph
    # V_S = −η Ω M0† − Γ0⁻¹(I − Π), and Ω M0† = A⁻¹ Π for invertible A
    VS = -et * _block(ai1, ai2) * _P - _block(gi1, gi2) * (ident - _P)
    Sig = _block(sg1, sg2)
    M = ident + VS * Sig
    out = {"bias": _normalized_trace(M * _transpose(M)).xreplace(values)}
    for name, D in (("T_var", _block(dd1, dd2)), ("T_var_Sigma", Sig)):
        out[name] = _normalized_trace(VS * D * _transpose(VS)).xreplace(values)
    # T_inv: generic-a² results evaluated at the model's a_k and Σ_k
    sub_a = {S_.a1sq: L["a_1"] ** 2, S_.a2sq: L["a_2"] ** 2}
    Dk = sp.symbols("D_1 D_2", positive=True)
    for name, p, (d1, d2) in (
        ("T_inv", 1, (L["Sigma_1"] ** 2, 1)),
        ("T_inv_C24", 2, (L["Sigma_1"] ** 2 * L["a_1"] ** 2, L["a_2"] ** 2)),
        ("T_inv_Sigma", 1, (L["Sigma_1"], 1)),
    ):
        for branch in ("below", "above"):
            e = pinv_trace_limit(p, branch).subs(sub_a).subs({Dk[0]: d1, Dk[1]: d2})
            out[f"{name}|{branch}"] = e
    return out


def theorem_b1_noise_structure() -> sp.Expr:
    r""":math:`\lim \mathrm{Err}(V_S + V_N)` in the term symbols, DERIVED by noncommutative
    expansion over the noise. Inputs (the model): :math:`V_N = -V_S E G` (:math:`G =
    M_0^\dagger`, E the noise of Φ), :math:`d\,\mathrm{Err}(V) = \|I + V\Sigma\|_F^2 +
    \tfrac1n\operatorname{tr}(V\Sigma^2V^\top) + \tfrac{\operatorname{tr}\Sigma}{n}
    \operatorname{tr}(V\Sigma V^\top)` (Lemma A.1), whose middle part is O(1/n) and
    :math:`\operatorname{tr}\Sigma/n = \gamma\bar\Sigma`; E has independent zero-mean columns
    with :math:`E[EQE^\top] = \operatorname{tr}(Q)\,C`, which at this scaling reads
    :math:`\tfrac1d\operatorname{tr}(EGXG^\top E^\top R) \to \gamma\,T[X]\,
    \tfrac1d\operatorname{tr}(D_sR)`, :math:`T[X] = \tfrac1d\operatorname{tr}(X\hat G^\dagger)`
    (:math:`T[\Sigma^2]` = T_inv, :math:`T[\Sigma]` = T_inv,Σ). The expansion decides which
    words survive (odd in E: zero mean) and with which powers of γ; the noise-free parts are
    the definitions of Bias and T_var,Σ, and :math:`\tfrac1d\operatorname{tr}(V_SD_sV_S^\top)`
    = T_var."""
    Vs, Vst, E, Et, G, Gt, Sig = sp.symbols("V_S V_S^T E E^T G G^T Sigma", commutative=False)
    one = sp.Integer(1)
    bias, tv, tvs, ti, tis, sb = sp.symbols("Bias T_var T_var_Sigma T_inv T_inv_Sigma Sigma_bar")
    g = S_.gamma
    V, Vt = Vs - Vs * E * G, Vst - Gt * Et * Vst
    parts = (  # (weight, word polynomial, its noise-free part by definition)
        (one, (one + V * Sig) * (one + Sig * Vt), bias),
        (g * sb, V * Sig * Vt, tvs),
    )
    T_of = {(Sig, Sig): ti, (Sig,): tis}
    out = sp.Integer(0)
    for weight, expr, noise_free in parts:
        quad = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(expr)):
            c, nc = term.args_cnc()
            word: list[sp.Symbol] = []
            for f in nc:
                word += [f.base] * int(f.exp) if isinstance(f, sp.Pow) else [f]
            n_e, n_et = word.count(E), word.count(Et)
            if (n_e, n_et) != (1, 1):
                continue  # noise-free (collected as a whole) or odd in E (zero mean)
            k = word.index(E)
            word = word[k:] + word[:k]  # cyclic: E Q Eᵀ R
            m = word.index(Et)
            inner, rest = word[1:m], word[m + 1 :]
            X = tuple(inner[1:-1])
            if inner[:1] != [G] or inner[-1:] != [Gt] or X not in T_of or rest != [Vst, Vs]:
                raise NotImplementedError(f"no rule for the noise word {word}")
            quad += sp.Mul(*c) * g * T_of[X] * tv
        out += weight * (noise_free + quad)
    return sp.expand(out)


def theorem_b1_branches() -> dict[str, dict[str, sp.Expr]]:
    r"""The derived Theorem B.1 terms (:func:`theorem_b1_terms`) on both branches,
    ``{term: {"below": β < 1, "above": β > 1}}`` for ``bias``, ``T_var``, ``T_var_Sigma``,
    ``T_inv``, ``T_inv_Sigma``: above the threshold :math:`\hat G` is invertible, so
    :math:`\Pi = I`, :math:`w_1 = w_2 = 1`, :math:`T_{12} = 0`; the T_inv's have their own
    derived β > 1 forms.

    Paper: Theorem B.1, (B.10)–(B.17), with (C.20).
    """
    T = theorem_b1_terms()
    one = {S_.w1: 1, S_.w2: 1, S_.T12: 0}
    out = {}
    for name in ("bias", "T_var", "T_var_Sigma"):
        out[name] = {"below": T[name], "above": T[name].subs(one)}
    for name in ("T_inv", "T_inv_Sigma"):
        out[name] = {"below": T[f"{name}|below"], "above": T[f"{name}|above"]}
    return out


def theorem_b1_error() -> dict[str, sp.Expr]:
    r""":math:`\lim \mathrm{Err}(V_S + V_N)` derived, ``{"below": β < 1, "above": β > 1}``: the
    noise structure (:func:`theorem_b1_noise_structure`) with the derived terms
    (:func:`theorem_b1_branches`) and :math:`\bar\Sigma = \mu_1(\rho+1) + \mu_2`
    (:func:`theorem_b1_limits`).

    Paper: Theorem B.1, lim Err(V_S + V_N) = Bias + γ T_inv T_var + γ Σ̄ T_var,Σ
    + γ² Σ̄ T_inv,Σ T_var.
    """
    t = theorem_b1_branches()
    structure = theorem_b1_noise_structure()
    sigma_bar = theorem_b1_limits()["Sigma_bar"]
    out = {}
    for branch in ("below", "above"):
        sub = {
            sp.Symbol("Bias"): t["bias"][branch],
            sp.Symbol("T_var"): t["T_var"][branch],
            sp.Symbol("T_var_Sigma"): t["T_var_Sigma"][branch],
            sp.Symbol("T_inv"): t["T_inv"][branch],
            sp.Symbol("T_inv_Sigma"): t["T_inv_Sigma"][branch],
            sp.Symbol("Sigma_bar"): sigma_bar,
        }
        out[branch] = structure.xreplace(sub)
    return out


def evaluate_asymptotic(expr: sp.Expr, values: Mapping[str, float], *, dps: int = 30) -> float:
    """Float value of an asymptotic expression (symbols by name), evaluated with mpmath."""
    subs = {s: sp.Float(values[s.name], dps) for s in expr.free_symbols if s.name in values}
    missing = [s.name for s in expr.free_symbols if s.name not in values]
    if missing:
        raise KeyError(f"no value for {missing}")
    return float(sp.N(expr.xreplace(subs), dps))
