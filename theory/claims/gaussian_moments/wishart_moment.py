r"""Claim ``wishart_moment``: a Gaussian moment lemma as printed, with its wrong variants."""

from __future__ import annotations

import sympy as sp

from theory import quantities as q
from theory._claim import Claim
from theory.claims.gaussian_moments._setup import _CHECKS
from theory.symbols import B, C, n

wishart_moment = Claim(
    id="wishart_moment",
    reference="Lemma A.2 of the authors' earlier paper (used in Prop 4.3, Lemma A.1)",
    statement="E[S B S] = ((n−1)/n) C B C + (1/n)(2 C B C + tr(C B) C) for symmetric B",
    formula=(n - 1) / n * C * B * C + (2 * C * B * C + sp.Trace(C * B) * C) / n,
    quantity=q.wishart_sandwich,
    checks=_CHECKS,
    section="§3 (tools)",
    cheap=True,
    quote="Lemma A.2 of the authors' earlier paper (used in Prop. 4.3 and Lemma A.1): for S the "
    "empirical covariance of n draws from N(0, C) and symmetric B, E[S B S] = ((n−1)/n) C B C "
    "+ (1/n)(2 C B C + tr(C B) C); in particular E[S²] = ((n+1)/n) C² + (tr C/n) C.",
    notes="The printed special case E[S²] = ((n+1)/n) C² + (tr C/n) C is this formula at B = I.",
    wrong_variants={
        "no_trace_term": (n - 1) / n * C * B * C + 2 * C * B * C / n,
        "n_not_n_minus_1": C * B * C + (2 * C * B * C + sp.Trace(C * B) * C) / n,
    },
)


CLAIMS = (wishart_moment,)
