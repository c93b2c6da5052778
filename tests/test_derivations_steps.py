"""Derivation steps that used to live in claim files (issue 14): β(q) and the w_k(q) of
Lemma C.1, the elimination of β on the β < 1 branch, the spike of Fig. 1, Theorem B.1's two
branches and its assembled error, the §5.1 optimal scale, and the outcome-supervision rollout
at d = 1, and §4's nearest stationary points (Theorem 4.1's (4.1), Proposition 4.3's limit).
Each is checked against an independent computation (the numerical q solver, a hand computation
from the model) and a deliberately wrong variant is shown to be rejected."""

import pytest
import sympy as sp

import derivations as da
from derivations import ASYM, OS_D1_SYMBOLS, d, eta, n


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(sp.together(a - b)) == 0


# ------------------------------------------------------------------ Lemma C.1 in q
@pytest.mark.parametrize("beta", [0.2, 0.5, 0.9])
def test_beta_of_q_inverts_the_numerical_q_solver(beta):
    """β(q) at the root q of the numerical solver (mpmath bisection) gives back β; the same
    relation with the blocks' shares μ1, μ2 swapped does not."""
    mu, asq = (0.3, 0.7), (0.25, 0.04)
    qq = da.solve_q(beta, mu, asq)
    at = {ASYM.mu1: mu[0], ASYM.a1sq: asq[0], ASYM.a2sq: asq[1], ASYM.q: qq}
    bq = da.beta_of_q()
    assert float(bq.subs(at)) == pytest.approx(beta, rel=1e-9)
    swapped = bq.subs(ASYM.mu1, 1 - ASYM.mu1)
    assert float(swapped.subs(at)) != pytest.approx(beta, rel=1e-3)


def test_block_fractions_of_q_add_up_to_beta():
    """tr Π/d = rank/d = B/d: Σ_k μ_k w_k(q) = β(q) at the model's a_k (exactly); with the w's
    squared (a wrong projector trace) the identity fails."""
    beta_q, (w1, w2) = da.beta_w_of_q()
    mu = (ASYM.mu1, 1 - ASYM.mu1)
    assert _same(mu[0] * w1 + mu[1] * w2, beta_q)
    assert not _same(mu[0] * w1**2 + mu[1] * w2**2, beta_q)
    assert beta_q.free_symbols == {ASYM.mu1, ASYM.eta, ASYM.rho, ASYM.r, ASYM.q}


def test_in_terms_of_q_eliminates_beta_below_only():
    expr = ASYM.beta - ASYM.mu1 * ASYM.w1 - (1 - ASYM.mu1) * ASYM.w2
    below = da.in_terms_of_q(expr, "below", True)
    assert not below.has(ASYM.beta) and not below.has(ASYM.w1) and _same(below, 0)
    kept = da.in_terms_of_q(expr, "below", False)  # w's stay free: not identically zero
    assert kept.has(ASYM.w1) and not kept.has(ASYM.beta) and not _same(kept, 0)
    assert da.in_terms_of_q(expr, "above", True) == expr


@pytest.mark.parametrize(
    ("a2sq", "location"), [(sp.Integer(0), ASYM.mu1), (sp.Rational(1, 100), 1)]
)
def test_spike_at_the_rank_fraction(a2sq, location):
    """β* = Σ_{a_k > 0} μ_k (B = m for r = 0, B = d for r > 0) and (1/d) tr(Ĝ†) → ∞ there; the
    other location is rejected."""
    bstar, blow = da.spike_limits(sp.Rational(121, 2500), a2sq)
    assert sp.simplify(bstar - location) == 0 and blow == sp.oo
    wrong = 1 if location == ASYM.mu1 else ASYM.mu1
    assert sp.simplify(bstar - wrong) != 0


