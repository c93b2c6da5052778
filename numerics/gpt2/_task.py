r"""The in-context weight-prediction task on the GPT-2 stack: prompts, tokens, CoT rollout,
the SFT and OS losses, training loops and the test error (§8 / Figure 3).

* prompts: :math:`x_j \sim N(0, C)`, :math:`w^* \sim N(0, I_d)`, :math:`y_j = \langle w^*,
  x_j\rangle`, j = 1..n (drawn on the CPU from a seeded ``torch.Generator``, float32);
* tokens: data :math:`(x_j, y_j, 0_d, 0)`, then iterates :math:`(0_d, 0, w_i, 1)`,
  starting at :math:`w_0 = 0`;
* CoT rollout: the read-out at the last token is :math:`\hat w_{i+1}`; the token
  :math:`(0, 0, \hat w_{i+1}, 1)` is appended and the model is run again;
* SFT (process supervision, teacher forcing): the tokens carry the true iterates
  :math:`w_i = (1-(1-\eta)^i) w^*`, i = 0..k, and
  :math:`L_{SFT} = \frac{1}{2B}\sum_\tau \sum_{i=0}^{k} \|\hat w(\text{token } w_i) - w_{i+1}\|^2`;
* OS (outcome supervision): :math:`L_{OS} = \frac{1}{2B}\sum_\tau \|\hat w_{\tau,k} - w^*_\tau\|^2`
  with gradients through the whole k-step rollout;
* test error: :math:`\frac1d\,\mathrm{mean}_\tau \|\hat w_{\tau,k} - w^*_\tau\|^2`.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from .._validation import InvalidArgument
from ._model import GPT2, GPT2Config

__all__ = [
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


@contextlib.contextmanager
def deterministic(threads: int = 1) -> Iterator[None]:
    """Deterministic algorithms and a fixed number of CPU threads inside the block (restored
    afterwards), so that the same seed gives bit-identical tensors on the CPU."""
    old_det = torch.are_deterministic_algorithms_enabled()
    old_threads = torch.get_num_threads()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(old_det)
        torch.set_num_threads(old_threads)


def make_model(cfg: GPT2Config, seed: int, device: str = "cpu") -> GPT2:
    """A freshly initialised model (GPT-2 initialisation drawn from ``seed``) on ``device``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = GPT2(cfg)
    return model.to(device)


@dataclass
class Prompts:
    """A batch of prompts: features ``X`` (B, n, d), labels ``y`` (B, n), tasks ``w`` (B, d)."""

    X: torch.Tensor
    y: torch.Tensor
    w: torch.Tensor

    def __len__(self) -> int:
        return self.X.shape[0]

    def take(self, idx: torch.Tensor) -> Prompts:
        return Prompts(self.X[idx], self.y[idx], self.w[idx])

    def to(self, device: str) -> Prompts:
        return Prompts(self.X.to(device), self.y.to(device), self.w.to(device))


def sample_prompts(C: np.ndarray, n: int, B: int, gen: torch.Generator) -> Prompts:
    r"""``B`` prompts of length ``n``: :math:`x = L g` with :math:`C = L L^T` (eigen-factor,
    so a singular C is fine), g, :math:`w^*` standard normal from ``gen``; noiseless labels."""
    C = np.asarray(C, dtype=np.float64)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise InvalidArgument(f"C must be a square matrix, got shape {C.shape}")
    if n < 1 or B < 1:
        raise InvalidArgument(f"n and B must be >= 1, got n={n}, B={B}")
    lam, U = np.linalg.eigh(C)
    if lam.min() < -1e-10 * max(1.0, lam.max()):
        raise InvalidArgument(
            f"C must be positive semi-definite, got smallest eigenvalue {lam.min()}"
        )
    L = torch.tensor(U * np.sqrt(np.clip(lam, 0, None)), dtype=torch.float32)
    d = C.shape[0]
    g = torch.randn(B, n, d, generator=gen)
    w = torch.randn(B, d, generator=gen)
    X = g @ L.T
    return Prompts(X, torch.einsum("bnd,bd->bn", X, w), w)


def tokens(p: Prompts, iterates: torch.Tensor) -> torch.Tensor:
    """Tokens (B, n + j, 2d + 2): the data tokens then one iterate token per row of
    ``iterates`` (B, j, d)."""
    B, n, d = p.X.shape
    j = iterates.shape[1]
    data = torch.cat([p.X, p.y[..., None], p.X.new_zeros(B, n, d + 1)], dim=2)
    its = torch.cat([p.X.new_zeros(B, j, d + 1), iterates, p.X.new_ones(B, j, 1)], dim=2)
    return torch.cat([data, its], dim=1)


def cot_iterates(w: torch.Tensor, k: int, eta: float) -> torch.Tensor:
    r"""The ground-truth CoT iterates :math:`w_i = (1-(1-\eta)^i) w^*`, i = 0..k, as
    (B, k + 1, d)."""
    i = torch.arange(k + 1, dtype=w.dtype, device=w.device)
    return (1 - (1 - eta) ** i)[None, :, None] * w[:, None, :]


