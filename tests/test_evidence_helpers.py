"""The generic record builders of :mod:`theory.checks._evidence`: ``z_evidence`` carries the
z-test of ``theory._verdict.z_test`` into a pending record (a right value stays far from
rejection, a wrong one is rejected), ``t_interval`` is Student's interval, ``scope_if`` scopes
only on a declared condition, ``short_text`` cuts long detail lines."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from theory._verdict import Outcome, z_test
from theory.checks import scope_if, short_text, t_interval, z_evidence


def test_z_evidence_is_the_z_test_as_a_pending_record():
    rng = np.random.default_rng(3)
    x = rng.normal(2.0, 1.0, size=(400, 3))
    mean, se = x.mean(0), x.std(0, ddof=1) / math.sqrt(len(x))
    ev = z_evidence(
        "monte_carlo",
        "mean of N(2, 1)",
        claimed=np.full(3, 2.0),
        measured=mean,
        stderr=se,
        seed=3,
        n_samples=400,
    )
    assert (ev.z, ev.p_value) == z_test(mean, np.full(3, 2.0), se)
    assert ev.outcome is Outcome.PENDING and ev.kind == "monte_carlo"
    assert ev.seed == 3 and ev.n_samples == 400
    assert ev.p_value > 1e-3
    wrong = z_evidence(
        "monte_carlo", "mean of N(2, 1)", claimed=np.full(3, 2.3), measured=mean, stderr=se
    )
    assert wrong.p_value < 1e-6  # a 0.3 shift is 6 standard errors


def test_z_evidence_with_dof_uses_student_t():
    normal = z_evidence("rate", "slope", claimed=-1.0, measured=-0.7, stderr=0.1)
    student = z_evidence("rate", "slope", claimed=-1.0, measured=-0.7, stderr=0.1, dof=3)
    assert normal.z == pytest.approx(3.0) and student.z == pytest.approx(3.0)
    assert student.p_value > normal.p_value  # heavier tails at 3 dof
    assert student.p_value == pytest.approx(0.0577, abs=1e-3)  # 2·P(T_3 > 3)


def test_t_interval_is_students_interval():
    lo, hi = t_interval(1.0, 0.5, dof=10)
    assert (hi - 1.0) / 0.5 == pytest.approx(2.228, abs=1e-3)  # t_{10, 0.975}
    assert lo == pytest.approx(2.0 - hi)


def test_scope_if_and_short_text():
    C = SimpleNamespace(conditions={"B <= d": "..."})
    assert scope_if(C, "B <= d", True) == "B <= d"
    assert scope_if(C, "B <= d", False) == ""
    assert scope_if(C, "undeclared", True) == ""
    assert short_text("x" * 10, limit=20) == "x" * 10
    cut = short_text("x" * 300, limit=20)
    assert len(cut) == 20 and cut.endswith("…")
