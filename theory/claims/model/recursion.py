r"""Claim ``recursion`` (the model, §1–§3): the claim and the checks written only for it."""

from __future__ import annotations

from theory import quantities as q
from theory._claim import Claim
from theory.checks import NumericIdentity, SymbolicIdentity
from theory.symbols import S, Vt, Wt, n, w, wi

recursion = Claim(
    id="recursion",
    reference="(A.1)",
    statement="with the sparse weights, the LSA forward pass gives "
    "ŵ_{i+1} = ŵ_i + Ṽ S (W̃ ŵ_i − w*)",
    formula=wi + Vt * S * (Wt * wi - w),
    quantity=q.next_iterate,
    checks=(SymbolicIdentity(), NumericIdentity()),
    section="§1 / Appendix A",
    cheap=True,
    quote="(A.1): with the sparse weights, ŵ_{i+1} = ŵ_i + Ṽ S (W̃ ŵ_i − w*).",
    wrong_variants={
        "sign_of_w_star": wi + Vt * S * (Wt * wi + w),
        "divide_by_n_plus_1": wi + n / (n + 1) * Vt * S * (Wt * wi - w),
        "transposed_W": wi + Vt * S * (Wt.T * wi - w),
    },
)


CLAIMS = (recursion,)
