"""Claims that are not identities (issue 10): an inequality, a limit and an arg-min, each true
one confirmed and each planted wrong variant refuted by both witnesses, and bad inputs refused
with one line naming the parameter, its value and the valid range.

The lineage facts used (derived by hand; one LSA step with Ṽ = −ηI, W̃ = I, x ~ N(0, Σ),
w* ~ N(0, I), label noise σ; E[S²] = (1 + 1/n)Σ² + tr(Σ)Σ/n):

* E‖ŵ − w*‖² = ‖I + ṼΣ‖_F² + (tr(ṼΣ²Ṽᵀ) + tr(ṼΣṼᵀ) tr Σ)/n ≥ ‖I + ṼΣ‖_F² (the population
  error), with a strict gap: the error is not ≤ the population error;
* at Σ = I: E‖ŵ − w*‖² = d(1 − η)² + η² d(d + 1)/n + η² σ² d/n, so the limit as n → ∞ at
  fixed d is d(1 − η)², the limit per dimension as d → ∞ with n = 2d is (1 − η)² + η²/2, and
  the minimiser over η is n/(n + d + 1 + σ²) (n/(n + d + 1) without noise).

Each was checked by the independent numpy Monte Carlo of the smoke runs before it was used.
"""

import numpy as np
import pytest
import sympy as sp

from theory import Claim, InvalidArgument, RunContext, Verdict, quantities, run_claims
from theory._claim_kinds import ArgMin, Inequality, Limit
from theory.checks import SymbolicArgmin, SymbolicInequality, SymbolicPathLimit
from theory.symbols import I, Sigma, Vt, d, eta, n, sigma

q1 = quantities.one_step_test_error
ISO = {"Sigma": I, "Vt": -eta * I}
POP = sp.Trace((I + Vt * Sigma) * (I + Vt * Sigma).T)  # ‖I + ṼΣ‖_F²
G = (1 + 1 / n) * Sigma + sp.Trace(Sigma) / n * I  # Γ(Σ)


def _claims() -> list[Claim]:
    return [
        Claim.inequality(
            "above_population",
            quantity=q1,
            bound=POP,
            sense=">=",
            wrong_variants={"below": POP * (1 + 1 / n)},
        ),
        Claim.limit(
            "gd_limit_n",
            quantity=q1,
            limit=d * (1 - eta) ** 2,
            at=ISO,
            scalars={eta: (0.05, 1)},
            wrong_variants={"linear": d * (1 - eta)},
        ),
        Claim.limit(
            "gd_limit_d",
            quantity=q1,
            limit=(1 - eta) ** 2 + eta**2 / 2,
            along="d",
            ratio=2,
            per=d,
            at=ISO,
            scalars={eta: (0.05, 1)},
            wrong_variants={"population": (1 - eta) ** 2},
        ),
        Claim.argmin(
            "gd_step",
            quantity=q1,
            over=eta,
            minimiser=n / (n + d + 1),
            at=ISO,
            scalars={eta: (0, 1)},
            wrong_variants={"without_one": n / (n + d)},
        ),
    ]


@pytest.fixture(scope="module")
def results():
    claims = _claims()
    variants = [c.variant(name) for c in claims for name in c.wrong_variants]
    return {r.claim.id: r for r in run_claims([*claims, *variants], RunContext(seed=3))}


@pytest.mark.parametrize("cid", ["above_population", "gd_limit_n", "gd_limit_d", "gd_step"])
def test_true_claim_confirmed_and_planted_variant_refuted(results, cid):
    r = results[cid]
    assert r.verdict == Verdict.CONFIRMED, r.summary()
    (wrong,) = [v for k, v in results.items() if k.startswith(cid + "[")]
    assert wrong.verdict == Verdict.REFUTED, wrong.summary()
    # both witnesses reject the variant, not just one of them
    failed = {e.check for e in wrong.evidence if e.outcome == "fail"}
    assert len(failed) == 2, failed


