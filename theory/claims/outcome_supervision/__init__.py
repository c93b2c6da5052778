r"""§6–§8: outcome supervision (the paper's stand-in for RL) — Proposition 6.1, the OS
gradient and Hessian, the stability cliff (Insights 3–4, §7) and the LSA experiments of
Figure 4.

Formulas are per prompt (B = 1): the printed :math:`\frac1{2B}\sum_\tau` and
:math:`\frac1B\sum_\tau` are means over prompts of these, and the numeric checks average the
printed per-prompt value over real prompts.


Registry order: ``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = (
    "prop_6_1",
    "prop_6_1_identity",
    "os_gradient",
    "os_gradient_regimes",
    "os_hessian",
    "os_hessian_appendix",
    "insight_4",
    "sec_7_balance",
    "insight_3",
    "fig_4",
)
