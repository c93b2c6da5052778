"""Query risk, label noise and k-step risks: the two derivation engines agree, the sampler is
the real model, claims about them are confirmed when true and refuted when wrong."""

import numpy as np
import sympy as sp
from helpers import assert_z_within

import numerics
from derivations import d, icl_risk, icl_risk_explicit
from theory import Claim, RunContext, Verdict, decide_at, quantities, run_claims
from theory.symbols import I, Sigma, Vt, eta, n, sigma


def test_engines_agree_on_every_variant():
    for kw in (dict(query=True), dict(noise=True), dict(query=True, noise=True), dict(steps=2)):
        value, subs = icl_risk_explicit(1, **kw)
        assert sp.simplify(icl_risk(**kw).evaluate(subs, {d: 1}) - value) == 0, kw
    value, subs = icl_risk_explicit(2, query=True, noise=True)
    assert sp.simplify(icl_risk(query=True, noise=True).evaluate(subs, {d: 2}) - value) == 0


def test_sampler_two_steps_is_the_gd_recursion():
    # W̃ = I, Ṽ = −ηI: two LSA steps are two GD steps on the prompt's least squares
    rng = np.random.default_rng(3)
    dd, nn, e = 2, 4, 0.4
    big = numerics.icl_risk_samples(-e * np.eye(dd), np.eye(dd), nn, rng, 200_000, steps=2)
    hand = []
    for _ in range(20_000):
        X = rng.standard_normal((nn, dd))
        w = rng.standard_normal(dd)
        S, b = X.T @ X / nn, X.T @ (X @ w) / nn
        w2 = e * b - e * (S @ (e * b) - b)
        hand.append((w2 - w) @ (w2 - w))
    hand = np.asarray(hand)
    se = np.hypot(big[:, 0].std() / np.sqrt(len(big)), hand.std() / np.sqrt(len(hand)))
    assert_z_within((big[:, 0].mean() - hand.mean()) / se, 5.0, what="sampler vs hand-rolled GD")


def test_noisy_query_risk_true_and_wrong():
    true = (
        sp.Trace(Sigma)
        + 2 * sp.Trace(Sigma**2 * Vt)
        + (n + 1) / n * sp.Trace(Sigma**2 * Vt.T * Sigma * Vt)
        + (sp.Trace(Sigma) + sigma**2) / n * sp.Trace(Sigma * Vt * Sigma * Vt.T)
    )
    claim = Claim.identity(
        "nq",
        quantity=quantities.noisy_query_risk,
        formula=true,
        wrong_variants={"noise_on_query": true + sigma**2 / n * sp.Trace(Sigma)},
    )
    r, v = run_claims([claim, claim.variant("noise_on_query")], RunContext(seed=4))
    assert r.verdict == Verdict.CONFIRMED, r.summary()
    assert v.verdict == Verdict.REFUTED


def test_decide_at_true_and_wrong():
    gd = Claim.identity(
        "gd",
        quantity=quantities.query_risk,
        at={"Vt": -eta * I},
        scalars={eta: (0.1, 1)},
        formula=sp.Trace(Sigma)
        - 2 * eta * sp.Trace(Sigma**2)
        + eta**2 * ((1 + 1 / n) * sp.Trace(Sigma**3) + sp.Trace(Sigma) * sp.Trace(Sigma**2) / n),
    )
    ok = decide_at(gd, d=3, n=4, scalars={"eta": 0.3}, simulate=True, seed=2)
    assert ok.holds and ok.relative_gap < 1e-12 and ok.p_value is not None
    wrong = gd.with_formula(gd.formula * (1 + sp.Rational(1, 100)))
    assert not decide_at(wrong, d=3, n=4, scalars={"eta": 0.3}).holds