def test_inequality_evidence(results):
    r = results["above_population"]
    sym = [e for e in r.evidence if e.check == "symbolic"]
    assert "worst margin" in sym[0].detail
    mc = [e for e in r.evidence if e.check == "monte_carlo"]
    assert mc and all("one-sided" in e.detail and e.z < 0 for e in mc)
    wrong = results["above_population[below]"]
    assert any("violate" in e.detail for e in wrong.evidence if e.check == "symbolic")


def test_limit_evidence_reports_rate(results):
    for cid in ("gd_limit_n", "gd_limit_d"):
        rate = [e for e in results[cid].evidence if e.kind == "rate"]
        assert rate and all("fitted rate" in e.detail and "(H0: c0 = 0)" in e.detail for e in rate)
    # the one-step gap is exactly C/n: the fitted rate is 1 within a few standard errors
    e = next(e for e in results["gd_limit_n"].evidence if e.kind == "rate" and e.params["d"] == 3)
    r, se = (float(x) for x in e.detail.split("r = ")[1].split(" (")[0].split(" ± "))
    assert abs(r - 1) < 5 * se + 0.02


def test_argmin_evidence(results):
    mc = [e for e in results["gd_step"].evidence if e.check == "monte_carlo"]
    assert mc and all(e.stderr > 0 and "delta method" in e.detail for e in mc)


# ------------------------------------------------------------- the symbolic witnesses alone
def test_symbolic_argmin_general_sigma():
    """η* = n tr Σ / ((n + 1) tr Σ² + (tr Σ)²) solves the stationarity equation for every d;
    the isotropic minimiser does not."""
    ctx = RunContext(seed=1)
    right = n * sp.Trace(Sigma) / ((n + 1) * sp.Trace(Sigma**2) + sp.Trace(Sigma) ** 2)
    c = Claim.argmin(
        "gen", quantity=q1, over=eta, minimiser=right, at={"Vt": -eta * I}, scalars={eta: (0, 2)}
    )
    ev = SymbolicArgmin().run(c, ctx)
    assert ev[0].outcome == "pass"
    ev = SymbolicArgmin().run(c.with_formula(n / (n + d + 1)), ctx)
    assert ev[0].outcome == "fail" and "tr(Sigma" in ev[0].detail


def test_symbolic_argmin_label_noise():
    """With label noise the best step shrinks to n/(n + d + 1 + σ²); the noise-blind step
    fails the stationarity equation and is beaten at every exact point."""
    ctx = RunContext(seed=1)
    c = Claim.argmin(
        "noisy",
        quantity=quantities.noisy_test_error,
        over=eta,
        minimiser=n / (n + d + 1 + sigma**2),
        at=ISO,
        scalars={eta: (0, 1)},
    )
    assert [e.outcome for e in SymbolicArgmin().run(c, ctx)] == ["pass", "pass"]
    wrong = [e.outcome for e in SymbolicArgmin().run(c.with_formula(n / (n + d + 1)), ctx)]
    assert wrong == ["fail", "fail"]


def test_symbolic_argmin_global_minimum_on_domain():
    """The stationary point n/(n+d+1) lies outside (0, 1/10) for most points: not the argmin
    over that domain, although it solves the stationarity equation."""
    c = Claim.argmin(
        "narrow",
        quantity=q1,
        over=eta,
        minimiser=n / (n + d + 1),
        at=ISO,
        scalars={eta: (0, 1)},
        domain=(0, 0.1),
    )
    ev = SymbolicArgmin().run(c, RunContext(seed=1))
    assert ev[0].outcome == "pass" and ev[1].outcome == "fail" and "outside" in ev[1].detail


