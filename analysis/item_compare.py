"""Program items compared between two reporting periods, with Benjamini-Hochberg across the items.

Each single-choice question's answer counts in the two periods (as the protected set shows them, "prefer
not to say" left out) make a table of options x periods, tested for homogeneity: Pearson's chi-square
without continuity correction, or, when an expected count is below 5, its p simulated from 9,999 random
tables with the same margins (fixed seed; as R's ``chisq.test(simulate.p.value = TRUE, B = 9999)``).
Cramer's V is the size of the difference. Comparing many items at once finds some "differences" by
chance, so each p-value comes with its Benjamini-Hochberg adjusted value (q) across the items compared
in the same view. The test
reads only counts the set already shows, so it publishes nothing new; a question with a hidden count in
either period is not compared. A multiple-choice question's options overlap (one person, several
answers), so they are not tested together.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

import msgspec
import numpy as np
from scipy import stats

from analysis.stats import benjamini_hochberg
from questions.scoring_rules import PREFER_NOT_TO_SAY

if TYPE_CHECKING:
    from collections.abc import Sequence

    from questions.schemas import SurveyDefinition

SMALL_EXPECTED: Final = 5.0
RESAMPLES: Final = 9_999
SEED: Final = 20_260_101


class ItemCount(msgspec.Struct, frozen=True):
    """One option's shown count in one period (``None`` when hidden)."""

    question: str
    option: str
    count: int | None


class ItemComparisonRow(msgspec.Struct, frozen=True, kw_only=True):
    """One question's answers in two periods compared, or why they are not."""

    question: str
    question_text: str
    before: str
    after: str
    chi_square: float | None = None
    df: int | None = None
    p: float | None = None
    q: float | None = None
    """Benjamini-Hochberg adjusted p across the questions compared together."""
    cramers_v: float | None = None
    method: str = ""
    """"chi-square", or "simulated" when an expected count is below 5 (tables with the same margins)."""
    note: str = ""


@functools.lru_cache(maxsize=4096)
def _test_of(rows: tuple[tuple[int, int], ...]) -> tuple[float, int, float, float, str]:
    """The same table always gives the same result (fixed seed), so a dashboard reload reuses it."""
    return _test(np.array(rows, dtype=np.int64))


def _test(table: np.ndarray) -> tuple[float, int, float, float, str]:
    """Chi-square, degrees of freedom, p, Cramer's V and the method, for an options x 2 table."""
    expected = stats.contingency.expected_freq(table)
    small = bool((expected < SMALL_EXPECTED).any())
    method = stats.MonteCarloMethod(n_resamples=RESAMPLES, rng=np.random.default_rng(SEED)) if small else None
    result = stats.chi2_contingency(table, correction=False, method=method)
    n = float(table.sum())
    smaller = min(table.shape) - 1
    v = float(np.sqrt(result.statistic / (n * smaller))) if n and smaller else 0.0
    return (
        float(result.statistic),
        (table.shape[0] - 1) * (table.shape[1] - 1),
        float(result.pvalue),
        v,
        "simulated" if small else "chi-square",
    )


def compare(
    definition: SurveyDefinition,
    periods: tuple[str, str],
    before: Sequence[ItemCount],
    after: Sequence[ItemCount],
) -> list[ItemComparisonRow]:
    """Every single-choice question of ``definition`` compared between the two periods' shown counts."""
    language = definition.languages[0]
    counts = {
        side: {(c.question, c.option): c.count for c in rows if c.option != PREFER_NOT_TO_SAY}
        for side, rows in (("before", before), ("after", after))
    }
    rows: list[ItemComparisonRow] = []
    tested: list[int] = []
    for question in definition.questions:
        if question.type != "single_choice":
            continue
        base = ItemComparisonRow(
            question=question.key,
            question_text=question.text.get(language, question.key),
            before=periods[0],
            after=periods[1],
        )
        options = [str(o.code) for o in question.options]
        pairs = [
            (counts["before"].get((question.key, o), 0), counts["after"].get((question.key, o), 0))
            for o in options
        ]
        kept = tuple((b, a) for b, a in pairs if b is not None and a is not None and (b or a))
        if any(b is None or a is None for b, a in pairs):
            rows.append(
                msgspec.structs.replace(base, note="An answer count is hidden in one of the periods.")
            )
            continue
        if len(kept) < 2 or not sum(b for b, _ in kept) or not sum(a for _, a in kept):
            rows.append(
                msgspec.structs.replace(base, note="Needs answers in both periods to two options or more.")
            )
            continue
        chi_square, df, p, v, method = _test_of(kept)
        tested.append(len(rows))
        rows.append(
            msgspec.structs.replace(base, chi_square=chi_square, df=df, p=p, cramers_v=v, method=method)
        )
    adjusted = benjamini_hochberg([rows[i].p or 0.0 for i in tested])
    for i, q in zip(tested, adjusted, strict=True):
        rows[i] = msgspec.structs.replace(rows[i], q=q)
    return rows
