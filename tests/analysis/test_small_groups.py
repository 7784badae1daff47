"""What a shown small group may publish, proven by enumerating every (n, mean, median) signature.

Proven here (``prove``/``mean_only`` enumerate every signature exactly; the first test checks that
enumeration against every multiset for small n), for WHO-5 and K6 with k = 11 and k = 5:

- n and the exact mean alone never pin a band count in 1..k-1, for any n in k..3k-1;
- adding the median as numpy computes it (the average of the two middle scores for even n) pins band
  counts in 1..k-1 at every n from k to 2k, and at every even n after that (a median between two bands,
  K6 4.5 or 12.5, with an extreme mean leaves exactly one score in the middle band);
- adding the lower median (always an observed score) pins band counts for n <= 2k and none for
  2k < n < 3k.

So the issue's "mean with its interval and the median" does not hold for k <= n < 3k.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

from analysis.small_groups import K6, WHO5, Scale, figures, mean_only, prove, signatures


def brute_force(scale: Scale, n: int, median: str) -> list[set[tuple[int, int, int]]]:
    """Every multiset of n scores: its (2 x median, sum, band count) for each band."""
    found: list[set[tuple[int, int, int]]] = [set() for _ in scale.bands]
    for combo in itertools.combinations_with_replacement(range(scale.units), n):
        m2 = 2 * combo[(n - 1) // 2] if median == "lower" else combo[(n - 1) // 2] + combo[n // 2]
        for band, (low, high) in enumerate(scale.bands):
            found[band].add((m2, sum(combo), sum(1 for v in combo if low <= v <= high)))
    return found


@pytest.mark.parametrize(("scale", "n"), [(K6, 4), (K6, 5), (WHO5, 4)])
@pytest.mark.parametrize("median", ["average", "lower"])
def test_signatures_match_every_multiset(scale: Scale, n: int, median: str) -> None:
    expected = brute_force(scale, n, median)
    for band in range(len(scale.bands)):
        table = signatures(scale, band, n, median="lower" if median == "lower" else "average")
        assert {tuple(int(v) for v in t) for t in np.argwhere(table)} == expected[band]


@pytest.mark.parametrize("scale", [WHO5, K6])
@pytest.mark.parametrize("k", [11, 5])
def test_the_mean_alone_pins_no_small_band_count(scale: Scale, k: int) -> None:
    proof = mean_only(scale, k)
    assert proof.pinned == ()
    assert proof.signatures > 0


@pytest.mark.slow
@pytest.mark.parametrize("scale", [WHO5, K6])
@pytest.mark.parametrize("k", [11, 5])
def test_the_mean_and_median_pin_small_band_counts(scale: Scale, k: int) -> None:
    average = Counter(p.n for p in prove(scale, k).pinned)
    assert set(average) == set(range(k, 2 * k + 1)) | set(range(2 * k + 2, 3 * k, 2))
    lower = Counter(p.n for p in prove(scale, k, median="lower").pinned)
    assert set(lower) == set(range(k, 2 * k + 1))
    print(
        f"\n{scale.name} k={k}: pinned signatures by n, average median {dict(average)}; lower {dict(lower)}"
    )


def test_a_k6_group_of_11_with_median_0_and_sum_101_has_exactly_6_scores_of_0_to_4() -> None:
    # Median 0 puts at least 6 of 11 at 0; 101 over the other 5 (at most 24 each) leaves each of them >= 5.
    pinned = {(p.n, p.band, p.total, p.median): p.count for p in prove(K6, 11, (11, 11)).pinned}
    assert pinned[(11, 0, 101, 0.0)] == 6
    witness = np.array([0.0] * 6 + [20.0, 20.0, 20.0, 20.0, 21.0])
    assert figures(witness, moments=False) == (11.0, 101 / 11, 0.0)


def multisets_with_sum(total: int, size: int, largest: int) -> list[tuple[int, ...]]:
    """Every non-increasing tuple of ``size`` scores 0..largest adding up to ``total``."""
    if size == 0:
        return [()] if total == 0 else []
    found = []
    for first in range(min(total, largest), -1, -1):
        if first * size >= total:
            found += [(first, *rest) for rest in multisets_with_sum(total - first, size - 1, first)]
    return found


def test_sd_and_quartiles_pin_what_the_mean_and_median_do_not() -> None:
    """A K6 group of 11: ten scores of 0 and one of 24. Top band (13-24): 1."""
    group = np.array([0.0] * 10 + [24.0])
    top = K6.bands[2]
    full = figures(group, moments=True)
    # Every K6 multiset of 11 with the same sum, checked one by one.
    candidates = [np.array(m, dtype=float) for m in multisets_with_sum(24, 11, 24)]
    same_all = [m for m in candidates if np.allclose(figures(m, moments=True), full)]
    assert [int(((m >= top[0]) & (m <= top[1])).sum()) for m in same_all] == [1]
    # n, mean and median alone: the same figures with no score in the top band (0 x 9, 12, 12).
    other = np.array([0.0] * 9 + [12.0, 12.0])
    assert figures(other, moments=False) == figures(group, moments=False)
    # The SD alone (which a mean's interval all but gives away) pins it as well: with the sum fixed,
    # the sum of squares 576 = 24^2 needs all 24 in one score.
    squares = [m for m in candidates if m @ m == group @ group]
    assert len(squares) == 1
