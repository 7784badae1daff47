"""Instrument scoring as data: a rule names its items, how to combine them, the missing-item rule and bands.

A rule is a pure description (loaded from JSON), so a program with a licence can add an instrument, such
as WHOQOL-BREF or the Personal Wellbeing Index, by loading its items and rule without new code. Scoring
never reads the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

    from questions.scoring_rules import ScoringRule


class Score(msgspec.Struct, frozen=True):
    """A computed score, its band, and how many items were prorated."""

    measure: str
    version: str
    value: float
    band: str | None
    missing: int


def item_value(rule: ScoringRule, answer: object) -> int | None:
    """An answer as a usable item value, or ``None`` when skipped, "prefer not to say" or out of range."""
    if isinstance(answer, bool) or not isinstance(answer, int):
        return None
    return answer if rule.item_min <= answer <= rule.item_max else None


def band_of(rule: ScoringRule, value: float) -> str | None:
    """The key of the band holding ``value``, or ``None`` when the rule has no band for it."""
    for band in rule.bands:
        if band.low <= value <= band.high:
            return band.key
    return None


def score(rule: ScoringRule, answers: Mapping[str, object]) -> Score | None:
    """Score one response under one rule.

    Args:
        rule: the measure's rule.
        answers: the response's answers by question key (absent = skipped).

    Returns:
        The score, or ``None`` when more than ``rule.max_missing`` items are missing.
    """
    values: list[int] = []
    for item in rule.items:
        value = item_value(rule, answers.get(item))
        if value is not None:
            values.append(rule.item_min + rule.item_max - value if item in rule.reverse else value)
    missing = len(rule.items) - len(values)
    if missing > rule.max_missing or not values:
        return None
    mean = sum(values) / len(values)
    aggregate = mean * len(rule.items) if rule.method == "sum" else mean
    result = round(aggregate * rule.scale + rule.offset, 6)
    return Score(rule.measure, rule.version, result, band_of(rule, result), missing)
