"""Reporting periods: the hierarchy every figure is published along (week ->) month -> quarter -> year -> all.

A response keeps only its month (``2026-01``) or ISO week (``2026-W05``). Evaluators choose among the
reporting periods built from those, never arbitrary ranges: a figure over an arbitrary range could be
subtracted from another range's to give a month no view shows, and the set of ranges would be unbounded.
An ISO week belongs to the month of its Thursday (so to that month's quarter and year too: the ISO year
is the Thursday's year).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final, Literal

Level = Literal["week", "month", "quarter", "year", "all"]
LEVELS: Final[tuple[Level, ...]] = ("week", "month", "quarter", "year", "all")
ALL: Final = "all"

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _week_thursday(label: str) -> date | None:
    match = _WEEK.match(label)
    if match is None:
        return None
    year, week = int(match[1]), int(match[2])
    try:
        thursday = date.fromisocalendar(year, week, 4)
    except ValueError:
        return None
    return thursday


def level_of(label: str) -> Level | None:
    """The level of a period label, or ``None`` when it is not a real period."""
    if label == ALL:
        return "all"
    if _week_thursday(label) is not None:
        return "week"
    month = _MONTH.match(label)
    if month is not None:
        return "month" if 1 <= int(month[2]) <= 12 and int(month[1]) >= 1 else None
    if _QUARTER.match(label) is not None:
        return "quarter"
    year = _YEAR.match(label)
    return "year" if year is not None and int(year[1]) >= 1 else None


def month_of(period: str) -> str:
    """The month a stored period (a month, or an ISO week by its Thursday) belongs to."""
    thursday = _week_thursday(period)
    return period if thursday is None else f"{thursday.year:04d}-{thursday.month:02d}"


def ancestors(period: str) -> dict[Level, str]:
    """Every reporting period a stored period counts towards, by level (its own included)."""
    month = month_of(period)
    year, number = month[:4], int(month[5:])
    found: dict[Level, str] = {}
    if period != month:
        found["week"] = period
    found["month"] = month
    found["quarter"] = f"{year}-Q{(number - 1) // 3 + 1}"
    found["year"] = year
    found["all"] = ALL
    return found


def contains(outer: str, period: str) -> bool:
    """Whether the stored period ``period`` counts towards the reporting period ``outer``."""
    return outer in ancestors(period).values()


def aligned(first: str | None, last: str | None) -> str:
    """The one reporting period a ``from``/``to`` pair spans exactly, or ValueError naming the field.

    Both ends open is every period; ``from`` = ``to`` is that month (or week); a pair that spans a whole
    quarter or year is that quarter or year. Anything else is not a reporting period.
    """
    if first is None and last is None:
        return ALL
    if first is None or last is None:
        raise ValueError("from" if first is None else "to")
    for name, label in (("from", first), ("to", last)):
        if level_of(label) not in {"week", "month"}:
            raise ValueError(name)
    if first == last:
        return first
    if _MONTH.match(first) is None or _MONTH.match(last) is None or first > last:
        raise ValueError("to")
    start, end = int(first[5:]), int(last[5:])
    if first[:4] == last[:4] and start == 1 and end == 12:
        return first[:4]
    if first[:4] == last[:4] and start % 3 == 1 and end == start + 2:
        return f"{first[:4]}-Q{(start - 1) // 3 + 1}"
    raise ValueError("to")


def offered(stored: list[str]) -> list[str]:
    """Every reporting period that holds one of the stored periods, in time order (``sort_key``)."""
    found = {label for period in stored for label in ancestors(period).values()}
    return sorted(found, key=sort_key)


def checked(label: str, granularity: Literal["month", "week"]) -> str:
    """A reporting period as the program keeps periods (weeks only where it keeps weeks).

    Raises:
        ValueError: not a reporting period of this program.
    """
    level = level_of(label)
    if level is None or (level == "week" and granularity == "month"):
        raise ValueError(label)
    return label


def words(label: str) -> str:
    """A reporting period in words: "January 2026", "2026 Q1 (January to March)", "the whole survey"."""
    level = level_of(label)
    if level == "all":
        return "the whole survey"
    if level == "week":
        monday = date.fromisocalendar(int(label[:4]), int(label[6:]), 1)
        return f"week {int(label[6:])} of {label[:4]} (from {monday.day} {MONTH_NAMES[monday.month - 1]})"
    if level == "month":
        return f"{MONTH_NAMES[int(label[5:]) - 1]} {label[:4]}"
    if level == "quarter":
        first = (int(label[6]) - 1) * 3
        return f"{label[:4]} Q{label[6]} ({MONTH_NAMES[first]} to {MONTH_NAMES[first + 2]})"
    return label


def sort_key(label: str) -> tuple[str, int]:
    """Orders labels in time, a year before its quarters and a quarter before its months."""
    level = level_of(label)
    rank = {"all": 0, "year": 1, "quarter": 2, "month": 3, "week": 4}[level or "all"]
    if level == "quarter":
        return (f"{label[:4]}-{(int(label[6]) - 1) * 3 + 1:02d}", rank)
    if level == "week":
        return (month_of(label) + label[4:], rank)
    return ("" if level == "all" else label, rank)
