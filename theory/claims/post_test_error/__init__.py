r"""§5: the post-test error of one LSA step (Proposition 5.1).

Registry order: ``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = ("prop_5_1",)
