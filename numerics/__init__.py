"""Simulation witness of lsa-verify: Monte Carlo of the real one-layer LSA model.

Independent of :mod:`theory` and :mod:`derivations` (never imports them); numpy only.
Modules: ``_sampling`` (features, tasks, Wishart), ``_embedding`` (prompt layout and the
sparse pattern), ``_lsa`` (forward pass, Gram-matrix fast path, CoT rollout),
``_montecarlo`` (estimates with standard errors), ``_estimators`` (per-prompt sample
functions), ``_gradients`` (losses and hand-written gradients), ``_training`` (GD, Adam),
``_sft`` (SFT in the sparse parametrisation: minimisers, ridge paths, GD trajectories),
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
from ._sft import (
    NewtonResult,
    minimise_sft_loss,
    newton_minimise,
    ridge_path,
    sft_gd_iterations,
    sft_gd_trajectory,
    sft_minimiser,
    sft_statistics,
    sparse_sft_loss_and_grad,
)
from ._training import GDResult, adam, gradient_descent

__all__ = [
    "Blocks",
    "CVEstimate",
    "Estimate",
    "GDResult",
    "NewtonResult",
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
    "minimise_sft_loss",
    "newton_minimise",
    "normal_two_sided_p",
    "one_step_error_naive",
    "one_step_error_paired_samples",
    "one_step_error_samples",
    "os_loss",
    "pattern_masks",
    "pretrain_loss_and_grad",
    "ridge_path",
    "rng_normals_per_s",
    "run_benchmark",
    "sample_features",
    "sample_tasks",
    "sample_wishart",
    "samples_for_precision",
    "sft_gd_iterations",
    "sft_gd_trajectory",
    "sft_iterates",
    "sft_loss_and_grad",
    "sft_minimiser",
    "sft_statistics",
    "sparse_sft_loss_and_grad",
    "sparse_weights",
    "two_sample_z",
    "wishart_sandwich_samples",
    "z_critical",
]