# ------------------------------------------------------------------ Theorem B.1
def test_theorem_b1_above_branch_is_the_invertible_case():
    """β > 1: Π = I, V_S = −ηA⁻¹, so Bias = Σ_k μ_k (1 − ηΣ_k/a_k)² = μ2 (1 − η/r)² (block 1:
    a_1 = η(ρ+1) = ηΣ_1); the same with μ1 for μ2 is rejected."""
    br = da.theorem_b1_branches()
    assert set(br) == {"bias", "T_var", "T_var_Sigma", "T_inv", "T_inv_Sigma"}
    for name in ("bias", "T_var", "T_var_Sigma"):
        above = br[name]["above"]
        assert not above.has(ASYM.w1) and not above.has(ASYM.w2) and not above.has(ASYM.T12)
    expected = (1 - ASYM.mu1) * (1 - ASYM.eta / ASYM.r) ** 2
    assert _same(br["bias"]["above"], expected)
    assert not _same(br["bias"]["above"], ASYM.mu1 * (1 - ASYM.eta / ASYM.r) ** 2)
    terms = da.theorem_b1_terms()
    assert br["T_inv"]["below"] == terms["T_inv|below"]
    assert br["T_inv_Sigma"]["above"] == terms["T_inv_Sigma|above"]


@pytest.mark.parametrize("branch", ["below", "above"])
def test_theorem_b1_error_is_the_assembled_noise_structure(branch):
    """Err = Bias + γ T_inv T_var + γ Σ̄ T_var,Σ + γ² Σ̄ T_inv,Σ T_var from the derived terms
    (exactly, at a rational point of every parameter); without the γ² term it is rejected."""
    t = {k: v[branch] for k, v in da.theorem_b1_branches().items()}
    g, sb = ASYM.gamma, da.theorem_b1_limits()["Sigma_bar"]
    first = t["bias"] + g * t["T_inv"] * t["T_var"] + g * sb * t["T_var_Sigma"]
    full = first + g**2 * sb * t["T_inv_Sigma"] * t["T_var"]
    err = da.theorem_b1_error()[branch]
    names = sorted(err.free_symbols | full.free_symbols, key=lambda x: x.name)
    at = {x: sp.Rational(3 + 2 * j, 7 + j) for j, x in enumerate(names)}
    assert sp.nsimplify(err.xreplace(at) - full.xreplace(at)) == 0
    assert sp.nsimplify(err.xreplace(at) - first.xreplace(at)) != 0


# ------------------------------------------------------------------ §5.1 optimal scale
def test_optimal_scales_keep_the_positive_stationary_points():
    """E(c) = (c² − 1)²: stationary points 0, ±1, only c = 1 is positive."""
    c = sp.Symbol("c", positive=True)
    assert da.optimal_scales((c**2 - 1) ** 2, c) == [1]


def test_optimal_scale_limit_is_eta_for_the_right_family_only():
    """E(c) = (c − ηn/(n + 1))² + 1/n: c*(n) = ηn/(n + 1) → η; the family whose minimiser is
    2ηn/(n + 1) tends to 2η and is told apart."""
    c = sp.Symbol("c", positive=True)
    (cstar,) = da.optimal_scales((c - eta * n / (n + 1)) ** 2 + 1 / n, c)
    assert sp.simplify(cstar - eta * n / (n + 1)) == 0
    assert da.optimal_scale_limit(cstar) == eta
    (wrong,) = da.optimal_scales((c - 2 * eta * n / (n + 1)) ** 2, c)
    assert da.optimal_scale_limit(wrong) != eta


# ------------------------------------------------------------------ outcome supervision
_v, _s, _w = OS_D1_SYMBOLS
_m = 1 + _v * _s


@pytest.mark.parametrize("kk", [1, 2, 3])
def test_os_loss_at_d1_is_half_m_to_the_2k(kk):
    """At d = 1, W̃ = 1: e_{i+1} = m e_i from e_0 = −w, so the loss is ½ m^{2k} w²; m^{2k+2} is
    rejected."""
    loss = da.os_loss(kk, True).evaluate(da.os_d1_values(), {d: 1})
    assert sp.expand(loss - _m ** (2 * kk) * _w**2 / 2) == 0
    assert sp.expand(loss - _m ** (2 * kk + 2) * _w**2 / 2) != 0


