"""What a shown small group (k <= n < 3k) may publish, decided by enumerating every signature.

A group's scores are a multiset of n values on a scale's grid (WHO-5: 0, 4, ..., 100; K6: 0..24). The
attacker sees a signature and wants a band count (how many scored <= 28, say). A band count of 0 or at
least k points at nobody; one of 1..k-1 would. A signature *pins* a band when every multiset with that
signature has the same count there and it is in 1..k-1. ``prove`` lists every pinning (n, exact sum of
scores, median) signature for n in a range; ``mean_only`` every pinning (n, sum) signature.

Enumerating multisets is out of reach (C(57, 32) for WHO-5 at n = 32), so these enumerate signatures,
exactly. For odd n = 2h + 1 the median is the middle value a, and a multiset has median a exactly when
it is h values <= a, a, and h values >= a. For even n = 2h it is (a + c) / 2 for the two middle values
a <= c: h - 1 values <= a, a, c, and h - 1 values >= c (the lower median: h - 1 values <= a, a, h values
>= a). So the reachable (sum, band count) pairs of a median are unions of 2-D convolutions of what h (or
h - 1) values reach from below and from above, each found by dynamic programming over the number of
values used. Convolutions are by FFT on 0/1 arrays (counts of ways, far below 2^50; reachable is > 0.5).

Result (tests/analysis/test_small_groups.py, WHO-5 and K6, k = 11 and 5): (n, mean) pins nothing for
n in k..3k-1; (n, mean, median) pins band counts at every n from k to 2k and, with the averaged median,
at every even n after that; with the lower median, none for 2k < n < 3k. :func:`figures` is what a group
shows; the tests find SD and quartiles pinning a K6 group of 11 that mean and median leave open.
"""

from __future__ import annotations

import time
from typing import Final, Literal

import msgspec
import numpy as np
import numpy.typing as npt

Bools = npt.NDArray[np.bool_]
Median = Literal["average", "lower"]
Floats = npt.NDArray[np.float64]


class Scale(msgspec.Struct, frozen=True):
    """A score grid 0, step, ..., (units - 1) * step and its bands, inclusive, in grid units."""

    name: str
    step: int
    units: int
    bands: tuple[tuple[int, int], ...]


WHO5: Final = Scale("WHO-5", 4, 26, ((0, 7), (8, 12), (13, 25)))
"""Scores 0-100 by 4; bands <= 28, 29-50, > 50."""
K6: Final = Scale("K6", 1, 25, ((0, 4), (5, 12), (13, 24)))
"""Scores 0-24; bands 0-4, 5-12, 13-24."""


class Pinned(msgspec.Struct, frozen=True):
    """A signature that allows only one band count, in 1..k-1."""

    scale: str
    n: int
    band: int
    total: int
    """The sum of scores, in grid units."""
    median: float
    count: int


class Proof(msgspec.Struct, frozen=True):
    """What ``prove`` checked and found."""

    scale: str
    k: int
    sizes: tuple[int, int]
    signatures: int
    """Distinct (n, sum, median) signatures over the range."""
    pinned: tuple[Pinned, ...]
    seconds: float


def _reachable(scale: Scale, band: int, allowed: Bools, values: int) -> list[Bools]:
    """For t = 0..values: which (sum, band count) pairs t values from ``allowed`` reach."""
    low, high = scale.bands[band]
    grid = np.flatnonzero(allowed)
    shape = (values * (scale.units - 1) + 1, values + 1)
    first = np.zeros(shape, dtype=bool)
    first[0, 0] = True
    found = [first]
    for _ in range(values):
        previous, following = found[-1], np.zeros(shape, dtype=bool)
        for v in grid:
            extra = int(low <= v <= high)
            following[v:, extra:] |= previous[: shape[0] - v, : shape[1] - extra]
        found.append(following)
    return found


class Sides(msgspec.Struct, frozen=True):
    """For each value a: what t values <= a reach, and what t values >= a reach, t = 0..values."""

    below: list[list[Bools]]
    above: list[list[Bools]]


def sides(scale: Scale, band: int, values: int) -> Sides:
    """The dynamic programme of both sides of the middle, once for every n up to 2 * values + 2."""
    units = np.arange(scale.units)
    return Sides(
        [_reachable(scale, band, units <= a, values) for a in range(scale.units)],
        [_reachable(scale, band, units >= a, values) for a in range(scale.units)],
    )


