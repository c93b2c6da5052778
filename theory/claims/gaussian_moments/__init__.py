r"""Gaussian moment lemmas: the Wishart moment (the authors' earlier Lemma A.2) and Lemma A.1,
in both printed forms.

Registry order: ``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = (
    "wishart_moment",
    "lemma_A1",
    "lemma_A1_proof_line",
)