@pytest.mark.parametrize("kk", [1, 2, 4])
def test_os_d1_residual_and_hessian_by_hand(kk):
    """r = −m^k w, J = −k s m^{k−1} w, H = J² + rJ′ = k(2k − 1) s² m^{2k−2} w²; the Gauss–Newton
    part k² s² m^{2k−2} w² alone is not the Hessian (k > 1), and a J without the factor k is
    rejected."""
    r, J = da.os_d1_residual(kk)
    assert sp.expand(r + _m**kk * _w) == 0
    assert sp.expand(J + kk * _s * _m ** (kk - 1) * _w) == 0
    assert sp.expand(J + _s * _m ** (kk - 1) * _w) != 0 or kk == 1
    H = da.os_d1_hessian(kk)
    assert sp.expand(H - kk * (2 * kk - 1) * _s**2 * _m ** (2 * kk - 2) * _w**2) == 0
    gauss_newton = kk**2 * _s**2 * _m ** (2 * kk - 2) * _w**2
    assert (sp.expand(H - gauss_newton) != 0) == (kk > 1)
    assert sp.expand(da.os_d1_gauss_newton(kk) - gauss_newton) == 0


# ------------------------------------------------------------------ §7, the simulation's law
def test_balance_spectral_radius_ends_by_hand():
    """(Γ0)_11 = (1 + 1/n)ε + (ε + 3)/n at d = 4: ε → 0 gives δn/3, ε = 1 gives δn/(n + 5);
    δn/(n + 4) (tr Σ0 miscounted) is rejected."""
    delta, nn = sp.symbols("delta n", positive=True)
    singular, well = da.balance_spectral_radius_ends()
    assert sp.simplify(singular - delta * nn / 3) == 0
    assert sp.simplify(well - delta * nn / (nn + 5)) == 0
    assert sp.simplify(well - delta * nn / (nn + 4)) != 0


def test_sft_gradient_sparse_by_hand_at_d1_and_affine_unlike_the_os_gradient():
    """d = 1, W̃ = 1, teacher forcing w_i = (1 − ρ^i) w (ρ = 1 − η): the residual of column i is
    ρ^i w (ρ − 1 − v s), so ∂_v L = Σ_{i=0}^{k} ρ^{2i} s w² (1 − ρ + v s); the sum stopping at
    k − 1 is rejected. The gradient is affine in Ṽ (a linear part K exists); the OS gradient
    is not."""
    rho = sp.Symbol("rho_c", positive=True)
    g = da.sft_gradient_sparse(2)
    at_d1 = g.evaluate(da.os_d1_values(), {d: 1})[0, 0]
    by_hand = sum(rho ** (2 * i) for i in range(3)) * _s * _w**2 * (1 - rho + _v * _s)
    assert sp.expand(at_d1 - by_hand) == 0
    short = sum(rho ** (2 * i) for i in range(2)) * _s * _w**2 * (1 - rho + _v * _s)
    assert sp.expand(at_d1 - short) != 0
    _, K = da.linear_part(g)
    assert K.terms
    with pytest.raises(ValueError):
        da.linear_part(da.os_gradient(2))


def test_sampler_moments_are_the_wishart_moments():
    """dof = n: E[Sw] = Aw and E[Sw wᵀS] = ((n + 1)/n) Aw wᵀA + (wᵀAw/n) A, the Wishart
    moments of S = XXᵀ/n, x ~ N(0, A) (by hand); χ²_{n+1} is rejected."""
    nn = sp.Symbol("n", positive=True, integer=True)
    a = sp.symbols("a_1 a_2", positive=True)
    w = sp.Matrix(sp.symbols("w_1 w_2", real=True))
    A = sp.diag(*a)
    expected = (nn + 1) / nn * A * w * w.T * A + (w.T * A * w)[0] / nn * A
    first, second = da.sampler_sw_moments(a, w, nn, nn)
    assert sp.simplify(first - A * w) == sp.zeros(2, 1)
    assert sp.simplify(second - expected) == sp.zeros(2, 2)
    _, wrong = da.sampler_sw_moments(a, w, nn, nn + 1)
    assert sp.simplify(wrong - expected) != sp.zeros(2, 2)


# ------------------------------------------------------------------ §4, nearest stationary points
def _explicit(expr: sp.Expr, mats: dict[str, sp.Matrix], scalars: dict) -> sp.Matrix:
    """``expr`` at explicit matrices (by letter name) and scalars, pseudo-inverses by
    ``sympy.Matrix.pinv`` (exact), independently of theory's evaluator."""
    at = expr.subs(scalars)
    at = at.replace(
        lambda e: isinstance(e, sp.MatrixSymbol), lambda e: sp.ImmutableMatrix(mats[e.name])
    )
    at = at.replace(
        lambda e: isinstance(e, da.PseudoInverse),
        lambda e: sp.ImmutableMatrix(sp.Matrix(e.arg.doit()).pinv()),
    )
    return sp.simplify(sp.Matrix(at.doit()))


