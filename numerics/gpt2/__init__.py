"""The nonlinear witness of §8 / Figure 3: a GPT-2-style transformer (torch) on the in-context
weight-prediction task, trained by CoT pretraining, SFT and OS.

Independent of :mod:`theory` and :mod:`derivations` (never imports them); needs ``torch`` (the
``transformer`` extra), which the rest of :mod:`numerics` does not. Modules: ``_model`` (the
block stack), ``_task`` (prompts, tokens, rollout, losses, training, test error).
"""

from ._model import GPT2, GPT2Config
from ._task import (
    Prompts,
    cot_iterates,
    deterministic,
    make_model,
    os_loss,
    post_train,
    pretrain,
    rollout,
    sample_prompts,
    sft_loss,
    test_error,
    tokens,
)

__all__ = [
    "GPT2",
    "GPT2Config",
    "Prompts",
    "cot_iterates",
    "deterministic",
    "make_model",
    "os_loss",
    "post_train",
    "pretrain",
    "rollout",
    "sample_prompts",
    "sft_loss",
    "test_error",
    "tokens",
]
