"""The GPT-2-style witness of Figure 3 (numerics.gpt2): forward pass against numpy by hand,
causal mask, rollout shapes and determinism, training lowers the loss, full-size parameter
count."""

import ast
import math
import pathlib
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import numerics.gpt2 as g  # noqa: E402

PKG = pathlib.Path(g.__file__).parent


def test_gpt2_imports_only_torch_numpy_and_stdlib():
    for path in PKG.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {node.module.split(".")[0]}
            else:
                continue
            third = {r for r in roots if r not in sys.stdlib_module_names}
            assert third <= {"numpy", "torch"}, f"{path.name} imports {third}"


def _ln(h):
    mu = h.mean(-1, keepdims=True)
    var = ((h - mu) ** 2).mean(-1, keepdims=True)
    return (h - mu) / np.sqrt(var + 1e-5)


def _gelu(u):
    return 0.5 * u * (1 + np.vectorize(math.erf)(u / math.sqrt(2)))


def test_forward_matches_a_hand_computed_tiny_case():
    # d = 1 (tokens of length 4), 1 layer, 1 head, width 2, every weight set by hand
    cfg = g.GPT2Config(d=1, n_layer=1, n_head=1, width=2, max_len=3, mlp_ratio=1)
    model = g.GPT2(cfg)
    R_in = np.array([[1.0, 0.5, -1.0, 0.2], [0.0, 1.0, 0.5, -0.3]])
    P = np.array([[0.1, -0.2], [0.3, 0.0], [-0.1, 0.2]])
    Wq, Wk, Wv = np.array([[1.0, 0.2], [0.0, 1.0]]), np.eye(2), np.array([[0.5, 0], [1, -1]])
    Wo = np.array([[1.0, -0.5], [0.2, 0.3]])
    W1, b1 = np.array([[0.7, -0.4], [0.1, 0.9]]), np.array([0.1, -0.2])
    W2, b2 = np.array([[1.0, 0.0], [-0.6, 0.8]]), np.array([0.05, 0.0])
    R_out, b_out = np.array([[0.3, -1.2]]), np.array([0.4])
    blk = model.blocks[0]
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        for ln in (blk.ln1, blk.ln2, model.ln_f):
            ln.weight.fill_(1.0)
        model.read_in.weight.copy_(torch.tensor(R_in))
        model.pos.weight.copy_(torch.tensor(P))
        blk.attn.qkv.weight.copy_(torch.tensor(np.vstack([Wq, Wk, Wv])))
        blk.attn.proj.weight.copy_(torch.tensor(Wo))
        blk.fc.weight.copy_(torch.tensor(W1))
        blk.fc.bias.copy_(torch.tensor(b1))
        blk.out.weight.copy_(torch.tensor(W2))
        blk.out.bias.copy_(torch.tensor(b2))
        model.read_out.weight.copy_(torch.tensor(R_out))
        model.read_out.bias.copy_(torch.tensor(b_out))
    Z = np.array([[1.0, 2.0, 0.0, 0.0], [-0.5, 1.0, 0.0, 0.0], [0.0, 0.0, 0.3, 1.0]])
    # by hand: residual stream, causal softmax attention, GELU MLP, final LayerNorm, read-out
    h = Z @ R_in.T + P
    u = _ln(h)
    q, k, v = u @ Wq.T, u @ Wk.T, u @ Wv.T
    S = q @ k.T / math.sqrt(2)
    S[np.triu_indices(3, 1)] = -np.inf
    A = np.exp(S - S.max(1, keepdims=True))
    A /= A.sum(1, keepdims=True)
    h = h + (A @ v) @ Wo.T
    h = h + _gelu(_ln(h) @ W1.T + b1) @ W2.T + b2
    expected = _ln(h) @ R_out.T + b_out
    got = model(torch.tensor(Z[None], dtype=torch.float32))[0].detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    # a deliberately wrong reference (no causal mask) is rejected
    S2 = q @ k.T / math.sqrt(2)
    A2 = np.exp(S2 - S2.max(1, keepdims=True))
    A2 /= A2.sum(1, keepdims=True)
    assert not np.allclose((A2 @ v)[0], (A @ v)[0], atol=1e-3)


def _small(seed=0, **kw):
    cfg = g.GPT2Config(**({"d": 3, "n_layer": 2, "n_head": 2, "width": 16, "max_len": 20} | kw))
    return g.make_model(cfg, seed)


def test_causal_mask_earlier_outputs_ignore_later_tokens():
    model = _small()
    Z = torch.randn(2, 10, 8, generator=torch.Generator().manual_seed(1))
    Z2 = Z.clone()
    Z2[:, 6:] += 5.0
    with torch.no_grad():
        a, b = model(Z), model(Z2)
    assert torch.equal(a[:, :6], b[:, :6])
    assert not torch.allclose(a[:, 6:], b[:, 6:])


