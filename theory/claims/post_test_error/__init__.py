r"""§5: the post-test error of one LSA step (Proposition 5.1).

One claim per module, in ``ORDER``; a new public module is picked up after them
(see :mod:`theory.claims`)."""

ORDER = ("prop_5_1",)
