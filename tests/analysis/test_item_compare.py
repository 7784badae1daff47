"""Program items compared between two periods: Pearson's chi-square by hand, BH by hand, hidden counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis.item_compare import ItemCount, compare
from questions.schemas import Option, Question, SurveyDefinition

CARRY = Question(
    key="carry",
    type="single_choice",
    text={"en": "Do you carry naloxone?"},
    options=[Option(code="yes", label={"en": "Yes"}), Option(code="no", label={"en": "No"})],
)
OFTEN = Question(
    key="often",
    type="single_choice",
    text={"en": "How often?"},
    options=[Option(code=c, label={"en": c}) for c in ("never", "sometimes", "often")],
)
SERVICES = Question(
    key="services",
    type="multi_choice",
    text={"en": "Which services?"},
    options=[Option(code=c, label={"en": c}) for c in ("food", "testing")],
)


def definition(*questions: Question) -> SurveyDefinition:
    return SurveyDefinition(title={"en": "Test"}, languages=["en"], questions=list(questions))


def counts(question: str, **by_option: int | None) -> list[ItemCount]:
    return [ItemCount(question, option, n) for option, n in by_option.items()]


def pearson(table: list[list[int]]) -> tuple[float, int, float]:
    """Pearson's statistic from its definition: sum of (observed - expected)^2 / expected."""
    rows = [sum(r) for r in table]
    columns = [sum(c) for c in zip(*table, strict=True)]
    n = sum(rows)
    statistic = sum(
        (table[i][j] - rows[i] * columns[j] / n) ** 2 / (rows[i] * columns[j] / n)
        for i in range(len(rows))
        for j in range(len(columns))
    )
    df = (len(rows) - 1) * (len(columns) - 1)
    return statistic, df, float(stats.chi2.sf(statistic, df))


def test_a_chi_square_matches_the_definition_and_bh_matches_by_hand() -> None:
    before = counts("carry", yes=40, no=60) + counts("often", never=30, sometimes=40, often=30)
    after = counts("carry", yes=70, no=30) + counts("often", never=28, sometimes=41, often=33)
    rows = {
        row.question: row for row in compare(definition(CARRY, OFTEN), ("2026-01", "2026-02"), before, after)
    }
    for key, table in (("carry", [[40, 70], [60, 30]]), ("often", [[30, 28], [40, 41], [30, 33]])):
        statistic, df, p = pearson(table)
        row = rows[key]
        assert row.method == "chi-square"
        assert row.chi_square == pytest.approx(statistic)
        assert row.df == df
        assert row.p == pytest.approx(p)
        assert row.cramers_v == pytest.approx(math.sqrt(statistic / sum(map(sum, table))))
    # Benjamini-Hochberg by hand: sorted p, p_(i) * m / i, then the running minimum from the top.
    p_small, p_large = sorted([rows["carry"].p or 0.0, rows["often"].p or 0.0])
    q_large = min(1.0, p_large * 2 / 2)
    q_small = min(q_large, p_small * 2 / 1)
    assert sorted([rows["carry"].q or 0.0, rows["often"].q or 0.0]) == pytest.approx([q_small, q_large])


def test_small_expected_counts_are_simulated_the_same_every_time() -> None:
    before = counts("carry", yes=1, no=12)
    after = counts("carry", yes=8, no=4)
    first = compare(definition(CARRY), ("2026-01", "2026-02"), before, after)[0]
    again = compare(definition(CARRY), ("2026-01", "2026-02"), before, after)[0]
    assert first.method == "simulated"
    assert first == again
    assert first.p is not None
    # Fisher's exact test on the same 2 x 2 table: the simulated p is within its Monte Carlo error.
    exact = float(stats.fisher_exact(np.array([[1, 8], [12, 4]])).pvalue)
    assert abs(first.p - exact) < 4 * math.sqrt(exact * (1 - exact) / 9_999) + 1 / 10_000


def test_a_hidden_count_or_overlapping_options_are_not_compared() -> None:
    before = counts("carry", yes=None, no=None) + counts("services", food=40, testing=30)
    after = counts("carry", yes=40, no=20) + counts("services", food=50, testing=35)
    rows = compare(definition(CARRY, SERVICES), ("2026-01", "2026-02"), before, after)
    assert [row.question for row in rows] == ["carry"]
    assert rows[0].p is None
    assert rows[0].q is None
    assert "hidden" in rows[0].note


def test_prefer_not_to_say_is_left_out_of_the_test() -> None:
    plain = compare(
        definition(CARRY), ("a", "b"), counts("carry", yes=40, no=60), counts("carry", yes=70, no=30)
    )
    with_pnts = compare(
        definition(CARRY),
        ("a", "b"),
        counts("carry", yes=40, no=60, prefer_not_to_say=None),
        counts("carry", yes=70, no=30, prefer_not_to_say=3),
    )
    assert plain == with_pnts
