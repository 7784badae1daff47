"""Statistics for outcome measures, as pure functions of arrays (no database, no Litestar).

Each function's docstring names the method, its assumptions and its output. Responses are anonymous, so
comparisons between periods treat them as independent samples; only linked pre/post pairs (where people
chose a linkage code) use paired methods.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import msgspec
import numpy as np
import numpy.typing as npt
from scipy import stats

if TYPE_CHECKING:
    from collections.abc import Sequence

    from questions.scoring_rules import Band

SEED: Final = 20261121
"""Fixed seed for bootstrap intervals, so the same data always gives the same interval."""
BOOTSTRAP_LIMIT: Final = 5000
"""Up to this many values, the mean's interval is a bootstrap BCa interval; above it, a t-interval."""
RESAMPLES: Final = 9999
Z95: Final = 1.959963984540054

Array = npt.NDArray[np.float64] | npt.NDArray[np.int64]


class Described(msgspec.Struct, frozen=True):
    """The size, mean, SD, median and quartiles of one measure in one group (``None``: too few for it).

    The base of ``Summary`` and of ``analysis.histogram_stats.HistogramSummary``: the same figures, whether
    computed from an array or from a histogram; each adds its interval after them.
    """

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None


class Summary(Described, frozen=True):
    """Describes one measure in one group; figures are ``None`` where ``n`` cannot support them."""

    ci_low: float | None
    ci_high: float | None
    ci_method: str | None


class BandShare(msgspec.Struct, frozen=True):
    """How many fall in a band, their share, and its 95% Wilson interval."""

    band: str
    count: int
    share: float
    ci_low: float
    ci_high: float


class Comparison(msgspec.Struct, frozen=True):
    """Two independent groups (periods) compared."""

    n_before: int
    n_after: int
    u: float
    p: float
    shift: float
    shift_ci_low: float
    shift_ci_high: float
    rank_biserial: float
    meaningful_change: float | None
    reaches_meaningful_change: bool | None


class Trend(msgspec.Struct, frozen=True):
    """A Theil-Sen line through (period index, value) points."""

    slope: float
    intercept: float
    ci_low: float
    ci_high: float


class Paired(msgspec.Struct, frozen=True):
    """Linked pre/post pairs compared."""

    pairs: int
    statistic: float | None
    p: float | None
    shift: float
    shift_ci_low: float | None
    shift_ci_high: float | None
    improved: int
    share_improved: float
    share_improved_ci_low: float
    share_improved_ci_high: float


class Reliability(msgspec.Struct, frozen=True):
    """Cronbach's alpha with its Feldt 95% interval."""

    n: int
    items: int
    alpha: float
    ci_low: float
    ci_high: float


def _array(values: Sequence[float] | Array) -> npt.NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


def summarise(values: Sequence[float] | Array, *, seed: int = SEED) -> Summary:
    """n, mean, SD (n-1), median, quartiles (linear interpolation) and a 95% interval for the mean.

    The interval is a bias-corrected and accelerated (BCa) bootstrap interval (9,999 resamples, fixed
    seed) for n <= 5,000, which assumes only that the responses are independent; above that, the
    t-interval, whose normal approximation of the mean is then sound. With every value equal the
    interval is that value. n = 0 gives no figures, n = 1 no SD and no interval.
    """
    x = _array(values)
    n = int(x.size)
    if n == 0:
        return Summary(0, None, None, None, None, None, None, None, None)
    mean = float(x.mean())
    q1, median, q3 = (float(v) for v in np.percentile(x, [25, 50, 75]))
    if n == 1:
        return Summary(1, mean, None, median, q1, q3, None, None, None)
    sd = float(x.std(ddof=1))
    if sd == 0:
        return Summary(n, mean, 0.0, median, q1, q3, mean, mean, "constant")
    if n <= BOOTSTRAP_LIMIT:
        result = stats.bootstrap(
            (x,),
            np.mean,
            method="BCa",
            confidence_level=0.95,
            n_resamples=RESAMPLES,
            rng=np.random.default_rng(seed),
        )
        low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
        return Summary(n, mean, sd, median, q1, q3, low, high, "bootstrap BCa")
    return summary_from_moments(n, mean, sd, median, q1, q3)


