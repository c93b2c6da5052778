"""The outcome-supervision claims: trend statistics on synthetic curves, each check's way to
fail (a broken witness or a wrong law), the Figure 4 renderer and `lsa-verify latex`. The
registry-wide tests in test_claims.py run every claim and variant."""

import dataclasses
import math

import numpy as np
import pytest
import sympy

import numerics
from theory import RunContext
from theory._verdict import Outcome
from theory.claims import get_claim, section_claims
from theory.claims.outcome_supervision._curvature import OPNORM, RHO, band_test
from theory.claims.outcome_supervision._trends import TrendCheck, trend_statistics
from theory.claims.outcome_supervision.fig_4 import SFTScaleInvariance
from theory.claims.outcome_supervision.insight_4 import AlignedVsMisaligned, InitSpectrumRate
from theory.claims.outcome_supervision.os_gradient import BPTTFiniteDifference
from theory.claims.outcome_supervision.os_gradient_regimes import GradientRates
from theory.claims.outcome_supervision.os_hessian_appendix import HessianBoundExact
from theory.symbols import k


def _curves(rng, x, f, noise=0.01, R=10):
    return np.exp(
        np.log(f(np.asarray(x, float)))[None, :] + noise * rng.standard_normal((R, len(x)))
    )


X = np.array([10, 20, 40, 80, 160, 320], float)


def _decide(stats, alpha=1e-3):
    """What Holm would say of the two records of one statement alone (m = 2)."""
    if 2 * stats["p_contradict"] < alpha:
        return "fail"
    return "pass" if 2 * stats["p_confirm"] < alpha else "undecided"


@pytest.mark.parametrize(
    "f, shape, outcome",
    [
        (lambda x: x**-0.3, "decreasing", "pass"),
        (lambda x: x**-0.3, "increasing", "fail"),
        (lambda x: 1 + 0 * x, "decreasing", "undecided"),
        (lambda x: 1 + 0 * x, "flat", "pass"),
        (lambda x: x**0.3, "flat", "fail"),
        (lambda x: 1 + (np.log(x) - np.log(60)) ** 2, "falls_then_rises", "pass"),
        (lambda x: x**-0.3, "falls_then_rises", "fail"),
        (lambda x: 2 - (np.log(x) - np.log(60)) ** 2 / 20, "falls_then_rises", "fail"),
    ],
)
def test_trend_statistics_on_synthetic_curves(f, shape, outcome):
    rng = np.random.default_rng(0)
    stats = trend_statistics(X, _curves(rng, X, f), shape)
    assert _decide(stats) == outcome, stats


def test_identical_seeds_do_not_divide_by_zero():
    flat = np.ones((5, len(X)))
    assert _decide(trend_statistics(X, flat, "flat")) == "pass"
    assert _decide(trend_statistics(X, flat, "decreasing")) == "undecided"
    assert _decide(trend_statistics(X, flat * X**-0.5, "decreasing")) == "pass"


def test_minimum_at_the_grid_edge_is_never_support_for_a_u_shape():
    rng = np.random.default_rng(3)
    stats = trend_statistics(X, _curves(rng, X, lambda x: x**-0.3), "falls_then_rises")
    assert stats["p_confirm"] == 1.0 and stats["break"] == X[-1]


def test_band_test():
    assert band_test(1.1, 0.1, 0.75, 1.25, 10) == (0.0, 1.0)
    z, p = band_test(2.0, 0.1, 0.75, 1.25, None)
    assert z == pytest.approx(7.5) and p < 1e-12


def test_bptt_check_rejects_a_broken_gradient(monkeypatch):
    real = numerics.os_loss_and_grad
    (e,) = BPTTFiniteDifference().run(get_claim("os_gradient"), RunContext())
    assert e.outcome == Outcome.PASS

    def broken(data, V, W, **kw):
        loss, dV, dW = real(data, V, W, **kw)
        return loss, 1.001 * dV, dW

    monkeypatch.setattr(numerics, "os_loss_and_grad", broken)
    (e,) = BPTTFiniteDifference().run(get_claim("os_gradient"), RunContext())
    assert e.outcome == Outcome.FAIL


def test_init_spectrum_rate_fails_when_the_gap_does_not_vanish(monkeypatch):
    real = numerics.sample_wishart
    monkeypatch.setattr(
        numerics,
        "sample_wishart",
        lambda C, n, size, rng, **kw: real(C, n, size, rng, **kw) + 0.5 * np.eye(len(C)),
    )
    (e,) = InitSpectrumRate().run(get_claim("insight_4"), RunContext())
    assert e.p_value < 1e-6  # a plateau: the one-sided test rejects "slope <= -0.25"


