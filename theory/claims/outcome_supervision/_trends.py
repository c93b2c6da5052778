r"""The LSA experiments of §8 / Figure 4 and Insight 3: SFT and OS post-training of the real
single-layer LSA, swept over the number of prompts B, the prompt length n and the CoT length k,
with the post-test error measured at k = 1; the paper's trends are judged as statistical
statements over seeds.

**Setting** (values the paper did not print are ours, and stated in the figure's caption):
feature dimension d (100 in the full tier, 10 in the quick tier), m = d/5;
pretraining :math:`\Sigma_0 = \mathrm{diag}(0.1\cdot 1_m, 1_{d-m})`; the shift
:math:`\Delta = \mathrm{diag}(1_m, 0)` on the first m coordinates (where pretraining is weak);
post-training and test prompts :math:`x \sim N(0, \Sigma_0 + \Delta)`, :math:`w^* \sim N(0, I)`;
pretraining and test prompt length :math:`n_0 = 4d` (so that Δ is a new direction for the
pretrained model, :math:`\rho(M) > 1`); start at the pretrained weights (3.6)–(3.7) with
:math:`n_0` (all other entries of V, W zero); SFT targets with η = 0.2 (the value of Fig. 5);
Adam (lr 1e-3, β = (0.9, 0.999), ε = 1e-8) for 130 epochs of minibatches of 64 prompts
(:math:`130\lceil B/64\rceil` steps), in single precision (as neural networks are usually
trained; post-test errors are evaluated in double precision); *full* = every entry of the
(2d+2)² matrices V, W trained (as the paper's experiments), *sparse* = only
:math:`\tilde V = V_{31}` (W̃ = I, W24 = −1).
Post-test error: :math:`\|\hat w_1 - w^*\|^2/d` of one real LSA step (k = 1) averaged over a
fixed test set per seed (common to every run of that seed, so comparisons along a sweep are
paired).

**Trend statistics** (per sweep: R seeds × G grid values of x, y = log test error,
t = log x). Each statement gives two p-values, left to Holm's procedure over the whole run
(nothing is decided in the check): ``p_confirm`` of the null "the statement is false" (its
rejection supports the statement; ``reject_means="pass"``) and ``p_contradict`` of the null
"the statement is true" (its rejection contradicts it):

* *decreasing* / *increasing*: per seed the least-squares slope of y on t; mean ± s.e. over
  seeds; one-sided Student t tests in the claimed and in the opposite direction;
* *flat*: equivalence test (TOST) of ``|slope| < FLAT_MARGIN`` for ``p_confirm``, one-sided test
  of ``|slope| > FLAT_MARGIN`` for ``p_contradict``;
* *falls then rises*: the two-lines test for a U shape (Simonsohn 2018): the break point is
  the grid value minimising the mean curve; per seed the slopes of y on t left and right of it;
  ``p_confirm`` = the larger of the one-sided p-values of "left slope < 0" and "right slope
  > 0" (intersection–union), ``p_contradict`` = twice the smaller p-value of a segment slope
  with the wrong sign. With the break at an end of the grid, ``p_confirm`` = 1 and
  ``p_contradict`` is twice the smaller of the two-sided p-value of the slope over the whole
  grid (a monotone curve on this grid) and the two-lines p-value of an interior maximum (the
  opposite shape); for an experiment claim a rejection is "not reproduced on this grid", not a
  refutation.

Seeds, slopes and standard errors are recorded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

import numerics
from theory._check import Check
from theory._claim import Claim
from theory._stats import upper_tail_p
from theory._verdict import Evidence

if TYPE_CHECKING:
    from theory._context import RunContext


#: |slope of log error on log x| below which a curve counts as flat (≈ 3.5 % per doubling)
FLAT_MARGIN = 0.05


@dataclass(frozen=True)
class Fig4Setting:
    """Sizes of the Figure 4 sweeps (per tier)."""

    d: int
    n0: int
    eta: float
    epochs: int
    batch: int
    lr: float
    B_grid: tuple[int, ...]
    n_grid: tuple[int, ...]
    k_grid: tuple[int, ...]
    B_fixed: int
    k_fixed: int
    seeds: int
    n_test: int
    sweeps: tuple[tuple[str, str, str], ...]  # (variant, method, panel)

    @property
    def m(self) -> int:
        return max(1, self.d // 5)

    def covariances(self) -> tuple[np.ndarray, np.ndarray]:
        """(Σ0, Δ)."""
        m, d = self.m, self.d
        Sigma0 = np.diag([0.1] * m + [1.0] * (d - m))
        Delta = np.diag([1.0] * m + [0.0] * (d - m))
        return Sigma0, Delta

    def grid(self, panel: str) -> tuple[int, ...]:
        return {"B": self.B_grid, "n": self.n_grid, "k": self.k_grid}[panel]

    def to_json(self) -> dict[str, Any]:
        return {
            "d": self.d,
            "m": self.m,
            "n0": self.n0,
            "eta": self.eta,
            "epochs": self.epochs,
            "batch": self.batch,
            "lr": self.lr,
            "B": list(self.B_grid),
            "n": list(self.n_grid),
            "k": list(self.k_grid),
            "B_fixed": self.B_fixed,
            "k_fixed": self.k_fixed,
            "seeds": self.seeds,
            "n_test": self.n_test,
            "sweeps": ["/".join(x) for x in self.sweeps],
        }


_EVERY_SWEEP = tuple(
    (v, m, p) for v in ("full", "sparse") for m in ("SFT", "OS") for p in ("B", "n", "k")
)


def fig4_setting(ctx: RunContext) -> Fig4Setting:
    """Full tier: d = 100, 10 seeds, six values per sweep, full and sparse weights. Quick tier
    (a smoke-scale version): d = 8, 20 seeds, three values per sweep, full weights plus the
    sparse OS sweeps over B and n (Insight 3)."""
    if ctx.full:
        d = 100
        return Fig4Setting(
            d=d,
            n0=4 * d,
            eta=0.2,
            epochs=130,
            batch=64,
            lr=1e-3,
            B_grid=(10, 20, 40, 80, 160, 320),
            n_grid=(50, 100, 200, 400, 800, 1600),
            k_grid=(1, 2, 3, 4, 6),
            B_fixed=40,
            k_fixed=3,
            seeds=10,
            n_test=1000,
            sweeps=_EVERY_SWEEP,
        )
    d = 8
    return Fig4Setting(
        d=d,
        n0=4 * d,
        eta=0.2,
        epochs=130,
        batch=64,
        lr=1e-3,
        B_grid=(4, 16, 64),
        n_grid=(8, 32, 128),
        k_grid=(1, 2, 4),
        B_fixed=16,
        k_fixed=3,
        seeds=20,
        n_test=1000,
        sweeps=tuple(
            (v, m, p) for v, m, p in _EVERY_SWEEP if v == "full" or (m == "OS" and p in ("B", "n"))
        ),
    )


def _pretrained(st: Fig4Setting) -> tuple[np.ndarray, np.ndarray]:
    Sigma0, _ = st.covariances()
    Gamma0 = (1 + 1 / st.n0) * Sigma0 + np.trace(Sigma0) / st.n0 * np.eye(st.d)
    return numerics.sparse_weights(-np.linalg.inv(Gamma0), np.eye(st.d))


def _sharpness(st: Fig4Setting, data, Vt: np.ndarray, k: int, rng) -> float:
    """Top Hessian eigenvalue of the sparse OS training loss at Ṽ (power iteration on
    Hessian–vector products of the hand-written gradient)."""
    d = st.d

    def grad(theta):
        return numerics.os_recursion_loss_and_grad(data, theta.reshape(d, d), k=k)[1].ravel()

    lam, _, _ = numerics.top_hessian_eigenvalue(grad, Vt.ravel(), rng, max_iter=60, rtol=1e-3)
    return lam


def _run_all(st: Fig4Setting, seeds: list[int], ctx: RunContext) -> list[dict]:
    """Every run of every seed, the seeds trained together (:func:`numerics.post_train_many`);
    per seed a dict {(method, variant, panel): (errors (G,), sharpness (G,) or None)}."""
    Sigma0, Delta = st.covariances()
    Sigma = Sigma0 + Delta
    V0, W0 = _pretrained(st)
    b = numerics.block_slices(st.d)
    tests, pools, out = [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        test = numerics.make_sft_data(Sigma, st.n0, st.n_test, rng)
        tests.append(test)
        pools.append(
            {
                n: numerics.make_sft_data(Sigma, n, max((*st.B_grid, st.B_fixed)), rng)
                for n in sorted({st.n0, *st.n_grid})
            }
        )
        out.append(
            {"pretrained": float(np.mean(numerics.one_step_test_errors(test, V0, W0))) / st.d}
        )
    for iv, variant in enumerate(("full", "sparse")):
        for im, method in enumerate(("SFT", "OS")):
            for ip, panel in enumerate(("B", "n", "k")):
                if (variant, method, panel) not in st.sweeps:
                    continue
                errs = [[] for _ in seeds]
                sharp = [[] for _ in seeds]
                want_sharp = variant == "sparse" and method == "OS" and panel in ("B", "n")
                for ix, x in enumerate(st.grid(panel)):
                    B = x if panel == "B" else st.B_fixed
                    n = x if panel == "n" else st.n0
                    k = x if panel == "k" else st.k_fixed
                    ctx.note(f"fig_4: {method} ({variant} weights) {panel} = {x}")
                    S = np.stack([p[n].S[:B] for p in pools])
                    w = np.stack([p[n].w_star[:B] for p in pools])
                    rngs = [np.random.default_rng([s, iv, im, ip, ix]) for s in seeds]
                    V, W = numerics.post_train_many(
                        S,
                        w,
                        n,
                        V0,
                        W0,
                        method=method,
                        k=k,
                        eta=st.eta,
                        sparse=variant == "sparse",
                        epochs=st.epochs,
                        batch_size=st.batch,
                        rngs=rngs,
                        lr=st.lr,
                        dtype=np.float32,
                    )
                    for r in range(len(seeds)):
                        e = numerics.one_step_test_errors(tests[r], V[r], W[r])
                        errs[r].append(float(np.mean(e)) / st.d)
                        if want_sharp:
                            data = numerics.PromptData(S[r], w[r], n)
                            sharp[r].append(_sharpness(st, data, V[r][b.w, b.x], k, rngs[r]))
                for r in range(len(seeds)):
                    out[r][(method, variant, panel)] = (
                        np.array(errs[r]),
                        np.array(sharp[r]) if want_sharp else None,
                    )
    return out


def fig4_results(ctx: RunContext) -> tuple[Fig4Setting, list[int], list[dict]]:
    """The Figure 4 sweeps for every seed (cached per run: the figure and the claims share
    them)."""
    st = fig4_setting(ctx)
    root = ctx.rng("fig_4", "sweeps")[0]
    seeds = [int(np.random.SeedSequence([root, r]).generate_state(1)[0]) for r in range(st.seeds)]
    return st, seeds, ctx.cached(("fig_4", "sweeps"), lambda: _run_all(st, seeds, ctx))


# ------------------------------------------------------------------------------ statistics
def _slopes(t: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-row least-squares slope of Y (R, G) on t (G,)."""
    tc = t - t.mean()
    return (Y - Y.mean(1, keepdims=True)) @ tc / (tc @ tc)


