"""The protected table set, attacked: differencing any shown figures never yields a small group.

The audit inside ``protect`` is integer programming; these tests check its result independently with
linear algebra: a hidden figure's count (or sum of scores) can be worked out exactly from the shown ones
exactly when its cells' indicator lies in the span of the shown figures' indicators.
"""

from __future__ import annotations

import itertools

import msgspec
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import periods
from analysis.disclosure_audit import FEWER_THAN_K
from analysis.disclosure_protect import Decisions
from analysis.protected import (
    NOT_BROKEN_DOWN,
    NUMBER_BINS,
    CellHistogram,
    MeasureSet,
    build,
    build_measure,
    number_bands,
    number_rule,
)
from questions.bank import shipped_instruments
from questions.schemas import Question

K = 11
WHO5 = next(rule for rule in shipped_instruments()["who5"].measures if rule.measure == "who5")
MONTHS = ("2026-01", "2026-02", "2026-03")
# The reproduction: Eastside Jan 5 / Feb 45 / Mar 5, Harbour Jan 45 / Feb 15 / Mar 3.
REPRODUCTION = {
    ("Eastside", "2026-01"): 5, ("Eastside", "2026-02"): 45, ("Eastside", "2026-03"): 5,
    ("Harbour", "2026-01"): 45, ("Harbour", "2026-02"): 15, ("Harbour", "2026-03"): 3,
}  # fmt: skip


def rows_for(counts: dict[tuple[str, str], int], seed: int = 0, language: str = "en") -> list[CellHistogram]:
    """WHO-5 scores (multiples of 4) for each (site, month), as the GROUP BY would return them."""
    rng = np.random.default_rng(seed)
    rows = []
    for (site, month), n in counts.items():
        values, tally = np.unique(rng.integers(0, 26, n) * 4.0, return_counts=True)
        rows += [
            CellHistogram("who5", site, language, 1, month, float(v), int(c))
            for v, c in zip(values, tally, strict=True)
        ]
    return rows


def cell_keys(rows: list[CellHistogram]) -> list[tuple[str, str, int, str]]:
    return sorted({(r.site, r.language, r.version, r.period) for r in rows})


def indicator(
    keys: list[tuple[str, str, int, str]], dimension: str, group: str | None, period: str
) -> np.ndarray:
    position = {"site": 0, "language": 1, "version": 2}
    return np.array(
        [
            float(
                periods.contains(period, key[3])
                and (dimension == "all" or str(key[position[dimension]]) == group)
            )
            for key in keys
        ]
    )


def recoverable(measure: MeasureSet, rows: list[CellHistogram]) -> list[str]:
    """Hidden small figures whose count a linear combination of shown figures gives exactly."""
    keys = cell_keys(rows)
    true = dict.fromkeys(keys, 0)
    for r in rows:
        true[(r.site, r.language, r.version, r.period)] += r.n
    counts = np.array([true[key] for key in keys], dtype=float)
    shown = [indicator(keys, f.dimension, f.group, f.period) for f in measure.figures if f.hidden is None]
    basis = np.array(shown) if shown else np.zeros((0, len(keys)))
    rank = np.linalg.matrix_rank(basis) if shown else 0
    found = []
    targets = [(f.dimension, f.group, f.period) for f in measure.figures if f.hidden == FEWER_THAN_K]
    # The finest cells are never published, and must not be recoverable either when small.
    targets += [("cell", None, str(i)) for i, n in enumerate(counts) if 1 <= n < K]
    for dimension, group, period in targets:
        if dimension == "cell":
            vector = np.eye(len(keys))[int(period)]
        else:
            vector = indicator(keys, dimension, group, period)
        if np.linalg.matrix_rank(np.vstack([basis, vector])) == rank:
            found.append(f"{dimension}={group}|{period}")
    return found