def summary_from_moments(n: int, mean: float, sd: float, median: float, q1: float, q3: float) -> Summary:
    """A summary from moments and quartiles computed elsewhere (the database), with the 95% t-interval.

    Used for large groups (n > 5,000), where the t-interval's normal approximation of the mean holds.
    """
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return Summary(n, mean, sd, median, q1, q3, mean - half, mean + half, "t")


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval for a proportion (good coverage even for small n and extreme shares)."""
    if n == 0:
        return (0.0, 1.0)
    interval = stats.binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(interval.low), float(interval.high))


def band_shares(values: Sequence[float] | Array, bands: Sequence[Band]) -> list[BandShare]:
    """For each band, the count and share of values in it (both ends included) with a Wilson interval."""
    x = _array(values)
    result = []
    for band in bands:
        count = int(((x >= band.low) & (x <= band.high)).sum())
        low, high = wilson(count, int(x.size))
        result.append(BandShare(band.key, count, count / x.size if x.size else 0.0, low, high))
    return result


def _weighted_quantile_order(values: Array, weights: Array, ranks: Sequence[float]) -> list[float]:
    """The values at the given 1-based order statistics of a sample given as distinct values and counts."""
    order = np.argsort(values)
    sorted_values, cumulative = values[order], np.cumsum(weights[order])
    return [
        float(sorted_values[min(int(np.searchsorted(cumulative, rank)), sorted_values.size - 1)])
        for rank in ranks
    ]


def _pairwise(after: Array, before: Array) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """All differences after - before as distinct values with their counts (fast for rated scales)."""
    a_values, a_counts = np.unique(after, return_counts=True)
    b_values, b_counts = np.unique(before, return_counts=True)
    differences = (a_values[:, None] - b_values[None, :]).ravel().astype(np.float64)
    weights = (a_counts[:, None] * b_counts[None, :]).ravel().astype(np.float64)
    return differences, weights


def compare(
    before: Sequence[float] | Array,
    after: Sequence[float] | Array,
    *,
    meaningful_change: float | None = None,
    higher_is_better: bool = True,
) -> Comparison:
    """Two independent samples (e.g. two periods) compared without assuming normality.

    Mann-Whitney U (two-sided; U of ``after``), the Hodges-Lehmann shift (median of all differences
    after - before) with its distribution-free 95% interval (order statistics of those differences,
    normal approximation to the U distribution, Lehmann 1975), and the rank-biserial correlation
    r = 2U / (n1 n2) - 1 (positive: ``after`` tends higher). Assumes independent responses within and
    between groups; the shift estimates a location difference when the two distributions share a shape.
    ``reaches_meaningful_change`` says whether the shift is an improvement (up when higher is better, down
    otherwise) of at least the measure's meaningful change; a decline never "reaches" it.
    """
    b, a = _array(before), _array(after)
    n1, n2 = int(a.size), int(b.size)
    test = stats.mannwhitneyu(a, b, alternative="two-sided")
    differences, weights = _pairwise(a, b)
    total = n1 * n2
    if total % 2:
        shift = _weighted_quantile_order(differences, weights, [(total + 1) / 2])[0]
    else:
        middle = _weighted_quantile_order(differences, weights, [total / 2, total / 2 + 1])
        shift = (middle[0] + middle[1]) / 2
    k = max(1, math.floor(total / 2 - Z95 * math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)))
    low, high = _weighted_quantile_order(differences, weights, [k, total - k + 1])
    better = shift if higher_is_better else -shift
    reaches = None if meaningful_change is None else better >= meaningful_change
    return Comparison(
        n_before=n2,
        n_after=n1,
        u=float(test.statistic),
        p=float(test.pvalue),
        shift=shift,
        shift_ci_low=low,
        shift_ci_high=high,
        rank_biserial=2 * float(test.statistic) / total - 1,
        meaningful_change=meaningful_change,
        reaches_meaningful_change=reaches,
    )


def trend(positions: Sequence[float] | Array, values: Sequence[float] | Array) -> Trend:
    """Theil-Sen slope (median of pairwise slopes) with its 95% interval (Sen 1968), robust to outliers.

    ``positions`` are the periods as numbers (0, 1, 2, ...); ``values`` one per period (e.g. its mean).
    """
    result = stats.theilslopes(_array(values), _array(positions), alpha=0.95)
    return Trend(
        float(result.slope), float(result.intercept), float(result.low_slope), float(result.high_slope)
    )


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (false discovery rate across many items tested at once)."""
    if not pvalues:
        return []
    return [
        float(p) for p in stats.false_discovery_control(np.asarray(pvalues, dtype=np.float64), method="bh")
    ]


