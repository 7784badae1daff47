"""Reporting periods: the hierarchy, exact alignment of from/to, weeks by their Thursday, words."""

from __future__ import annotations

import pytest

from analysis import periods


def test_a_month_counts_towards_its_quarter_year_and_all() -> None:
    assert periods.ancestors("2026-05") == {
        "month": "2026-05",
        "quarter": "2026-Q2",
        "year": "2026",
        "all": "all",
    }


def test_a_week_belongs_to_the_month_of_its_thursday() -> None:
    # ISO week 1 of 2026 runs Monday 29 December 2025 to Sunday 4 January 2026; its Thursday is 1 January.
    assert periods.ancestors("2026-W01")["month"] == "2026-01"
    assert periods.ancestors("2025-W01")["month"] == "2025-01"  # Thursday 2 January 2025
    assert periods.ancestors("2020-W53") == {
        "week": "2020-W53",
        "month": "2020-12",
        "quarter": "2020-Q4",
        "year": "2020",
        "all": "all",
    }


@pytest.mark.parametrize(
    ("first", "last", "period"),
    [
        (None, None, "all"),
        ("2026-03", "2026-03", "2026-03"),
        ("2026-01", "2026-03", "2026-Q1"),
        ("2026-10", "2026-12", "2026-Q4"),
        ("2026-01", "2026-12", "2026"),
        ("2026-W05", "2026-W05", "2026-W05"),
    ],
)
def test_from_and_to_that_span_one_reporting_period(first: str | None, last: str | None, period: str) -> None:
    assert periods.aligned(first, last) == period


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2026-01", "2026-02", "to"),  # two months are no reporting period
        ("2026-02", "2026-04", "to"),  # three months that are not a quarter
        ("2026-03", "2026-01", "to"),  # reversed
        ("2025-01", "2026-12", "to"),  # two years
        ("2026-13", "2026-13", "from"),
        (None, "2026-01", "from"),
        ("2026-01", None, "to"),
        ("2026-Q1", "2026-Q1", "from"),
    ],
)
def test_other_ranges_are_refused_naming_the_field(first: str | None, last: str | None, field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}$"):
        periods.aligned(first, last)


def test_a_week_is_refused_where_the_program_keeps_months() -> None:
    assert periods.checked("2026-W05", "week") == "2026-W05"
    with pytest.raises(ValueError, match="2026-W05"):
        periods.checked("2026-W05", "month")
    for label in ("2026-Q5", "2026-00", "2026-W54", "all-time", ""):
        with pytest.raises(ValueError, match=f"^{label}$"):
            periods.checked(label, "week")


def test_offered_periods_run_in_time_with_each_level_before_its_parts() -> None:
    assert periods.offered(["2026-02", "2025-12", "2026-01"]) == [
        "all",
        "2025",
        "2025-Q4",
        "2025-12",
        "2026",
        "2026-Q1",
        "2026-01",
        "2026-02",
    ]


def test_periods_in_words() -> None:
    assert periods.words("all") == "the whole survey"
    assert periods.words("2026") == "2026"
    assert periods.words("2026-Q1") == "2026 Q1 (January to March)"
    assert periods.words("2026-11") == "November 2026"
    assert periods.words("2026-W01") == "week 1 of 2026 (from 29 December)"