def test_the_reproduction_cannot_be_differenced_and_its_large_figures_show() -> None:
    rows = rows_for(REPRODUCTION)
    measure = build_measure(WHO5, rows, K)
    assert measure.audit.passed
    assert recoverable(measure, rows) == []
    shown = {(f.dimension, f.group, f.period): f.n for f in measure.figures if f.hidden is None}
    # The attack of the issue: January's total and Harbour's January must not both be shown.
    assert not (("all", None, "2026-01") in shown and ("site", "Harbour", "2026-01") in shown)
    # What a small program needs still shows: the quarter, each site over the quarter, February.
    assert shown[("all", None, "2026-Q1")] == 118
    assert shown[("site", "Eastside", "2026-Q1")] == 55
    assert shown[("site", "Harbour", "2026-Q1")] == 63
    assert all(n == 0 or n >= K for n in shown.values() if n is not None)


@st.composite
def small_programs(draw: st.DrawFn) -> tuple[list[CellHistogram], int]:
    sites = draw(st.integers(2, 3))
    months = draw(st.integers(2, 4))
    languages = draw(st.sampled_from([("en",), ("en", "es")]))
    rows: list[CellHistogram] = []
    for language in languages:
        counts = {
            (f"site {s}", f"2026-{m + 1:02d}"): draw(st.integers(0, 40))
            for s, m in itertools.product(range(sites), range(months))
        }
        rows += rows_for({key: n for key, n in counts.items() if n}, seed=len(rows), language=language)
    return rows, draw(st.sampled_from([11, 5]))


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(small_programs())
def test_random_small_programs_pass_the_audit_and_resist_differencing(
    program: tuple[list[CellHistogram], int],
) -> None:
    rows, k = program
    measure = build_measure(WHO5, rows, k)
    assert measure.audit.passed
    shown = [f for f in measure.figures if f.hidden is None]
    assert all(f.n is not None and (f.n == 0 or f.n >= k) for f in shown)
    if k == K:
        assert recoverable(measure, rows) == []
    for band in measure.bands:
        assert band.count is None or band.count == 0 or band.count >= k


def test_the_same_responses_in_any_order_give_the_same_set() -> None:
    rows = rows_for(REPRODUCTION, seed=3)
    shuffled = list(rows)
    np.random.default_rng(9).shuffle(shuffled)
    first, second = build(1, K, 7, [WHO5], rows), build(1, K, 7, [WHO5], shuffled)
    # Everything but the audit's running time.
    assert msgspec.json.encode([(m.figures, m.bands) for m in first.measures]) == msgspec.json.encode(
        [(m.figures, m.bands) for m in second.measures]
    )


def test_a_shape_already_decided_is_read_not_searched_again_whatever_its_names() -> None:
    rows = rows_for(REPRODUCTION, seed=3)
    decisions = Decisions()
    first = build(1, K, 7, [WHO5], rows, decisions=decisions)
    assert decisions.made, "the build hands back the decisions it made, to be kept"
    # The same cells under other site names, in the same order: the same shapes.
    renamed = [msgspec.structs.replace(row, site=f"Renamed {row.site}") for row in rows]
    kept = Decisions(decisions.made)
    second = build(1, K, 8, [WHO5], renamed, decisions=kept)
    assert kept.made == {}, "a shape already decided was searched again"
    searched = build(1, K, 8, [WHO5], renamed)  # no decision given: the search runs and agrees
    assert [(f.group, f.n, f.hidden) for m in second.measures for f in m.figures] == [
        (f.group, f.n, f.hidden) for m in searched.measures for f in m.figures
    ]
    assert [(f.n, f.hidden) for m in second.measures for f in m.figures] == [
        (f.n, f.hidden) for m in first.measures for f in m.figures
    ]