def _mean_se(v: np.ndarray) -> tuple[float, float]:
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v)))


def trend_statistics(x: np.ndarray, errors: np.ndarray, shape: str) -> dict[str, Any]:
    """The p-values of one trend statement (module docstring) from errors (R seeds, G grid
    values). Returns a dict with ``p_confirm`` (null: the statement's negation; rejecting it
    supports the statement), ``p_contradict`` (null: the statement; rejecting it contradicts
    it) and the numbers. Nothing is decided here: both p-values go to Holm over the run."""
    R = errors.shape[0]
    dof = R - 1
    t = np.log(np.asarray(x, float))
    Y = np.log(errors)
    slope, se = _mean_se(_slopes(t, Y))
    se = max(se, 1e-12 * max(1.0, abs(slope)))  # identical seeds (e.g. an exactly flat curve)
    out: dict[str, Any] = {"slope": slope, "se": se, "seeds": R}
    if shape in ("decreasing", "increasing"):
        sign = -1.0 if shape == "decreasing" else 1.0
        tstat = sign * slope / se
        p_for = upper_tail_p(tstat, dof)  # small: significant in the claimed direction
        p_against = upper_tail_p(-tstat, dof)
        out |= {"p_confirm": p_for, "p_contradict": p_against}
        return out
    if shape == "flat":
        lo_t = (slope + FLAT_MARGIN) / se
        hi_t = (FLAT_MARGIN - slope) / se
        p_equiv = max(upper_tail_p(lo_t, dof), upper_tail_p(hi_t, dof))  # TOST
        p_outside = upper_tail_p((abs(slope) - FLAT_MARGIN) / se, dof)
        out |= {"margin": FLAT_MARGIN, "p_confirm": p_equiv, "p_contradict": p_outside}
        return out
    if shape == "falls_then_rises":
        mean_curve = Y.mean(0)
        j = int(np.argmin(mean_curve))
        out["break"] = float(x[j])
        if j in (0, len(t) - 1):
            # the minimum is at an end of the grid: no U on this grid; a significant slope
            # over the whole grid (two-sided) says the curve is monotone here
            p_mono = min(
                1.0, 2 * min(upper_tail_p(-slope / se, dof), upper_tail_p(slope / se, dof))
            )
            p_cap = 1.0  # an interior maximum (rises then falls: the opposite shape)
            jm = int(np.argmax(mean_curve))
            if 0 < jm < len(t) - 1:
                (us, use) = _mean_se(_slopes(t[: jm + 1], Y[:, : jm + 1]))
                (ds, dse) = _mean_se(_slopes(t[jm:], Y[:, jm:]))
                p_cap = max(
                    upper_tail_p(us / max(use, 1e-300), dof),
                    upper_tail_p(-ds / max(dse, 1e-300), dof),
                )
            p_contra = min(1.0, 2 * min(p_mono, p_cap))
            out |= {"p_confirm": 1.0, "p_contradict": p_contra, "p_monotone": p_mono}
            return out
        left, right = _slopes(t[: j + 1], Y[:, : j + 1]), _slopes(t[j:], Y[:, j:])
        (ls, lse), (rs, rse) = _mean_se(left), _mean_se(right)
        lse, rse = max(lse, 1e-12 * max(1.0, abs(ls))), max(rse, 1e-12 * max(1.0, abs(rs)))
        p_left, p_right = upper_tail_p(-ls / lse, dof), upper_tail_p(rs / rse, dof)
        out |= {
            "left_slope": ls,
            "left_se": lse,
            "right_slope": rs,
            "right_se": rse,
            "p_left_falls": p_left,
            "p_right_rises": p_right,
            # intersection–union: both segments in the claimed direction
            "p_confirm": max(p_left, p_right),
            # either segment significantly the wrong way (Bonferroni over the two)
            "p_contradict": min(1.0, 2 * min(1 - p_left, 1 - p_right)),
        }
        return out
    raise ValueError(f"unknown trend shape {shape!r}")


