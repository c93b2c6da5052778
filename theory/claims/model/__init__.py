r"""§1–§3: the model itself — the forward-pass recursion (A.1), the pretrained weights
(3.6)–(3.7) and the sparsity pattern (3.8).

Registry order: ``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = (
    "recursion",
    "pretrain_fixed_point",
    "sparsity_preserved",
    "sparsity_preserved_finite_B",
)
