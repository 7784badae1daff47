"""What a shown figure publishes by its size: n and mean, then the lower median, then everything."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import figure_stats
from analysis.histogram_stats import histogram_of, summarise

K = 11


def scores(n: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 26, n) * 4.0


@pytest.mark.parametrize("n", [K, 2 * K])
def test_a_group_of_k_to_2k_shows_n_and_the_mean_only(n: int) -> None:
    values = scores(n)
    shown = figure_stats.describe(histogram_of(values), K, 0.0, 100.0)
    assert shown.n == n
    assert shown.mean == pytest.approx(values.mean())
    assert (shown.sd, shown.median, shown.q1, shown.q3) == (None, None, None, None)
    assert shown.ci_method == figure_stats.VARIANCE_BOUND


def test_a_group_above_2k_adds_its_lower_median_an_observed_score() -> None:
    values = scores(2 * K + 2)
    shown = figure_stats.describe(histogram_of(values), K, 0.0, 100.0)
    assert shown.median == sorted(values)[(len(values) - 1) // 2]
    assert (shown.sd, shown.q1, shown.q3) == (None, None, None)


def test_from_3k_a_group_shows_every_statistic_from_its_histogram() -> None:
    h = histogram_of(scores(3 * K))
    shown = figure_stats.describe(h, K, 0.0, 100.0)
    full = summarise(h)
    assert (shown.sd, shown.median, shown.q1, shown.q3, shown.ci_low, shown.ci_high) == (
        full.sd,
        full.median,
        full.q1,
        full.q3,
        full.ci_low,
        full.ci_high,
    )


def test_the_small_group_interval_depends_on_n_and_the_mean_only() -> None:
    # Two groups with the same n and mean but very different spreads get the same interval.
    tight = np.array([48.0, 52.0] * 6)
    wide = np.array([0.0, 100.0] * 6)
    a = figure_stats.describe(histogram_of(tight), K, 0.0, 100.0)
    b = figure_stats.describe(histogram_of(wide), K, 0.0, 100.0)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert a.ci_low is not None
    assert a.ci_high is not None
    assert 0.0 <= a.ci_low < 50.0 < a.ci_high <= 100.0


def test_the_variance_bound_interval_covers_at_least_as_well_as_the_t_interval() -> None:
    rng = np.random.default_rng(5)
    covered = 0
    for _ in range(400):
        sample = rng.integers(0, 26, 15) * 4.0
        low, high = figure_stats.bounded_interval(15, float(sample.mean()), 0.0, 100.0)
        covered += low <= 50.0 <= high
    assert covered / 400 >= 0.95
