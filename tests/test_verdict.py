"""Statistics of verdicts: z/t tests, Holm, the verdict rule; calibration of the real checks."""

import dataclasses
import itertools
import math

import numpy as np
import pytest

from theory import RunContext
from theory._verdict import (
    Evidence,
    Outcome,
    Verdict,
    apply_holm,
    claim_verdict,
    critical_z,
    holm,
    z_test,
)


def test_z_test_scalar_and_vector():
    z, p = z_test(1.0, 0.0, 0.5)
    assert z == pytest.approx(2.0) and p == pytest.approx(math.erfc(2 / math.sqrt(2)))
    z, p = z_test([0.0, 3.0], [0.0, 0.0], [1.0, 1.0])
    assert z == pytest.approx(3.0)
    assert p == pytest.approx(2 * math.erfc(3 / math.sqrt(2)))  # Bonferroni over 2 entries
    assert z_test(1.0, 1.0, 0.0) == (0.0, 1.0)
    assert z_test(1.0, 0.0, 0.0)[1] == 0.0
    assert z_test(float("nan"), 0.0, 1.0)[1] == 0.0  # a NaN is never silently accepted


def test_student_t_p_values():
    # t_{0.975, 9} = 2.262157 (tables): two-sided p = 0.05
    assert z_test(2.262157, 0.0, 1.0, dof=9)[1] == pytest.approx(0.05, abs=1e-6)
    assert z_test(2.0, 0.0, 1.0, dof=10_000)[1] == pytest.approx(z_test(2.0, 0.0, 1.0)[1], rel=1e-3)


