"""Statistics from histograms against scipy/numpy on the expanded raw arrays, and against hand arithmetic."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import histogram_compare as hc
from analysis import histogram_stats as hs
from analysis.histogram_stats import Histogram
from analysis.stats import RESAMPLES, SEED

WHO5 = tuple(float(v) for v in range(0, 101, 4))
K6 = tuple(float(v) for v in range(25))
PRORATED = (0.0, 12.5, 25.0, 100 / 3, 50.0, 62.5, 200 / 3, 75.0, 100.0)  # scores with missing items
FEW = settings(max_examples=40, deadline=None)
Z = 1.959963984540054  # the 97.5% normal quantile


@st.composite
def histograms(draw: st.DrawFn, *, grid: tuple[float, ...] | None = None, min_n: int = 1) -> Histogram:
    """A few distinct scores of one scale with counts (sometimes zero), in a drawn order."""
    scale = grid or draw(st.sampled_from([WHO5, K6, PRORATED]))
    values = draw(st.lists(st.sampled_from(scale), min_size=1, max_size=len(scale), unique=True))
    counts = draw(st.lists(st.integers(0, 25), min_size=len(values), max_size=len(values)))
    counts[0] = max(counts[0], min_n - sum(counts[1:]), 0)
    return Histogram(tuple(values), tuple(counts))


@st.composite
def differences(draw: st.DrawFn) -> Histogram:
    """A histogram of paired differences after - before on K6 or WHO-5, zeros likely."""
    scale = draw(
        st.sampled_from([tuple(float(v) for v in range(-6, 7)), tuple(float(v) for v in range(-40, 41, 4))])
    )
    return draw(histograms(grid=scale))


def expand(h: Histogram) -> npt.NDArray[np.float64]:
    return np.repeat(np.asarray(h.values, dtype=np.float64), np.asarray(h.counts, dtype=np.int64))


def reordered(h: Histogram, seed: int) -> Histogram:
    """The same histogram, entries permuted and the first non-empty count split across two entries."""
    rng = np.random.default_rng(seed)
    values, counts = list(h.values), list(h.counts)
    first = next(i for i, c in enumerate(counts) if c)
    values.append(values[first])
    counts.append(counts[first] // 2)
    counts[first] -= counts[first] // 2
    order = rng.permutation(len(values))
    return Histogram(tuple(values[i] for i in order), tuple(counts[i] for i in order))


# Summary


def test_summary_by_hand() -> None:
    # 2,4,4,4,5,5,7,9: mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32, SD sqrt(32/7).
    # linear quantiles at h = 7q (0-based): q1 h=1.75 -> 4; median h=3.5 -> (4+5)/2; q3 h=5.25 -> 5+.25*2.
    result = hs.summarise(Histogram((9.0, 2.0, 4.0, 5.0, 7.0), (1, 1, 3, 2, 1)))
    assert (result.n, result.mean, result.median) == (8, 5.0, 4.5)
    assert (result.q1, result.q3, result.iqr) == (4.0, 5.5, 1.5)
    assert result.sd == pytest.approx(math.sqrt(32 / 7))
    # WHO-5 40,60,60,100: mean 65; deviations -25,-5,-5,35 square to 1900, SD sqrt(1900/3);
    # h = 3q: q1 h=.75 -> 40+.75*20 = 55; median h=1.5 -> 60; q3 h=2.25 -> 60+.25*40 = 70.
    result = hs.summarise(Histogram((40.0, 60.0, 100.0), (1, 2, 1)))
    assert (result.mean, result.q1, result.median, result.q3, result.iqr) == (65.0, 55.0, 60.0, 70.0, 15.0)
    assert result.sd == pytest.approx(math.sqrt(1900 / 3))
    assert result.ci_method == "bootstrap BCa"


@FEW
@given(histograms())
def test_summary_equals_numpy_on_the_expanded_scores(h: Histogram) -> None:
    x = expand(h)
    result = hs.summarise(h)
    assert result.n == x.size
    if x.size == 0:
        assert result.mean is None
        return
    assert result.mean == pytest.approx(float(x.mean()), rel=1e-12)
    assert [result.q1, result.median, result.q3] == [float(v) for v in np.percentile(x, [25, 50, 75])]
    if x.size > 1:
        assert result.sd == pytest.approx(float(x.std(ddof=1)), rel=1e-9, abs=1e-9)


@FEW
@given(histograms(), st.integers(0, 1000))
def test_same_histogram_in_any_order_gives_identical_figures(h: Histogram, seed: int) -> None:
    assert hs.summarise(reordered(h, seed)) == hs.summarise(h) == hs.summarise(h)


def test_histograms_are_put_in_one_canonical_form() -> None:
    canonical = hs.histogram([8.0, -0.0, 4.0, 8.0, 12.0], [1, 2, 3, 4, 0])
    assert canonical == Histogram((0.0, 4.0, 8.0), (2, 3, 5))
    assert math.copysign(1, canonical.values[0]) == 1  # -0.0 and 0.0 are one score
    assert hs.histogram_of([8, 4, 8, 0, 8, 4, 0, 4, 8, 8]) == canonical


def test_small_and_constant_groups() -> None:
    assert hs.summarise(Histogram((), ())).mean is None
    assert hs.summarise(Histogram((3.0, 5.0), (1, 0))).sd is None
    constant = hs.summarise(Histogram((4.0,), (3,)))
    assert (constant.sd, constant.ci_low, constant.ci_high, constant.ci_method) == (0.0, 4.0, 4.0, "constant")
    with pytest.raises(ValueError, match="non-negative"):
        hs.summarise(Histogram((1.0,), (-1,)))
    with pytest.raises(ValueError, match="two distinct values"):
        hs.bca_interval(Histogram((4.0,), (3,)))


def test_large_groups_use_the_t_interval() -> None:
    # 0 and 10, 3000 each: mean 5, SD sqrt(25 * 6000/5999), half-width t(.975, 5999) SD / sqrt(6000).
    result = hs.summarise(Histogram((0.0, 10.0), (3000, 3000)))
    half = float(stats.t.ppf(0.975, 5999)) * math.sqrt(25 * 6000 / 5999) / math.sqrt(6000)
    assert result.ci_method == "t"
    assert (result.ci_low, result.ci_high) == pytest.approx((5 - half, 5 + half), rel=1e-12)


# BCa by resampling counts


def test_jackknife_acceleration_by_hand() -> None:
    # 0,100,100,100: mean 75; leaving out the 0 gives 100, a 100 gives 66.67 (three times); the
    # differences mean - theta_i are -25 and 8.333 (x3): cubes -15625 + 3*578.70 = -13888.9, squares
    # 625 + 3*69.444 = 833.33, a = -13888.9 / (6 * 833.33^1.5) = -0.0962250 (= -375000 / (6 * 7500^1.5)).
    assert hs.jackknife_acceleration(Histogram((0.0, 100.0), (1, 3))) == pytest.approx(-0.0962250, abs=1e-7)
    # A symmetric histogram has no skew: a = 0.
    assert hs.jackknife_acceleration(Histogram((0.0, 50.0, 100.0), (2, 1, 2))) == 0.0


def test_bca_by_hand_for_tiny_groups() -> None:
    # 0,100: resampled means 0, 50, 100 with probability 1/4, 1/2, 1/4; a = 0, z0 ~ 0, so the ends are
    # the 2.5% and 97.5% points, both in the 1/4 masses at 0 and 100.
    assert hs.bca_interval(Histogram((0.0, 100.0), (1, 1))) == (0.0, 100.0)
    # 0,100,100: means 0, 33, 67, 100 with 1/27, 6/27, 12/27, 8/27; z0 = ndtri(13/27) = -0.046,
    # a = -0.068, so the ends are the 0.89% and 95.0% points: 0 (mass 3.7%) and 100 (above 70.4%).
    assert hs.bca_interval(Histogram((0.0, 100.0), (1, 2))) == (0.0, 100.0)


CASES = {
    "WHO-5, 30, skewed": Histogram(
        (0.0, 8.0, 12.0, 20.0, 28.0, 40.0, 52.0, 64.0, 80.0, 100.0), (6, 5, 4, 3, 3, 3, 2, 2, 1, 1)
    ),
    "K6, 120": Histogram(K6, (12, 10, 9, 9, 8, 7, 7, 6, 6, 5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1)),
    "WHO-5, 400, bimodal": Histogram(
        WHO5, (30, 25, 20, 15, 10, 8, 6, 5, 5, 5, 5, 6, 8, 10, 12, 15, 18, 20, 22, 25, 28, 30, 25, 20, 15, 12)
    ),
}


@pytest.mark.parametrize("h", CASES.values(), ids=CASES.keys())
def test_bca_equals_scipy_given_the_same_resampled_means(h: Histogram) -> None:
    # scipy's BCa on the expanded data (its own jackknife over every response, its z0 and quantiles),
    # fed the bootstrap distribution drawn from counts: the closed-form jackknife must give its interval.
    x = expand(h)
    result = stats.bootstrap((x,), np.mean, n_resamples=2, method="percentile", rng=np.random.default_rng(0))
    result.bootstrap_distribution = hs.bootstrap_means(h)
    theirs = stats.bootstrap((x,), np.mean, n_resamples=0, bootstrap_result=result, method="BCa")
    low, high = theirs.confidence_interval
    assert hs.bca_interval(h) == pytest.approx((float(low), float(high)), rel=1e-10)


@pytest.mark.parametrize("h", CASES.values(), ids=CASES.keys())
def test_bca_agrees_with_scipy_resampling_raw_values(h: Histogram) -> None:
    # Different random draws, so the ends differ by Monte Carlo error only. Measured over 200 seeds
    # (histograms) and 60 (scipy) for these cases: each end's SD is 0.024-0.049 standard errors (SE =
    # SD / sqrt(n)) for either method, so one run of each differs with SD <= 0.07 SE; 0.25 SE is over
    # 3.5 of those. Averages over 20 seeds differ with SD <= 0.016 SE; 0.06 SE is over 3.5 of those, and
    # would catch a bias (a wrong z0 or acceleration moves the ends by tenths of an SE).
    x = expand(h)
    se = float(x.std(ddof=1)) / math.sqrt(x.size)

    def scipy_bca(seed: int) -> tuple[float, float]:
        rng = np.random.default_rng(seed)
        low, high = stats.bootstrap(
            (x,), np.mean, method="BCa", n_resamples=RESAMPLES, rng=rng
        ).confidence_interval
        return float(low), float(high)

    assert np.allclose(hs.bca_interval(h), scipy_bca(SEED), rtol=0, atol=0.25 * se)
    ours = np.mean([hs.bca_interval(h, seed=seed) for seed in range(20)], axis=0)
    theirs = np.mean([scipy_bca(seed) for seed in range(20)], axis=0)
    assert np.allclose(ours, theirs, rtol=0, atol=0.06 * se)


@FEW
@given(histograms(min_n=2), st.integers(0, 1000))
def test_bca_is_identical_for_any_order_and_repeated_calls(h: Histogram, seed: int) -> None:
    if len({v for v, c in zip(h.values, h.counts, strict=True) if c}) > 1:
        assert hs.bca_interval(reordered(h, seed)) == hs.bca_interval(h) == hs.bca_interval(h)


def test_resampling_cost_does_not_grow_with_n() -> None:
    # Each resample is one count per distinct value, so a billion responses cost what ten do.
    small = Histogram((0.0, 4.0, 8.0), (2, 3, 5))
    large = Histogram((0.0, 4.0, 8.0), (2 * 10**8, 3 * 10**8, 5 * 10**8))
    for h in (small, large):
        draws = hs.resampled_counts(h)
        assert draws.shape == (RESAMPLES, 3)
        assert np.all(draws.sum(axis=1) == sum(h.counts))
    # At that n the BCa interval is the normal one, mean 5.2 +/- 1.96 SE: the variance is .2*5.2^2 +
    # .3*1.2^2 + .5*2.8^2 = 9.76, SE = sqrt(9.76 / 10^9); each end within 0.15 SE (Monte Carlo error).
    se = math.sqrt(9.76 / 10**9)
    low, high = hs.bca_interval(large)
    assert (low, high) == pytest.approx((5.2 - 1.959964 * se, 5.2 + 1.959964 * se), abs=0.15 * se)


# Wilson interval for band shares


def test_wilson_by_hand() -> None:
    # 3 of 10, z^2 = 3.84146: centre (0.3 + 0.19207) / 1.38415 = 0.35551, half 1.41601 * sqrt(0.021 +
    # 0.0096036) = 0.24772, so (0.10779, 0.60322); 0 of 5: low 0, high (z^2/5) / (1 + z^2/5) = 0.43448.
    shares = hs.band_share(Histogram((20.0, 28.0, 40.0, 60.0), (2, 1, 3, 4)), 0, 28)
    assert (shares.count, shares.n, shares.share) == (3, 10, 0.3)
    assert (shares.ci_low, shares.ci_high) == pytest.approx((0.10779, 0.60322), abs=1e-5)
    none = hs.band_share(Histogram((0.0, 4.0), (2, 3)), 5, 12)
    assert (none.count, none.ci_low) == (0, 0.0)
    assert none.ci_high == pytest.approx(0.43448, abs=1e-5)


@FEW
@given(histograms(), st.integers(0, 100), st.integers(0, 100))
def test_band_share_counts_inclusive_ranges_of_the_expanded_scores(h: Histogram, a: int, b: int) -> None:
    x, low, high = expand(h), min(a, b), max(a, b)
    count = int(((x >= low) & (x <= high)).sum())
    result = hs.band_share(h, low, high)
    interval = stats.binomtest(count, x.size).proportion_ci(method="wilson") if x.size else None
    assert (result.count, result.n) == (count, x.size)
    if interval is not None:
        assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high))


# Mann-Whitney U, Hodges-Lehmann, rank-biserial


def test_mann_whitney_by_hand() -> None:
    # after 2,3,4 vs before 1,2,2,3: U = (1 + 2/2) + (3 + 1/2) + 4 = 9.5; ties 1,3,2,1 give
    # sum(t^3 - t) = 30, s = sqrt(12/12 * (8 - 30/42)) = 2.69921, z = (9.5 - 6 - 0.5) / s = 1.11144,
    # p = 2 * (1 - Phi(z)) = 0.26638. Differences -1,0,0,0,1,1,1,1,2,2,2,3: median 1, k = floor(6 - 1.96
    # * sqrt(8)) = 0 -> 1, interval (d(1), d(12)) = (-1, 3); r = 2 * 9.5 / 12 - 1 = 0.58333.
    result = hc.compare(Histogram((1.0, 2.0, 3.0), (1, 2, 1)), Histogram((2.0, 3.0, 4.0), (1, 1, 1)))
    assert (result.u, result.shift, result.shift_ci_low, result.shift_ci_high) == (9.5, 1.0, -1.0, 3.0)
    assert result.p == pytest.approx(0.26638, abs=1e-5)
    assert result.rank_biserial == pytest.approx(7 / 12)
    # scipy's documented example, no ties and n <= 8, so exact: males 16,19,22,24,29 over females
    # 11,12,17,20 win 2+3+4+4+4 = 17 of 20 pairs; P(U >= 17) = 7/126 arrangements, p = 14/126.
    # Differences sorted: -4,-1,-1,2,2,4,4,5,5,7,7,8,9,10,11,12,12,13,17,18: median (7+7)/2 = 7,
    # k = floor(10 - 1.96 * sqrt(20*10/12)) = floor(1.998) = 1: (-4, 18); r = 2*17/20 - 1 = 0.7.
    exact = hc.compare(
        Histogram((20.0, 11.0, 17.0, 12.0), (1, 1, 1, 1)), Histogram((19.0, 22.0, 16.0, 29.0, 24.0), (1,) * 5)
    )
    assert (exact.u, exact.p_method) == (17.0, "exact")
    assert exact.p == pytest.approx(14 / 126)
    assert (exact.shift, exact.shift_ci_low, exact.shift_ci_high) == (7.0, -4.0, 18.0)
    assert exact.rank_biserial == pytest.approx(0.7)


def _check_comparison(before: Histogram, after: Histogram) -> None:
    b, a = expand(before), expand(after)
    result = hc.compare(before, after, meaningful_change=4)
    test = stats.mannwhitneyu(a, b)
    assert result.u == float(test.statistic)
    assert result.p == pytest.approx(float(test.pvalue), rel=1e-9, abs=1e-12)
    method: Literal["exact", "asymptotic"] = "exact" if result.p_method == "exact" else "asymptotic"
    explicit = stats.mannwhitneyu(a, b, method=method)  # the choice scipy made, made explicit
    assert result.p == pytest.approx(float(explicit.pvalue), rel=1e-9, abs=1e-12)
    d = np.sort(np.subtract.outer(a, b).ravel())
    k = max(1, math.floor(d.size / 2 - Z * math.sqrt(a.size * b.size * (a.size + b.size + 1) / 12)))
    expected = (float(np.median(d)), d[k - 1], d[d.size - k])
    assert (result.shift, result.shift_ci_low, result.shift_ci_high) == expected
    assert result.rank_biserial == pytest.approx(2 * float(test.statistic) / d.size - 1)
    assert result.reaches_meaningful_change == (result.shift >= 4)


@FEW
@given(histograms(min_n=1), histograms(min_n=1))
def test_comparison_equals_scipy_and_brute_force_on_expanded_scores(
    before: Histogram, after: Histogram
) -> None:
    _check_comparison(before, after)


@FEW
@given(st.lists(st.floats(0, 100), min_size=2, max_size=14, unique=True), st.integers(1, 13))
def test_comparison_without_ties_uses_the_exact_p_where_scipy_does(values: list[float], cut: int) -> None:
    cut = min(cut, len(values) - 1)
    _check_comparison(
        Histogram(tuple(values[:cut]), (1,) * cut), Histogram(tuple(values[cut:]), (1,) * (len(values) - cut))
    )


@FEW
@given(histograms(), histograms(), st.integers(0, 1000))
def test_comparison_is_identical_for_any_order(before: Histogram, after: Histogram, seed: int) -> None:
    if sum(before.counts) and sum(after.counts):
        assert hc.compare(reordered(before, seed), reordered(after, seed)) == hc.compare(before, after)


# Paired differences: Wilcoxon signed-rank and paired Hodges-Lehmann, zeros dropped in both


def test_paired_by_hand() -> None:
    # d = -1,0,0,2,2,3: zeros dropped, |d| ranks 1, 2.5, 2.5, 4: T+ = 9, T- = 1. Six pairs with zeros:
    # scipy flips signs exhaustively; T+ >= 9 in 2 of 16 sign patterns of the ranks, p = 2 * 2/16.
    # Walsh averages of -1,2,2,3: -1, .5, .5, 1, 2, 2, 2, 2.5, 2.5, 3: median 2, k = floor(5 - 1.96 *
    # sqrt(4*5*9/24)) < 1 -> 1, interval (-1, 3). Improved by >= 2: 2,2,3 of 6 pairs.
    result = hc.paired(
        Histogram((-1.0, 0.0, 2.0, 3.0), (1, 2, 2, 1)), meaningful_change=2, higher_is_better=True
    )
    assert (result.pairs, result.nonzero, result.statistic, result.positive_rank_sum) == (6, 4, 1.0, 9.0)
    assert result.p_method == "permutation"
    assert result.p == pytest.approx(0.25)
    assert (result.shift, result.shift_ci_low, result.shift_ci_high) == (2.0, -1.0, 3.0)
    assert (result.improved, result.share_improved) == (3, 0.5)
    # d = -1 (10), 0 (5), 1 (20), 2 (30): 65 pairs, so the normal approximation on m = 60. |1| has 30
    # (mid-rank 15.5), |2| 30 (mid-rank 45.5): T+ = 20*15.5 + 30*45.5 = 1675, T- = 155; mean 60*61/4 = 915,
    # variance (60*61*121 - (2 * (27000 - 30)) / 2) / 24 = 17328.75, z = (760 - 0.5) / 131.639 = 5.7696.
    # Walsh averages: -1 (55), 0 (200), .5 (300), 1 (210), 1.5 (600), 2 (465), cumulative 55, 255, 555,
    # 765, 1365, 1830: ranks 915/916 are 1.5; k = floor(915 - 1.96 * sqrt(60*61*121/24)) = 648 -> 1,
    # and rank 1183 -> 1.5.
    large = hc.paired(
        Histogram((-1.0, 0.0, 1.0, 2.0), (10, 5, 20, 30)), meaningful_change=None, higher_is_better=False
    )
    assert (large.statistic, large.positive_rank_sum, large.p_method) == (
        155.0,
        1675.0,
        "normal approximation",
    )
    assert large.p == pytest.approx(2 * float(stats.norm.sf((760 - 0.5) / math.sqrt(17328.75))), rel=1e-12)
    assert (large.shift, large.shift_ci_low, large.shift_ci_high) == (1.5, 1.0, 1.5)
    assert (large.improved, large.share_improved) == (10, 10 / 65)  # lower is better: the ten -1s


def _check_paired(h: Histogram) -> None:
    d = expand(h)
    result = hc.paired(h, meaningful_change=4, higher_is_better=True)
    nonzero = d[d != 0]
    assert (result.pairs, result.nonzero) == (d.size, nonzero.size)
    assert result.improved == int((d >= 4).sum())
    if nonzero.size == 0:
        assert (result.statistic, result.p, result.shift) == (None, None, None)
        return
    test = stats.wilcoxon(d, zero_method="wilcox", correction=True)
    assert result.statistic == float(test.statistic)
    assert result.p == pytest.approx(float(test.pvalue), rel=1e-9, abs=1e-12)
    if result.p_method != "permutation":  # the choice scipy made, made explicit (its permutation is slow)
        method: Literal["exact", "asymptotic"] = "exact" if result.p_method == "exact" else "asymptotic"
        # scipy-stubs 1.17.1.5 still list "approx", which scipy 1.17 has renamed "asymptotic"
        explicit = stats.wilcoxon(d, zero_method="wilcox", correction=True, method=method)  # type: ignore[call-overload]
        assert result.p == pytest.approx(float(explicit.pvalue), rel=1e-9, abs=1e-12)
    m = nonzero.size
    walsh = np.sort(((nonzero[:, None] + nonzero[None, :]) / 2)[np.triu_indices(m)])
    k = max(1, math.floor(walsh.size / 2 - Z * math.sqrt(m * (m + 1) * (2 * m + 1) / 24)))
    expected = (float(np.median(walsh)), walsh[k - 1], walsh[walsh.size - k])
    assert (result.shift, result.shift_ci_low, result.shift_ci_high) == expected


@FEW
@given(differences())
def test_paired_equals_scipy_wilcoxon_and_brute_force_walsh_averages(h: Histogram) -> None:
    _check_paired(h)


@FEW
@given(st.lists(st.floats(-50, 50).filter(bool), min_size=1, max_size=30, unique_by=abs))
def test_paired_without_ties_or_zeros_uses_the_exact_p_where_scipy_does(values: list[float]) -> None:
    _check_paired(Histogram(tuple(values), (1,) * len(values)))


@FEW
@given(differences(), st.integers(0, 1000))
def test_paired_is_identical_for_any_order(h: Histogram, seed: int) -> None:
    if sum(h.counts):
        assert hc.paired(reordered(h, seed), meaningful_change=4, higher_is_better=True) == hc.paired(
            h, meaningful_change=4, higher_is_better=True
        )


# Theil-Sen


def test_theil_sen_by_hand() -> None:
    # Means 50, 52, 51, 56 at 0..3: slopes 2, .5, 2, -1, 2, 5 -> median 2; intercept median(y) - 2 *
    # median(x) = 51.5 - 3 = 48.5. Sen: sigma^2 = 4*3*13/18 = 8.667, sigma = 2.944; of the 6 sorted slopes
    # take 0-based ranks max(round((6 - 5.770)/2) - 1, 0) = 0 and min(round((6 + 5.770)/2), 5) = 5: (-1, 5).
    points = hc.trend_of_points([0, 1, 2, 3], [50, 52, 51, 56])
    assert points == hc.Trend(points=4, slope=2.0, intercept=48.5, ci_low=-1.0, ci_high=5.0)
    # Period 0: 40, 60; period 1: 60, 60. Slopes between periods 20, 20, 0, 0 -> median 10; intercept
    # median(40,60,60,60) - 10 * median(0,0,1,1) = 60 - 5 = 55. Ties: x two pairs (2*1*9 each), y three
    # 60s (3*2*11): sigma^2 = (156 - 36 - 66)/18 = 3, sigma = 1.732; ranks max(round((4 - 3.395)/2) - 1, 0)
    # = 0 and min(round((4 + 3.395)/2), 3) = 3 of 0, 0, 20, 20: (0, 20).
    periods = hc.trend([0, 1], [Histogram((40.0, 60.0), (1, 1)), Histogram((60.0,), (2,))])
    assert periods == hc.Trend(points=4, slope=10.0, intercept=55.0, ci_low=0.0, ci_high=20.0)


@FEW
@given(
    st.lists(histograms(grid=K6), min_size=2, max_size=4),
    st.lists(st.integers(0, 40).map(lambda i: i / 4), min_size=4, max_size=4, unique=True),  # periods
)
def test_theil_sen_equals_scipy_on_expanded_points(periods: list[Histogram], positions: list[float]) -> None:
    x = np.concatenate([np.full(sum(h.counts), p) for p, h in zip(positions, periods, strict=False)])
    y = np.concatenate([expand(h) for h in periods])
    if np.unique(x).size < 2:
        with pytest.raises(ValueError, match="two periods"):
            hc.trend(positions[: len(periods)], periods)
        return
    result = hc.trend(positions[: len(periods)], periods)
    with np.errstate(invalid="ignore"):  # scipy takes the square root of a negative variance when all y tie
        expected = stats.theilslopes(y, x)
    assert (result.slope, result.intercept) == pytest.approx(
        (expected.slope, expected.intercept), rel=1e-12, abs=1e-12
    )
    if result.ci_low is None:
        assert math.isnan(expected.low_slope)
    else:
        assert (result.ci_low, result.ci_high) == (expected.low_slope, expected.high_slope)


@FEW
@given(st.lists(histograms(grid=WHO5), min_size=2, max_size=4), st.integers(0, 1000))
def test_theil_sen_is_identical_for_any_order_of_each_period(periods: list[Histogram], seed: int) -> None:
    if sum(1 for h in periods if sum(h.counts)) >= 2:
        shuffled = [reordered(h, seed) if sum(h.counts) else h for h in periods]
        assert hc.trend(range(len(periods)), shuffled) == hc.trend(range(len(periods)), periods)