@pytest.mark.slow
def test_a_small_site_hides_little_of_a_large_program() -> None:
    """The demo's shape: a large site, a middling one, and an outreach site with 5 a month for 3 months."""
    rng = np.random.default_rng(4)
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    counts = {("Eastside", m): int(rng.poisson(180)) for m in months}
    counts |= {("Harbour", m): int(rng.poisson(40)) for m in months}
    counts |= {("Outreach", m): 5 for m in months[:3]}
    rows = rows_for(counts)
    measure = build_measure(WHO5, rows, K)
    large = [f for f in measure.figures if f.n is None or f.n >= K]
    hidden_large = [f for f in measure.figures if f.hidden is not None and f.hidden != FEWER_THAN_K]
    share = len(hidden_large) / len(large)
    print(f"\n{len(hidden_large)} of {len(large)} figures with n >= k hidden ({share:.1%})")
    assert share < 0.10
    shown = {(f.dimension, f.group, f.period) for f in measure.figures if f.hidden is None}
    assert {("site", "Eastside", p) for p in ["all", "2026", "2026-Q1", *months]} <= shown
    assert ("site", "Outreach", "all") in shown  # 15 responses over the year: shown
    assert recoverable(measure, rows) == []


@pytest.mark.slow
def test_information_loss_on_a_small_program() -> None:
    """Three sites, 10-40 responses a month each, twelve months, two languages (70% / 30%)."""
    rng = np.random.default_rng(12)
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    rows: list[CellHistogram] = []
    for site in ("North", "South", "Van"):
        for month in months:
            n = int(rng.integers(10, 41))
            spanish = int(rng.binomial(n, 0.3))
            rows += rows_for({(site, month): n - spanish}, seed=len(rows), language="en")
            rows += rows_for({(site, month): spanish}, seed=len(rows) + 1, language="es") if spanish else []
    measure = build_measure(WHO5, rows, K)
    large = [f for f in measure.figures if f.n is None or f.n >= K]
    hidden_large = [f for f in measure.figures if f.hidden is not None and f.hidden != FEWER_THAN_K]
    protected = [f for f in hidden_large if f.hidden != NOT_BROKEN_DOWN]
    share = len(hidden_large) / len(large)
    print(
        f"\nsmall program: {len(hidden_large)} of {len(large)} figures with n >= k not shown ({share:.1%});"
        f" {len(protected)} hidden to protect a smaller group, the rest in splits not broken down"
    )
    assert measure.audit.passed
    assert recoverable(measure, rows) == []
    assert len(protected) / len(large) < 0.10


@settings(max_examples=200, deadline=None)
@given(
    low=st.integers(-50, 500),
    span=st.integers(0, 20_000),
    integer=st.booleans(),
)
def test_a_number_histogram_bar_holds_every_answer_exactly_once(low: int, span: int, integer: bool) -> None:
    """The bars come from the question's range alone, are at most NUMBER_BINS and never overlap or gap."""
    high = low + span if integer else low + span + 0.5
    bars = number_bands(float(low), float(high), integer=integer)
    assert 1 <= len(bars) <= NUMBER_BINS
    assert bars[0].low == low
    assert bars[-1].high == high
    probes = np.linspace(low, high, 97)
    if integer:
        probes = np.unique(np.round(probes))
    for value in probes:
        assert sum(bar.low <= value <= bar.high for bar in bars) == 1, (value, bars)