def test_nearest_stationary_point_zeroes_the_gradient_at_minimum_distance():
    """K = diag(2, 0) (rank 1), C = M K: Ṽ = V0 − (C + V0 K)K⁺ zeroes C + ṼK and moves V0 only
    along the row space of K (any other zero, Ṽ + N with N K = 0, is farther); the variant with
    K⁺ on the left does not zero the gradient."""
    K = sp.Matrix([[2, 0], [0, 0]])
    C = sp.Matrix([[1, 3], [-2, 5]]) * K
    V0 = sp.Matrix([[sp.Rational(1, 3), 4], [7, -1]])
    mats = {"C": C, "K": K, "V0": V0}
    Cs, Ks, V0s = (sp.MatrixSymbol(s, 2, 2) for s in ("C", "K", "V0"))
    V = _explicit(da.nearest_stationary_point(Cs, Ks, V0s), mats, {})
    assert sp.zeros(2, 2) == C + V * K
    assert (V - V0) * (sp.eye(2) - K * K.pinv()) == sp.zeros(2, 2)
    other = V + sp.Matrix([[0, 1], [0, 1]])
    assert C + other * K == sp.zeros(2, 2)
    assert (other - V0).norm() > (V - V0).norm()
    wrong = _explicit(V0s - Ks.T * da.PseudoInverse(Ks) * (Cs + V0s * Ks).T, mats, {})
    assert C + wrong * K != sp.zeros(2, 2)


def test_sft_nearest_point_is_the_minimum_norm_zero_of_the_folded_gradient():
    """d = 2, B = 1 (ΦΦᵀ of rank 1): the zero nearest V0 of (ṼΦ + ηΩ)Φᵀ (Theorem 4.2's
    gradient, by hand) is −ηΩΦ⁺ + V0(I − ΦΦ⁺), the form of (4.1); it zeroes that gradient, and
    the variant with the projector I − ΦΦ⁺ replaced by ΦΦ⁺ is rejected."""
    V0s = sp.MatrixSymbol("V0", d, d)
    Om, Ph = sp.Matrix([2, -1]), sp.Matrix([1, 3])
    V0 = sp.Matrix([[-1, sp.Rational(1, 2)], [0, -2]])
    e = sp.Rational(1, 3)
    mats = {"Omega": Om, "Phi": Ph, "V0": V0}
    V = _explicit(da.sft_nearest_point(V0s), mats, {d: 2, da.Bsym: 1, eta: e})
    assert (V * Ph + e * Om) * Ph.T == sp.zeros(2, 2)
    P = Ph * Ph.pinv()
    assert sp.simplify(-e * Om * Ph.pinv() + V0 * (sp.eye(2) - P)) == V
    assert sp.simplify(-e * Om * Ph.pinv() + V0 * P) != V


@pytest.mark.parametrize("a", [sp.Integer(3), sp.Integer(0)])
def test_population_nearest_point_by_hand_at_d1(a):
    """d = 1, x ~ N(0, a), w ~ N(0, 1): the population gradient is c_k(Ṽ E[S²] + η E[S]) with
    E[S] = a, E[S²] = a²(1 + 2/n), so Ṽ∞ = −η/(a(1 + 2/n)) for a > 0 and Ṽ∞ = V0 for a = 0;
    the value without the Wishart fluctuation (E[S²] = a², Ṽ = −η/a) is rejected. The
    substitution C → A is honoured."""
    Am, V0s = sp.MatrixSymbol("A", d, d), sp.MatrixSymbol("V0", d, d)
    expr = da.population_nearest_point(V0s, {"C": Am})
    assert expr.has(Am) and not expr.has(sp.MatrixSymbol("C", d, d))
    nn, e, v0 = 4, sp.Rational(1, 2), sp.Rational(-2, 7)
    mats = {"A": sp.Matrix([[a]]), "V0": sp.Matrix([[v0]])}
    V = _explicit(expr, mats, {d: 1, n: nn, eta: e})
    expected = v0 if a == 0 else -e / (a * (1 + sp.Rational(2, nn)))
    assert sp.Matrix([[expected]]) == V
    if a != 0:
        assert sp.Matrix([[-e / a]]) != V
