r"""Fig. 2 (§5.2): post-test error of Ṽ* against the prompt length n, for B ∈ {50, 150, 300, 500}
(full tier, d = 400; quick: the same ratios at d = 100); panels r = 0, 0.01, 0.1. Points:
geometric mean ± 1 s.e. over replicates; lines: Theorem B.1 (printed) for r > 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theory._context import RunContext
from theory.claims.figures._setup import theory_curve
from theory.claims.figures._sft_figures import ETA, RHO
from theory.claims.figures.fig_2 import fig2_data
from theory.figures import require_matplotlib
from theory.figures._output import save_figure
from theory.figures._sft_plot import BESIDE_ERR_NOTE, OVERLAY_NOTE, draw_simulated

__all__ = ["render"]


def render(ctx: RunContext, out: Path) -> list[Path]:
    """Write ``out`` (PNG) and ``out.with_suffix('.csv')``; return both paths."""
    plt = require_matplotlib()
    fs, data = fig2_data(ctx)
    ns = np.asarray(fs.ns)
    fig, axes = plt.subplots(1, len(fs.rs), figsize=(16, 6.0))
    rows = []
    for ax, r in zip(axes, fs.rs, strict=True):
        for i, B in enumerate(fs.Bs):
            color = f"C{i}"
            mean, lo, hi = draw_simulated(ax, ns, data[(r, B)], color, f"B={B} (simulated)")
            th = np.array([theory_curve(fs.d, fs.m, int(n), r, [B])[0] for n in ns])
            if r > 0:
                ax.plot(
                    ns, th, "-", color=color, lw=1, label=f"B={B} Thm B.1 printed: lim Err(V_S+V_N)"
                )
            for j, n in enumerate(ns):
                rows.append([r, B, int(n), mean[j], lo[j], hi[j], th[j]])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("prompt length n")
        ax.set_title(f"r = {r}")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("post-test error Err(Ṽ*) (per coordinate)")
    axes[-1].legend(fontsize=7)
    caption = (
        f"Fig. 2 regenerated ({ctx.tier} tier, seed {ctx.seed}). d={fs.d}, m={fs.m}, ρ={RHO}, "
        f"η={ETA} (not printed in the paper; chosen as in Fig. 5), Σ0=diag(ρ·1_m, 1_(d−m)), "
        f"Δ=diag(1_m, 0), A=diag(η(ρ+1)·1_m, r·1_(d−m)), B ∈ {list(fs.Bs)}, n ∈ {list(fs.ns)}, "
        f"{fs.replicates} replicates. Points: geometric mean ± 1 s.e. of the exact post-test "
        "error of Ṽ* (Prop. 5.1 + Lemma A.1, divided by d); lines: Theorem B.1 as printed "
        "(r > 0). "
        + OVERLAY_NOTE
        + BESIDE_ERR_NOTE
    )
    return save_figure(
        plt,
        fig,
        out,
        caption,
        ["r", "B", "n", "err_geomean", "err_lo_1se", "err_hi_1se", "thm_B1_printed"],
        rows,
        width=190,
        rect=(0, 0.14, 1, 1),
    )
