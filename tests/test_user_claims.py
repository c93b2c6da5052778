"""User claims never lie: malformed or out-of-scope formulas are refused (``InvalidArgument``)
or judged ``cannot express`` — never ``refuted`` — and deterministic quantities are judged
exactly (issue 9 §4)."""

import math

import numpy as np
import pytest
import sympy as sp

from theory import Claim, InvalidArgument, RunContext, Verdict, check, quantities, run_claims
from theory.symbols import A, B, C, I, S, Sigma, Vt, Wt, d, eta, n, w, wi

q1 = quantities.one_step_test_error
G = (1 + 1 / n) * Sigma + sp.Trace(Sigma) / n * I  # Γ(Σ)

# (description, quantity, formula, extra keyword arguments, words the message must contain)
INVALID = [
    ("a string", q1, "Trace(Sigma)", {}, ["string", "Vt, Sigma"]),
    ("a float NaN", q1, math.nan, {}, ["NaN"]),
    ("sympy nan", q1, sp.nan * sp.Trace(Sigma), {}, ["NaN"]),
    ("infinity", q1, sp.oo, {}, ["∞"]),
    ("complex infinity", q1, sp.zoo, {}, ["∞"]),
    ("a complex number", q1, sp.I, {}, ["not real"]),
    ("None", q1, None, {}, ["sympy expression"]),
    ("a python list", q1, [1, 2], {}, ["list", "Vt, Sigma"]),
    ("a numpy array", q1, np.eye(2), {}, ["ndarray"]),
    ("an explicit Matrix", q1, sp.Matrix([[1]]), {}, ["explicit"]),
    ("a relation", q1, sp.Eq(sp.Trace(Sigma), 1), {}, ["relation"]),
    ("matrix formula for a scalar quantity", q1, I + Vt * Sigma, {}, ["shape", "scalar"]),
    ("scalar for a matrix quantity", quantities.wishart_sandwich, sp.Trace(C), {}, ["d × d"]),
    ("matrix for a vector quantity", quantities.next_iterate, Vt * S, {}, ["d × 1"]),
    ("undeclared letter", q1, sp.Trace(A * Sigma), {}, ["A", "does not declare", "Vt, Sigma"]),
    ("unknown matrix", q1, sp.Trace(sp.MatrixSymbol("Q", d, d)), {}, ["unknown matrix Q"]),
    ("wrong-shape letter", q1, sp.Trace(sp.MatrixSymbol("Sigma", 3, 3)), {}, ["shape"]),
    ("undeclared library scalar", q1, eta * sp.Trace(Sigma), {}, ["eta", "declare"]),
    ("unknown scalar", q1, sp.Symbol("tau") * sp.Trace(Sigma), {}, ["tau", "unknown"]),
    (
        "sigma without its assumptions",
        quantities.noisy_test_error,
        sp.Symbol("sigma") ** 2 * sp.Trace(Sigma),
        {},
        ["assumptions"],
    ),
    ("n with other assumptions", q1, sp.Trace(Sigma) / sp.Symbol("n"), {}, ["assumptions"]),
    ("unknown function", q1, sp.Function("f")(n), {}, ["unknown function f"]),
    ("not a quantity", "one_step_test_error", sp.Trace(Sigma), {}, ["quantity"]),
    ("binding an undeclared letter", q1, sp.Trace(Sigma), {"at": {"A": I}}, ["at='A'"]),
    (
        "binding a drawn letter",
        quantities.next_iterate,
        wi,
        {"at": {"S": I}},
        ["at='S'", "Vt, Wt"],
    ),
    ("binding a cycle", q1, sp.Trace(Sigma), {"at": {"Vt": Sigma * Vt}}, ["cycle"]),
    ("binding of the wrong shape", q1, sp.Trace(Vt), {"at": {"Sigma": sp.Trace(Sigma)}}, ["d × d"]),
    ("an empty domain", q1, eta * sp.Trace(Sigma), {"scalars": {eta: (1, 0)}}, ["domain"]),
    ("declaring n", q1, sp.Trace(Sigma), {"scalars": {n: (1, 2)}}, ["set by each point"]),
    ("a bad dimension", q1, sp.Trace(Sigma), {"dims": (0,)}, ["dims=0"]),
    ("a bad variant", q1, sp.Trace(Sigma * Vt), {"wrong_variants": {"x": "oops"}}, ["string"]),
]