def paired(
    before: Sequence[float] | Array,
    after: Sequence[float] | Array,
    *,
    meaningful_change: float | None,
    higher_is_better: bool,
) -> Paired:
    """Linked pre/post pairs: signed-rank test, paired shift, and the share who improved.

    Wilcoxon signed-rank test (zero differences dropped; needs at least one non-zero difference), the
    paired Hodges-Lehmann shift (median of Walsh averages of the differences) with its 95% interval
    (Tukey's order statistics, normal approximation), and the share who improved by at least the
    meaningful change (any improvement when none is set), with a Wilson interval.
    """
    d = _array(after) - _array(before)
    n = int(d.size)
    walsh = ((d[:, None] + d[None, :]) / 2)[np.triu_indices(n)]
    shift = float(np.median(walsh)) if n else 0.0
    statistic = p = low = high = None
    if np.any(d != 0):
        test = stats.wilcoxon(d)
        statistic, p = float(test.statistic), float(test.pvalue)
        m = walsh.size
        k = max(1, math.floor(m / 2 - Z95 * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
        ordered = np.sort(walsh)
        low, high = float(ordered[k - 1]), float(ordered[m - k])
    threshold = meaningful_change if meaningful_change is not None else 1e-12
    improved = int((d >= threshold).sum() if higher_is_better else (d <= -threshold).sum())
    share_low, share_high = wilson(improved, n)
    return Paired(
        n, statistic, p, shift, low, high, improved, improved / n if n else 0.0, share_low, share_high
    )


def cronbach_alpha(items: Sequence[Sequence[float]] | Array) -> Reliability:
    """Cronbach's alpha for complete responses (rows) over k items (columns), with its Feldt interval.

    The Feldt (1965) 95% interval is 1 - (1 - alpha) times F quantiles on (n-1, (n-1)(k-1)) degrees of
    freedom. Assumes essentially tau-equivalent items and independent responses; rows with a missing item
    must be left out first.
    """
    matrix = np.asarray(items, dtype=np.float64)
    n, _ = matrix.shape
    return alpha_from_moments(int(n), matrix.sum(axis=0), matrix.T @ matrix)


def alpha_from_moments(n: int, sums: Array, cross: Array) -> Reliability:
    """Cronbach's alpha and its Feldt interval from n, the item sums and the items' cross products.

    The sample covariance of the items is (cross - sums sums' / n) / (n - 1); alpha is
    k / (k - 1) (1 - trace / total), total being the sum of every covariance (the variance of the sum).
    Moments add up over periods, so a quarter's alpha is computed exactly from its months', from every
    complete response.
    """
    k = len(sums)
    covariance = (np.asarray(cross) - np.outer(sums, sums) / n) / (n - 1)
    item_variance = float(np.trace(covariance))
    total_variance = float(covariance.sum())
    alpha = float(k / (k - 1) * (1 - item_variance / total_variance))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * float(stats.f.ppf(0.975, df1, df2))
    high = 1 - (1 - alpha) * float(stats.f.ppf(0.025, df1, df2))
    return Reliability(int(n), int(k), alpha, low, high)