def test_symbolic_limit_at_fixed_dims():
    """The fixed point Ṽ* = −Γ(Σ)⁻¹ becomes the population minimiser: its error → 0 as n → ∞
    (index-level derivation at d = 1, 2); a limit of 1 is refuted there."""
    ctx = RunContext(seed=1)
    c = Claim.limit("fp", quantity=q1, limit=0 * d, at={"Vt": -G.I}, dims=(1, 2))
    assert [e.outcome for e in SymbolicPathLimit().run(c, ctx)] == ["pass", "pass"]
    wrong = c.with_formula(sp.Integer(1))
    assert [e.outcome for e in SymbolicPathLimit().run(wrong, ctx)] == ["fail", "fail"]


def test_symbolic_limit_divergence_fails():
    c = Claim.limit(
        "div",
        quantity=q1,
        limit=sp.Integer(1),
        along="d",
        ratio=2,
        at=ISO,
        scalars={eta: (0.05, 1)},
    )  # without per=d the risk grows like d
    (e,) = SymbolicPathLimit().run(c, RunContext(seed=1))
    assert e.outcome == "fail" and "diverges" in e.detail


def test_symbolic_inequality_tight_bound():
    """Risk ≥ d(1 − η)² at Σ = I is tight as n grows but never violated; the noisy risk with
    the noise term counted d times too many violates it at every point."""
    ctx = RunContext(seed=2)
    c = Claim.inequality(
        "tight", quantity=q1, bound=d * (1 - eta) ** 2, sense=">=", at=ISO, scalars={eta: (0.05, 1)}
    )
    (e,) = SymbolicInequality().run(c, ctx)
    assert e.outcome == "pass"
    (e,) = SymbolicInequality().run(c.with_formula(d * (1 - eta) ** 2 + eta**2 * d), ctx)
    assert e.outcome == "fail"


def test_formula_objects_print_and_latex():
    c = _claims()
    assert isinstance(c[0].formula, Inequality) and str(c[0].formula).startswith(">=")
    assert isinstance(c[1].formula, Limit) and "n → ∞" in c[1].statement
    assert isinstance(c[3].formula, ArgMin) and "argmin" in c[3].statement
    from theory._latex import claim_latex

    assert r"\lim_{n \to \infty}" in claim_latex(c[1])
    assert r"\operatorname{argmin}" in claim_latex(c[3])
    assert r"\ge" in claim_latex(c[0])


def test_same_seed_same_evidence():
    c = _claims()[1]
    a = run_claims([c], RunContext(seed=4))[0].to_json(RunContext(seed=4))
    b = run_claims([c], RunContext(seed=4))[0].to_json(RunContext(seed=4))
    assert a == b


# ------------------------------------------------------------- bad inputs
BAD = [
    (Claim.inequality, dict(bound=POP, sense="<"), "sense='<' is invalid: sense must be one of"),
    (Claim.inequality, dict(bound="tr(Sigma)"), "is a string"),
    (Claim.inequality, dict(bound=POP, quantity=quantities.next_iterate), "scalar quantities"),
    (Claim.limit, dict(limit=d, along="k"), "along='k' is invalid: along must be one of n, d"),
    (Claim.limit, dict(limit=d * n), "uses n, which grows along the path"),
    (Claim.limit, dict(limit=d, ratio=2), "ratio=2 is invalid with along='n'"),
    (Claim.limit, dict(limit=sp.Integer(1), along="d"), "ratio=None is invalid"),
    (
        Claim.limit,
        dict(limit=sp.Integer(1), along="d", ratio=0, at=ISO, scalars={eta: (0, 1)}),
        "ratio = n/d must be > 0",
    ),
    (Claim.limit, dict(limit=sp.Integer(1), along="d", ratio=2), "at= leaves Vt, Sigma free"),
    (Claim.limit, dict(limit=sp.Integer(1), along="d", ratio=float("nan")), "finite number"),
    (Claim.limit, dict(limit=sp.Integer(1), per=eta), "per=eta is invalid"),
    (
        Claim.limit,
        dict(limit=sp.Integer(1), along="d", ratio=2, at=ISO, scalars={eta: (0, 1)}, dims=(1,)),
        "dims=(1,) is invalid with along='d'",
    ),
    (
        Claim.argmin,
        dict(over=eta, minimiser=n / (n + d + 1), at=ISO),
        "over=eta is invalid: over must be a scalar declared in scalars= (declared: (none))",
    ),
    (
        Claim.argmin,
        dict(over="tau", minimiser=n, at=ISO, scalars={eta: (0, 1)}),
        "over='tau' is invalid",
    ),
    (
        Claim.argmin,
        dict(over=eta, minimiser=n, at=ISO, scalars={eta: (0, 1)}, domain=(0.5, 0.5)),
        "it is empty",
    ),
    (
        Claim.argmin,
        dict(over=eta, minimiser=n, at=ISO, scalars={eta: (0, 1)}, domain=(0, 2)),
        "inside the declared domain of eta, (0, 1)",
    ),
    (
        Claim.argmin,
        dict(over=eta, minimiser=eta * n, at=ISO, scalars={eta: (0, 1)}),
        "the variable itself",
    ),
    (Claim.argmin, dict(over=eta, minimiser=n, scalars={eta: (0, 1)}), "does not depend on it"),
    (
        Claim.argmin,
        dict(over=eta, minimiser=n, at=ISO, scalars={eta: (0, 1)}, domain=(0, "x")),
        "domain='x' is invalid|domain=.* is invalid",
    ),
]


