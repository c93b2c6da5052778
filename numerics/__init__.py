"""Simulation witness of lsa-verify: Monte Carlo of the real one-layer LSA model.

Independent of :mod:`theory` and :mod:`derivations` (never imports them); numpy only.
Modules: ``_sampling`` (features, tasks, Wishart), ``_embedding`` (prompt layout and the
sparse pattern), ``_lsa`` (forward pass, Gram-matrix fast path, CoT rollout),
``_montecarlo`` (estimates with standard errors), ``_estimators`` (per-prompt sample
functions), ``_gradients`` (losses and hand-written gradients), ``_training`` (GD, Adam),
``_benchmark`` (throughput against the matmul peak).
"""

from ._benchmark import matmul_peak, rng_normals_per_s, run_benchmark
from ._embedding import (
    Blocks,
    block_slices,
    embed_prompt,
    embedding_dim,
    extract_pattern,
    pattern_masks,
    sparse_weights,
)
from ._estimators import (
    frobenius_risk_samples,
    one_step_error_naive,
    one_step_error_paired_samples,
    one_step_error_samples,
    wishart_sandwich_samples,
)
from ._gradients import (
    PromptData,
    last_column_loss_and_grad,
    make_pretrain_data,
    make_sft_data,
    os_loss,
    pretrain_loss_and_grad,
    sft_iterates,
    sft_loss_and_grad,
)
from ._lsa import (
    cot_rollout,
    cot_rollout_gram,
    cot_rollout_naive,
    gram_from_data,
    gram_from_sufficient,
    last_column,
    lsa_forward,
)
from ._montecarlo import (
    CVEstimate,
    Estimate,
    RunningMoments,
    mc_estimate,
    mc_estimate_cv,
    mc_estimate_to_precision,
    normal_two_sided_p,
    samples_for_precision,
    two_sample_z,
    z_critical,
)
from ._sampling import covariance_sqrt, sample_features, sample_tasks, sample_wishart
from ._sft_scale import (
    BlockDiagonalSetting,
    first_order_weights,
    post_test_error_diag,
    projector_block_traces,
    pseudo_inverse_traces,
    resolvent_cross_trace,
    sample_sft_statistics,
    sft_error_sweep,
    sft_minimizer,
    theorem_b1_terms_finite,
)
from ._training import GDResult, adam, gradient_descent

__all__ = [
    "BlockDiagonalSetting",
    "Blocks",
    "CVEstimate",
    "Estimate",
    "GDResult",
    "PromptData",
    "RunningMoments",
    "adam",
    "block_slices",
    "cot_rollout",
    "cot_rollout_gram",
    "cot_rollout_naive",
    "covariance_sqrt",
    "embed_prompt",
    "embedding_dim",
    "extract_pattern",
    "first_order_weights",
    "frobenius_risk_samples",
    "gradient_descent",
    "gram_from_data",
    "gram_from_sufficient",
    "last_column",
    "last_column_loss_and_grad",
    "lsa_forward",
    "make_pretrain_data",
    "make_sft_data",
    "matmul_peak",
    "mc_estimate",
    "mc_estimate_cv",
    "mc_estimate_to_precision",
    "normal_two_sided_p",
    "one_step_error_naive",
    "one_step_error_paired_samples",
    "one_step_error_samples",
    "os_loss",
    "pattern_masks",
    "post_test_error_diag",
    "pretrain_loss_and_grad",
    "projector_block_traces",
    "pseudo_inverse_traces",
    "resolvent_cross_trace",
    "rng_normals_per_s",
    "run_benchmark",
    "sample_features",
    "sample_sft_statistics",
    "sample_tasks",
    "sample_wishart",
    "samples_for_precision",
    "sft_error_sweep",
    "sft_iterates",
    "sft_loss_and_grad",
    "sft_minimizer",
    "sparse_weights",
    "theorem_b1_terms_finite",
    "two_sample_z",
    "wishart_sandwich_samples",
    "z_critical",
]
