"""Simulation witness of lsa-verify: Monte Carlo of the real one-layer LSA model.

Independent of :mod:`theory` and :mod:`derivations` (never imports them); numpy only.
Modules: ``_sampling`` (features, tasks, Wishart), ``_embedding`` (prompt layout and the
sparse pattern), ``_lsa`` (forward pass, Gram-matrix fast path, CoT rollout),
``_montecarlo`` (estimates with standard errors), ``_estimators`` (per-prompt sample
functions), ``_gradients`` (losses and hand-written gradients), ``_training`` (GD, Adam),
``_os`` (outcome supervision: OS loss and back-propagation through the rollout,
Hessian–vector products, Adam/GD training loops), ``_sft`` (SFT in the sparse
parametrisation: the real loss' minimiser nearest a start, ridge paths, GD trajectories),
``_sft_scale`` (paper-scale SFT: the closed form (4.1), Appendix B/C objects), ``_benchmark``
(time to a target standard error against a user's own numpy), ``_frobenius_mc`` (lean Bartlett
sampler of ‖I + AS‖_F² with a Taylor control variate). Everything the other packages use is
re-exported here; nothing outside imports a private ``numerics._module``.
"""

from ._benchmark import (
    format_benchmark,
    matmul_peak,
    rng_normals_per_s,
    run_benchmark,
    user_baseline_estimate,
    user_baseline_samples,
)
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
from ._frobenius_mc import FrobeniusSampler, frobenius_risk_cv_samples, taylor_gradient
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
from ._icl import icl_risk_samples
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
    SizedEstimate,
    mc_estimate,
    mc_estimate_cv,
    mc_estimate_to_precision,
    mc_to_precision,
    normal_two_sided_p,
    samples_for_precision,
    two_sample_z,
    z_critical,
)
from ._optimise import golden_section_min
from ._os import (
    StableStep,
    TrainResult,
    adam_epochs,
    damped_newton,
    gd_fixed_step,
    hessian_matrix,
    hessian_vector_product,
    largest_stable_step,
    one_step_test_errors,
    os_loss_and_grad,
    os_loss_and_grad_sparse,
    post_train,
    post_train_many,
    sft_loss_and_grad_sparse,
    sft_loss_and_grad_structured,
    top_hessian_eigenvalue,
)
from ._polyfit import PolyFit, fitted_minimiser, polyfit_wls
from ._ridders import ridders_derivative
from ._sampling import covariance_sqrt, sample_features, sample_tasks, sample_wishart
from ._sft import (
    NewtonResult,
    minimise_sft_loss,
    nearest_sft_minimiser,
    newton_minimise,
    ridge_path,
    sft_gd_iterations,
    sft_gd_trajectory,
    sft_statistics,
    sparse_sft_loss_and_grad,
)
from ._sft import (
    sft_minimiser as sft_minimiser,  # deprecated alias of nearest_sft_minimiser
)
from ._sft_scale import (
    BlockDiagonalSetting,
    first_order_weights,
    post_test_error_diag,
    projector_block_traces,
    pseudo_inverse_traces,
    resolvent_cross_trace,
    sample_sft_statistics,
    sft_error_sweep,
    theorem_4_1_minimiser,
    theorem_b1_terms_finite,
)
from ._sft_scale import (
    sft_minimizer as sft_minimizer,  # deprecated alias of theorem_4_1_minimiser
)
from ._training import GDResult, adam, gradient_descent
from ._validation import InvalidArgument

__all__ = [
    "BlockDiagonalSetting",
    "Blocks",
    "CVEstimate",
    "Estimate",
    "FrobeniusSampler",
    "GDResult",
    "InvalidArgument",
    "NewtonResult",
    "PolyFit",
    "PromptData",
    "RunningMoments",
    "SizedEstimate",
    "StableStep",
    "TrainResult",
    "adam",
    "adam_epochs",
    "block_slices",
    "cot_rollout",
    "cot_rollout_gram",
    "cot_rollout_naive",
    "covariance_sqrt",
    "damped_newton",
    "embed_prompt",
    "embedding_dim",
    "extract_pattern",
    "first_order_weights",
    "fitted_minimiser",
    "format_benchmark",
    "frobenius_risk_cv_samples",
    "frobenius_risk_samples",
    "gd_fixed_step",
    "golden_section_min",
    "gradient_descent",
    "gram_from_data",
    "gram_from_sufficient",
    "hessian_matrix",
    "hessian_vector_product",
    "icl_risk_samples",
    "largest_stable_step",
    "last_column",
    "last_column_loss_and_grad",
    "lsa_forward",
    "make_pretrain_data",
    "make_sft_data",
    "matmul_peak",
    "mc_estimate",
    "mc_estimate_cv",
    "mc_estimate_to_precision",
    "mc_to_precision",
    "minimise_sft_loss",
    "nearest_sft_minimiser",
    "newton_minimise",
    "normal_two_sided_p",
    "one_step_error_naive",
    "one_step_error_paired_samples",
    "one_step_error_samples",
    "one_step_test_errors",
    "os_loss",
    "os_loss_and_grad",
    "os_loss_and_grad_sparse",
    "pattern_masks",
    "polyfit_wls",
    "post_test_error_diag",
    "post_train",
    "post_train_many",
    "pretrain_loss_and_grad",
    "projector_block_traces",
    "pseudo_inverse_traces",
    "resolvent_cross_trace",
    "ridders_derivative",
    "ridge_path",
    "rng_normals_per_s",
    "run_benchmark",
    "sample_features",
    "sample_sft_statistics",
    "sample_tasks",
    "sample_wishart",
    "samples_for_precision",
    "sft_error_sweep",
    "sft_gd_iterations",
    "sft_gd_trajectory",
    "sft_iterates",
    "sft_loss_and_grad",
    "sft_loss_and_grad_sparse",
    "sft_loss_and_grad_structured",
    "sft_statistics",
    "sparse_sft_loss_and_grad",
    "sparse_weights",
    "taylor_gradient",
    "theorem_4_1_minimiser",
    "theorem_b1_terms_finite",
    "top_hessian_eigenvalue",
    "two_sample_z",
    "user_baseline_estimate",
    "user_baseline_samples",
    "wishart_sandwich_samples",
    "z_critical",
]