def test_a_number_question_publishes_its_histogram_only_through_the_protection() -> None:
    """meals_days (0 to 7 days): a bar of 1 to 10 answers is hidden, never a count between 1 and k - 1."""
    question = Question(
        key="meals_days", type="number", text={"en": "Days with a meal"}, minimum=0, maximum=7
    )
    rule = number_rule(question)
    assert [band.label for band in rule.bands] == [str(day) for day in range(8)]
    days = {0: 3, 1: 2, 2: 30, 3: 40, 4: 35, 5: 25, 6: 12, 7: 60}  # 0 and 1 days: small bars
    rows = [
        CellHistogram(rule.measure, site, "en", 1, month, float(day), n // 2 + (site == "A") * (n % 2))
        for day, n in days.items()
        for site, month in (("A", "2026-01"), ("B", "2026-01"))
        if n // 2 + (site == "A") * (n % 2)
    ]
    built = build_measure(rule, rows, K)
    bars = {bar.band: bar for bar in built.bands if bar.period == "all"}
    assert set(bars) == {band.key for band in rule.bands}
    shown = [bar.count for bar in bars.values() if bar.count is not None]
    assert all(count == 0 or count >= K for count in shown)
    assert bars["0"].count is None
    assert bars["1"].count is None
    assert bars["3"].count == 40
    # Hidden bars together never come back as a difference: the total is shown, so at least two are hidden.
    total = built.figures[0] if built.figures[0].dimension == "all" else None
    hidden = [bar for bar in bars.values() if bar.count is None]
    assert total is None or total.n is None or len(hidden) != 1


def with_modes(rows: list[CellHistogram], shares: dict[str, float], seed: int = 3) -> list[CellHistogram]:
    """The same scores, each cell's responses split between ways of answering (own, read aloud ...)."""
    rng = np.random.default_rng(seed)
    split = []
    for row in rows:
        parts = rng.multinomial(row.n, list(shares.values()))
        split += [
            msgspec.structs.replace(row, n=int(n), answered_with=mode)
            for mode, n in zip(shares, parts, strict=True)
            if n
        ]
    return split


def test_how_it_was_answered_splits_the_all_sites_figures_without_a_small_group() -> None:
    """The reproduction, 85% on their own, 12% read aloud, 3% helped: the helped group is too small.

    Independently of the audit: no hidden small mode figure is a linear combination of everything shown
    (every first-set figure of any dimension, and every shown mode figure).
    """
    rows = with_modes(rows_for(REPRODUCTION), {"own": 0.85, "read_aloud": 0.12, "helped": 0.03})
    measure = build_measure(WHO5, rows, K)
    assert measure.mode_audit is not None
    assert measure.mode_audit.passed
    # The first set does not change: the split is a second set with its figures fixed.
    plain = build_measure(WHO5, rows_for(REPRODUCTION), K)
    assert [(f.dimension, f.group, f.period, f.n) for f in measure.figures] == [
        (f.dimension, f.group, f.period, f.n) for f in plain.figures
    ]
    modes = {(f.group, f.period): f for f in measure.modes}
    assert modes[("own", "all")].n is not None
    assert modes[("own", "all")].n >= K
    assert modes[("helped", "all")].hidden is not None
    # Linear algebra over (finest cell x mode) parts.
    parts = sorted({(r.site, r.language, r.version, r.period, r.answered_with) for r in rows})
    count = dict.fromkeys(parts, 0)
    for r in rows:
        count[(r.site, r.language, r.version, r.period, r.answered_with)] += r.n
    position = {"site": 0, "language": 1, "version": 2}

    def vector(dimension: str, group: str | None, period: str) -> np.ndarray:
        return np.array(
            [
                float(
                    periods.contains(period, part[3])
                    and (
                        dimension == "all"
                        or (dimension == "answered_with" and part[4] == group)
                        or (dimension in position and str(part[position[dimension]]) == group)
                    )
                )
                for part in parts
            ]
        )

    shown = [
        vector(f.dimension, f.group, f.period) for f in [*measure.figures, *measure.modes] if f.hidden is None
    ]
    basis = np.array(shown)
    rank = np.linalg.matrix_rank(basis)
    small = [f for f in measure.modes if f.hidden == FEWER_THAN_K]
    assert small, "the helped group is small somewhere"
    for figure in small:
        target = vector(figure.dimension, figure.group, figure.period)
        assert np.linalg.matrix_rank(np.vstack([basis, target])) > rank, figure


def test_nobody_saying_how_they_answered_publishes_no_split() -> None:
    measure = build_measure(WHO5, rows_for(REPRODUCTION), K)
    assert measure.modes == []
    assert measure.mode_audit is None
