"""Two-group, paired and trend statistics from score histograms, equal to scipy's on the expanded data."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import msgspec
import numpy as np
from scipy import special
from scipy import stats as scipy_stats

from analysis.histogram_stats import Counts, Floats, Histogram, normalised, order_statistics
from analysis.stats import Z95, wilson

if TYPE_CHECKING:
    from collections.abc import Sequence

EXACT_WILCOXON_LIMIT = 50
"""Up to this many pairs without ties or zeros, scipy's ``wilcoxon`` gives the exact p."""
SMALL_PERMUTATION = 13
"""Up to this many pairs with ties or zeros, scipy's ``wilcoxon`` flips every sign (2^13 < 9,999)."""


class Comparison(msgspec.Struct, frozen=True):
    """Two independent groups (periods) compared."""

    n_before: int
    n_after: int
    u: float
    p: float
    p_method: str
    shift: float
    shift_ci_low: float
    shift_ci_high: float
    rank_biserial: float
    meaningful_change: float | None
    reaches_meaningful_change: bool | None


class Paired(msgspec.Struct, frozen=True):
    """Linked pre/post pairs compared through the histogram of their differences (after - before)."""

    pairs: int
    nonzero: int
    statistic: float | None
    positive_rank_sum: float | None
    p: float | None
    p_method: str | None
    shift: float | None
    shift_ci_low: float | None
    shift_ci_high: float | None
    improved: int
    share_improved: float
    share_improved_ci_low: float
    share_improved_ci_high: float


class Trend(msgspec.Struct, frozen=True):
    """A Theil-Sen line through (period position, score) points, with the slope's 95% interval."""

    points: int
    slope: float
    intercept: float
    ci_low: float | None
    ci_high: float | None


def _merged(values: Floats, weights: Counts) -> tuple[Floats, Counts]:
    """Equal values merged (sorted), their weights added."""
    distinct, inverse = np.unique(values.reshape(-1), return_inverse=True)
    merged = np.zeros(distinct.size, dtype=np.int64)
    np.add.at(merged, inverse.reshape(-1), weights.reshape(-1))
    return distinct, merged


