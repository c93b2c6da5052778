"""What every figure writes: the PNG with its caption under the panels, and the plotted data as
CSV next to it (``out.with_suffix(".csv")``), each written atomically (temp file + rename)."""

from __future__ import annotations

import csv
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from theory._io import atomic_output

__all__ = ["save_figure", "wrap_caption", "write_csv"]


def wrap_caption(text: str, width: int = 150) -> str:
    """``text`` broken into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(text, width))


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], comment: str | None = None
) -> Path:
    """Write ``rows`` under ``header`` (after a ``# comment`` line, if given) atomically;
    return ``path``."""
    path = Path(path)
    with atomic_output(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        if comment is not None:
            fh.write(f"# {comment}\n")
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def save_figure(
    plt: Any,
    fig: Any,
    out: Path,
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    width: int = 190,
    rect: tuple[float, float, float, float] = (0, 0.08, 1, 1),
    caption_y: float = 0.01,
    fontsize: float = 7,
    dpi: int = 110,
    csv_comment: str | None = None,
) -> list[Path]:
    """Caption at the foot of ``fig`` (wrapped at ``width``), layout within ``rect``, PNG at
    ``out``, figure closed, data at ``out.with_suffix(".csv")``; returns both paths."""
    out = Path(out)
    fig.text(0.01, caption_y, wrap_caption(caption, width), fontsize=fontsize, va="bottom")
    fig.tight_layout(rect=rect)
    try:
        with atomic_output(out) as tmp:  # format from the target's suffix (png, svg, pdf)
            fig.savefig(tmp, dpi=dpi, format=out.suffix.lstrip(".").lower() or "png")
    finally:
        plt.close(fig)
    return [out, write_csv(out.with_suffix(".csv"), header, rows, csv_comment)]
