"""The theory layer's variance-reduced simulations agree with the raw forward pass (z-test)."""

import numpy as np
import pytest

import numerics as nm
from theory import quantities as q
from theory._context import RunContext


@pytest.mark.parametrize("j", [1, 2])
def test_one_step_lean_simulation_matches_the_raw_forward_pass(j):
    ctx = RunContext(tier="quick", seed=3)
    quantity = q.one_step_test_error
    pt = quantity.points(np.random.default_rng(0), ctx)[j]
    lean = quantity.simulate(pt, np.random.default_rng(1), ctx)
    raw = quantity.simulate_forward(pt, np.random.default_rng(2), ctx)
    z = nm.two_sample_z(
        nm.Estimate(lean.mean, lean.stderr, lean.n_samples),
        nm.Estimate(raw.mean, raw.stderr, raw.n_samples),
    )
    assert abs(z) < 4.5
    assert "w* integrated out" in lean.detail and "pilot 10000 draws" in lean.detail
    assert "variance per sample" in raw.detail
    # the point of it: at least the raw path's precision (its draws are floored at 1e5, which
    # costs little: a draw is d(d+1)/2 variates, not n·d)
    assert lean.stderr < raw.stderr


def test_frobenius_risk_detail_names_its_control():
    ctx = RunContext(tier="quick", seed=0)
    quantity = q.frobenius_risk
    pt = quantity.points(np.random.default_rng(0), ctx)[0]
    res = quantity.simulate(pt, np.random.default_rng(1), ctx)
    assert "⟨G, S − Σ⟩" in res.detail and "control variates cut the variance" in res.detail
