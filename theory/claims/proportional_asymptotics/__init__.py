r"""Appendices B–C: the proportional asymptotics of SFT (Lemmas C.1–C.3, Theorem B.1 and its
terms, the two definitions of T_inv) and Proposition B.2.

Every printed closed form is typed once below in the scalars of
:data:`derivations._asymptotics.ASYM` (β, μ1, ρ, r, η, γ, q, w_k, T12, z, v). The regime:
B/d → β, m/d → μ1, d/n → γ; :math:`a_1 = \eta(\rho+1)`, :math:`a_2 = r`. Checks:
:class:`~theory.claims.proportional_asymptotics._limits.SymbolicLimit` (printed = derived,
exactly) and :class:`~theory.claims.proportional_asymptotics._limits.LimitRate` (finite-d
statistics at d on a geometric grid; the gap that does not shrink is tested). The printed forms
are typed once in ``_setup.py``.


Registry order: ``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = (
    "lemma_C1",
    "lemma_C2",
    "lemma_C3",
    "thm_B1_terms",
    "thm_B1_Tinv_C20",
    "thm_B1_Tinv_C24",
    "thm_B1",
    "prop_B2",
)