@pytest.mark.parametrize(("what", "quantity", "formula", "kwargs", "words"), INVALID)
def test_invalid_user_claims_are_refused_with_one_line(what, quantity, formula, kwargs, words):
    with pytest.raises(InvalidArgument) as info:
        Claim.identity("mine", quantity=quantity, formula=formula, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (what, message)


# formulas the engines cannot represent: the verdict is "cannot express", never "refuted"
CANNOT = [
    ("inverse of a compound expression", sp.Trace((Sigma + I).I * Vt), {}),
    ("a function of a trace", sp.exp(sp.Trace(Sigma * Vt)), {}),
    ("a fractional power", sp.sqrt(sp.Trace(Sigma * Vt.T * Vt)), {}),
    ("a point with Γ(Σ)⁻¹ for every d", sp.Trace(I - G.I * Sigma), {"at": {"Vt": -G.I}}),
]


def test_out_of_scope_claims_cannot_be_expressed_never_refuted():
    claims = [
        Claim.identity(f"c{i}", quantity=q1, formula=f, **kw) for i, (_, f, kw) in enumerate(CANNOT)
    ]
    results = run_claims(claims, RunContext(seed=3))
    for (what, _, _), r in zip(CANNOT, results, strict=True):
        assert r.verdict == Verdict.CANNOT_EXPRESS, (what, r.summary())
        assert "cannot represent" in r.summary()
    assert len(INVALID) + len(CANNOT) >= 20


def test_a_symbol_the_simulation_lacks_cannot_be_expressed():
    from theory.checks import NumericIdentity

    # next_iterate's simulation draws its own tokens: a claim evaluated on a point without
    # the letter it names cannot be simulated (the check says so instead of failing)
    claim = Claim.identity(
        "nx", quantity=quantities.next_iterate, formula=wi + Vt * S * (Wt * wi - w)
    )
    ctx = RunContext(seed=0)
    pts = quantities.next_iterate.points(np.random.default_rng(0), ctx)
    stripped = [
        type(p)(p.label, p.d, p.n, {k: v for k, v in p.matrices.items() if k != "S"}) for p in pts
    ]
    ctx.cached(("points", "next_iterate"), lambda: stripped)
    from theory import CannotExpress

    with pytest.raises(CannotExpress, match="no value for the matrix S"):
        NumericIdentity().run(claim, ctx)


def test_next_iterate_through_identity_confirms_A1():
    claim = Claim.identity(
        "my_recursion", quantity=quantities.next_iterate, formula=wi + Vt * S * (Wt * wi - w)
    )
    assert [c.name for c in claim.checks] == ["symbolic", "numeric"]  # no z-test: exact
    result = check(claim, seed=1)
    assert result.verdict == Verdict.CONFIRMED, result.summary()
    wrong = claim.with_formula(wi + Vt * S * (Wt * wi + w))
    assert check(wrong, seed=1).verdict == Verdict.REFUTED
    # a 1e-6 relative error is far above round-off: the numeric witness alone must catch it
    off = Claim.identity(
        "off",
        quantity=quantities.next_iterate,
        formula=wi + (1 + sp.Rational(1, 10**6)) * Vt * S * (Wt * wi - w),
    )
    ev = off.checks[1].run(off, RunContext(seed=1))
    assert any(e.outcome == "fail" for e in ev)


def test_omitted_letter_is_a_warning_in_the_report():
    claim = Claim.identity("no_vt", quantity=q1, formula=sp.Trace(Sigma) * 0 + d, wrong_variants={})
    assert any("does not use Vt" in w for w in claim.warnings)
    assert any("does not use Sigma" in w for w in claim.warnings)
    from theory._report import render_table

    ctx = RunContext(seed=0)
    results = run_claims([claim], ctx)
    assert results[0].verdict == Verdict.REFUTED  # d is not the error
    assert "does not use Vt" in render_table(results, ctx)
    assert results[0].to_json(ctx)["warnings"] == list(claim.warnings)


def test_symbolic_time_limit_gives_inconclusive_with_the_reason():
    claim = Claim.identity(
        "slow",
        quantity=quantities.next_iterate,
        formula=wi + Vt * S * (Wt * wi - w),
        time_limit=1e-3,
    )
    notes: list[str] = []
    result = run_claims([claim], RunContext(seed=0, progress=notes.append))[0]
    assert result.verdict == Verdict.INCONCLUSIVE
    assert "time limit" in result.summary()
    assert any("symbolic" in m for m in notes)  # progress is reported


def test_wishart_sandwich_true_and_false():
    true = (1 + 1 / n) * C * B * C + sp.Trace(B * C) / n * C
    claim = Claim.identity(
        "sandwich",
        quantity=quantities.wishart_sandwich,
        formula=true,
        wrong_variants={"no_trace": (1 + 1 / n) * C * B * C},
    )
    assert not claim.warnings
    ctx = RunContext(seed=2)
    r, v = run_claims([claim, claim.variant("no_trace")], ctx)
    assert r.verdict == Verdict.CONFIRMED, r.summary()
    assert v.verdict == Verdict.REFUTED


def test_three_lsa_steps_at_d1_from_chi_square_moments():
    # d = 1, Σ = 1, Ṽ = −η: three steps of GD give ŵ₃ − w* = −(1 − ηs)³ w*, s = c/n with
    # c ~ χ²_n, so the risk is E(1 − ηc/n)⁶ = Σ_k C(6,k) (−η/n)^k E c^k, E c^k = Π_{j<k}(n + 2j)
    def chi2_moment(k):
        return sp.Mul(*[n + 2 * j for j in range(k)])

    risk = sum(sp.binomial(6, k) * (-eta / n) ** k * chi2_moment(k) for k in range(7))
    wrong = sum(sp.binomial(6, k) * (-eta / n) ** k * n**k for k in range(7))  # E c^k ≈ n^k
    claim = Claim.identity(
        "gd_three_steps_d1",
        quantity=quantities.icl_risk(3),
        at={"Sigma": I, "Vt": -eta * I},
        scalars={eta: (0.05, 0.5)},
        dims=(1,),
        formula=risk,
        wrong_variants={"population_moments": wrong},
    )
    r, v = run_claims([claim, claim.variant("population_moments")], RunContext(seed=5))
    assert r.verdict == Verdict.CONFIRMED, r.summary()
    assert v.verdict == Verdict.REFUTED, v.summary()
