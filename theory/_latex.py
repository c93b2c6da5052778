"""LaTeX of a claim: the printed formula and the sympy-derived one, in the paper's symbols."""

from __future__ import annotations

import sympy as sp

from theory._claim import Claim
from theory.symbols import LATEX_NAMES, LETTERS

__all__ = ["claim_latex", "to_latex"]


def to_latex(expr: sp.Expr) -> str:
    """sympy's LaTeX printer with the paper's names (Σ̂, Ṽ, w* ...) and Σᵀ = Σ for symmetric
    letters."""
    expr = sp.sympify(expr)
    sym = {}
    for name, letter in LETTERS.items():
        ms = sp.MatrixSymbol(name, letter.rows, letter.cols)
        if letter.symmetric:
            sym[sp.Transpose(ms)] = ms
    expr = expr.xreplace(sym)
    rename = {}
    for s, tex in LATEX_NAMES.items():
        if isinstance(s, sp.MatrixSymbol):
            rename[s] = sp.MatrixSymbol(tex, s.rows, s.cols)
        else:
            rename[s] = sp.Symbol(tex, **s.assumptions0)
    return sp.latex(expr.xreplace(rename)).replace(r"\mathbb{I}", "I")


def claim_latex(claim: Claim) -> str:
    """A block ready to paste into a paper: printed formula, then the derived one."""
    lines = [f"% {claim.id} — {claim.reference}", f"% {claim.statement}"]
    lhs = getattr(claim.quantity, "latex", None) or claim.lhs_latex
    if isinstance(claim.formula, sp.Basic):
        lines += ["% printed in the paper:", f"{lhs} = {to_latex(claim.formula)}".strip(" =")]
    elif hasattr(claim.formula, "latex_lines"):  # a set of printed formulas (e.g. asymptotics)
        lines += ["% printed in the paper:", *claim.formula.latex_lines(to_latex)]
    else:
        lines.append(f"% printed statement (not a formula): {claim.formula}")
    derived = None
    if claim.derivation is not None:
        derived = claim.derivation()
    elif claim.quantity is not None:
        derived = claim.quantity.derive().simplified().to_sympy()
    if derived is not None:
        lines += [
            "% derived by sympy from the model's definitions:",
            f"{lhs} = {to_latex(derived)}".strip(" ="),
        ]
    return "\n".join(lines)
