"""Each shipped scoring rule against hand-computed cases, including every missing-item case."""

from __future__ import annotations

import random

import msgspec
import pytest

from analysis.scoring import score
from questions.bank import shipped_instruments
from questions.scoring_rules import PREFER_NOT_TO_SAY, ScoringRule


def rule(instrument: str, measure: str | None = None) -> ScoringRule:
    rules = shipped_instruments()[instrument].measures
    return next(r for r in rules if measure is None or r.measure == measure)


def answers(prefix: str, values: list[object]) -> dict[str, object]:
    return {f"{prefix}_{i}": value for i, value in enumerate(values, start=1) if value is not None}


@pytest.mark.parametrize(
    ("values", "expected", "band"),
    [
        ([5, 5, 5, 5, 5], 100, "adequate_wellbeing"),
        ([0, 0, 0, 0, 0], 0, "likely_depression"),
        ([3, 2, 4, 1, 0], 40, "poor_wellbeing"),  # (3+2+4+1+0) x 4
        ([2, 2, 1, 1, 1], 28, "likely_depression"),  # 7 x 4 = 28, the depression threshold itself
        ([3, 3, 3, 2, 2], 52, "adequate_wellbeing"),  # 13 x 4
        ([3, 3, 2, 2, 2], 48, "poor_wellbeing"),
    ],
)
def test_who5(values: list[object], expected: float, band: str) -> None:
    result = score(rule("who5"), answers("who5", values))
    assert result is not None
    assert (result.value, result.band, result.missing) == (expected, band, 0)


@pytest.mark.parametrize("missing_at", range(5))
def test_who5_is_not_scored_with_any_item_missing(missing_at: int) -> None:
    values: list[object] = [4, 4, 4, 4, 4]
    values[missing_at] = None
    assert score(rule("who5"), answers("who5", values)) is None


def test_who5_prefer_not_to_say_counts_as_missing() -> None:
    assert score(rule("who5"), answers("who5", [4, 4, PREFER_NOT_TO_SAY, 4, 4])) is None


def test_out_of_range_or_non_numeric_values_count_as_missing() -> None:
    assert score(rule("who5"), answers("who5", [4, 4, 6, 4, 4])) is None
    assert score(rule("who5"), answers("who5", [4, 4, True, 4, 4])) is None


@pytest.mark.parametrize(
    ("values", "expected", "band"),
    [
        ([4, 3, 2, 1, 0, 4], 14, "serious_distress"),
        ([0, 0, 0, 0, 0, 0], 0, "low_distress"),
        ([1, 1, 1, 1, 0, 0], 4, "low_distress"),
        ([1, 1, 1, 1, 1, 0], 5, "moderate_distress"),
        ([2, 2, 2, 2, 2, 2], 12, "moderate_distress"),
        ([3, 2, 2, 2, 2, 2], 13, "serious_distress"),
        ([4, 4, 4, 4, 4, 4], 24, "serious_distress"),
    ],
)
def test_k6(values: list[object], expected: float, band: str) -> None:
    result = score(rule("k6"), answers("k6", values))
    assert result is not None
    assert (result.value, result.band) == (expected, band)


@pytest.mark.parametrize("missing_at", range(6))
def test_k6_is_not_scored_with_any_item_missing(missing_at: int) -> None:
    values: list[object] = [2, 2, 2, 2, 2, 2]
    values[missing_at] = None
    assert score(rule("k6"), answers("k6", values)) is None


def whoqol(values: dict[int, object]) -> dict[str, object]:
    return {f"whoqol_{item}": value for item, value in values.items()}


PHYSICAL = [3, 4, 10, 15, 16, 17, 18]


def test_whoqol_physical_complete_with_reversed_items() -> None:
    # Items 3 and 4 reversed: 1 -> 5; values 5,5,4,4,4,4,4: mean 30/7; x 25 - 25 = 82.142857
    given = whoqol({3: 1, 4: 1, 10: 4, 15: 4, 16: 4, 17: 4, 18: 4})
    result = score(rule("whoqol_bref", "whoqol_physical"), given)
    assert result is not None
    assert result.value == pytest.approx(30 / 7 * 25 - 25)


