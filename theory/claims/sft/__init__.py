r"""§4: SFT post-training — Theorem 4.1 (the SFT minimiser nearest the initialisation),
Theorem 4.2 (loss, gradient and the gradient-descent bound), Remark 4.1 (dependence on k) and
Proposition 4.3 (the limit B → ∞).

Registry order: ``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = (
    "thm_4_1",
    "thm_4_2",
    "remark_4_1",
    "prop_4_3",
)
