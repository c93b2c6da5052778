"""Figure 3 (§8): post-test error of the GPT-2-style transformer after SFT and after OS against
the number of prompts B, the prompt length n and the CoT length k (six panels, mean ± standard
error over seeds). The runs are those of :func:`theory.claims.figures._fig3.fig3_results`,
shared with the six claims ``fig_3_*``; each panel title carries that claim's verdict (Holm over
the six)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from theory._runner import run_claims
from theory.claims.figures._fig3 import FIG3_TRENDS, fig3_results, panel_errors, unprinted
from theory.claims.figures.fig_3 import CLAIMS
from theory.figures import require_matplotlib
from theory.figures._output import save_figure

if TYPE_CHECKING:
    from theory._context import RunContext

__all__ = ["caption", "render"]


def caption(st) -> str:
    """Every parameter of the run, including those the paper did not print."""
    m = st.m
    choices = "; ".join(f"{k}: {v}" for k, v in unprinted(st).items())
    return (
        f"GPT-2-style transformer (pre-LayerNorm, causal softmax attention, learned positions, "
        f"GELU, final LayerNorm; linear read-in of the tokens (x, y, 0, 0) and (0, 0, w, 1), "
        f"linear read-out of w), {st.n_layer} layers, {st.n_head} heads, width {st.width}, "
        f"batch {st.batch}, on {st.device}. Σ0 = diag(0.1·1_{m}, 1_{st.d - m}), "
        f"Δ = diag(1_{m}, 0); CoT pretraining on N(0, Σ0) with k = {st.pre_k}; post-training "
        f"on B prompts from N(0, Σ0 + Δ); test: k = {st.k_test} rollout on N(0, Σ0 + Δ). "
        f"Our choices (not printed in the paper): {choices}. Mean ± s.e. over {st.seeds} "
        f"seeds; dotted: pretrained model. Verdicts: trend statistics of fig_4 (one-sided "
        f"level 0.01; opposite trend tested with Holm over the six statements)."
    )


def render(ctx: RunContext, out: Path) -> list[Path]:
    """Write the six panels (PNG) and their data (CSV next to it: test errors per seed)."""
    plt = require_matplotlib()
    st, seeds, results = fig3_results(ctx)
    verdicts = {next(iter(r.claim.formula)): str(r.verdict) for r in run_claims(CLAIMS, ctx)}
    pre = np.array([r["pretrained"] for r in results])
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    rows = []
    for ax, (method, panel) in zip(axes.ravel(), FIG3_TRENDS, strict=True):
        x = np.array(st.grid(panel), float)
        E = panel_errors(st, results, method, panel)
        mean, se = E.mean(0), E.std(0, ddof=1) / math.sqrt(len(seeds))
        ax.errorbar(x, mean, yerr=se, fmt="-o", capsize=3, ms=4, label=method)
        ax.axhline(pre.mean(), ls=":", color="gray", label="pretrained")
        for j, xv in enumerate(x):
            rows.append([method, panel, xv, mean[j], se[j], len(seeds), *E[:, j]])
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(x)
        ax.set_xticklabels([f"{v:g}" for v in x])
        ax.set_xlabel(panel)
        ax.set_ylabel(f"test error ‖ŵ_{st.k_test} − w*‖²/d")
        shape = FIG3_TRENDS[(method, panel)].replace("_", " ")
        ax.set_title(
            f"{method} vs {panel}: paper says {shape} — {verdicts[(method, panel)]}", fontsize=9
        )
        ax.legend(fontsize=7)
    rows.append(["pretrained", "", "", pre.mean(), pre.std(ddof=1) / math.sqrt(len(pre)),
                 len(pre), *pre])  # fmt: skip
    fig.suptitle("Figure 3 (§8): SFT and OS post-training of a GPT-2-style transformer")
    text = caption(st)
    header = ["method", "swept", "x", "mean_error", "stderr", "seeds",
              *[f"seed_{s}" for s in seeds]]  # fmt: skip
    rows = [[f"{v:.6g}" if isinstance(v, float) else v for v in r] for r in rows]
    return save_figure(plt, fig, out, text, header, rows, rect=(0, 0.12, 1, 0.96),
                       caption_y=0.005, fontsize=6.5, dpi=130, csv_comment=text)  # fmt: skip
