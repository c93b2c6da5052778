r"""The paper's figures as checked claims: §5.2 and Appendix B (the qualitative statements of
Figs. 1, 2 and 5 and Insight 2; shared simulations in :mod:`theory.claims.figures._sft_figures`)
and §8 (Fig. 3, the six SFT/OS trends on a GPT-2-style transformer; the shared runs in
:mod:`theory.claims.figures._fig3`). Every one is an *experiment* claim: the paper does not
print every choice of its set-up (η for Figs. 1–2, the B and n grids, the sizes of the quick
tier, what "closely" means), so a failure under our stated choices is "not reproduced".

The figures themselves are drawn by :mod:`theory.figures` from the same cached simulations.

``fig_3`` holds Fig. 3's six statements (one check, one set of runs). Registry order:
``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = (
    "fig_1",
    "fig_2",
    "insight_2",
    "insight_2_all_r",
    "fig_5",
    "fig_3",
)
