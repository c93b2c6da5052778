r"""A GPT-2 block stack (Radford et al. 2019) with the linear read-in and read-out of Garg et
al. (2022), for the in-context weight-prediction task (§8 / Figure 3 of the paper).

Tokens are the columns of the LSA embedding (``numerics.embed_prompt``): data tokens
:math:`(x_j, y_j, 0_d, 0)` and iterate tokens :math:`(0_d, 0, w_i, 1)`, each of length
:math:`D = 2d + 2`. The network is

.. math::
    h^{(0)}_t = R_{in} z_t + b_{in} + p_t,\qquad
    a = h + \mathrm{Attn}(\mathrm{LN}_1(h)),\qquad
    h' = a + W_2\,\mathrm{GELU}(W_1 \mathrm{LN}_2(a) + b_1) + b_2,

repeated ``n_layer`` times (pre-LayerNorm), then a final LayerNorm and the read-out
:math:`\hat w_t = R_{out} h_t + b_{out} \in \mathbb R^d` at every position. ``Attn`` is causal
multi-head softmax attention, :math:`\mathrm{softmax}(q k^T/\sqrt{d_h} + \text{mask}) v` per
head, with the mask :math:`-\infty` above the diagonal (a token sees itself and earlier
tokens only); GELU is the exact (erf) one; LayerNorm has ε = 1e-5. The prediction at the last
token of a prompt is the next CoT iterate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from .._validation import InvalidArgument

__all__ = ["GPT2", "GPT2Config"]


@dataclass(frozen=True)
class GPT2Config:
    """Sizes: task dimension ``d`` (tokens have 2d + 2 entries), ``n_layer`` blocks of
    ``n_head`` heads on a residual stream of ``width`` (divisible by ``n_head``), MLP hidden
    size ``mlp_ratio·width``, and ``max_len`` learned positions."""

    d: int
    n_layer: int
    n_head: int
    width: int
    max_len: int
    mlp_ratio: int = 4

    def __post_init__(self) -> None:
        for name in ("d", "n_layer", "n_head", "width", "max_len", "mlp_ratio"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidArgument(f"{name} must be an integer >= 1, got {name}={v!r}")
        if self.width % self.n_head:
            raise InvalidArgument(
                f"width must be divisible by n_head, got width={self.width}, "
                f"n_head={self.n_head}"
            )

    @property
    def token_dim(self) -> int:
        return 2 * self.d + 2


class CausalSelfAttention(nn.Module):
    """Multi-head causal softmax attention with one fused q/k/v projection and an output
    projection."""

    def __init__(self, width: int, n_head: int) -> None:
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        b, t, w = h.shape
        hd = w // self.n_head
        q, k, v = self.qkv(h).split(w, dim=2)
        q, k, v = (x.view(b, t, self.n_head, hd).transpose(1, 2) for x in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd)
        future = torch.ones(t, t, dtype=torch.bool, device=h.device).triu(1)
        scores = scores.masked_fill(future, float("-inf"))
        out = scores.softmax(dim=-1) @ v  # (b, heads, t, hd)
        return self.proj(out.transpose(1, 2).reshape(b, t, w))


class Block(nn.Module):
    """Pre-LayerNorm transformer block: attention and GELU MLP, each on a residual branch."""

    def __init__(self, width: int, n_head: int, mlp_ratio: int) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, n_head)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, mlp_ratio * width)
        self.out = nn.Linear(mlp_ratio * width, width)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        h = h + self.attn(self.ln1(h))
        return h + self.out(nn.functional.gelu(self.fc(self.ln2(h))))


class GPT2(nn.Module):
    """The read-in, position embedding, blocks, final LayerNorm and read-out (module
    docstring). ``forward(Z)`` maps tokens (batch, T, 2d+2) to predictions (batch, T, d)."""

    def __init__(self, cfg: GPT2Config) -> None:
        super().__init__()
        self.cfg = cfg
        self.read_in = nn.Linear(cfg.token_dim, cfg.width)
        self.pos = nn.Embedding(cfg.max_len, cfg.width)
        self.blocks = nn.ModuleList(
            Block(cfg.width, cfg.n_head, cfg.mlp_ratio) for _ in range(cfg.n_layer)
        )
        self.ln_f = nn.LayerNorm(cfg.width)
        self.read_out = nn.Linear(cfg.width, cfg.d)
        self.apply(_init_weights)

    def forward(self, Z: torch.Tensor) -> torch.Tensor:
        _, t, D = Z.shape
        if self.cfg.token_dim != D or t > self.cfg.max_len:
            raise InvalidArgument(
                f"tokens must have shape (batch, T <= {self.cfg.max_len}, "
                f"{self.cfg.token_dim}), got {tuple(Z.shape)}"
            )
        h = self.read_in(Z) + self.pos.weight[:t]
        for blk in self.blocks:
            h = blk(h)
        return self.read_out(self.ln_f(h))

    def n_parameters(self) -> int:
        """Number of trainable scalars."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)


def _init_weights(module: nn.Module) -> None:
    """GPT-2's initialisation: N(0, 0.02²) weights and position embeddings, zero biases."""
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0.0, 0.02)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, 0.0, 0.02)