def test_aligned_vs_misaligned_fails_without_a_collapse(monkeypatch):
    monkeypatch.setattr(
        numerics, "largest_stable_step", lambda *a, **kw: numerics.StableStep(0.1, 0.11, 0.105, 1)
    )
    ev = AlignedVsMisaligned().run(get_claim("insight_4"), RunContext())
    assert any(e.outcome == Outcome.FAIL for e in ev)


def test_sft_scale_invariance_fails_for_a_k_dependent_loss(monkeypatch):
    import derivations as dos

    real = dos.sft_loss_sparse
    monkeypatch.setattr(dos, "sft_loss_sparse", lambda kk: real(0).scale(kk + 1) if kk else real(0))
    (e,) = SFTScaleInvariance().run(get_claim("fig_4"), RunContext())
    assert e.outcome == Outcome.FAIL


def test_operator_norm_laws():
    """With ‖M‖_op the appendix bound holds at the exact nilpotent point (ρ = 0 < ‖M‖ = 1), and
    an operator-norm gradient law is rejected at the non-normal design."""
    bound_op = get_claim("os_hessian_appendix").with_formula(k**2 * OPNORM ** (2 * k - 2))
    (e,) = HessianBoundExact().run(bound_op, RunContext())
    assert e.outcome == Outcome.PASS
    law_op = get_claim("os_gradient_regimes").with_formula(k * OPNORM ** (2 * k - 1))
    ev = GradientRates().run(law_op, RunContext())
    assert [e.outcome for e in ev][-1] == Outcome.FAIL  # the non-normal design
    assert all(e.outcome == Outcome.PASS for e in ev[:-1])  # normal designs: ρ = ‖M‖
    law_rho = get_claim("os_gradient_regimes").with_formula(k * RHO ** (2 * k - 1))
    assert all(e.outcome == Outcome.PASS for e in GradientRates().run(law_rho, RunContext()))


def _fake_results(monkeypatch):
    """Synthetic Figure 4 sweeps (no training): SFT U-shaped in B, OS decreasing in B."""
    from theory.claims.outcome_supervision import _trends as ot

    st = ot.fig4_setting(RunContext())
    rng = np.random.default_rng(1)
    seeds = [11, 12, 13, 14]
    results = []
    for _ in seeds:
        r = {"pretrained": 1.3}
        for v, m, p in st.sweeps:
            x = np.array(st.grid(p), float)
            base = 1 + (np.log(x) - np.log(x[1])) ** 2 if (m, p) == ("SFT", "B") else x**-0.2
            vals = base * np.exp(0.01 * rng.standard_normal(len(x)))
            sharp = vals * 10 if (v, m) == ("sparse", "OS") and p in ("B", "n") else None
            r[(m, v, p)] = (vals, sharp)
        results.append(r)
    monkeypatch.setattr(ot, "fig4_results", lambda ctx: (st, seeds, results))
    return st, seeds, results


def test_trend_check_reads_the_formula(monkeypatch):
    from theory._verdict import apply_holm

    _fake_results(monkeypatch)
    ev = TrendCheck(variant="full").run(get_claim("fig_4"), RunContext())
    assert all(e.outcome == Outcome.PENDING and e.p_value is not None for e in ev)
    assert {e.reject_means for e in ev} == {"pass", "fail"}
    apply_holm(ev, 1e-3)
    sft_b = [e for e in ev if e.label.startswith("SFT test error vs B")]
    assert [e.outcome for e in sft_b] == [Outcome.PASS, Outcome.PASS]  # supported, not contradicted
    wrong = get_claim("fig_4").variant("sft_increasing_in_B")
    ev = TrendCheck(variant="full").run(wrong, RunContext())
    apply_holm(ev, 1e-3)
    assert any(e.outcome == Outcome.FAIL for e in ev)


def test_figure_4_writes_png_and_csv(monkeypatch, tmp_path):
    pytest.importorskip("matplotlib")
    import theory.figures.fig_4 as fig

    st, _, _ = _fake_results(monkeypatch)
    monkeypatch.setattr(fig, "fig4_results", lambda ctx: _fake_results(monkeypatch))
    paths = fig.render(RunContext(), tmp_path / "f.png")
    assert [p.suffix for p in paths] == [".png", ".csv"] and all(p.exists() for p in paths)
    lines = paths[1].read_text().splitlines()
    assert lines[0].startswith("# d = 8") and "η = 0.2" in lines[0] and "minibatches" in lines[0]
    n_rows = sum(len(st.grid(p)) for _, _, p in st.sweeps)
    n_sharp = sum(len(st.grid(p)) for v, m, p in st.sweeps if (v, m) == ("sparse", "OS"))
    assert len(lines) == 2 + n_rows + n_sharp + 1  # caption, header, data, pretrained
    assert math.isclose(float(lines[-1].split(",")[4]), 1.3)