@pytest.mark.parametrize(("make", "kwargs", "words"), BAD, ids=[b[2][:40] for b in BAD])
def test_bad_inputs_one_line(make, kwargs, words):
    kwargs = {"quantity": q1, **kwargs}
    with pytest.raises(InvalidArgument, match=words if "|" in words else None) as info:
        make("c", **kwargs)
    msg = str(info.value)
    assert "\n" not in msg
    if "|" not in words:
        assert words in msg, msg


def test_at_and_decide_at_refuse_non_identities(capsys, tmp_path):
    from theory import decide_at
    from theory.cli import main

    c = _claims()[1]
    with pytest.raises(InvalidArgument, match="not an identity"):
        decide_at(c, d=2, n=3)
    f = tmp_path / "k.py"
    f.write_text(
        "import sympy as sp\nfrom theory import Claim, quantities\n"
        "from theory.symbols import I, d, eta\n"
        "c = Claim.limit('c', quantity=quantities.one_step_test_error, limit=d * (1 - eta)**2,"
        " at={'Sigma': I, 'Vt': -eta * I}, scalars={eta: (0.05, 1)})\n"
    )
    assert main(["at", "c", "--claims", str(f), "--d", "2", "--n", "3"]) == 2
    assert "not an identity" in capsys.readouterr().err
    assert main(["latex", "c", "--claims", str(f)]) == 0
    assert r"\lim" in capsys.readouterr().out


def test_numerics_polyfit_minimiser():
    """The fitted minimiser of an exact parabola is its vertex; its se scales with the noise."""
    import numerics

    x = np.linspace(0, 1, 9)
    y = 3 * (x - 0.3) ** 2 + 1
    fit = numerics.polyfit_wls(x, y, np.full(9, 1e-3), 4, center=0.5, width=0.5)
    t, se, interior = numerics.fitted_minimiser(fit, 0, 1)
    assert interior and abs(t - 0.3) < 1e-9 and 0 < se < 1e-2
    t2, se2, _ = numerics.fitted_minimiser(
        numerics.polyfit_wls(x, y, np.full(9, 1e-2), 4, center=0.5, width=0.5), 0, 1
    )
    assert abs(t2 - 0.3) < 1e-9 and abs(se2 / se - 10) < 1e-6
    # a monotone curve has its minimum at the end of the interval: no stationary point
    _, se3, interior3 = numerics.fitted_minimiser(
        numerics.polyfit_wls(x, x, np.full(9, 1e-3), 2), 0, 1
    )
    assert not interior3 and np.isnan(se3)
