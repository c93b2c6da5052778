"""Figures as first-class output: ``lsa-verify figure ID --out FILE.png``.

A figure module exposes ``render(ctx: RunContext, out: pathlib.Path) -> list[pathlib.Path]``:
it writes the PNG at ``out`` and its data as CSV next to it (``out.with_suffix(".csv")``),
states every parameter in the caption (including those the paper did not print) and returns
the paths written. The figure's qualitative statements are checked as claims elsewhere
(``theory/claims``); a figure and its claims share simulations through the run's cache.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from theory._validation import InvalidArgument

__all__ = ["FIGURES", "get_figure"]

#: figure id -> module implementing ``render``
FIGURES: dict[str, str] = {
    "fig_1": "theory.figures.fig_1",
    "fig_2": "theory.figures.fig_2",
    "fig_3": "theory.figures.fig_3",
    "fig_4": "theory.figures.fig_4",
    "fig_5": "theory.figures.fig_5",
}


def get_figure(figure_id: str) -> ModuleType:
    """The module rendering ``figure_id`` (``InvalidArgument`` naming the valid ids otherwise)."""
    if figure_id not in FIGURES:
        valid = ", ".join(FIGURES) or "(none registered yet)"
        raise InvalidArgument(f"figure id {figure_id!r} is unknown: valid ids are {valid}")
    return importlib.import_module(FIGURES[figure_id])


def require_matplotlib():
    """``matplotlib.pyplot`` on the Agg backend, or a one-line error if it is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - the Makefile installs the plots extra
        raise InvalidArgument(
            "figures need matplotlib: install the plots extra, pip install 'lsa-verify[plots]'"
        ) from None
    return plt