def rollout(model: GPT2, p: Prompts, k: int) -> torch.Tensor:
    r"""The model's own CoT iterates :math:`\hat w_1..\hat w_k` (B, k, d) from
    :math:`w_0 = 0`, each appended as a token before the next step (differentiable)."""
    B, _, d = p.X.shape
    its = p.X.new_zeros(B, 1, d)
    for _ in range(k):
        nxt = model(tokens(p, its))[:, -1:, :]
        its = torch.cat([its, nxt], dim=1)
    return its[:, 1:, :]


def sft_loss(model: GPT2, p: Prompts, k: int, eta: float) -> torch.Tensor:
    """Teacher-forced SFT loss (module docstring): one forward pass over the data tokens and
    the true iterates w_0..w_k, targets w_1..w_{k+1}."""
    n = p.X.shape[1]
    W = cot_iterates(p.w, k + 1, eta)
    pred = model(tokens(p, W[:, : k + 1]))[:, n:, :]
    return 0.5 * ((pred - W[:, 1:]) ** 2).sum(dim=(1, 2)).mean()


def os_loss(model: GPT2, p: Prompts, k: int) -> torch.Tensor:
    """Outcome-only loss: half the mean squared distance of the k-th rollout iterate to w*."""
    return 0.5 * ((rollout(model, p, k)[:, -1] - p.w) ** 2).sum(dim=1).mean()


@torch.no_grad()
def test_error(model: GPT2, p: Prompts, k: int, chunk: int = 500) -> float:
    r""":math:`\frac1d \mathrm{mean}_\tau\|\hat w_{\tau,k} - w^*_\tau\|^2` of a k-step rollout."""
    model.eval()
    tot = 0.0
    for s in range(0, len(p), chunk):
        q = p.take(torch.arange(s, min(s + chunk, len(p))))
        tot += float(((rollout(model, q, k)[:, -1] - q.w) ** 2).sum())
    return tot / (len(p) * p.X.shape[2])


def _adam_steps(model, loss_fn, batches, lr: float, clip: float) -> list[float]:
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for batch in batches:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(float(loss.detach()))
    return losses


def pretrain(
    model: GPT2,
    Sigma0: np.ndarray,
    *,
    steps: int,
    batch: int,
    n_min: int,
    n_max: int,
    k: int,
    eta: float,
    lr: float,
    seed: int,
    clip: float = 1.0,
    device: str = "cpu",
) -> list[float]:
    r"""CoT pretraining in place: ``steps`` Adam steps on the teacher-forced SFT loss with
    ``k`` CoT steps on fresh prompts :math:`x \sim N(0, \Sigma_0)`. Curriculum: at step s the
    prompt length is drawn uniformly from :math:`[n_{min}, n_s]`,
    :math:`n_s = n_{min} + \lceil (n_{max}-n_{min})\min(1, 2s/\text{steps})\rceil` (the
    longest prompt grows linearly over the first half). Returns the loss per step."""
    gen = torch.Generator().manual_seed(seed)

    def batches():
        for s in range(steps):
            top = n_min + int(np.ceil((n_max - n_min) * min(1.0, 2 * s / max(steps, 1))))
            n = int(torch.randint(n_min, top + 1, (1,), generator=gen))
            yield sample_prompts(Sigma0, n, batch, gen).to(device)

    return _adam_steps(model, lambda p: sft_loss(model, p, k, eta), batches(), lr, clip)


def post_train(
    model: GPT2,
    data: Prompts,
    *,
    method: str,
    steps: int,
    batch: int,
    k: int,
    eta: float,
    lr: float,
    seed: int,
    clip: float = 1.0,
) -> tuple[GPT2, list[float]]:
    """A post-trained copy of ``model``: ``steps`` Adam steps of ``method`` ("SFT" or "OS") on
    minibatches of ``min(batch, B)`` prompts of the fixed set ``data`` (B prompts; each epoch a
    fresh permutation drawn from ``seed``). Returns (model, loss per step)."""
    if method not in ("SFT", "OS"):
        raise InvalidArgument(f"method must be 'SFT' or 'OS', got method={method!r}")
    model = copy.deepcopy(model)
    gen = torch.Generator().manual_seed(seed)
    B = len(data)
    mb = min(batch, B)

    def batches():
        perm, pos = torch.randperm(B, generator=gen), 0
        for _ in range(steps):
            if pos + mb > B:
                perm, pos = torch.randperm(B, generator=gen), 0
            yield data.take(perm[pos : pos + mb].to(data.X.device))
            pos += mb

    if method == "SFT":
        fn = lambda p: sft_loss(model, p, k, eta)  # noqa: E731
    else:
        fn = lambda p: os_loss(model, p, k)  # noqa: E731
    return model, _adam_steps(model, fn, batches(), lr, clip)
