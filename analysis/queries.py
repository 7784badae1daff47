"""SQL for the evaluator's aggregates: grouped moments and quartiles, and the values of small groups.

Grouping is chosen by boolean parameters (``CASE WHEN $n THEN ... END``), so one plain statement serves
every grouping without building SQL from strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

if TYPE_CHECKING:
    from survey.db import Connection

GROUPED_SCORES: Final = """
SELECT m.measure,
       CASE WHEN $2 THEN s.name END AS site,
       CASE WHEN $3 THEN r.period END AS period,
       CASE WHEN $4 THEN r.language END AS language,
       CASE WHEN $5 THEN v.number END AS version,
       count(*) AS n,
       avg(m.value) AS mean,
       stddev_samp(m.value) AS sd,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY m.value) AS q1,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY m.value) AS median,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY m.value) AS q3
FROM measure_score m
JOIN response r ON r.id = m.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1 AND r.period >= $6 AND r.period <= $7
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
"""

GROUP_VALUES: Final = """
SELECT m.value
FROM measure_score m
JOIN response r ON r.id = m.response_id
JOIN survey_version v ON v.id = r.survey_version_id
JOIN site s ON s.id = r.site_id
WHERE v.survey_id = $1 AND r.period >= $6 AND r.period <= $7 AND m.measure = $8
  AND (NOT $2 OR s.name = $9) AND (NOT $3 OR r.period = $10) AND (NOT $4 OR r.language = $11)
  AND (NOT $5 OR v.number = $12)
"""


class GroupRow(msgspec.Struct, frozen=True):
    """One measure in one group, as the database aggregates it."""

    measure: str
    site: str | None
    period: str | None
    language: str | None
    version: int | None
    n: int
    mean: float
    sd: float | None
    q1: float
    median: float
    q3: float


class Grouping(msgspec.Struct, frozen=True):
    """Which dimensions to group by, the survey, and the period range (``YYYY-MM`` or ``YYYY-Www``)."""

    survey_id: int
    site: bool
    period: bool
    language: bool
    version: bool
    first: str
    last: str

    def parameters(self) -> tuple[object, ...]:
        """The statement's first seven parameters."""
        return (self.survey_id, self.site, self.period, self.language, self.version, self.first, self.last)


async def grouped_scores(conn: Connection, grouping: Grouping) -> list[GroupRow]:
    """Moments and quartiles of every measure in every group."""
    rows = await conn.fetch(GROUPED_SCORES, *grouping.parameters())
    return [msgspec.convert(dict(row), GroupRow) for row in rows]


async def group_values(conn: Connection, grouping: Grouping, row: GroupRow) -> list[float]:
    """Every score of one measure in one group (for the bootstrap of small groups)."""
    rows = await conn.fetch(
        GROUP_VALUES, *grouping.parameters(), row.measure, row.site, row.period, row.language, row.version
    )
    return [float(r["value"]) for r in rows]


EARLIEST_PERIOD: Final = "0000"
"""Sorts before every period as text (``YYYY-MM`` or ``YYYY-Www``): the bound of a range open at its start."""
LATEST_PERIOD: Final = "9999"
"""Sorts after every period as text: the bound of a range open at its end."""


def period_bounds(first: str | None, last: str | None) -> tuple[str, str]:
    """The bounds the statements compare ``r.period`` with, for a range whose ends may be open (``None``)."""
    return (first or EARLIEST_PERIOD, last or LATEST_PERIOD)
