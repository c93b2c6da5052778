r"""Claim ``fig_4`` (§6–§8, outcome supervision): the claim, its settings and the checks
written only for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

import derivations as dos
from theory._check import Check
from theory._claim import Claim
from theory._verdict import Evidence, Outcome
from theory.claims.outcome_supervision._trends import TrendCheck

if TYPE_CHECKING:
    from theory._context import RunContext


#: What Figure 4 asserts: (method, swept parameter) -> shape of the test error.
FIG4_TRENDS: dict[tuple[str, str], str] = {
    ("SFT", "B"): "falls_then_rises",
    ("SFT", "n"): "falls_then_rises",
    ("SFT", "k"): "flat",
    ("OS", "B"): "decreasing",
    ("OS", "n"): "decreasing",
    ("OS", "k"): "increasing",
}


class SFTScaleInvariance(Check):
    r"""Exact: for the sparse weights (W̃ = I) the SFT loss derived from the forward pass with
    teacher forcing is :math:`c_k\,L_1` with :math:`c_k = \sum_{i=0}^k \rho_c^{2i}` and
    :math:`L_1` independent of k (checked for k = 1..4), so Adam — invariant to a constant
    rescaling of the loss up to its ε — follows the same trajectory for every k: the sparse
    model's SFT test error cannot depend on k."""

    name = "sft_scale_invariance"
    uses_formula = False

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        import sympy as sp

        rho = sp.Symbol("rho_c", positive=True)
        base = dos.sft_loss_sparse(0)
        bad = []
        for kk in (1, 2, 3, 4):
            ck = sum(rho ** (2 * i) for i in range(kk + 1))
            if not (dos.sft_loss_sparse(kk) - base.scale(ck)).simplified().is_zero():
                bad.append(kk)
        letters = sorted({x.name for x in base.letters()})
        return [
            Evidence(
                kind="symbolic",
                label="sparse-model SFT loss = c_k · (a k-independent loss), k = 1..4",
                outcome=Outcome.FAIL if bad else Outcome.PASS,
                detail=(
                    f"fails at k = {bad}"
                    if bad
                    else f"L_k = c_k L_0 exactly; L_0 = {base.simplified()} (letters {letters})"
                ),
            )
        ]


def _sft_base_loss() -> sp.Expr:
    """L_0 with L_k = c_k L_0 (sparse model, W̃ = I, teacher forcing), derived."""
    return dos.sft_loss_sparse(0).to_sympy()


# ----------------------------------------------------------------- §8: Figure 4, Insight 3
fig_4 = Claim(
    id="fig_4",
    reference="Fig. 4, §8",
    statement="single-layer LSA, Adam (lr 1e-3), 130 epochs, k = 1 at test: SFT test loss falls "
    "then rises with B and with n and is insensitive to k; OS improves with B and n, longer k "
    "hurts",
    formula=dict(FIG4_TRENDS),
    checks=(TrendCheck(variant="full"), SFTScaleInvariance()),
    section="§8",
    refuted_at=(frozenset({"trends_full"}), ("vs k", "sparse-model SFT loss")),
    expected="not reproduced",
    experiment=True,
    quote="Fig. 4, §8: single-layer LSA, d = 100, Adam (learning rate 1e-3), 130 epochs, k = 1 "
    "at test; Σ0 diagonal with 0.1 on the first d/5 coordinates and 1 elsewhere; Δ low rank with "
    "unit diagonal; results over 10 runs. SFT: test loss falls then rises with B and with n; "
    "insensitive to k. OS: improves with larger B and n; longer k hurts",
    unprinted={
        "d": "8 (quick tier), 100 (full tier, as printed) — could change the outcome (smoke scale)",
        "support of Δ": "the first d/5 coordinates, where Σ0 = 0.1 — could change the outcome",
        "B grid": "4, 16, 64 (quick); 10..320 (full) — a minimum at its end is no U on the grid",
        "n grid": "8, 32, 128 (quick); 50..1600 (full) — as for B",
        "k grid": "1, 2, 4 (quick); 1, 2, 3, 4, 6 (full); B = 16 / 40, n = n0",
        "n0 (pretraining and test prompt length)": "4d — sets ρ(M) > 1, could change the OS trends",
        "steps": "130·⌈B/64⌉ (130 epochs of minibatches of 64 prompts) — could change the outcome",
        "η (SFT targets)": "0.2 (the value of Fig. 5)",
        "precision": "float32 training, float64 test errors — unlikely to matter",
        "seeds": "20 (quick), 10 (full, as printed)",
    },
    lhs_latex=r"L_{SFT,k} / c_k",
    derivation=_sft_base_loss,
    notes="Judged on the runs with every weight trained (as the paper's experiments); the "
    "sparse Ṽ-only runs are drawn in the figure. The paper's unprinted values are ours "
    "(theory/claims/outcome_supervision/_trends.py): Δ on the first d/5 coordinates, "
    "n0 = 4d, η = 0.2, "
    "minibatches of 64, steps = 130·⌈B/64⌉ (the full list: `unprinted`). Each statement is two "
    "pending tests (its negation: rejection supports; the statement: rejection contradicts), "
    "decided by Holm over the run. Quick tier (d = 8, 20 seeds, 3 grid values): not "
    "reproduced at every root seed tried "
    "(0–7): SFT decreases monotonically in B on our grid (minimum at its end B = 64; "
    "p_contradict from 2e-9 to 4e-15), while SFT is flat in k and OS worsens with k "
    "(supported); OS vs B and n undecided or contradicted depending on the seed (4 seeds per "
    "run, as before this audit, left every statement undecided). Full tier (d = 100, 10 "
    "seeds, seed 0; measured "
    "before the tests went under Holm, one-sided level 0.01 per statement): OS improves with B "
    "and n and worsens with k, SFT is flat in k (supported); SFT decreases monotonically in B "
    "with its minimum at our grid's end B = 320 (no rise on this grid) and in n up to a "
    "plateau — the falls-then-rises statements are not reproduced on our grid (a minimum at a "
    "grid edge is not a refutation).",
    wrong_variants={
        "sft_increasing_in_B": {**FIG4_TRENDS, ("SFT", "B"): "increasing"},
    },
)


CLAIMS = (fig_4,)
