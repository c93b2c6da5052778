"""Figure 4 (§8): post-test error of the single-layer LSA after SFT and after OS, against the
number of prompts B, the prompt length n and the CoT length k (six panels, mean ± standard error
over seeds), for every weight trained (solid, the paper's setting) and for Ṽ only (dashed). The
data are the sweeps of :func:`theory.claims.outcome_supervision._trends.fig4_results`, shared
with the claims ``fig_4`` and ``insight_3``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from theory.claims.outcome_supervision._trends import fig4_results, trend_statistics
from theory.claims.outcome_supervision.fig_4 import FIG4_TRENDS
from theory.figures import require_matplotlib
from theory.figures._output import save_figure

if TYPE_CHECKING:
    from theory._context import RunContext

__all__ = ["caption", "render"]

_PANELS = [("SFT", "B"), ("SFT", "n"), ("SFT", "k"), ("OS", "B"), ("OS", "n"), ("OS", "k")]


def caption(st) -> str:
    """Every parameter of the run, including those the paper did not print."""
    m = st.m
    return (
        f"d = {st.d}; Σ0 = diag(0.1·1_{m}, 1_{st.d - m}); Δ = diag(1_{m}, 0) (support: the first "
        f"d/5 coordinates, our choice); post-training and test prompts x ~ N(0, Σ0 + Δ), "
        f"w* ~ N(0, I). Pretrained weights (3.6)–(3.7) at n0 = {st.n0} (= 4d, our choice); test: "
        f"one LSA step (k = 1) at n0, {st.n_test} test prompts per seed. Adam lr {st.lr:g}, "
        f"β = (0.9, 0.999), {st.epochs} epochs of minibatches of {st.batch} prompts "
        f"(steps = {st.epochs}·⌈B/{st.batch}⌉; our mapping; float32 training), "
        f"SFT targets with η = {st.eta:g}. "
        f"Sweeps: B ∈ {list(st.B_grid)} (n = n0, k = {st.k_fixed}); n ∈ {list(st.n_grid)} "
        f"(B = {st.B_fixed}, k = {st.k_fixed}); k ∈ {list(st.k_grid)} (B = {st.B_fixed}, "
        f"n = n0). {st.seeds} seeds; mean ± s.e. Solid: all (2d+2)² entries of V, W trained; "
        f"dashed: Ṽ only; dotted: pretrained. Panel titles: the unadjusted p-values of the "
        f"two tests of each statement on the all-weights runs (null 'statement false': small "
        f"p supports it; null 'statement true': small p contradicts it); the verdict "
        f"(`lsa-verify check fig_4`) applies Holm's procedure over the whole run. A minimum at "
        f"an end of our grid is not a U on this grid, not a refutation. No theory curve is "
        f"drawn: the paper gives no formula for these curves."
    )


def render(ctx: RunContext, out: Path) -> list[Path]:
    """Write the six panels (PNG) and their data (CSV next to it: post-test errors per seed,
    and the sharpness of the Ṽ-only OS end points used by Insight 3); returns the paths."""
    plt = require_matplotlib()
    st, seeds, results = fig4_results(ctx)
    pre = np.array([r["pretrained"] for r in results])
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5), constrained_layout=False)
    rows = []
    for ax, (method, panel) in zip(axes.ravel(), _PANELS, strict=True):
        x = np.array(st.grid(panel), float)
        for variant, style in (("full", "-o"), ("sparse", "--s")):
            key = (method, variant, panel)
            if key not in results[0]:
                continue
            E = np.array([r[key][0] for r in results])
            mean, se = E.mean(0), E.std(0, ddof=1) / math.sqrt(len(seeds))
            ax.errorbar(
                x,
                mean,
                yerr=se,
                fmt=style,
                capsize=3,
                ms=4,
                label="all weights" if variant == "full" else "Ṽ only",
            )
            for j, xv in enumerate(x):
                rows.append(
                    [
                        method,
                        variant,
                        panel,
                        xv,
                        mean[j],
                        se[j],
                        len(seeds),
                        *[f"{v:.6g}" for v in E[:, j]],
                    ]
                )
        ax.axhline(pre.mean(), ls=":", color="gray", label="pretrained")
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(x)
        ax.set_xticklabels([f"{v:g}" for v in x])
        ax.set_xlabel(panel)
        ax.set_ylabel("post-test error ‖ŵ − w*‖²/d")
        shape = FIG4_TRENDS[(method, panel)]
        key = (method, "full", panel)
        verdict = ""
        if key in results[0]:
            stats = trend_statistics(x, np.array([r[key][0] for r in results]), shape)
            verdict = (
                f"\nall weights: p(supports) = {stats['p_confirm']:.2g}, "
                f"p(contradicts) = {stats['p_contradict']:.2g} (unadjusted)"
            )
        ax.set_title(
            f"{method} vs {panel}: paper says {shape.replace('_', ' ')}{verdict}", fontsize=8
        )
        ax.legend(fontsize=7)
    for panel in ("B", "n"):  # Insight 3: sharpness of the sparse OS end points (CSV only)
        key = ("OS", "sparse", panel)
        if key in results[0] and results[0][key][1] is not None:
            L = np.array([r[key][1] for r in results])
            mean, se = L.mean(0), L.std(0, ddof=1) / math.sqrt(len(seeds))
            for j, xv in enumerate(st.grid(panel)):
                rows.append(
                    [
                        "OS-sharpness",
                        "sparse",
                        panel,
                        xv,
                        mean[j],
                        se[j],
                        len(seeds),
                        *[f"{v:.6g}" for v in L[:, j]],
                    ]
                )
    fig.suptitle("Figure 4 (§8): SFT and OS post-training of the single-layer LSA", fontsize=11)
    text = caption(st)
    rows.append(
        [
            "pretrained",
            "",
            "",
            "",
            pre.mean(),
            pre.std(ddof=1) / math.sqrt(len(pre)),
            len(pre),
            *[f"{v:.6g}" for v in pre],
        ]
    )
    header = [
        "method",
        "weights",
        "swept",
        "x",
        "mean_error",
        "stderr",
        "seeds",
        *[f"seed_{s}" for s in seeds],
    ]
    return save_figure(
        plt,
        fig,
        out,
        text,
        header,
        rows,
        width=190,
        rect=(0, 0.09, 1, 0.96),
        caption_y=0.005,
        fontsize=6.5,
        dpi=130,
        csv_comment=text,
    )