@pytest.mark.parametrize("missing", [1, 2])
def test_whoqol_physical_prorates_up_to_two_missing(missing: int) -> None:
    given = whoqol(dict.fromkeys(PHYSICAL[missing:], 3))
    result = score(rule("whoqol_bref", "whoqol_physical"), given)
    assert result is not None
    assert (result.value, result.missing) == (50, missing)


def test_whoqol_physical_not_scored_with_three_missing() -> None:
    assert score(rule("whoqol_bref", "whoqol_physical"), whoqol(dict.fromkeys(PHYSICAL[3:], 3))) is None


def test_whoqol_social_allows_one_missing_only() -> None:
    social = rule("whoqol_bref", "whoqol_social")
    one_missing = score(social, whoqol({20: 4, 21: 5}))
    assert one_missing is not None
    assert one_missing.value == pytest.approx(4.5 * 25 - 25)
    assert score(social, whoqol({20: 4})) is None


def test_whoqol_psychological_reverses_item_26() -> None:
    given = whoqol({5: 5, 6: 5, 7: 5, 11: 5, 19: 5, 26: 1})
    result = score(rule("whoqol_bref", "whoqol_psychological"), given)
    assert result is not None
    assert result.value == 100


def test_whoqol_environment_all_ones_is_zero() -> None:
    given = whoqol(dict.fromkeys((8, 9, 12, 13, 14, 23, 24, 25), 1))
    result = score(rule("whoqol_bref", "whoqol_environment"), given)
    assert result is not None
    assert result.value == 0


def test_pwi_mean_times_ten_with_one_domain_missing() -> None:
    complete = score(rule("pwi"), answers("pwi", [7, 7, 7, 7, 7, 7, 7]))
    one_missing = score(rule("pwi"), answers("pwi", [10, 8, 6, 4, 2, 0, None]))
    two_missing = score(rule("pwi"), answers("pwi", [10, 8, 6, 4, 2, None, None]))
    assert complete is not None
    assert one_missing is not None
    assert (complete.value, one_missing.value, two_missing) == (70, 50, None)


def test_a_rule_with_unknown_reverse_items_is_refused() -> None:
    with pytest.raises(ValueError, match="reverse items"):
        ScoringRule(
            measure="x",
            version="1",
            name="x",
            items=["a"],
            item_min=0,
            item_max=1,
            method="sum",
            reverse=["b"],
            score_min=0,
            score_max=1,
            higher_is_better=True,
            source="test",
        )


def test_a_rule_whose_prorated_scores_fall_between_its_bands_is_refused() -> None:
    """K6's bands end at whole numbers.

    With one of its six items prorated, answers adding to 4 score 4 / 5 x 6 = 4.8: between "0 to 4" and
    "5 to 12".
    """
    k6 = rule("k6")
    with pytest.raises(ValueError, match="falls between its bands"):
        msgspec.structs.replace(k6, max_missing=1)
    meeting = [
        msgspec.structs.replace(band, high=band.high + 0.999999) if band.high < k6.score_max else band
        for band in k6.bands
    ]
    accepted = msgspec.structs.replace(k6, max_missing=1, bands=meeting)
    assert all(accepted.banded(value) for value in accepted.reachable_scores())


@pytest.mark.parametrize("instrument", sorted(shipped_instruments()))
def test_every_score_a_shipped_rule_gives_is_reachable_and_banded(instrument: str) -> None:
    """Every answer pattern, up to the rule's allowed missing items, scores to a listed, banded value."""
    for measure in shipped_instruments()[instrument].measures:
        reachable = set(measure.reachable_scores())
        generator = random.Random(measure.measure)  # noqa: S311 - a reproducible sample, not a secret
        for _ in range(2_000):
            values: list[object] = [
                generator.randint(measure.item_min, measure.item_max) for _ in measure.items
            ]
            for i in generator.sample(range(len(values)), generator.randint(0, measure.max_missing)):
                values[i] = None
            found = score(measure, dict(zip(measure.items, values, strict=True)))
            assert found is not None
            assert found.value in reachable
            assert found.band is not None or not measure.bands
