r"""§8, Figure 3: the six SFT/OS trends of Figure 4 on a 12-layer, 8-head, width-256 GPT-2-style
transformer (a smoke-scale model in the quick tier), one claim per statement. All six share one
simulation (:func:`theory.claims.figures._fig3.fig3_results`); the figure is drawn by
:mod:`theory.figures.fig_3` from the same runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from theory._check import Check
from theory._claim import Claim
from theory._context import RunContext
from theory._verdict import Evidence, Outcome
from theory.claims.figures._fig3 import (
    FIG3_TRENDS,
    fig3_results,
    fig3_setting,
    panel_errors,
    trend_p_values,
    unprinted,
)

if TYPE_CHECKING:
    from theory._context import RunContext
__all__ = ["CLAIMS"]


def _describe(s: dict[str, Any]) -> str:
    out = f"slope of log error on log x {s['slope']:+.3f} ± {s['se']:.3f}"
    if "left_slope" in s:
        out += (
            f"; break at x = {s['break']:g}: left {s['left_slope']:+.3f} ± {s['left_se']:.3f}, "
            f"right {s['right_slope']:+.3f} ± {s['right_se']:.3f}"
        )
    elif "break" in s:
        out += f"; minimum at the end point x = {s['break']:g}"
    return out + (
        f"; p(statement) = {s['p_for']:.2g}, p(opposite) = {s['p_against']:.2g} "
        f"({s['seeds']} seeds)"
    )


@dataclass
class Fig3Trend(Check):
    """One Figure 3 statement ``{(method, panel): shape}`` (the claim's formula) judged on the
    shared runs: two pending "rate" records decided by Holm over the run — the test of the
    statement itself (a rejection means not reproduced) and the test of its negation
    (``reject_means="pass"``: a rejection supports the statement; otherwise undecided)."""

    name: str = field(default="trend", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st, seeds, results = fig3_results(ctx)
        out = []
        for (method, panel), shape in claim.formula.items():
            E = panel_errors(st, results, method, panel)
            x = np.array(st.grid(panel), float)
            s = trend_p_values(x, E, shape)
            common = {
                "params": {**st.to_json(), "method": method, "panel": panel, "x": x.tolist()},
                "claimed": shape,
                "measured": E.mean(0),
                "stderr": E.std(0, ddof=1) / math.sqrt(len(seeds)),
                "seed": seeds[0],
                "n_samples": len(seeds),
                "detail": _describe(s),
            }
            out.append(
                Evidence(
                    kind="rate",
                    label=f"{method} test error vs {panel}: no significant opposite of {shape}",
                    outcome=Outcome.PENDING,
                    p_value=s["p_against"],
                    **common,
                )
            )
            out.append(
                Evidence(
                    kind="rate",
                    label=f"{method} test error vs {panel}: {shape}, null 'not {shape}' "
                    "(rejection supports)",
                    outcome=Outcome.PENDING,
                    p_value=s["p_for"],
                    reject_means="pass",
                    **common,
                )
            )
        return out


_QUICK = fig3_setting(RunContext(tier="quick"), device="cpu")
_FULL = fig3_setting(RunContext(tier="full"), device="cpu")
_UNPRINTED = {
    key: f"quick tier: {q}; full tier: {f}" if q != f else q
    for (key, q), f in zip(unprinted(_QUICK).items(), unprinted(_FULL).values(), strict=True)
}
_PAPER = (
    "Fig. 3, §8: the trends of Fig. 4 hold for a 12-layer, 8-head, width-256 GPT-2-style model "
    "(about 9.5M parameters; linear read-in and read-out as in Garg et al. 2022; batch 64; 100 "
    "SFT steps, 12k OS steps; pretrained with k = 8, post-trained and tested with k = 3; "
    "curriculum). Fig. 4: "
)
_WORDING = {
    ("SFT", "B"): "SFT test loss falls then rises with B",
    ("SFT", "n"): "SFT test loss falls then rises with n",
    ("SFT", "k"): "SFT is insensitive to k",
    ("OS", "B"): "OS improves with larger B",
    ("OS", "n"): "OS improves with larger n",
    ("OS", "k"): "for OS, longer k hurts",
}
#: the deliberately wrong statement of each claim (the opposite direction; for "falls then
#: rises" a rise from the start, for "flat" a rise)
_WRONG = {
    "falls_then_rises": "increasing",
    "flat": "increasing",
    "decreasing": "increasing",
    "increasing": "decreasing",
}
#: the verdict each claim gets in the quick tier at seed 0 (tests hold the verifier to it)
EXPECTED: dict[tuple[str, str], str] = {
    ("SFT", "B"): "inconclusive",
    ("SFT", "n"): "inconclusive",
    ("SFT", "k"): "inconclusive",
    ("OS", "B"): "inconclusive",
    ("OS", "n"): "inconclusive",
    ("OS", "k"): "inconclusive",
}


def _claim(method: str, panel: str) -> Claim:
    shape = FIG3_TRENDS[(method, panel)]
    wrong = _WRONG[shape]
    return Claim(
        id=f"fig_3_{method.lower()}_{panel}",
        reference="Fig. 3, §8",
        statement=f"GPT-2-style transformer: {_WORDING[(method, panel)]} "
        f"(test error ‖ŵ_3 − w*‖²/d vs {panel}: {shape.replace('_', ' ')})",
        formula={(method, panel): shape},
        checks=(Fig3Trend(),),
        section="§8",
        expected=EXPECTED[(method, panel)],
        quote=_PAPER + _WORDING[(method, panel)] + ".",
        experiment=True,
        unprinted=_UNPRINTED,
        notes="Trend statistics of fig_4 (trend_statistics in "
        "theory/claims/outcome_supervision/_trends.py) over seeds "
        "on a GPT-2 stack (numerics.gpt2) pretrained with CoT (k = 8) on Σ0 and post-trained on "
        "Σ0 + Δ; a significant opposite trend (Holm over the run) is 'not reproduced', a trend "
        "not significant at the one-sided level 0.01 is 'inconclusive'. Every unprinted choice is "
        "listed in `unprinted`; d, the ranges and the model size at the quick tier could change "
        "the outcome.",
        wrong_variants={f"{wrong}_in_{panel}": {(method, panel): wrong}},
    )


CLAIMS = tuple(_claim(m, p) for m, p in FIG3_TRENDS)
