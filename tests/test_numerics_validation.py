"""Every invalid-input path of the public API, from one table: InvalidArgument (a ValueError),
one clear line naming the parameter."""

import inspect

import numpy as np
import pytest
from helpers import assert_invalid

import derivations
import numerics as nm
import theory
from theory import strategies

RNG = np.random.default_rng(12345)
I2 = np.eye(2)
D2 = np.zeros((6, 6))  # a valid (2d+2)x(2d+2) weight for d = 2
DATA = nm.PromptData(np.stack([I2, I2]), np.ones((2, 2)), 3)


def _quad(x):
    return float(x @ x), 2 * x


def _ok_fn(r, size):
    return r.standard_normal(size)


CASES = [
    # sampling
    (
        nm.sample_features,
        dict(C=np.ones((2, 3)), n=2, size=1, rng=RNG),
        r"C must be a square matrix, got shape \(2, 3\)",
    ),
    (nm.sample_features, dict(C=[[1, 1], [0, 1]], n=2, size=1, rng=RNG), r"C must be symmetric"),
    (
        nm.sample_features,
        dict(C=np.diag([1.0, -1.0]), n=2, size=1, rng=RNG),
        r"C must be positive semidefinite, got smallest eigenvalue -1",
    ),
    (
        nm.sample_features,
        dict(C=[[np.nan, 0], [0, 1]], n=2, size=1, rng=RNG),
        r"C must contain only finite",
    ),
    (nm.sample_features, dict(C=I2, n=0, size=1, rng=RNG), r"^n must be >= 1, got n=0$"),
    (nm.sample_features, dict(C=I2, n=2, size=-1, rng=RNG), r"size must be >= 0, got size=-1"),
    (nm.sample_features, dict(C=I2, n=2, size=1, rng=42), r"rng must be a numpy.random.Generator"),
    (nm.sample_tasks, dict(d=0, size=1, rng=RNG), r"d must be >= 1, got d=0"),
    (nm.sample_wishart, dict(C=I2, n=2.5, size=1, rng=RNG), r"n must be an integer, got n=2.5"),
    (nm.sample_wishart, dict(C=I2, n=True, size=1, rng=RNG), r"n must be an integer, got n=True"),
    (
        nm.sample_wishart,
        dict(C=I2, n=2, size=1, rng=RNG, method="cholesky"),
        r"method must be one of",
    ),
    (
        nm.sample_wishart,
        dict(C=I2, n=1, size=1, rng=RNG, method="bartlett"),
        r"needs n >= rank\(C\), got n=1 and rank\(C\)=2",
    ),
    (nm.sample_wishart, dict(C=I2, n=2, size=1, rng=RNG, batch_size=0), r"batch_size must be >= 1"),
    (nm.covariance_sqrt, dict(C=np.zeros((0, 0))), r"C must be at least 1x1"),
    # embedding
    (
        nm.embed_prompt,
        dict(X=np.ones((3, 2)), y=np.ones(2), iterates=np.ones((1, 2))),
        r"y must have shape \(n=3\), got shape \(2,\)",
    ),
    (
        nm.embed_prompt,
        dict(X=np.ones((3, 2)), y=np.ones(3), iterates=np.ones((1, 3))),
        r"iterates must have shape \(m, d=2\)",
    ),
    (nm.sparse_weights, dict(V_tilde=np.ones((2, 3))), r"V_tilde must be a square"),
    (
        nm.sparse_weights,
        dict(V_tilde=I2, W_tilde=np.eye(3)),
        r"W_tilde must have shape \(d=2, d=2\)",
    ),
    (nm.sparse_weights, dict(V_tilde=I2, w24=np.inf), r"w24 must be a finite number"),
    (nm.pattern_masks, dict(d=0), r"d must be >= 1"),
    (nm.extract_pattern, dict(V=np.zeros((5, 5)), W=np.zeros((5, 5))), r"\(2d\+2\)"),
    # LSA
    (nm.lsa_forward, dict(Z=np.ones((5, 3)), V=D2, W=D2, n=2), r"Z must have shape \(D=6, N\)"),
    (
        nm.lsa_forward,
        dict(Z=np.ones((5, 3)), V=np.zeros((5, 5)), W=np.zeros((5, 5)), n=2),
        r"V must be \(2d\+2\)x\(2d\+2\) for some d >= 1",
    ),
    (
        nm.lsa_forward,
        dict(Z=np.ones((6, 3)), V=D2, W=np.zeros((4, 4)), n=2),
        r"V and W must both be square \(D, D\) .* got shapes \(6, 6\) and \(4, 4\)",
    ),
    (nm.lsa_forward, dict(Z=np.ones((6, 3)), V=D2, W=D2, n=0), r"n must be >= 1, got n=0"),
    (
        nm.cot_rollout_naive,
        dict(X=np.ones((3, 3)), y=np.ones(3), V=D2, W=D2, k=1),
        r"X must have shape \(n, d=2\)",
    ),
    (
        nm.cot_rollout_naive,
        dict(X=np.ones((3, 2)), y=np.ones(3), V=D2, W=D2, k=0),
        r"k must be >= 1",
    ),
    (nm.cot_rollout, dict(w=np.ones((1, 2)), V=D2, W=D2, k=1), r"exactly one of X .* or S"),
    (
        nm.cot_rollout,
        dict(w=np.ones((1, 2)), V=D2, W=D2, k=1, X=np.ones((1, 3, 2)), S=np.ones((1, 2, 2))),
        r"exactly one of X",
    ),
    (
        nm.cot_rollout,
        dict(w=np.ones((1, 2)), V=D2, W=D2, k=1, S=np.ones((1, 2, 2))),
        r"n \(prompt length\) is required when S is given",
    ),
    (
        nm.cot_rollout,
        dict(w=np.ones((1, 2)), V=D2, W=D2, k=1, X=np.ones((1, 3, 2)), n=4),
        r"n must equal X.shape\[1\]=3",
    ),
    (
        nm.cot_rollout,
        dict(w=np.ones((2, 2)), V=D2, W=D2, k=1, X=np.ones((1, 3, 2))),
        r"w must have shape \(B=1, d=2\)",
    ),
    (
        nm.cot_rollout,
        dict(w=np.ones((1, 2)), V=D2, W=D2, k=1, X=np.ones((1, 3, 2)), w0=np.ones(3)),
        r"w0 must have shape \(d=2\)",
    ),
    (
        nm.gram_from_data,
        dict(X=np.ones((2, 3, 2)), w=np.ones((2, 3))),
        r"w must have shape \(B=2, d=2\)",
    ),
    (
        nm.gram_from_sufficient,
        dict(S=np.ones((2, 3, 2)), w=np.ones((2, 3)), n=3),
        r"S must have shape \(B, d, d\)",
    ),
    (
        nm.gram_from_sufficient,
        dict(S=np.ones((1, 2, 2)), w=np.ones((1, 2)), n=3, iterates=np.ones((1, 2))),
        r"iterates must have shape \(B=1, m, d=2\)",
    ),
    (
        nm.last_column,
        dict(G=np.zeros((2, 6, 6)), z=np.zeros((3, 6)), V=D2, W=D2, n=1),
        r"z must have shape \(B=2, D=6\)",
    ),
    (
        nm.cot_rollout_gram,
        dict(G=np.zeros((2, 6, 6)), z=np.zeros((2, 6)), V=D2, W=D2, k=1, n=0),
        r"n must be >= 1",
    ),
    # Monte Carlo
    (nm.mc_estimate, dict(sample_fn=_ok_fn, n_samples=1, rng=RNG), r"n_samples must be >= 2"),
    (
        nm.mc_estimate,
        dict(sample_fn=lambda r, s: np.ones(s + 1), n_samples=5, rng=RNG),
        r"must be an array of shape \(size, ...\), got shape \(6,\) for size=5",
    ),
    (
        nm.mc_estimate,
        dict(sample_fn=lambda r, s: np.full(s, np.nan), n_samples=5, rng=RNG),
        r"NaN or inf",
    ),
    (nm.mc_estimate, dict(sample_fn=_ok_fn, n_samples=5, rng=None), r"rng must be"),
    (
        nm.mc_estimate_to_precision,
        dict(sample_fn=_ok_fn, rng=RNG, rel_se=0.0),
        r"rel_se must be a finite number in \(0.0, inf\]",
    ),
    (
        nm.mc_estimate_to_precision,
        dict(sample_fn=_ok_fn, rng=RNG, rel_se=0.1, min_samples=100, max_samples=10),
        r"max_samples must be >= min_samples=100",
    ),
    (
        nm.mc_estimate_cv,
        dict(
            sample_fn=lambda r, s: (np.ones(s), np.ones((s, 2))),
            control_means=[0, 0],
            n_samples=10,
            rng=RNG,
            pilot=3,
        ),
        r"pilot must be >= 4",
    ),
    (
        nm.mc_estimate_cv,
        dict(sample_fn=_ok_fn, control_means=[0.0], n_samples=10, rng=RNG, pilot=10),
        r"must return a pair \(values, controls\)",
    ),
    (
        nm.mc_estimate_cv,
        dict(
            sample_fn=lambda r, s: (np.ones(s), np.ones((s, 2))),
            control_means=[0.0],
            n_samples=10,
            rng=RNG,
            pilot=10,
        ),
        r"controls must have shape \(size, p=1\)",
    ),
    (nm.z_critical, dict(alpha=0.0), r"alpha must be a finite number in \(0.0, 1.0\)"),
    (nm.two_sample_z, dict(a=1.0, b=2.0), r"a and b must be Estimate objects"),
    # estimators
    (
        nm.one_step_error_samples,
        dict(V_tilde=I2, C=I2, n=3, rng=RNG, size=2, method="exact"),
        r"method must be one of 'tokens', 'wishart'",
    ),
    (
        nm.one_step_error_samples,
        dict(V_tilde=I2, C=np.eye(3), n=3, rng=RNG, size=2),
        r"C must be 2x2 to match V_tilde",
    ),
    (
        nm.one_step_error_naive,
        dict(V_tilde=np.ones((2, 1)), C=I2, n=3, rng=RNG, size=2),
        r"V_tilde must be a square",
    ),
    (
        nm.frobenius_risk_samples,
        dict(A=I2, S=np.ones((2, 3, 3))),
        r"S must have shape \(B, d=2, d=2\)",
    ),
    (
        nm.wishart_sandwich_samples,
        dict(C=I2, B=np.eye(3), n=3, rng=RNG, size=2),
        r"B must have shape \(d=2, d=2\)",
    ),
    # gradients
    (
        nm.PromptData,
        dict(S=np.ones((2, 2, 2)), w_star=np.ones((3, 2)), n=3),
        r"w_star must have shape \(B=2, d=2\)",
    ),
    (nm.PromptData, dict(S=np.ones((2, 2, 2)), w_star=np.ones((2, 2)), n=0), r"n must be >= 1"),
    (
        nm.pretrain_loss_and_grad,
        dict(data="S", V=D2, W=D2),
        r"data must be a PromptData, got data=str",
    ),
    (
        nm.pretrain_loss_and_grad,
        dict(data=DATA, V=np.zeros((8, 8)), W=np.zeros((8, 8))),
        r"V must have shape \(D=6, D=6\)",
    ),
    (
        nm.sft_loss_and_grad,
        dict(data=DATA, V=D2, W=D2, eta=1.0, k=1),
        r"eta must be a finite number in \(0.0, 1.0\)",
    ),
    (nm.sft_loss_and_grad, dict(data=DATA, V=D2, W=D2, eta=0.5, k=-1), r"k must be >= 0, got k=-1"),
    (nm.os_loss, dict(data=DATA, V=D2, W=D2, k=0), r"k must be >= 1"),
    (
        nm.last_column_loss_and_grad,
        dict(
            G=np.zeros((1, 6, 6)),
            z=np.zeros((1, 6)),
            target=np.zeros((1, 6)),
            V=D2,
            W=D2,
            n=1,
            rows=np.ones(6),
        ),
        r"rows must be None, a slice or a boolean mask",
    ),
    (
        nm.make_sft_data,
        dict(A=np.diag([1.0, -1.0]), n=3, B=2, rng=RNG),
        r"A must be positive semidefinite",
    ),
    (nm.make_pretrain_data, dict(C=I2, n=3, B=0, rng=RNG), r"B must be >= 1, got B=0"),
    # training
    (
        nm.gradient_descent,
        dict(loss_and_grad=_quad, params=(np.ones(2),), step=0.0, max_steps=1),
        r"step must be a finite number in \(0.0, inf\]",
    ),
    (
        nm.gradient_descent,
        dict(loss_and_grad=_quad, params=(np.ones(2),), step="wolfe", max_steps=1),
        r"step must be a positive number or 'armijo', got step='wolfe'",
    ),
    (
        nm.gradient_descent,
        dict(loss_and_grad=_quad, params=np.ones(2), step=0.1, max_steps=1),
        r"params must be a tuple of arrays",
    ),
    (
        nm.gradient_descent,
        dict(
            loss_and_grad=_quad,
            params=(np.ones(2),),
            step=0.1,
            max_steps=1,
            mask=(np.ones(3, dtype=bool),),
        ),
        r"mask\[0\] must be a boolean array of shape \(2,\)",
    ),
    (
        nm.gradient_descent,
        dict(loss_and_grad=lambda x: (0.0,), params=(np.ones(2),), step=0.1, max_steps=1),
        r"must return \(loss, \*grads\) with 1 gradients",
    ),
    (
        nm.adam,
        dict(loss_and_grad=_quad, params=(np.ones(2),), lr=-1.0, max_steps=1),
        r"lr must be a finite number",
    ),
    (
        nm.adam,
        dict(loss_and_grad=_quad, params=(np.ones(2),), beta1=1.0, max_steps=1),
        r"beta1 must be a finite number in \[0.0, 1.0\)",
    ),
    (
        nm.adam,
        dict(loss_and_grad=_quad, params=(np.ones(2),), max_steps=-1),
        r"max_steps must be >= 0",
    ),
    # benchmark
    (nm.run_benchmark, dict(seconds_per_case=0.0), r"seconds_per_case must be a finite number"),
    (
        nm.run_benchmark,
        dict(seconds_per_case=0.1, cases=[(2,)]),
        r"cases\[0\] must be a pair \(d, n\)",
    ),
]


