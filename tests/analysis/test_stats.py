"""Each statistic against values computed independently: by hand, from formulas, from scipy's docs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import stats
from questions.scoring_rules import Band


def test_summary_by_hand() -> None:
    result = stats.summarise([2, 4, 4, 4, 5, 5, 7, 9])
    assert (result.n, result.mean, result.median) == (8, 5.0, 4.5)
    assert result.sd == pytest.approx(math.sqrt(32 / 7))  # squared deviations sum to 32
    assert (result.q1, result.q3) == (4.0, 5.5)
    assert result.ci_method == "bootstrap BCa"
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low < 5.0 < result.ci_high


def test_bootstrap_interval_is_reproducible() -> None:
    values = np.random.default_rng(1).integers(0, 25, size=200)
    assert stats.summarise(values) == stats.summarise(values)


def test_large_samples_use_the_t_interval() -> None:
    values = np.tile([0.0, 10.0], 3000)  # n = 6000, mean 5, sd = sqrt(6000/5999 * 25)
    result = stats.summarise(values)
    half = 1.960 * math.sqrt(25 * 6000 / 5999) / math.sqrt(6000)
    assert result.ci_method == "t"
    assert result.ci_low == pytest.approx(5 - half, abs=1e-3)


def test_tiny_and_constant_groups() -> None:
    assert stats.summarise([]).mean is None
    assert stats.summarise([3]).sd is None
    constant = stats.summarise([4, 4, 4])
    assert (constant.ci_low, constant.ci_high) == (4, 4)


def test_wilson_matches_its_formula() -> None:
    k, n, z = 3, 10, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert stats.wilson(k, n) == pytest.approx((centre - half, centre + half))


def test_band_shares_count_inclusive_ranges() -> None:
    bands = [Band("low", "low", 0, 28), Band("mid", "mid", 29, 50), Band("high", "high", 51, 100)]
    shares = stats.band_shares([28, 29, 50, 52, 100], bands)
    assert [(s.band, s.count) for s in shares] == [("low", 1), ("mid", 2), ("high", 2)]
    assert shares[1].share == pytest.approx(0.4)


def test_mann_whitney_matches_the_scipy_documentation_example() -> None:
    # scipy.stats.mannwhitneyu docs: males vs females, U1 = 17, exact two-sided p = 0.1111.
    result = stats.compare([20, 11, 17, 12], [19, 22, 16, 29, 24])
    assert result.u == 17
    assert result.p == pytest.approx(0.1111, abs=1e-4)
    assert result.rank_biserial == pytest.approx(2 * 17 / 20 - 1)


def test_hodges_lehmann_shift_by_hand() -> None:
    # Differences after - before: 3 2 1 / 4 3 2 / 5 4 3 -> median 3
    result = stats.compare([1, 2, 3], [4, 5, 6], meaningful_change=2)
    assert result.shift == 3
    assert result.reaches_meaningful_change is True
    assert result.shift_ci_low <= 3 <= result.shift_ci_high


def test_hodges_lehmann_even_count_takes_the_middle_pair() -> None:
    # Differences: 9-1, 9-2, 10-1, 10-2 = 8, 7, 9, 8 -> median of 7 8 8 9 = 8
    assert stats.compare([1, 2], [9, 10]).shift == 8
    # Differences: 2-0, 2-1 = 2, 1 -> median 1.5
    assert stats.compare([0, 1], [2]).shift == 1.5


def test_hodges_lehmann_interval_matches_a_brute_force_computation() -> None:
    rng = np.random.default_rng(7)
    before, after = rng.integers(0, 25, size=40), rng.integers(3, 25, size=35)
    result = stats.compare(before, after)
    differences = np.sort((after[:, None] - before[None, :]).ravel())
    k = math.floor(differences.size / 2 - 1.959963984540054 * math.sqrt(40 * 35 * 76 / 12))
    assert result.shift == np.median(differences)
    assert (result.shift_ci_low, result.shift_ci_high) == (differences[k - 1], differences[-k])


def test_theil_sen_recovers_a_line_and_ignores_an_outlier() -> None:
    exact = stats.trend([0, 1, 2, 3], [1, 3, 5, 7])
    assert (exact.slope, exact.intercept) == (2, 1)
    robust = stats.trend([0, 1, 2, 3, 4], [1, 3, 5, 7, 100])
    assert robust.slope == 2


def test_benjamini_hochberg_by_hand() -> None:
    # Sorted 0.005 0.01 0.03 0.04 -> x 4/rank: 0.02 0.02 0.04 0.04
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_paired_wilcoxon_and_share_improved_by_hand() -> None:
    result = stats.paired([1, 2, 3, 4, 5], [2, 4, 3, 7, 9], meaningful_change=2, higher_is_better=True)
    # Differences 1 2 0 3 4: zero dropped, all four positive -> W = 0, exact p = 2/16
    assert (result.statistic, result.p) == (0, 0.125)
    assert (result.improved, result.share_improved) == (3, 0.6)  # 2, 3 and 4 reach the change of 2
    walsh = [(a + b) / 2 for i, a in enumerate([1, 2, 0, 3, 4]) for b in [1, 2, 0, 3, 4][i:]]
    assert result.shift == np.median(walsh)


def test_paired_direction_for_distress() -> None:
    result = stats.paired([14, 10, 8], [10, 10, 9], meaningful_change=3, higher_is_better=False)
    assert result.improved == 1  # only a drop of 3 or more counts for distress


def test_cronbach_alpha_by_hand_with_feldt_interval() -> None:
    items = [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 4, 5], [2, 2, 3]]
    result = stats.cronbach_alpha(items)
    # Item variances 1.3 + 1.0 + 1.0 = 3.3; total variance 9.3; alpha = 3/2 (1 - 3.3/9.3)
    assert result.alpha == pytest.approx(1.5 * (1 - 3.3 / 9.3))
    assert result.ci_low < result.alpha < result.ci_high <= 1


def test_a_decline_never_reaches_the_meaningful_change() -> None:
    worse = stats.compare([60, 64, 68], [48, 52, 56], meaningful_change=10)  # WHO-5 down 12
    distress_down = stats.compare([14, 15, 16], [10, 11, 12], meaningful_change=3, higher_is_better=False)
    assert worse.shift == -12
    assert worse.reaches_meaningful_change is False
    assert distress_down.reaches_meaningful_change is True
