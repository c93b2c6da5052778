r"""Monte Carlo estimation with standard errors, precision targets and control variates.

A *sample function* has the signature ``sample_fn(rng, size) -> array (size, ...)`` and returns
``size`` i.i.d. draws of a statistic (scalar or array valued). Estimators return an
:class:`Estimate` ``(mean, stderr, n_samples)`` with
:math:`\bar Y = \frac1N\sum_j Y_j` and :math:`\mathrm{se} = \sqrt{s^2/N}`,
:math:`s^2 = \frac1{N-1}\sum_j (Y_j - \bar Y)^2` (componentwise for arrays).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from ._validation import InvalidArgument, as_float_array, check_float, check_int, check_rng

SampleFn = Callable[[np.random.Generator, int], ArrayLike]


def _scalarize(a: np.ndarray) -> float | np.ndarray:
    return float(a) if np.ndim(a) == 0 else a


def _z(num: ArrayLike, den: ArrayLike) -> float | np.ndarray:
    """num/den, with 0/0 -> 0 (a statistic that is exactly constant and agrees) and
    x/0 -> ±inf for x != 0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.sign(num) * np.inf)
    z = np.where((den == 0) & (num == 0), 0.0, z)
    return _scalarize(z)


@dataclass(frozen=True)
class Estimate:
    r"""A Monte Carlo estimate :math:`\bar Y \pm \mathrm{se}` from ``n_samples`` draws.

    ``mean`` and ``stderr`` are floats for scalar statistics and arrays (the statistic's
    shape) otherwise.
    """

    mean: float | np.ndarray
    stderr: float | np.ndarray
    n_samples: int

    def z_score(self, value: ArrayLike) -> float | np.ndarray:
        r""":math:`(\bar Y - \text{value})/\mathrm{se}` (componentwise; 0 where the samples were
        constant and equal to value, ±inf where constant and different)."""
        return _z(np.asarray(self.mean) - np.asarray(value), self.stderr)

    def interval(self, alpha: float = 0.05) -> tuple[float | np.ndarray, float | np.ndarray]:
        r"""Normal-approximation two-sided :math:`1-\alpha` interval
        :math:`\bar Y \pm z_{1-\alpha/2}\,\mathrm{se}`."""
        alpha = check_float("alpha", alpha, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
        z = NormalDist().inv_cdf(1.0 - alpha / 2.0)
        m, s = np.asarray(self.mean), np.asarray(self.stderr)
        return _scalarize(m - z * s), _scalarize(m + z * s)


@dataclass(frozen=True)
class CVEstimate(Estimate):
    r"""Control-variate estimate (see :func:`mc_estimate_cv`).

    Extra fields: ``coef`` (p, *shape) — the coefficient c fitted on the pilot batch;
    ``variance_reduction`` — :math:`\hat{\mathrm{Var}}[Y] / \hat{\mathrm{Var}}[Y - c^\top(X-\mu)]`
    on the main samples (> 1 means the control helped); ``plain`` — the ordinary estimate
    :math:`\bar Y` from the same main samples; ``n_pilot`` — pilot draws (not in the mean).
    """

    coef: np.ndarray
    variance_reduction: float | np.ndarray
    plain: Estimate
    n_pilot: int


class RunningMoments:
    r"""Streaming count, mean and :math:`M_2 = \sum_j (Y_j - \bar Y)^2` (componentwise).

    Batches are merged with Chan, Golub & LeVeque's parallel update: for parts a, b with
    counts :math:`n_a, n_b`, means :math:`\bar y_a, \bar y_b`, :math:`\delta = \bar y_b - \bar y_a`,

    .. math::
        n = n_a + n_b,\quad \bar y = \bar y_a + \delta\, n_b/n,\quad
        M_2 = M_{2,a} + M_{2,b} + \delta^2 n_a n_b / n.

    Numerical care: (i) each batch's own mean and :math:`M_2` are computed by two passes,
    so no :math:`\sum y^2 - N\bar y^2` cancellation occurs; (ii) all moments are kept for the
    shifted data :math:`y - K`, K = the first sample seen (variance is shift-invariant,
    :math:`\bar y = K + \overline{(y-K)}`). Without (ii), data with a large common offset
    (e.g. :math:`10^9 + \epsilon`) would carry the rounding error of each batch mean,
    :math:`\approx \mathrm{ulp}(10^9)`, into :math:`\delta` — a first-order error in
    :math:`M_2`.
    """

    def __init__(self) -> None:
        self.count: int = 0
        self._shift: np.ndarray | None = None
        self._mean: np.ndarray | None = None  # mean of (y - shift)
        self._m2: np.ndarray | None = None

    def _require(self) -> None:
        if self.count == 0:
            raise ValueError("RunningMoments is empty (count=0); call update() first")

    @property
    def mean(self) -> np.ndarray:
        """Running mean, shape of one sample."""
        self._require()
        return self._shift + self._mean

    @property
    def m2(self) -> np.ndarray:
        r""":math:`M_2 = \sum_j (Y_j - \bar Y)^2`."""
        self._require()
        return self._m2

    @property
    def variance(self) -> np.ndarray:
        r"""Unbiased sample variance :math:`M_2/(N-1)`; needs N >= 2."""
        if self.count < 2:
            raise ValueError(f"variance needs count >= 2, got count={self.count}")
        return self._m2 / (self.count - 1)

    @property
    def stderr(self) -> np.ndarray:
        r"""Standard error of the mean :math:`\sqrt{M_2/((N-1)N)}`."""
        return np.sqrt(self.variance / self.count)

    def _merge(self, n_b: int, mean_b: np.ndarray, m2_b: np.ndarray) -> None:
        """Merge a part whose mean ``mean_b`` is relative to ``self._shift``."""
        if mean_b.shape != self._mean.shape:
            raise InvalidArgument(
                f"sample shape {mean_b.shape} does not match earlier samples {self._mean.shape}"
            )
        n_a = self.count
        n = n_a + n_b
        delta = mean_b - self._mean
        self._mean = self._mean + delta * (n_b / n)
        self._m2 = self._m2 + m2_b + delta * delta * (n_a * (n_b / n))
        self.count = n

    def update(self, batch: ArrayLike) -> RunningMoments:
        """Add a batch of samples, shape (b, ...); returns self."""
        batch = np.asarray(batch, dtype=np.float64)
        if batch.ndim < 1:
            raise InvalidArgument(f"batch must have a leading sample axis, got shape {batch.shape}")
        b = batch.shape[0]
        if b == 0:
            return self
        if self.count == 0:
            self._shift = batch[0].copy()
        elif batch.shape[1:] != self._shift.shape:
            raise InvalidArgument(
                f"sample shape {batch.shape[1:]} does not match earlier samples {self._shift.shape}"
            )
        rel = batch - self._shift
        mean_b = rel.mean(axis=0)
        dev = rel - mean_b
        m2_b = np.einsum("i...,i...->...", dev, dev)
        if self.count == 0:
            self.count, self._mean, self._m2 = b, mean_b, m2_b
        else:
            self._merge(b, mean_b, m2_b)
        return self

    def merge(self, other: RunningMoments) -> RunningMoments:
        """Merge another accumulator into this one (Chan's formula); returns self."""
        if other.count == 0:
            return self
        if self.count == 0:
            self.count = other.count
            self._shift, self._mean, self._m2 = (
                other._shift.copy(),
                other._mean.copy(),
                other._m2.copy(),
            )
            return self
        if other._shift.shape != self._shift.shape:
            raise InvalidArgument(
                f"sample shape {other._shift.shape} does not match earlier samples "
                f"{self._shift.shape}"
            )
        self._merge(other.count, (other._shift - self._shift) + other._mean, other._m2)
        return self

    def estimate(self) -> Estimate:
        """The :class:`Estimate` (mean, stderr, count) so far."""
        return Estimate(_scalarize(self.mean.copy()), _scalarize(self.stderr), self.count)


def _validate_draw(y: ArrayLike, size: int, what: str = "sample_fn(rng, size)") -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim < 1 or y.shape[0] != size:
        raise InvalidArgument(
            f"{what} must be an array of shape (size, ...), got shape {y.shape} for size={size}"
        )
    if not np.all(np.isfinite(y)):
        raise InvalidArgument(f"{what} has a NaN or inf sample; the statistic must be finite")
    return y


def _draw(sample_fn: SampleFn, rng: np.random.Generator, size: int) -> np.ndarray:
    return _validate_draw(sample_fn(rng, size), size)


def _run(sample_fn: SampleFn, n_samples: int, rng: np.random.Generator, batch: int):
    acc = RunningMoments()
    done = 0
    while done < n_samples:
        b = min(batch, n_samples - done)
        acc.update(_draw(sample_fn, rng, b))
        done += b
    return acc


def mc_estimate(
    sample_fn: SampleFn,
    n_samples: int,
    rng: np.random.Generator,
    *,
    batch_size: int = 4096,
) -> Estimate:
    r"""Plain Monte Carlo: :math:`\bar Y = \frac1N \sum_{j=1}^N Y_j`,
    :math:`\mathrm{se} = \sqrt{s^2/N}`.

    Draws in chunks of ``batch_size`` (``sample_fn(rng, b)``), merged by
    :class:`RunningMoments`, so memory is bounded by one chunk.

    Args:
        sample_fn: ``(rng, size) -> (size, ...)`` i.i.d. draws.
        n_samples: N, ``>= 2``.
        rng: random generator.
        batch_size: draws per call of ``sample_fn``.

    Returns:
        :class:`Estimate`.
    """
    n_samples = check_int("n_samples", n_samples, min_value=2)
    batch = check_int("batch_size", batch_size, min_value=1)
    check_rng(rng)
    return _run(sample_fn, n_samples, rng, batch).estimate()


def samples_for_precision(mean: ArrayLike, variance: ArrayLike, rel_se: float) -> float:
    r"""Samples needed for :math:`\mathrm{se} \le \text{rel\_se}\cdot\text{scale}`:
    :math:`N = \max_j s_j^2 / (\text{rel\_se}\cdot \text{scale})^2`,
    :math:`\text{scale} = \max_j |\bar y_j|` (so zero-mean components of an array statistic are
    held to the precision of its largest component). Returns ``inf`` if scale = 0."""
    scale = float(np.max(np.abs(mean)))
    var = float(np.max(variance))
    if scale == 0.0:
        return float("inf") if var > 0 else 0.0
    return var / (rel_se * scale) ** 2


def mc_estimate_to_precision(
    sample_fn: SampleFn,
    rng: np.random.Generator,
    *,
    rel_se: float,
    min_samples: int = 100,
    max_samples: int = 1_000_000,
    pilot: int = 1000,
    batch_size: int = 4096,
) -> Estimate:
    r"""Monte Carlo sized to a target relative standard error.

    A pilot run of ``pilot`` draws estimates :math:`\bar y, s^2`; the main run uses
    :math:`N = \mathrm{clip}(\lceil s^2/(\text{rel\_se}\cdot|\bar y|)^2\rceil,
    \text{min\_samples}, \text{max\_samples})` *fresh* draws (the pilot is discarded, so N does
    not depend on the samples that form the estimate and the estimate is unbiased). For array
    statistics see :func:`samples_for_precision`. The returned ``stderr`` is the main run's
    own; it may miss the target if the pilot underestimated the variance or N hit the cap.

    Returns:
        :class:`Estimate` of the main run.
    """
    rel_se = check_float("rel_se", rel_se, lo=0.0, lo_open=True)
    min_samples = check_int("min_samples", min_samples, min_value=2)
    max_samples = check_int("max_samples", max_samples, min_value=2)
    if max_samples < min_samples:
        raise InvalidArgument(
            f"max_samples must be >= min_samples={min_samples}, got max_samples={max_samples}"
        )
    pilot = check_int("pilot", pilot, min_value=2)
    batch = check_int("batch_size", batch_size, min_value=1)
    check_rng(rng)
    pil = _run(sample_fn, pilot, rng, batch)
    need = samples_for_precision(pil.mean, pil.variance, rel_se)
    N = max_samples if not np.isfinite(need) else int(np.ceil(need))
    N = min(max(N, min_samples), max_samples)
    return _run(sample_fn, N, rng, batch).estimate()


def _draw_pair(sample_fn, rng: np.random.Generator, size: int, p: int):
    out = sample_fn(rng, size)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise InvalidArgument("sample_fn for mc_estimate_cv must return a pair (values, controls)")
    y = _validate_draw(out[0], size, "values")
    x = _validate_draw(out[1], size, "controls").reshape(size, -1)
    if x.shape[1] != p:
        raise InvalidArgument(
            f"controls must have shape (size, p={p}) to match control_means, got {x.shape}"
        )
    return y, x


def mc_estimate_cv(
    sample_fn: Callable[[np.random.Generator, int], tuple[ArrayLike, ArrayLike]],
    control_means: ArrayLike,
    n_samples: int,
    rng: np.random.Generator,
    *,
    pilot: int = 1000,
    batch_size: int = 4096,
) -> CVEstimate:
    r"""Control-variate Monte Carlo with the coefficient fitted on an independent pilot.

    ``sample_fn(rng, size)`` returns ``(values (size, ...), controls (size, p))``; the controls
    have known means :math:`\mu` (``control_means``, shape (p,)). On ``pilot`` draws, c
    (p × q for q value components) is the least-squares fit of the centred values on the
    centred controls, :math:`c = \hat\Sigma_{XX}^{-1}\hat\Sigma_{XY}`. On ``n_samples`` fresh draws
    the estimator is

    .. math:: \hat\theta = \frac1N \sum_j \big(Y_j - c^\top (X_j - \mu)\big),

    unbiased because c is independent of the main draws and :math:`E[X_j] = \mu`. Its
    stderr is that of the adjusted values. ``variance_reduction`` is the ratio of the sample
    variances of :math:`Y` and of the adjusted values on the main draws.

    Returns:
        :class:`CVEstimate`.
    """
    mu = as_float_array("control_means", control_means).reshape(-1)
    p = mu.shape[0]
    if p < 1:
        raise InvalidArgument("control_means must have at least one entry, got an empty array")
    n_samples = check_int("n_samples", n_samples, min_value=2)
    pilot = check_int("pilot", pilot, min_value=p + 2)
    batch = check_int("batch_size", batch_size, min_value=1)
    check_rng(rng)

    yp, xp = _draw_pair(sample_fn, rng, pilot, p)
    shape = yp.shape[1:]
    yp = yp.reshape(pilot, -1)
    coef, *_ = np.linalg.lstsq(xp - xp.mean(axis=0), yp - yp.mean(axis=0), rcond=None)

    adj, raw = RunningMoments(), RunningMoments()
    done = 0
    while done < n_samples:
        b = min(batch, n_samples - done)
        y, x = _draw_pair(sample_fn, rng, b, p)
        if y.shape[1:] != shape:
            raise InvalidArgument(f"values shape {y.shape[1:]} changed from the pilot's {shape}")
        y = y.reshape(b, -1)
        raw.update(y)
        adj.update(y - (x - mu) @ coef)
        done += b

    def _shape(a: np.ndarray) -> float | np.ndarray:
        return _scalarize(np.asarray(a).reshape(shape))

    with np.errstate(divide="ignore", invalid="ignore"):
        vr = np.where(adj.variance > 0, raw.variance / adj.variance, np.inf)
    plain = Estimate(_shape(raw.mean), _shape(raw.stderr), raw.count)
    return CVEstimate(
        mean=_shape(adj.mean),
        stderr=_shape(adj.stderr),
        n_samples=adj.count,
        coef=coef.reshape((p, *shape)),
        variance_reduction=_shape(vr),
        plain=plain,
        n_pilot=pilot,
    )


def z_critical(alpha: float, n_tests: int = 1) -> float:
    r"""Two-sided Bonferroni critical value :math:`z_{1 - \alpha/(2m)}` for m = ``n_tests``
    simultaneous z-tests at family-wise level :math:`\alpha`."""
    alpha = check_float("alpha", alpha, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    m = check_int("n_tests", n_tests, min_value=1)
    return NormalDist().inv_cdf(1.0 - alpha / (2.0 * m))


def two_sample_z(a: Estimate, b: Estimate) -> float | np.ndarray:
    r"""z-statistic of two independent estimates of the same quantity:
    :math:`(\bar a - \bar b)/\sqrt{\mathrm{se}_a^2 + \mathrm{se}_b^2}` (componentwise; 0 for
    two exactly constant, equal statistics)."""
    if not (isinstance(a, Estimate) and isinstance(b, Estimate)):
        raise InvalidArgument(
            f"a and b must be Estimate objects, got {type(a).__name__} and {type(b).__name__}"
        )
    num = np.asarray(a.mean) - np.asarray(b.mean)
    den = np.sqrt(np.asarray(a.stderr) ** 2 + np.asarray(b.stderr) ** 2)
    return _z(num, den)


def normal_two_sided_p(z: ArrayLike) -> float | np.ndarray:
    r"""Two-sided normal p-value :math:`2(1 - \Phi(|z|)) = \mathrm{erfc}(|z|/\sqrt2)`
    (componentwise; erfc keeps full relative accuracy in the far tail)."""
    zz = np.abs(np.asarray(z, dtype=np.float64))
    p = np.vectorize(lambda t: math.erfc(t / math.sqrt(2.0)), otypes=[np.float64])(zz)
    return _scalarize(p)


@dataclass(frozen=True)
class SizedEstimate(Estimate):
    r"""An estimate whose sample count was sized from a pilot (see :func:`mc_to_precision`).

    Extra fields: ``n_pilot`` (pilot draws, not in the mean); ``pilot_variance`` — the
    largest per-sample variance on the pilot (of the adjusted values with controls);
    ``variance`` — the per-sample variance on the main draws (largest component);
    ``n_needed`` — :math:`s^2_{\text{pilot}}/(\text{rel\_se}\cdot|\bar y_{\text{pilot}}|)^2`;
    ``limited_by`` — ``"precision"``, ``"max_samples"`` or ``"time"`` (what fixed N);
    ``coef`` — the pilot-fitted control coefficients (None without controls);
    ``variance_reduction`` — main-draw variance of Y over that of the adjusted values
    (1.0 without controls).
    """

    n_pilot: int
    pilot_variance: float
    variance: float
    n_needed: float
    limited_by: str
    target_rel_se: float
    coef: np.ndarray | None = None
    variance_reduction: float = 1.0

    def describe(self) -> str:
        """One line: how the estimate got its sample count."""
        cv = ""
        if self.coef is not None:
            cv = f", control variates cut the variance {self.variance_reduction:.3g}×"
        return (
            f"pilot {self.n_pilot} draws → variance per sample {self.pilot_variance:.4g} → "
            f"N = {self.n_samples} for rel. SE {self.target_rel_se:g} (limited by "
            f"{self.limited_by}); variance per sample on the main draws {self.variance:.4g}{cv}"
        )


def _pull(sample_fn, rng, size, p):
    if p is None:
        y = _draw(sample_fn, rng, size)
        return y.reshape(size, -1), None, y.shape[1:]
    y, x = _draw_pair(sample_fn, rng, size, p)
    return y.reshape(size, -1), x, y.shape[1:]


def mc_to_precision(
    sample_fn: SampleFn,
    rng: np.random.Generator,
    *,
    rel_se: float,
    control_means: ArrayLike | None = None,
    scale: float | None = None,
    pilot: int = 2000,
    min_samples: int = 2000,
    max_samples: int = 1_000_000,
    max_seconds: float | None = None,
    batch_size: int = 4096,
) -> SizedEstimate:
    r"""Monte Carlo (optionally with control variates) sized to a target standard error.

    1. **Pilot**: ``pilot`` draws. Without controls, :math:`s^2` is their sample variance;
       with controls (``sample_fn`` returns ``(values, controls)`` whose means are
       ``control_means``), c is the least-squares fit of the centred values on the centred
       controls and :math:`s^2` the variance of :math:`Y - c^\top X` on the pilot.
    2. **Size**: :math:`N = \lceil s^2 / (\text{rel\_se}\cdot\text{scale})^2\rceil` with
       scale = ``scale`` or the pilot's :math:`\max_j|\bar y_j|`, clipped to
       ``[min_samples, max_samples]`` and, if ``max_seconds`` is given, to what the pilot's
       time per draw allows (only for benchmarks: a time bound makes N machine-dependent).
    3. **Main run**: N *fresh* draws, :math:`\hat\theta = \frac1N\sum_j (Y_j - c^\top(X_j - \mu))`.
       N and c depend only on the pilot, so the estimate is unbiased
       (:math:`E[X_j] = \mu`). The stderr is the main run's own.

    Returns:
        :class:`SizedEstimate`.
    """
    rel_se = check_float("rel_se", rel_se, lo=0.0, lo_open=True)
    min_samples = check_int("min_samples", min_samples, min_value=2)
    max_samples = check_int("max_samples", max_samples, min_value=min_samples)
    batch = check_int("batch_size", batch_size, min_value=1)
    check_rng(rng)
    mu = None
    p = None
    if control_means is not None:
        mu = as_float_array("control_means", control_means).reshape(-1)
        p = mu.shape[0]
        if p < 1:
            raise InvalidArgument("control_means must have at least one entry, got an empty array")
    pilot = check_int("pilot", pilot, min_value=2 if p is None else p + 2)

    t0 = time.perf_counter()
    yp, xp, shape = _pull(sample_fn, rng, pilot, p)
    t_per = (time.perf_counter() - t0) / pilot
    coef = None
    if p is not None:
        coef, *_ = np.linalg.lstsq(xp - xp.mean(axis=0), yp - yp.mean(axis=0), rcond=None)
        adj_p = yp - (xp - mu) @ coef
    else:
        adj_p = yp
    pil = RunningMoments().update(adj_p)
    s2 = float(np.max(pil.variance))
    ref = float(np.max(np.abs(pil.mean))) if scale is None else float(scale)
    need = float("inf") if ref == 0.0 else s2 / (rel_se * ref) ** 2
    N = max_samples if not np.isfinite(need) else int(np.ceil(need))
    limited = "precision"
    if max_samples < N:
        N, limited = max_samples, "max_samples"
    if max_seconds is not None and t_per > 0:
        by_time = int(max_seconds / t_per)
        if by_time < N:
            N, limited = by_time, "time"
    N = max(N, min_samples)

    adj, raw = RunningMoments(), RunningMoments()
    done = 0
    while done < N:
        b = min(batch, N - done)
        y, x, sh = _pull(sample_fn, rng, b, p)
        if sh != shape:
            raise InvalidArgument(f"values shape {sh} changed from the pilot's {shape}")
        raw.update(y)
        adj.update(y if p is None else y - (x - mu) @ coef)
        done += b

    def _shape(a):
        return _scalarize(np.asarray(a).reshape(shape))

    var_adj = float(np.max(adj.variance))
    vr = 1.0
    if p is not None:
        var_raw = float(np.max(raw.variance))
        vr = var_raw / var_adj if var_adj > 0 else float("inf")
    return SizedEstimate(
        mean=_shape(adj.mean),
        stderr=_shape(adj.stderr),
        n_samples=adj.count,
        n_pilot=pilot,
        pilot_variance=s2,
        variance=var_adj,
        n_needed=need,
        limited_by=limited,
        target_rel_se=rel_se,
        coef=None if coef is None else coef.reshape(p, *shape),
        variance_reduction=vr,
    )
