"""derivations._sft: the residual of a supervised column, the loss folded over prompts, the
minimum-distance problem and the population moments. The two engines (block algebra for every
d, explicit forward pass on generic entries) are compared with each other; moments against
Monte Carlo of the real data."""

import numpy as np
import pytest
import sympy as sp
from helpers import assert_z_within

import derivations
import numerics
from derivations import LETTERS, Bsym, TracePoly, d


def test_only_the_w_rows_carry_a_residual_and_it_is_affine_in_rho_power():
    rx, ry, rw, rc = derivations.sft_step_residual()
    assert not (rx.terms or ry.terms or rc.terms)
    assert rw.terms
    cond = derivations.sft_zero_loss_conditions()
    assert not cond["a_at_identity"].terms
    letters = {letter.name for letter in cond["r0"].letters()}
    assert "Wt" not in letters and {"Vt", "S", "w"} <= letters


@pytest.mark.parametrize("k", [0, 2])
def test_folded_loss_equals_the_explicit_forward_pass(k):
    """Every-d block algebra folded over prompts vs the explicit (2d+2)-row forward pass with
    two generic symbolic prompts at d = 2."""
    L, subs = derivations.sft_loss_explicit(2, 2, k)
    folded = derivations.sft_loss_folded(k).evaluate(
        {"Vt": subs["Vt"], "Phi": subs["Phi"], "Omega": subs["Omega"]}, {d: 2, Bsym: 2}
    )
    assert sp.expand(folded - L) == 0


def test_fold_refuses_terms_that_are_not_sums_over_prompts():
    S, w = TracePoly.letter(LETTERS["S"]), TracePoly.letter(LETTERS["w"])
    with pytest.raises(ValueError, match="cannot fold"):
        derivations.fold_prompts(S.trace())  # tr(S) is not of the form x^T K y
    with pytest.raises(ValueError, match="cannot fold"):
        derivations.fold_prompts((w.T @ w) * (w.T @ w))  # a product of two traces
    Vt = TracePoly.letter(LETTERS["Vt"])
    with pytest.raises(ValueError, match="S not next to w"):
        derivations.fold_prompts(w.T @ Vt @ S @ Vt @ w)


def test_min_distance_has_no_solution_above_d_and_one_below():
    sol, subs = derivations.min_distance_explicit(1, 2)
    assert sol is None
    sol, subs = derivations.min_distance_explicit(2, 1)
    assert sol is not None and sol.shape == (2, 2)
    # the solution satisfies the constraints exactly
    R = subs["constraints"].subs(dict(zip(list(subs["Vt"]), list(sol), strict=True)))
    assert all(sp.cancel(x) == 0 for x in R)


def test_population_moments_match_monte_carlo():
    """E[w wᵀ S] and E[S w wᵀ S] (derived) vs the sample means over simulated prompts."""
    m1, m2 = derivations.population_moments()
    C = np.array([[1.0, 0.3], [0.3, 0.5]])
    nn, N = 4, 200_000
    data = numerics.make_sft_data(C, nn, N, np.random.default_rng(7))
    Om, Ph = numerics.sft_statistics(data)
    x1 = np.einsum("ib,jb->bij", Om, Ph).reshape(N, 4)
    x2 = np.einsum("ib,jb->bij", Ph, Ph).reshape(N, 4)
    for m, x in ((m1, x1), (m2, x2)):
        exact = np.array(m.evaluate({"C": sp.Matrix(C)}, {d: 2, derivations.n: nn}), dtype=float)
        z = (x.mean(0) - exact.ravel()) / (x.std(0, ddof=1) / np.sqrt(N))
        assert_z_within(z, 4.5)