def _id(case):
    fn, kwargs, _ = case
    return f"{fn.__name__}-{'-'.join(sorted(kwargs))}"


@pytest.mark.parametrize(
    "fn,kwargs,match", CASES, ids=[f"{i:02d}-{_id(c)}" for i, c in enumerate(CASES)]
)
def test_invalid_input_raises_one_line_invalid_argument(fn, kwargs, match):
    # the message names one of the function's parameters (the one at fault)
    assert_invalid(fn, param=tuple(inspect.signature(fn).parameters), match=match, **kwargs)


def test_one_invalid_argument_class_for_every_package():
    assert nm.InvalidArgument is derivations.InvalidArgument is theory.InvalidArgument
    assert issubclass(nm.InvalidArgument, ValueError)
    # a bad argument from each package is caught by the one class
    for call in (
        lambda: nm.sample_tasks(d=0, size=1, rng=np.random.default_rng(0)),
        lambda: derivations.Gaussian(derivations.LETTERS["S"], "inner"),
        lambda: strategies.dimensions(min_d=0),
    ):
        with pytest.raises(nm.InvalidArgument):
            call()


def test_running_moments_empty():
    acc = nm.RunningMoments()
    with pytest.raises(ValueError, match="RunningMoments is empty"):
        _ = acc.mean
    acc.update(np.ones(1))
    with pytest.raises(ValueError, match="variance needs count >= 2, got count=1"):
        _ = acc.variance
    with pytest.raises(ValueError, match=r"sample shape \(2,\) does not match"):
        acc.update(np.ones((3, 2)))
