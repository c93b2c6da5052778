r"""Fig. 1 (§5.2): post-test error of the SFT minimiser Ṽ* against the number of SFT prompts B.

Panels r = 0, 0.01, 0.1; curves n ∈ {400, 800, 1200} (full tier; quick tier: the same ratios at
d = 100). Points: geometric mean of the exact Err(Ṽ*) (Prop. 5.1 with Lemma A.1, per
coordinate) over R replicates, bars ± one standard error (of the mean of log Err); lines: the
Theorem B.1 limit as printed (solid) and as derived by us (dotted), drawn for r > 0 only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theory._context import RunContext
from theory.claims.figures._setup import theory_curve
from theory.claims.figures._sft_figures import ETA, RHO, fig1_data
from theory.figures import require_matplotlib
from theory.figures._output import save_figure
from theory.figures._sft_plot import BESIDE_ERR_NOTE, OVERLAY_NOTE, draw_simulated

__all__ = ["render"]


def render(ctx: RunContext, out: Path) -> list[Path]:
    """Write ``out`` (PNG) and ``out.with_suffix('.csv')``; return both paths."""
    plt = require_matplotlib()
    fs, data = fig1_data(ctx)
    Bs = np.asarray(fs.Bs)
    fine = np.unique(np.round(np.geomspace(Bs[0], Bs[-1], 120)).astype(int))
    fig, axes = plt.subplots(1, len(fs.rs), figsize=(16, 6.0))
    rows = []
    for ax, r in zip(axes, fs.rs, strict=True):
        for i, n in enumerate(fs.ns):
            color = f"C{i}"
            mean, lo, hi = draw_simulated(ax, Bs, data[(r, n)], color, f"n={n} (simulated)")
            printed = theory_curve(fs.d, fs.m, n, r, fine)
            derived = theory_curve(fs.d, fs.m, n, r, fine, which="derived")
            if r > 0:
                ax.plot(
                    fine,
                    printed,
                    "-",
                    color=color,
                    lw=1,
                    label=f"n={n} Thm B.1 printed: lim Err(V_S+V_N)",
                )
                ax.plot(fine, derived, ":", color=color, lw=1.2, label=f"n={n} Thm B.1 derived")
            pr = theory_curve(fs.d, fs.m, n, r, Bs)
            dr = theory_curve(fs.d, fs.m, n, r, Bs, which="derived")
            for j, B in enumerate(Bs):
                rows.append([r, n, int(B), B / fs.d, mean[j], lo[j], hi[j], pr[j], dr[j]])
        ax.axvline(fs.m, color="grey", lw=0.6, ls="--")
        ax.axvline(fs.d, color="grey", lw=0.6, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of SFT prompts B")
        ax.set_title(f"r = {r}")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("post-test error Err(Ṽ*) (per coordinate)")
    axes[-1].legend(fontsize=7, ncol=1)
    caption = (
        f"Fig. 1 regenerated ({ctx.tier} tier, seed {ctx.seed}). d={fs.d}, m={fs.m}, ρ={RHO}, "
        f"η={ETA} (η is not printed in the paper; chosen as in Fig. 5), Σ0=diag(ρ·1_m, 1_(d−m)), "
        f"Δ=diag(1_m, 0), Σ=Σ0+Δ, A=diag(η(ρ+1)·1_m, r·1_(d−m)), n ∈ {list(fs.ns)}, "
        f"B ∈ [{Bs[0]}, {Bs[-1]}] ({len(Bs)} values, dashed lines at B=m and B=d), "
        f"{fs.replicates} replicates per curve (one growing prompt set per replicate). "
        "Points: geometric mean ± 1 s.e. of the exact post-test error of Ṽ* (Prop. 5.1 + "
        "Lemma A.1, divided by d); lines (r > 0): Theorem B.1 limit, printed (solid) and derived "
        "(dotted; they differ below B = d through T_var); undefined at r = 0. "
        + OVERLAY_NOTE
        + BESIDE_ERR_NOTE
    )
    return save_figure(
        plt,
        fig,
        out,
        caption,
        [
            "r",
            "n",
            "B",
            "B_over_d",
            "err_geomean",
            "err_lo_1se",
            "err_hi_1se",
            "thm_B1_printed",
            "thm_B1_derived",
        ],
        rows,
        width=190,
        rect=(0, 0.14, 1, 1),
    )