def _describe(stats: dict[str, Any]) -> str:
    s = f"slope of log value on log x {stats['slope']:+.3f} ± {stats['se']:.3f}"
    if "left_slope" in stats:
        s += (
            f"; break at x = {stats['break']:g}: left {stats['left_slope']:+.3f} ± "
            f"{stats['left_se']:.3f} (p = {stats['p_left_falls']:.2g}), right "
            f"{stats['right_slope']:+.3f} ± {stats['right_se']:.3f} "
            f"(p = {stats['p_right_rises']:.2g})"
        )
    elif "break" in stats:
        s += f"; minimum at the end point x = {stats['break']:g} of our grid"
    s += f"; p_confirm = {stats['p_confirm']:.2g}, p_contradict = {stats['p_contradict']:.2g}"
    return s + f" ({stats['seeds']} seeds, Student t with {stats['seeds'] - 1} dof; Holm decides)"


@dataclass
class TrendCheck(Check):
    r"""Figure 4 / Insight 3: every statement ``(what, panel) -> shape`` of the claim's formula
    whose ``what`` is in ``methods`` is tested by :func:`trend_statistics` on the ``variant``
    runs (``"full"``: all weights trained, as the paper's experiments; ``"sparse"``: Ṽ only).
    ``what`` is "SFT" or "OS" (the post-test error) or "sharpness" (the top Hessian eigenvalue
    of the OS training loss at the sparse OS end point). Two pending records per statement:
    the test of its negation (``reject_means="pass"``) and the test of the statement itself."""

    variant: str = "full"
    methods: tuple[str, ...] = ("SFT", "OS")
    name: str = field(default="trends", init=False)

    def __post_init__(self) -> None:
        self.name = f"trends_{self.variant}"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        st, seeds, results = fig4_results(ctx)
        out = []
        for (what, panel), shape in claim.formula.items():
            if what not in self.methods:
                continue
            if what == "sharpness":
                key, slot, quantity = ("OS", "sparse", panel), 1, "sharpness of the OS end point"
            else:
                key, slot, quantity = (what, self.variant, panel), 0, f"{what} test error"
            if key not in results[0]:
                continue  # this sweep is not run in this tier
            values = np.abs(np.array([r[key][slot] for r in results]))
            x = np.array(st.grid(panel), float)
            stats = trend_statistics(x, values, shape)
            for role, p, means in (
                ("null 'not " + shape + "' (rejection supports)", stats["p_confirm"], "pass"),
                ("null '" + shape + "' (rejection contradicts)", stats["p_contradict"], "fail"),
            ):
                out.append(
                    Evidence(
                        kind="monte_carlo",
                        label=f"{quantity} vs {panel} ({key[1]} weights): {shape} — {role}",
                        params={**st.to_json(), "variant": key[1], "panel": panel, "x": x.tolist()},
                        claimed=shape,
                        measured=values.mean(0),
                        stderr=values.std(0, ddof=1) / math.sqrt(len(seeds)),
                        z=stats["slope"] / stats["se"],  # t of the slope over the whole grid
                        p_value=float(p),
                        reject_means=means,
                        seed=seeds[0],
                        n_samples=len(seeds),
                        detail=_describe(stats),
                    )
                )
        return out