def signatures(
    scale: Scale, band: int, n: int, tables: Sides | None = None, median: Median = "average"
) -> Bools:
    """Which (2 x median, sum, band count) triples, in grid units, the multisets of n scores have.

    ``median="lower"`` takes the lower middle value for even n (an observed score, never between two).
    """
    odd = n % 2 == 1 or median == "lower"
    side = n // 2 if n % 2 else n // 2 - 1  # values below (and above) the middle one or two
    tables = tables or sides(scale, band, n // 2)
    below = [t[side if n % 2 or median == "average" else n // 2 - 1] for t in tables.below]
    above = [t[side if n % 2 or median == "average" else n // 2] for t in tables.above]
    rows, columns = 2 * below[0].shape[0] - 1, 2 * below[0].shape[1] - 1
    spectra_below = [np.fft.rfft2(b.astype(np.float64), (rows, columns)) for b in below]
    spectra_above = [np.fft.rfft2(c.astype(np.float64), (rows, columns)) for c in above]
    low, high = scale.bands[band]
    inside = [int(low <= v <= high) for v in range(scale.units)]
    # Group the middle value(s) by 2 x median and their band count: sums of spectra are unions of
    # reachable sets (every term counts ways, none negative).
    grouped: dict[tuple[int, int], npt.NDArray[np.complex128]] = {}
    for a in range(scale.units):
        for c in (a,) if odd else range(a, scale.units):
            key = (a + c, inside[a] + (0 if odd else inside[c]))
            product = spectra_below[a] * spectra_above[c]
            grouped[key] = grouped[key] + product if key in grouped else product
    result = np.zeros((2 * scale.units - 1, n * (scale.units - 1) + 1, n + 1), dtype=bool)
    for (m2, extra), spectrum in grouped.items():
        ways: Floats = np.fft.irfft2(spectrum, (rows, columns))
        shift = m2 // 2 if odd else m2  # the middle value(s) add to the sum
        target = result[m2, shift:, extra:]
        height, width = min(target.shape[0], rows), min(target.shape[1], columns)
        target[:height, :width] |= ways[:height, :width] > 0.5
    return result


def prove(scale: Scale, k: int, sizes: tuple[int, int] | None = None, median: Median = "average") -> Proof:
    """Every (n, sum, median) signature, n in ``sizes`` (default k..3k-1), pinning a band count in 1..k-1."""
    started = time.perf_counter()
    first, last = sizes or (k, 3 * k - 1)
    pinned: list[Pinned] = []
    count = 0
    tables = [sides(scale, band, last // 2) for band in range(len(scale.bands))]
    for n in range(first, last + 1):
        for band in range(len(scale.bands)):
            table = signatures(scale, band, n, tables[band], median)
            allowed = table.sum(axis=2)
            if band == 0:
                count += int((allowed > 0).sum())
            for m2, total in zip(*np.nonzero(allowed == 1), strict=True):
                only = int(np.flatnonzero(table[m2, total])[0])
                if 1 <= only < k:
                    middle = float(m2 * scale.step / 2)
                    pinned.append(Pinned(scale.name, n, band, int(total), middle, only))
    return Proof(scale.name, k, (first, last), count, tuple(pinned), time.perf_counter() - started)


def mean_only(scale: Scale, k: int, sizes: tuple[int, int] | None = None) -> Proof:
    """Every (n, sum) signature, n in ``sizes`` (default k..3k-1), that pins a band count in 1..k-1."""
    started = time.perf_counter()
    first, last = sizes or (k, 3 * k - 1)
    pinned: list[Pinned] = []
    count = 0
    for band in range(len(scale.bands)):
        reach = _reachable(scale, band, np.ones(scale.units, dtype=bool), last)
        for n in range(first, last + 1):
            allowed = reach[n].sum(axis=1)
            count += int((allowed > 0).sum()) if band == 0 else 0
            for total in np.flatnonzero(allowed == 1):
                only = int(np.flatnonzero(reach[n][total])[0])
                if 1 <= only < k:
                    pinned.append(Pinned(scale.name, n, band, int(total), float("nan"), only))
    return Proof(scale.name, k, (first, last), count, tuple(pinned), time.perf_counter() - started)


def figures(scores: Floats, *, moments: bool) -> tuple[float, ...]:
    """What a shown group publishes: n, mean, median; with ``moments``, also SD and both quartiles."""
    shown = (float(len(scores)), float(scores.mean()), float(np.median(scores)))
    if not moments:
        return shown
    q1, q3 = np.quantile(scores, [0.25, 0.75])
    return (*shown, float(scores.std(ddof=1)), float(q1), float(q3))