def _median(values: Floats, weights: Counts) -> float:
    """The median of the expanded sample (mean of the two middle values when the total is even)."""
    total = int(weights.sum())
    if total % 2:
        return order_statistics(values, weights, [(total + 1) // 2])[0]
    low, high = order_statistics(values, weights, [total // 2, total // 2 + 1])
    return (low + high) / 2


def _sign_flip_p(ties: Counts, doubled_ranks: Counts, observed: int) -> float:
    """Two-sided p of twice T+ over all 2^m sign patterns of the ranks: 2 min(P(<= obs), P(>= obs)).

    A group of t tied ranks contributes j of them positive in C(t, j) patterns, so the null distribution
    is a convolution over the distinct |d| (exact integer counts); zeros would only multiply every
    pattern by the same 2^zeros. Without ties this is the exact signed-rank distribution.
    """
    ways = np.ones(1, dtype=np.float64)
    for t, rank in zip(ties.tolist(), doubled_ranks.tolist(), strict=True):
        grown = np.zeros(ways.size + t * rank, dtype=np.float64)
        for j in range(t + 1):
            grown[j * rank : j * rank + ways.size] += math.comb(t, j) * ways
        ways = grown
    total = float(ways.sum())
    return min(1.0, 2 * min(float(ways[: observed + 1].sum()), float(ways[observed:].sum())) / total)


def _shift(values: Floats, weights: Counts, spread: float) -> tuple[float, float, float]:
    """Median of the weighted differences and the order statistics k and N - k + 1 around it."""
    total = int(weights.sum())
    k = max(1, math.floor(total / 2 - Z95 * spread))
    low, high = order_statistics(values, weights, [k, total - k + 1])
    return _median(values, weights), low, high


def compare(
    before: Histogram,
    after: Histogram,
    *,
    meaningful_change: float | None = None,
    higher_is_better: bool = True,
) -> Comparison:
    """Two independent samples (e.g. two periods) compared without assuming normality.

    Mann-Whitney U of ``after`` (mid-ranks for ties), two-sided p as in scipy's ``mannwhitneyu``
    (method "auto"): exact when either group has at most 8 responses and no value occurs twice in the
    pooled data (then every count is 1 and scipy gets the histogram's values as they are), otherwise the
    normal approximation with the tie-corrected variance and a continuity correction of 0.5 towards the
    mean. R 4.2's ``wilcox.test`` uses the same approximation (``correct = TRUE``) but is exact whenever
    both groups have fewer than 50 and there are no ties, so small untied groups can get other p values.

    The Hodges-Lehmann shift is the median of all n1 n2 differences after - before, weighted by count
    products (at most 51 distinct values for WHO-5); its 95% interval is the order statistics k and
    N - k + 1 with k = floor(N/2 - 1.96 sqrt(n1 n2 (n1 + n2 + 1) / 12)) (Lehmann 1975, normal
    approximation without tie correction, as ``analysis.stats.compare``). R 4.2 takes exact quantiles
    when exact; otherwise it root-finds (uniroot, tol 1e-4) the ends on the tie- and continuity-corrected
    statistic and the estimate on the uncorrected one, so under ties its figures can differ slightly
    from these order statistics. Rank-biserial r = 2U / (n1 n2) - 1 (positive: ``after`` higher).
    ``reaches_meaningful_change``: the shift is an improvement (up when higher is better) of at least
    the meaningful change. Assumes independent responses; both groups need a response.

    Args:
        before: the earlier group's scores.
        after: the later group's scores.
        meaningful_change: the measure's meaningful change, if it has one.
        higher_is_better: whether a higher score is better.

    Returns:
        U, p and how it was computed, the shift with its interval, r, and the meaningful-change verdict.
    """
    b_values, b_counts = normalised(before)
    a_values, a_counts = normalised(after)
    n1, n2 = int(a_counts.sum()), int(b_counts.sum())
    if not n1 or not n2:
        raise ValueError("both groups need at least one response")
    cumulative = np.concatenate([[0], np.cumsum(b_counts)])
    below = cumulative[np.searchsorted(b_values, a_values, side="left")]
    equal = cumulative[np.searchsorted(b_values, a_values, side="right")] - below
    u = int((a_counts * (2 * below + equal)).sum()) / 2
    _, pooled = _merged(np.concatenate([a_values, b_values]), np.concatenate([a_counts, b_counts]))
    if (n1 <= 8 or n2 <= 8) and np.all(pooled == 1):
        p, method = float(scipy_stats.mannwhitneyu(a_values, b_values, method="exact").pvalue), "exact"
    else:
        n = n1 + n2
        ties = float((pooled.astype(np.float64) ** 3 - pooled).sum())
        s = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
        numerator = max(u, n1 * n2 - u) - n1 * n2 / 2 - 0.5
        p = min(1.0, 2 * float(special.ndtr(-numerator / s))) if s > 0 else 1.0
        method = "normal approximation, tie and continuity corrected"
    differences = (a_values[:, None] - b_values[None, :]).astype(np.float64)
    values, weights = _merged(differences, a_counts[:, None] * b_counts[None, :])
    shift, low, high = _shift(values, weights, math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12))
    better = shift if higher_is_better else -shift
    reaches = None if meaningful_change is None else better >= meaningful_change
    return Comparison(
        n_before=n2,
        n_after=n1,
        u=u,
        p=p,
        p_method=method,
        shift=shift,
        shift_ci_low=low,
        shift_ci_high=high,
        rank_biserial=2 * u / (n1 * n2) - 1,
        meaningful_change=meaningful_change,
        reaches_meaningful_change=reaches,
    )


def paired(differences: Histogram, *, meaningful_change: float | None, higher_is_better: bool) -> Paired:
    """Linked pre/post pairs from the histogram of their differences (after - before).

    Zero differences are dropped ("wilcox" zero method, scipy's default; R 4.2 drops them too) from both
    the signed-rank test and the shift, so they agree: ``nonzero`` pairs are what both use. Wilcoxon
    signed-rank with mid-ranks of |d| for ties; ``statistic`` is min(T+, T-) (scipy's two-sided
    statistic), ``positive_rank_sum`` T+ (R's V). The p value follows the choice scipy's
    ``wilcoxon(zero_method="wilcox", correction=True)`` makes from the number of pairs (zeros included):
    "exact" up to 50 pairs without ties or zeros, "permutation" (every sign pattern, exact too) up to 13
    pairs with them, both from the null distribution convolved over the distinct |d|; otherwise the
    normal approximation with the tie-corrected variance and a continuity correction of 0.5 towards the
    mean (as R's ``correct = TRUE``; scipy's default is none). R 4.2 is exact only below 50 non-zero
    differences without ties or zeros, and otherwise normal, so 13 or fewer pairs with ties differ.

    The paired Hodges-Lehmann shift is the median of the m (m + 1) / 2 Walsh averages of the non-zero
    differences (equal values give their own averages c (c + 1) / 2 times), with the order statistics
    k, M - k + 1, k = floor(M/2 - 1.96 sqrt(m (m + 1) (2m + 1) / 24)) (Tukey's interval, normal
    approximation without tie correction). R 4.2 uses exact quantiles below 50 pairs without ties or
    zeros, otherwise the same root-finding as in ``compare``. With no non-zero difference there is no
    test and no shift (``None``). The share improved counts every pair (zeros as not improved) whose
    difference is an improvement of at least the meaningful change (any improvement when none is set),
    with a Wilson interval.

    Args:
        differences: after - before for every linked pair, as a histogram.
        meaningful_change: the measure's meaningful change, if it has one.
        higher_is_better: whether a higher score is better.

    Returns:
        The test, the shift with its interval, and the share improved with its interval.
    """
    values, counts = normalised(differences)
    pairs = int(counts.sum())
    threshold = meaningful_change if meaningful_change is not None else 1e-12
    better = values >= threshold if higher_is_better else values <= -threshold
    improved = int(counts[better].sum())
    share_low, share_high = wilson(improved, pairs)
    share = improved / pairs if pairs else 0.0
    keep = values != 0
    values, counts = values[keep], counts[keep]
    m = int(counts.sum())
    if m == 0:
        return Paired(
            pairs, 0, None, None, None, None, None, None, None, improved, share, share_low, share_high
        )
    magnitudes, ties = _merged(np.abs(values), counts)
    doubled_ranks = 2 * (np.cumsum(ties) - ties) + ties + 1  # twice the mid-rank of each |d|
    rank_of = doubled_ranks[np.searchsorted(magnitudes, np.abs(values))]
    doubled_positive = int((counts * rank_of)[values > 0].sum())
    positive = doubled_positive / 2
    negative = m * (m + 1) / 2 - positive
    exact = pairs == m and bool(np.all(ties == 1))
    if pairs <= SMALL_PERMUTATION or (exact and pairs <= EXACT_WILCOXON_LIMIT):
        p, method = _sign_flip_p(ties, doubled_ranks, doubled_positive), "exact" if exact else "permutation"
    else:
        se = math.sqrt(
            (m * (m + 1) * (2 * m + 1) - float((ties.astype(np.float64) ** 3 - ties).sum()) / 2) / 24
        )
        z = (positive - m * (m + 1) / 4) / se
        z -= math.copysign(0.5, z) / se if z else 0.0
        p, method = min(1.0, 2 * float(special.ndtr(-abs(z)))), "normal approximation"
    walsh = (values[:, None] + values[None, :]) / 2
    weights = np.triu(counts[:, None] * counts[None, :], 1) + np.diag(counts * (counts + 1) // 2)
    walsh_values, walsh_weights = _merged(walsh, weights)
    shift, low, high = _shift(walsh_values, walsh_weights, math.sqrt(m * (m + 1) * (2 * m + 1) / 24))
    statistic = min(positive, negative)
    return Paired(
        pairs, m, statistic, positive, p, method, shift, low, high, improved, share, share_low, share_high
    )


def trend(positions: Sequence[float], histograms: Sequence[Histogram]) -> Trend:
    """Theil-Sen line through every response's (period position, score), from per-period histograms.

    The slope is the median of (y_j - y_i) / (x_j - x_i) over all pairs of responses in different
    periods (Theil 1950, Sen 1968), weighted by count products; its 95% interval is Sen's (1968, eq. 2.6:
    the variance of Kendall's statistic with ties in x and in y), at the ranks scipy's ``theilslopes``
    uses. The intercept follows scipy's default ("separate"): median(y) - slope * median(x), not
    median(y - slope x). Figures equal ``scipy.stats.theilslopes`` on the expanded points. Assumes
    independent responses; needs responses in at least two periods.

    Args:
        positions: each period as a number (0, 1, 2, ...), one per histogram.
        histograms: each period's scores.

    Returns:
        The slope per period, the intercept, and the slope's interval (``None`` when every score ties).
    """
    if len(positions) != len(histograms):
        raise ValueError("one position per histogram")
    parts = [normalised(h) for h in histograms]
    x = np.concatenate(
        [np.full(v.size, p, dtype=np.float64) for p, (v, _) in zip(positions, parts, strict=True)]
    )
    y = np.concatenate([v for v, _ in parts])
    w = np.concatenate([c for _, c in parts])
    later = (x[:, None] - x[None, :]) > 0
    dx = np.where(later, x[:, None] - x[None, :], 1.0)
    slopes, weights = _merged(((y[:, None] - y[None, :]) / dx)[later], (w[:, None] * w[None, :])[later])
    nt = int(weights.sum())
    if nt == 0:
        raise ValueError("a trend needs responses in at least two periods")
    slope = _median(slopes, weights)
    x_values, x_counts = _merged(x, w)
    y_values, y_counts = _merged(y, w)
    intercept = _median(y_values, y_counts) - slope * _median(x_values, x_counts)
    n = int(w.sum())
    reps = sum(int(k) * (int(k) - 1) * (2 * int(k) + 5) for k in np.concatenate([x_counts, y_counts]))
    sigsq = 1 / 18.0 * (n * (n - 1) * (2 * n + 5) - reps)
    if sigsq < 0:
        return Trend(n, slope, intercept, None, None)
    z, sigma = float(scipy_stats.norm.ppf(0.025)), math.sqrt(sigsq)
    upper = min(int(np.round((nt - z * sigma) / 2.0)), nt - 1)
    lower = max(int(np.round((nt + z * sigma) / 2.0)) - 1, 0)
    low, high = order_statistics(slopes, weights, [lower + 1, upper + 1])
    return Trend(n, slope, intercept, low, high)


def trend_of_points(positions: Sequence[float], values: Sequence[float]) -> Trend:
    """Theil-Sen line through one value per period (e.g. its mean): ``trend`` with one count each."""
    return trend(positions, [Histogram((float(v),), (1,)) for v in values])