def test_tokens_layout():
    p = g.sample_prompts(np.eye(3), 4, 2, torch.Generator().manual_seed(0))
    its = torch.ones(2, 2, 3)
    Z = g.tokens(p, its)
    assert Z.shape == (2, 6, 8)
    assert torch.equal(Z[:, :4, :3], p.X) and torch.equal(Z[:, :4, 3], p.y)
    assert torch.all(Z[:, :4, 4:] == 0) and torch.all(Z[:, 4:, :4] == 0)
    assert torch.all(Z[:, 4:, 4:7] == 1) and torch.all(Z[:, 4:, 7] == 1)
    np.testing.assert_allclose(p.y.numpy(), np.einsum("bnd,bd->bn", p.X, p.w), rtol=1e-6)


def test_rollout_shapes_and_determinism():
    def run(seed):
        with g.deterministic():
            model = _small(seed)
            p = g.sample_prompts(np.diag([0.1, 1, 1]), 5, 4, torch.Generator().manual_seed(seed))
            return g.rollout(model, p, 3)

    a, b, c = run(0), run(0), run(1)
    assert a.shape == (4, 3, 3)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_rollout_appends_the_predicted_iterate():
    model = _small()
    p = g.sample_prompts(np.eye(3), 5, 2, torch.Generator().manual_seed(0))
    with torch.no_grad():
        its = g.rollout(model, p, 2)
        first = model(g.tokens(p, torch.zeros(2, 1, 3)))[:, -1]
        second = model(g.tokens(p, torch.cat([torch.zeros(2, 1, 3), its[:, :1]], 1)))[:, -1]
    torch.testing.assert_close(its[:, 0], first)
    torch.testing.assert_close(its[:, 1], second)


def test_cot_iterates():
    w = torch.tensor([[1.0, -2.0]])
    W = g.cot_iterates(w, 3, 0.2)
    expected = np.array([1 - 0.8**i for i in range(4)])[:, None] * np.array([1.0, -2.0])
    np.testing.assert_allclose(W[0].numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("method", ["SFT", "OS"])
def test_training_reduces_the_loss(method):
    Sigma = np.diag([0.1, 1.0, 1.0])
    with g.deterministic():
        model = _small(0, max_len=30)
        if method == "SFT":
            losses = g.pretrain(model, Sigma, steps=60, batch=32, n_min=4, n_max=10, k=3,
                                eta=0.2, lr=3e-3, seed=0)
        else:
            data = g.sample_prompts(Sigma, 10, 64, torch.Generator().manual_seed(0))
            _, losses = g.post_train(model, data, method="OS", steps=60, batch=32, k=2,
                                     eta=0.2, lr=3e-3, seed=0)
    assert np.mean(losses[-10:]) < 0.8 * np.mean(losses[:10])


def test_post_train_leaves_the_model_unchanged_and_is_reproducible():
    model = _small()
    before = [p.detach().clone() for p in model.parameters()]
    data = g.sample_prompts(np.eye(3), 6, 8, torch.Generator().manual_seed(0))
    with g.deterministic():
        a, la = g.post_train(model, data, method="SFT", steps=5, batch=4, k=2, eta=0.2,
                             lr=1e-3, seed=3)
        b, lb = g.post_train(model, data, method="SFT", steps=5, batch=4, k=2, eta=0.2,
                             lr=1e-3, seed=3)
    assert la == lb
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))
    assert all(torch.equal(x, y) for x, y in zip(before, model.parameters(), strict=True))


def test_full_configuration_has_about_9_5M_parameters():
    from theory._context import RunContext
    from theory.claims.figures._fig3 import fig3_setting

    st = fig3_setting(RunContext(tier="full"), device="cpu")
    cfg = g.GPT2Config(d=st.d, n_layer=st.n_layer, n_head=st.n_head, width=st.width,
                       max_len=st.max_len)
    with torch.device("meta"):
        n = g.GPT2(cfg).n_parameters()
    assert (st.n_layer, st.n_head, st.width) == (12, 8, 256)
    assert abs(n - 9.5e6) / 9.5e6 < 0.02, n


@pytest.mark.parametrize(
    ("kw", "word"),
    [({"width": 30, "n_head": 4}, "divisible"), ({"n_layer": 0}, "n_layer")],
)
def test_bad_config_is_one_line(kw, word):
    with pytest.raises(ValueError, match=word):
        g.GPT2Config(**({"d": 3, "n_layer": 1, "n_head": 2, "width": 16, "max_len": 8} | kw))


def test_bad_method_and_covariance():
    model = _small()
    data = g.sample_prompts(np.eye(3), 4, 4, torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="method"):
        g.post_train(model, data, method="RL", steps=1, batch=2, k=1, eta=0.2, lr=1e-3, seed=0)
    with pytest.raises(ValueError, match="semi-definite"):
        g.sample_prompts(-np.eye(3), 4, 2, torch.Generator())
