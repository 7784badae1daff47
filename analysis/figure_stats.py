"""What a shown figure publishes, by its size: fewer figures for a small group, so none can be undone.

By enumeration (``analysis.small_groups``, docs/analysis.md): for k <= n <= 2k, n and the mean only
(with the median too, band counts of 1..k-1 are pinned at every such n); for 2k < n < 3k, also the lower
median (an observed score); from 3k, SD, median, quartiles and the bootstrap interval as well. A small
group's interval is computed from n and the mean alone, with the variance bound of a bounded score
(Bhatia and Davis 2000: variance <= (mean - low)(high - mean)), so it adds nothing to what the mean
says; the bootstrap's width would all but give the SD.
"""

from __future__ import annotations

import math
from typing import Final

import msgspec
from scipy import stats as scipy_stats

from analysis.histogram_stats import Histogram, HistogramSummary, normalised, order_statistics, summarise

FULL_FROM: Final = 3
"""A figure of at least this many times k publishes every statistic."""
MEDIAN_FROM: Final = 2
"""A figure of more than this many times k (and less than 3k) publishes its lower median."""
VARIANCE_BOUND: Final = "variance bound (n and mean only)"


class FigureStats(msgspec.Struct, frozen=True, kw_only=True):
    """The statistics a shown figure publishes; ``None`` where its size does not allow them."""

    n: int
    mean: float
    sd: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_method: str | None = None


def bounded_interval(n: int, mean: float, low: float, high: float) -> tuple[float, float]:
    """A 95% interval for the mean from n and the mean alone, for scores in [low, high].

    The sample variance is at most n / (n - 1) times (mean - low)(high - mean) (Bhatia-Davis), so
    mean +/- t(0.975, n - 1) sqrt(that / n) covers at least as well as the t-interval with the true SD
    would; it is wide, and honest about how little a small group can say. Clipped to [low, high].
    """
    if n < 2:
        return (low, high)
    variance = max(0.0, (mean - low) * (high - mean)) * n / (n - 1)
    half = float(scipy_stats.t.ppf(0.975, n - 1)) * math.sqrt(variance / n)
    return (max(low, mean - half), min(high, mean + half))


def describe(h: Histogram, k: int, low: float, high: float) -> FigureStats:
    """What a shown figure of the scores ``h`` publishes at ``k``, for scores in [low, high]."""
    values, counts = normalised(h)
    n = int(counts.sum())
    mean = float((counts * values).sum() / n)
    if n >= FULL_FROM * k:
        full: HistogramSummary = summarise(h)
        return FigureStats(
            n=n,
            mean=mean,
            sd=full.sd,
            median=full.median,
            q1=full.q1,
            q3=full.q3,
            ci_low=full.ci_low,
            ci_high=full.ci_high,
            ci_method=full.ci_method,
        )
    ci_low, ci_high = bounded_interval(n, mean, low, high)
    median = order_statistics(values, counts, [(n + 1) // 2])[0] if n > MEDIAN_FROM * k else None
    return FigureStats(
        n=n, mean=mean, median=median, ci_low=ci_low, ci_high=ci_high, ci_method=VARIANCE_BOUND
    )