@pytest.mark.parametrize(
    "claim",
    section_claims("outcome_supervision"),
    ids=[c.id for c in section_claims("outcome_supervision")],
)
def test_latex_covers_every_claim(claim):
    from theory._latex import claim_latex

    text = claim_latex(claim)
    assert claim.id in text and text.count("\n") >= 2


def test_ridders_derivative_is_exact_where_a_fixed_step_is_not():
    """A degree-22 polynomial (the shape of a k = 10 rollout loss): a central difference at
    h = 1e-6 is off by ~2e-6 relative, Ridders' extrapolation by < 1e-9, and its own error
    estimate covers the true error; a start so large that f overflows is discarded."""
    from numerics import ridders_derivative

    f = lambda t: (1.0 + 50.0 * t) ** 22 - 1000.0 * t  # noqa: E731
    exact = 22 * 50.0 - 1000.0
    h = 1e-6
    assert abs((f(h) - f(-h)) / (2 * h) - exact) / exact > 1e-6
    est, err = ridders_derivative(f)
    assert abs(est - exact) / exact < 1e-9 and abs(est - exact) <= 10 * err + 1e-12
    g = lambda t: math.sin(t) if abs(t) < 1 else math.inf  # noqa: E731  (overflow beyond 1)
    est, err = ridders_derivative(g, (10.0, 1e-3))
    assert est == pytest.approx(1.0, rel=1e-10) and err < 1e-8
    with pytest.raises(ValueError, match="h is empty"):
        ridders_derivative(f, ())


@pytest.mark.parametrize(
    "law",
    [
        RHO ** (-(2 * k - 2)),  # no k factor
        k ** (-1) * RHO ** (-(2 * k - 2)),
        k ** (-3) * RHO ** (-(2 * k - 2)),
        k ** (-2) * RHO ** (-(2 * k - 1)),
        k ** (-2) * RHO ** (-sympy.Rational(12, 5) * (k - 1)),
    ],
    ids=["no_k", "k^-1", "k^-3", "rho^-(2k-1)", "rho^-2.4(k-1)"],
)
def test_exact_step_law_rejects_laws_the_stable_step_fit_cannot_resolve(law):
    """The fit of measured stable steps (ρ ≫ 1) barely resolves the k² factor; the exact d = 1
    check rejects every near-miss law, and accepts the printed one."""
    from theory.claims.outcome_supervision._curvature import HessianLawD1

    check = HessianLawD1(reciprocal=True)
    (ok,) = check.run(get_claim("insight_4"), RunContext())
    assert ok.outcome == Outcome.PASS
    (bad,) = check.run(dataclasses.replace(get_claim("insight_4"), formula=law), RunContext())
    assert bad.outcome == Outcome.FAIL


def test_printed_exponents_read_off_the_law():
    from theory import CannotExpress
    from theory.claims.outcome_supervision.os_hessian import printed_exponents

    assert printed_exponents(k**2 * RHO ** (2 * k - 2)) == (2.0, 1.0)
    assert printed_exponents(k**6 * RHO ** (3 * (2 * k - 2))) == (6.0, 3.0)
    with pytest.raises(CannotExpress):
        printed_exponents(k**2 * OPNORM ** (2 * k - 2))


def test_exponent_fit_recovers_exponents_and_rejects_wrong_ones():
    """Synthetic minimisers with λ = C_g k^a mean_τ(c ρ^(b(2k−2))) × noise: the fit recovers
    (a, b) within its standard errors; the H0 record of a wrong printed law is rejected."""
    from theory.claims.outcome_supervision.os_hessian import exponent_fit

    rng = np.random.default_rng(5)
    rows = []
    for g in range(6):
        for kk in (2, 3, 4, 6, 8):
            rho, c = rng.uniform(0.2, 0.6, 20), rng.uniform(1, 3, 20)
            lam = 3.0 * kk**0.5 * np.mean(c * rho ** (0.8 * (2 * kk - 2)))
            lam *= math.exp(0.05 * rng.standard_normal())
            rows.append(dict(seed=g, kappa=1.0, n=96, k=kk, lam=lam, rho=rho, c=c))
    (a, b), (sa, sb), _ = exponent_fit(rows)
    assert abs(a - 0.5) < 4 * sa and abs(b - 0.8) < 4 * sb and sa < 0.3 and sb < 0.05
    assert abs(a - 2) / sa > 5 and abs(b - 1) / sb > 4  # the printed k², ρ^(2k−2) rejected
