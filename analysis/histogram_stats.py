"""Summary statistics and intervals of one measure, computed from a histogram of its scores."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import msgspec
import numpy as np
import numpy.typing as npt
from scipy import special
from scipy import stats as scipy_stats

from analysis.stats import BOOTSTRAP_LIMIT, RESAMPLES, SEED, Described, wilson

if TYPE_CHECKING:
    from collections.abc import Sequence

Floats = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]


class Histogram(msgspec.Struct, frozen=True):
    """Scores as distinct values and how many responses have each, in any order (duplicates add up)."""

    values: tuple[float, ...]
    counts: tuple[int, ...]


class HistogramSummary(Described, frozen=True):
    """One measure in one group; figures are ``None`` where ``n`` cannot support them."""

    iqr: float | None
    ci_low: float | None
    ci_high: float | None
    ci_method: str | None


class Share(msgspec.Struct, frozen=True):
    """How many of ``n`` fall in a band, their share, and its 95% Wilson interval."""

    count: int
    n: int
    share: float
    ci_low: float
    ci_high: float


def histogram(values: Sequence[float], counts: Sequence[int]) -> Histogram:
    """The histogram in its canonical form: values increasing, duplicates merged, zero counts dropped."""
    distinct, merged = normalised(Histogram(tuple(values), tuple(counts)))
    return Histogram(tuple(float(v) for v in distinct), tuple(int(c) for c in merged))


def histogram_of(scores: Sequence[float] | Floats | Counts) -> Histogram:
    """The histogram of a raw array of scores (what a GROUP BY score would return)."""
    distinct, counts = np.unique(np.asarray(scores, dtype=np.float64), return_counts=True)
    return histogram(distinct.tolist(), counts.tolist())


def normalised(h: Histogram) -> tuple[Floats, Counts]:
    """Sorted distinct values and their positive counts, whatever order ``h`` lists them in.

    Raises:
        ValueError: when values are not finite, counts are negative, or the lengths differ.
    """
    values = np.asarray(h.values, dtype=np.float64).reshape(-1) + 0.0  # + 0.0 turns -0.0 into 0.0
    counts = np.asarray(h.counts, dtype=np.int64).reshape(-1)
    if values.size != counts.size or not np.all(np.isfinite(values)) or np.any(counts < 0):
        raise ValueError("a histogram needs finite values and non-negative counts of the same length")
    distinct, inverse = np.unique(values, return_inverse=True)
    merged = np.zeros(distinct.size, dtype=np.int64)
    np.add.at(merged, inverse.reshape(-1), counts)
    keep = merged > 0
    return distinct[keep], merged[keep]


def order_statistics(values: Floats, counts: Counts, ranks: Sequence[int]) -> list[float]:
    """The values at 1-based ranks of the sorted expanded sample (``values`` sorted, as ``normalised``)."""
    cumulative = np.cumsum(counts)
    return [float(values[int(np.searchsorted(cumulative, rank, side="left"))]) for rank in ranks]


def quantile(values: Floats, counts: Counts, q: float) -> float:
    """The expanded sample's quantile as numpy's default ("linear", Hyndman-Fan type 7), bit for bit.

    The position is h = (n - 1) q counted from 0; the result interpolates between the order statistics
    at floor(h) and floor(h) + 1 with numpy's own two-sided formula, so it equals ``np.quantile``.
    """
    n = int(counts.sum())
    position = (n - 1) * q
    below = math.floor(position)
    if position >= n - 1:
        return order_statistics(values, counts, [n])[0]
    a, b = order_statistics(values, counts, [below + 1, below + 2])
    gamma = position - below
    return a + (b - a) * gamma if gamma < 0.5 else b - (b - a) * (1 - gamma)


def resampled_counts(h: Histogram, *, resamples: int = RESAMPLES, seed: int = SEED) -> Counts:
    """Bootstrap resamples of the histogram as counts: one multinomial draw of n per resample.

    Drawing n responses with replacement from the group is the same as drawing counts over its distinct
    values from a multinomial with the observed shares, so each resample is a row of as many counts as
    there are distinct values (at most 26 for WHO-5), whatever n is. The seed is fixed and the histogram
    sorted first, so the same data always gives the same resamples.
    """
    _, counts = normalised(h)
    n = int(counts.sum())
    return np.random.default_rng(seed).multinomial(n, counts / n, size=resamples)


def bootstrap_means(h: Histogram, *, resamples: int = RESAMPLES, seed: int = SEED) -> Floats:
    """The means of ``resampled_counts``: the bootstrap distribution of the mean."""
    values, counts = normalised(h)
    matrix = resampled_counts(h, resamples=resamples, seed=seed)
    return np.asarray((matrix * values).sum(axis=1) / counts.sum(), dtype=np.float64)


def jackknife_acceleration(h: Histogram) -> float:
    """The BCa acceleration of the mean from the jackknife, in closed form from the histogram.

    Leaving out one response of value v gives the mean (n mean - v) / (n - 1), the same for all c
    responses with that value, and the leave-one-out means average to the mean, so the jackknife's
    a = sum c (mean - theta_v)^3 / (6 (sum c (mean - theta_v)^2)^1.5) reduces (the factors 1 / (n - 1)
    cancel) to sum c (v - mean)^3 / (6 (sum c (v - mean)^2)^1.5) (Efron and Tibshirani 1993, 14.15).
    """
    values, counts = normalised(h)
    deviations = values - (counts * values).sum() / counts.sum()
    return float((counts * deviations**3).sum() / (6 * (counts * deviations**2).sum() ** 1.5))


def bca_interval(h: Histogram, *, resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float]:
    """The 95% bias-corrected and accelerated (BCa) bootstrap interval for the mean (Efron 1987).

    Resamples are multinomial draws of counts (``resampled_counts``); the rest follows scipy's
    ``bootstrap(method="BCa")`` (Efron and Tibshirani 1993, 14.3): the bias correction z0 = Phi^-1 of the
    share of resampled means below the mean (ties count half), the acceleration a from the jackknife in
    closed form (``jackknife_acceleration``), and the ends at the linear quantiles of the resampled means
    at Phi(z0 + (z0 + z) / (1 - a (z0 + z))) for z = -/+1.96. Assumes independent responses; needs at
    least two distinct values. With 9,999 resamples each end carries a Monte Carlo error of 0.02-0.05
    standard errors of the mean, as scipy's does on raw values.

    Args:
        h: the group's scores.
        resamples: how many multinomial resamples.
        seed: the generator's seed; fixed, so the same histogram always gives the same interval.

    Returns:
        The interval's lower and upper end.

    Raises:
        ValueError: with fewer than two distinct values (no spread to resample).
    """
    values, counts = normalised(h)
    if values.size < 2:
        raise ValueError("a bootstrap interval needs at least two distinct values")
    theta = float((counts * values).sum() / counts.sum())
    means = bootstrap_means(h, resamples=resamples, seed=seed)
    below = np.count_nonzero(means < theta) + np.count_nonzero(means <= theta)
    z0 = float(special.ndtri(below / (2 * means.size)))
    acceleration = jackknife_acceleration(h)
    ends = []
    for z in (float(special.ndtri(0.025)), -float(special.ndtri(0.025))):
        ends.append(float(special.ndtr(z0 + (z0 + z) / (1 - acceleration * (z0 + z)))))
    low, high = np.quantile(means, ends)
    return float(low), float(high)


def summarise(h: Histogram, *, seed: int = SEED) -> HistogramSummary:
    """n, mean, SD, median, quartiles, IQR and a 95% interval for the mean, from a histogram.

    SD is the sample SD (n - 1 in the denominator). Quartiles and median are numpy's default "linear"
    quantiles of the expanded data (``quantile``; R's type 7, R's default too), IQR = q3 - q1. The
    interval is the BCa bootstrap (``bca_interval``: 9,999 multinomial resamples of counts, fixed seed)
    for n <= 5,000, which assumes only independent responses; above that the t-interval
    mean +/- t(0.975, n - 1) SD / sqrt(n), as in ``analysis.stats.summarise``. With every value equal the
    interval is that value ("constant"); n = 0 gives no figures, n = 1 no SD and no interval.

    Args:
        h: the group's scores.
        seed: the bootstrap's seed.

    Returns:
        The figures, with ``ci_method`` "bootstrap BCa", "t" or "constant".
    """
    values, counts = normalised(h)
    n = int(counts.sum())
    if n == 0:
        return HistogramSummary(0, None, None, None, None, None, None, None, None, None)
    mean = float((counts * values).sum() / n)
    q1, median, q3 = (quantile(values, counts, q) for q in (0.25, 0.5, 0.75))
    if n == 1:
        return HistogramSummary(1, mean, None, median, q1, q3, q3 - q1, None, None, None)
    sd = math.sqrt(float((counts * (values - mean) ** 2).sum()) / (n - 1))
    if values.size == 1:
        return HistogramSummary(n, mean, 0.0, median, q1, q3, 0.0, mean, mean, "constant")
    if n <= BOOTSTRAP_LIMIT:
        low, high = bca_interval(h, seed=seed)
        return HistogramSummary(n, mean, sd, median, q1, q3, q3 - q1, low, high, "bootstrap BCa")
    half = float(scipy_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return HistogramSummary(n, mean, sd, median, q1, q3, q3 - q1, mean - half, mean + half, "t")


def band_share(h: Histogram, low: float, high: float) -> Share:
    """The count and share of responses with low <= score <= high (both ends included), 95% Wilson.

    The Wilson score interval (Wilson 1927, via scipy's ``binomtest``) keeps its coverage for small n and
    shares near 0 or 1; it assumes independent responses. With n = 0 the share is 0 and the interval
    (0, 1).

    Args:
        h: the group's scores.
        low: the band's lowest score.
        high: the band's highest score.

    Returns:
        The count in the band, n, the share and its interval.
    """
    values, counts = normalised(h)
    count, n = int(counts[(values >= low) & (values <= high)].sum()), int(counts.sum())
    ci_low, ci_high = wilson(count, n)
    return Share(count, n, count / n if n else 0.0, ci_low, ci_high)
