r"""Claim ``insight_2_all_r`` (the figures' qualitative statements): the claim, its settings
and the checks written only for it."""

from __future__ import annotations

from theory._claim import Claim
from theory.claims.figures._setup import _FIG1_UNPRINTED
from theory.claims.figures._sft_figures import ExactLawSymbolic, InsightStatement, SmallBestBCheck

insight_2_all_r = Claim(
    id="insight_2_all_r",
    reference="Insight 2, §5.2 (every r > 0 of Fig. 1)",
    statement="Extension (ours): at every interference level r > 0 of Fig. 1 (r = 0.01 and the "
    "weaker r = 0.1) the minimum of Err(Ṽ*) over B lies at B < d",
    formula=InsightStatement(rs=(0.01, 0.1)),
    checks=(ExactLawSymbolic(), SmallBestBCheck()),
    section="§5.2",
    refuted_at=(frozenset({"best_B"}), ("B < d, r=0.01",)),
    expected="not reproduced",
    experiment=True,
    extends="insight_2",
    unprinted=_FIG1_UNPRINTED,
    quote="Insight 2, §5.2: under interference, the best SFT set is small",
    notes="Not reproduced at r = 0.1: the error keeps falling past the spike and the best B "
    "of Fig. 1's grid is its largest (B = 5d), significantly below every B < d. Prop. B.2 (ii) "
    "explains it: F(∞) − F(0) ≈ (η²/r²) μ2 (1 + γΣ̄) is positive only for small r — the paper "
    "states the insight for strong interference, so this is no refutation of it. The unprinted "
    "η could change this outcome: the gap's leading term grows like η²/r², so a larger η "
    "than our 0.2 can move the minimum below B = d at r = 0.1 too.",
    lhs_latex=r"\operatorname{argmin}_B \mathrm{Err}(\tilde V^*)",
    derivation=lambda: None,
)


CLAIMS = (insight_2_all_r,)
