r"""§5.1: which post-training data to choose — the error operator on U = range(Δ), the optimal
post-training covariance, and Insight 1 (data aligned with Δ beats data pretraining covers).

Registry order: ``ORDER``, then any other public module (see :mod:`theory.claims`)."""

ORDER = (
    "sec_5_1_operator",
    "sec_5_1_optimal_A",
    "sec_5_1_optimal_A_unrestricted",
    "insight_1",
    "insight_1_interference",
)
