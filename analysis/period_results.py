"""Linked pre/post pairs and reliability for every reporting period, computed when the set is built.

Neither is a sum of cells, so neither comes from the histograms; both are computed once per state of the
responses (with the protected set) for every reporting period, so a dashboard never scans responses.
Reliability uses every complete response: per stored period, the items' sums and cross products (one
GROUP BY), added up over the reporting period. Linked pairs are matched between the first and last stored
period of each reporting period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from analysis import kept_cell_queries, linkage, periods, queries, stats
from analysis.period_rows import LinkedRow, ReliabilityRow

if TYPE_CHECKING:
    from questions.scoring_rules import ScoringRule
    from survey.db import Connection

MIN_RELIABILITY: int = 3
"""Alpha needs at least this many complete responses (and at least k)."""


def _no_pairs(rule: ScoringRule, period: str, first: str, last: str, note: str) -> LinkedRow:
    return LinkedRow(rule.measure, first, last, None, None, None, None, None, None, None, None, note, period)


CHANGED_NOTE: Final = (
    "No p: fewer than {k} scores changed, or fewer than {k} stayed the same, and the test's p would tell"
    " how many."
)


def linked_row(
    rule: ScoringRule,
    period: str,
    stored: list[str],
    scores: list[queries.LinkedScore],
    k: int,
    deleted: frozenset[str] = frozenset(),
) -> LinkedRow:
    """Linked pairs between the first and last stored period of ``period``, or why there are none."""
    inside = [p for p in stored if periods.contains(period, p)]
    if len(inside) < 2:
        return _no_pairs(rule, period, "", "", "Needs at least two periods with responses.")
    first, last = inside[0], inside[-1]
    # Retention deleted these periods' responses (their cells are kept, their linkage codes are not).
    gone = [side for side in (first, last) if side in deleted]
    if gone:
        note = f"Not available: the responses of {' and '.join(gone)} were deleted (retention policy)."
        return _no_pairs(rule, period, first, last, note)
    sides = [[(tuple(s.linkage), s.value) for s in scores if s.period == side] for side in (first, last)]
    matched = linkage.match(sides[0], sides[1])
    pairs = len(matched.before)
    if pairs < k:
        return _no_pairs(rule, period, first, last, f"Fewer than {k} linked pairs.")
    result = stats.paired(
        matched.before,
        matched.after,
        meaningful_change=rule.meaningful_change,
        higher_is_better=rule.higher_is_better,
    )
    # The share improved is a count in disguise (share x pairs): shown only when it and the rest are >= k.
    share_shown = result.improved >= k and pairs - result.improved >= k
    # So is the exact p: the signed-rank test drops unchanged scores, and its null distribution gives
    # how many changed.
    changed = sum(1 for b, a in zip(matched.before, matched.after, strict=True) if a != b)
    unchanged = pairs - changed
    p_shown = changed >= k and (unchanged == 0 or unchanged >= k)
    return LinkedRow(
        rule.measure,
        first,
        last,
        pairs,
        result.shift,
        result.shift_ci_low,
        result.shift_ci_high,
        result.p if p_shown else None,
        result.share_improved if share_shown else None,
        result.share_improved_ci_low if share_shown else None,
        result.share_improved_ci_high if share_shown else None,
        "" if p_shown else CHANGED_NOTE.format(k=k),
        period,
    )


PRORATED_NOTE: Final = (
    "No interval: this measure scores a response with a skipped item, and the interval would tell how"
    " many answered every item."
)


def reliability_row(
    rule: ScoringRule, period: str, moments: list[queries.ItemMoment], k: int
) -> ReliabilityRow:
    """Cronbach's alpha over every complete response of ``period``, or why there is none."""
    index = {item: i for i, item in enumerate(rule.items)}
    size = len(rule.items)
    sums, cross = np.zeros(size), np.zeros((size, size))
    counts: dict[str, int] = {}
    for m in moments:
        if not periods.contains(period, m.period) or m.first_item not in index or m.second_item not in index:
            continue
        i, j = index[m.first_item], index[m.second_item]
        cross[i, j] += m.cross_sum
        if i == j:
            sums[i] += m.first_sum
            counts[m.period] = m.n
    n = sum(counts.values())
    least = max(k, MIN_RELIABILITY)
    if n < least:
        return ReliabilityRow(
            rule.measure, None, None, None, f"Fewer than {least} complete responses.", period
        )
    result = stats.alpha_from_moments(n, sums, cross)
    if rule.max_missing:
        # Feldt's interval depends on n alone beside alpha, so it gives the complete responses' count;
        # beside the measure's shown n (prorated scores too) that would say how many skipped an item.
        return ReliabilityRow(rule.measure, result.alpha, None, None, PRORATED_NOTE, period)
    return ReliabilityRow(rule.measure, result.alpha, result.ci_low, result.ci_high, "", period)


async def compute(
    conn: Connection, survey_id: int, measures: list[ScoringRule], stored: list[str], k: int
) -> tuple[list[LinkedRow], list[ReliabilityRow]]:
    """Linked pairs and reliability of every measure in every reporting period with responses."""
    offered = periods.offered(stored)
    linked: list[LinkedRow] = []
    reliability: list[ReliabilityRow] = []
    deleted = await kept_cell_queries.deleted_periods(conn, survey_id)
    for rule in measures:
        scores = await queries.linked_scores(conn, survey_id, rule.measure)
        linked += [linked_row(rule, period, stored, scores, k, deleted) for period in offered]
        if len(rule.items) < 2:
            continue
        # Stored responses' moments plus those retention kept for the periods it deleted.
        moments = await queries.item_moments(conn, survey_id, rule.items)
        moments += await kept_cell_queries.item_moments(conn, survey_id, rule.items)
        reliability += [reliability_row(rule, period, moments, k) for period in offered]
    return linked, reliability