def test_critical_z():
    assert critical_z(0.05) == pytest.approx(1.959964, abs=1e-6)
    assert critical_z(0.05, 10) == pytest.approx(2.807034, abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_holm_matches_brute_force(seed):
    """Holm's step-down: reject H_(1..k) while p_(i) < α/(m−i+1)."""
    rng = np.random.default_rng(seed)
    p = list(rng.uniform(0, 0.02, size=7))
    alpha = 0.01
    _, rejected = holm(p, alpha)
    order = sorted(range(len(p)), key=lambda i: p[i])
    expected = [False] * len(p)
    for rank, i in enumerate(order):
        if p[i] < alpha / (len(p) - rank):
            expected[i] = True
        else:
            break
    assert rejected == expected


def test_holm_adjusted_is_monotone():
    adj, _ = holm([0.01, 0.04, 0.03, 0.005], 0.05)
    ranked = [a for _, a in sorted(zip([0.01, 0.04, 0.03, 0.005], adj, strict=True))]
    assert all(x <= y for x, y in itertools.pairwise(ranked))


def _ev(kind, outcome, p=None):
    return Evidence(kind=kind, label="x", outcome=outcome, p_value=p, z=0.0, stderr=1.0)


def test_verdict_rule():
    P, F, U, Q = Outcome.PASS, Outcome.FAIL, Outcome.UNDECIDED, Outcome.PENDING
    assert claim_verdict([_ev("symbolic", P), _ev("numeric", P)]) == Verdict.CONFIRMED
    assert claim_verdict([_ev("symbolic", P), _ev("numeric", F)]) == Verdict.REFUTED
    assert claim_verdict([_ev("symbolic", U), _ev("numeric", P)]) == Verdict.INCONCLUSIVE
    assert claim_verdict([]) == Verdict.INCONCLUSIVE
    with pytest.raises(RuntimeError):
        claim_verdict([_ev("monte_carlo", Q, 0.5)])
    evs = [_ev("monte_carlo", Q, 1e-9), _ev("monte_carlo", Q, 0.3)]
    apply_holm(evs, 1e-3)
    assert [e.outcome for e in evs] == [F, P]
    assert evs[0].resolution == pytest.approx(critical_z(1e-3, 2))


def test_false_alarm_rate_is_calibrated():
    """The real Monte Carlo check of a TRUE claim (lemma_A1): raw p-values over 20 seeds × 4
    points are uniform (Kolmogorov–Smirnov, α = 0.01), and Holm at the default level rejects
    nothing. This measures the check's false-alarm rate instead of assuming it."""
    from theory.checks import MonteCarloIdentity
    from theory.claims.gaussian_moments.lemma_A1 import lemma_A1

    ps = []
    for seed in range(20):
        ctx = RunContext(seed=1000 + seed)
        ps += [e.p_value for e in MonteCarloIdentity().run(lemma_A1, ctx)]
    ps = np.sort(ps)
    m = len(ps)
    ks = max(np.max(np.arange(1, m + 1) / m - ps), np.max(ps - np.arange(m) / m))
    assert ks < 1.63 / math.sqrt(m), f"KS statistic {ks:.3f} over {m} p-values"
    assert min(ps) * m > 1e-3  # Bonferroni over all 80: nothing rejected


def test_power_against_a_small_perturbation():
    """Power is measured too: a 2 % error in the 1/n coefficient of Lemma A.1 is caught at the
    d=1, n=1 point for every seed tried."""
    import sympy as sp

    from theory.checks import MonteCarloIdentity
    from theory.claims.gaussian_moments.lemma_A1 import lemma_A1
    from theory.symbols import n

    wrong = lemma_A1.with_formula(lemma_A1.formula.subs(n, n / sp.Rational(102, 100)))
    for seed in range(3):
        evs = MonteCarloIdentity().run(wrong, RunContext(seed=seed))
        apply_holm(evs, 1e-3)
        assert any(e.outcome == Outcome.FAIL for e in evs)


def test_upper_tail_p_matches_table_values():
    """Textbook quantiles: z = 1.959964 (normal), t = 2.228139 with 10 dof and 12.7062 with
    1 dof are the upper 2.5 % points; the two tails add to 1."""
    from theory._stats import upper_tail_p

    assert upper_tail_p(1.959964) == pytest.approx(0.025, rel=1e-5)
    assert upper_tail_p(2.228139, 10) == pytest.approx(0.025, rel=1e-5)
    assert upper_tail_p(12.7062, 1) == pytest.approx(0.025, rel=1e-4)
    for z, dof in ((0.7, None), (-1.3, 4), (2.5, 30)):
        assert upper_tail_p(z, dof) + upper_tail_p(-z, dof) == pytest.approx(1.0)


def test_holm_decides_confirmatory_records_too():
    """A record whose null is the claim's negation passes when Holm rejects it and stays
    undecided otherwise; a refutation-type record fails when rejected."""
    from theory._verdict import Evidence, Outcome, apply_holm

    strong = Evidence("rate", "trend, claimed direction", p_value=1e-9, reject_means="pass")
    weak = Evidence("rate", "trend, weak", p_value=0.2, reject_means="pass")
    bad = Evidence("monte_carlo", "identity", p_value=1e-9)
    apply_holm([strong, weak, bad], 1e-3)
    assert (strong.outcome, weak.outcome, bad.outcome) == (
        Outcome.PASS,
        Outcome.UNDECIDED,
        Outcome.FAIL,
    )


def test_scoped_verdicts():
    from theory._verdict import Evidence, Outcome, Verdict, claim_verdict

    P, F = Outcome.PASS, Outcome.FAIL
    general_fail = Evidence("symbolic", "general", outcome=F)
    on_u = Evidence("symbolic", "on U", outcome=P, scope="invariant")
    assert claim_verdict([general_fail, on_u], conditions=("invariant",)) == Verdict.HOLDS_UNDER
    on_u_fail = Evidence("numeric", "on U", outcome=F, scope="invariant")
    assert (
        claim_verdict([general_fail, on_u, on_u_fail], conditions=("invariant",))
        == Verdict.REFUTED
    )
    assert claim_verdict([general_fail], experiment=True) == Verdict.NOT_REPRODUCED
    assert claim_verdict([general_fail]) == Verdict.REFUTED
    assert (
        claim_verdict([Evidence("cannot_express", "x", outcome=Outcome.UNDECIDED), general_fail])
        == Verdict.CANNOT_EXPRESS
    )


def test_a_seed_unstable_claim_is_inconclusive_with_its_own_outcome_shown():
    from theory import Check, Claim, RunContext, run_claims

    class Fails(Check):
        name = "fails"

        def run(self, claim, ctx):
            return [Evidence("numeric", "always off", outcome=Outcome.FAIL)]

    base = Claim(id="x", reference="r", statement="s", formula=None, checks=(Fails(),))
    (plain,) = run_claims([base], RunContext())
    assert plain.verdict == Verdict.REFUTED
    spread = {"quick": "3 refuted, 2 inconclusive over 5 seeds"}
    (unstable,) = run_claims([dataclasses.replace(base, seed_spread=spread)], RunContext())
    assert unstable.verdict == Verdict.INCONCLUSIVE
    assert "this seed alone gives refuted" in unstable.evidence[-1].detail
    (full,) = run_claims([dataclasses.replace(base, seed_spread=spread)], RunContext(tier="full"))
    assert full.verdict == Verdict.REFUTED  # the spread was measured at the quick tier only


def test_summary_max_z_counts_only_how_close_a_test_came_to_rejecting():
    from theory._runner import _count

    def rec(z, **kw):
        return Evidence(kind="monte_carlo", label="x", z=z, p_value=0.5, **kw)

    ev = [
        rec(1.5),  # two-sided: |z|
        rec(-2.0),  # two-sided: |z| = 2 is the largest
        rec(-900.0, alternative="greater"),  # one-sided, far inside the inequality
        rec(13.0, reject_means="pass"),  # confirmatory: its large z is evidence for
    ]
    assert _count(ev) == "4 statistical (max |z| 2.00)"
    assert _count([rec(1.2, alternative="greater")]) == "1 statistical (max |z| 1.20)"
    assert _count([rec(5.0, reject_means="pass")]) == "1 statistical"
