"""The funder report's one-page summary, in words, from the aggregate tables and the board's decisions.

Evaluation guides for syringe services programs ask for a short summary a funder reads first: who
reports, over what time, each outcome with its interval, what changed between the two periods chosen,
and what the peer board said. Every figure here is one the tables show (so one the protected set shows):
a hidden total says why and gives nothing else. This module is pure: it imports neither the database
nor Litestar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import msgspec

from analysis import periods

if TYPE_CHECKING:
    from datetime import date

    from analysis.report_queries import ReleasedReportBack, VersionDecision
    from analysis.tables import ComparisonRow, Tables
    from questions.scoring_rules import ScoringRule


class MeasureLine(msgspec.Struct, frozen=True, kw_only=True):
    """One measure on the summary page: its mean and interval, the share in its band of concern, change."""

    measure: str
    name: str
    direction: str
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    hidden: str | None = None
    concern: str = ""
    """The share in the band at the measure's worse end, in words, or "" when hidden or absent."""
    change: str = ""
    """The change between the two periods, in words (or why it cannot be said)."""


class BoardWord(msgspec.Struct, frozen=True):
    """Something the board decided or said, and where it is recorded."""

    text: str
    source: str


class Summary(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the first page says."""

    survey_name: str
    program_name: str
    period_words: str
    span_words: str
    before_words: str
    after_words: str
    k: int
    measures: list[MeasureLine]
    said: list[BoardWord]
    decided: list[BoardWord]


def day_words(day: date) -> str:
    """A day in words: "3 November 2026"."""
    return f"{day.day} {periods.MONTH_NAMES[day.month - 1]} {day.year}"


def program_name(configured: str, tables: Tables) -> str:
    """The program's name (``SURVEY_PROGRAM_NAME``), or its sites in the period when none is configured."""
    if configured:
        return configured
    sites = sorted({row.site for row in tables.by_site.rows if row.site})
    if not sites:
        return "The program"
    named = sites[0] if len(sites) == 1 else ", ".join(sites[:-1]) + " and " + sites[-1]
    return f"The program at {named}"


def _fewer(reason: str | None, k: int) -> str:
    return f"fewer than {k}" if reason == "fewer than k" else (reason or "not shown")


def _concern(tables: Tables, rule: ScoringRule) -> str:
    bands = [band for band in tables.bands if band.measure == rule.measure]
    if not bands:
        return ""
    worst = bands[0] if rule.higher_is_better else bands[-1]
    if worst.share is None or worst.ci_low is None or worst.ci_high is None:
        return f"{worst.label}: {_fewer(worst.hidden, tables.k)}"
    return (
        f"{worst.share * 100:.0f}% in the band “{worst.label}” "
        f"(95% interval {worst.ci_low * 100:.0f}% to {worst.ci_high * 100:.0f}%)"
    )


def _change(row: ComparisonRow | None, rule: ScoringRule) -> str:
    if row is None:
        return ""
    if row.result is None:
        return row.note
    result = row.result
    p = "p < 0.001" if result.p < 0.001 else f"p = {result.p:.3f}"
    words = (
        f"a shift of {result.shift:+.1f} points (95% interval {result.shift_ci_low:+.1f} to "
        f"{result.shift_ci_high:+.1f}; Mann-Whitney {p})"
    )
    if result.meaningful_change is None:
        return f"{words}; no meaningful change is established for this measure."
    better = (result.shift > 0) == rule.higher_is_better and result.shift != 0
    if result.reaches_meaningful_change:
        verdict = f"an improvement of at least the meaningful change ({result.meaningful_change:g} points)"
    elif better:
        verdict = f"an improvement, smaller than the meaningful change ({result.meaningful_change:g} points)"
    elif result.shift == 0:
        verdict = "no change"
    else:
        verdict = "a change for the worse"
    return f"{words}: {verdict}."


def measure_lines(tables: Tables) -> list[MeasureLine]:
    """Each measure's line on the summary page, from the overall row, the bands and the comparison."""
    lines = []
    for rule in tables.measures:
        direction = "higher is better" if rule.higher_is_better else "lower is better"
        row = next((r for r in tables.overall.rows if r.measure == rule.measure), None)
        comparison = next((c for c in tables.comparisons if c.measure == rule.measure), None)
        if row is None:
            lines.append(MeasureLine(measure=rule.measure, name=rule.name, direction=direction,
                                     hidden="no responses"))  # fmt: skip
            continue
        if row.suppressed or row.mean is None:
            lines.append(MeasureLine(measure=rule.measure, name=rule.name, direction=direction,
                                     hidden=_fewer(row.hidden, tables.k)))  # fmt: skip
            continue
        lines.append(
            MeasureLine(
                measure=rule.measure,
                name=rule.name,
                direction=direction,
                mean=row.mean,
                low=row.ci_low,
                high=row.ci_high,
                n=row.n,
                concern=_concern(tables, rule),
                change=_change(comparison, rule),
            )
        )
    return lines


def _text_of(content: Any, language: str) -> tuple[str, str]:
    """A released report-back's title and the program's response, in ``language`` or its first one."""
    texts = content.get("texts") if isinstance(content, dict) else None
    if not isinstance(texts, dict) or not texts:
        return ("", "")
    chosen = texts.get(language) or next(iter(texts.values()))
    if not isinstance(chosen, dict):
        return ("", "")
    title = chosen.get("title")
    did = chosen.get("did")
    return (title if isinstance(title, str) else "", did if isinstance(did, str) else "")


def board_said(released: list[ReleasedReportBack], period: str, language: str) -> list[BoardWord]:
    """The report-backs the board released for this reporting period (the newest release of each first)."""
    said = []
    for release in released:
        if release.period != period:
            continue
        title, did = _text_of(release.content, language)
        if not (title or did):
            continue
        text = f"{title}: {did}" if title and did else title or did
        source = (
            f"Report-back to participants for {periods.words(release.period)}, released by the board on "
            f"{day_words(release.released_on)} (proposal {release.proposal_id})"
        )
        said.append(BoardWord(text, source))
    return said


def board_decided(versions: list[VersionDecision]) -> list[BoardWord]:
    """How each version of the questions was approved: by the board's decision, or as the demo's first."""
    decided = []
    for version in versions:
        day = day_words(version.published_on)
        if version.basis == "board" and version.proposal_id is not None:
            text = (
                f"Version {version.number} of the questions was published by the board's decision on {day}."
            )
            decided.append(BoardWord(text, f"Board proposal {version.proposal_id}"))
        else:
            text = (
                f"Version {version.number} of the questions was published on {day}, before the board decided."
            )
            decided.append(BoardWord(text, "Demo data (the first version)"))
    return decided


def summarise(
    tables: Tables,
    *,
    survey_name: str,
    program: str,
    versions: list[VersionDecision],
    released: list[ReleasedReportBack],
    language: str,
) -> Summary:
    """The summary page of one survey's report for one reporting period."""
    before = next((c.before for c in tables.comparisons if c.before), "")
    after = next((c.after for c in tables.comparisons if c.after), "")
    span = ""
    if tables.first and tables.last:
        first, last = periods.words(tables.first), periods.words(tables.last)
        span = first if first == last else f"{first} to {last}"
    return Summary(
        survey_name=survey_name,
        program_name=program_name(program, tables),
        period_words=periods.words(tables.period),
        span_words=span,
        before_words=periods.words(before) if before else "",
        after_words=periods.words(after) if after else "",
        k=tables.k,
        measures=measure_lines(tables),
        said=board_said(released, tables.period, language),
        decided=board_decided(versions),
    )


SUMMARY_NOTE: Final = (
    "Every figure comes from at least {k} responses. Smaller groups show nothing, and a few larger ones"
    " are hidden too, so that no smaller group can be worked out from the figures shown."
)
