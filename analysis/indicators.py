"""The indicator table: each SSP indicator of the bank's pack by reporting period, from the protected set.

An indicator is the share of a question's answerers who chose one of its numerator answers
(``questions.bank.Indicator``). For a pick-one question both counts are sums of answer counts the
protected set already publishes for that reporting period (every answer but "prefer not to say"), so the
row shows only what anyone could add up from the set, and is hidden, with the reason of the count that
hides it, whenever one of those counts is hidden. A pick-any question's answers overlap, so its answerers
are counted apart (``indicator_queries``), protected the same way and audited together with the set's
answer counts (``indicator_audit``); if that audit fails, no answerer count of the question is published.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Final

import msgspec

from analysis import (
    indicator_audit,
    indicator_queries,
    kept_cell_queries,
    periods,
    protected,
    protected_store,
    queries,
    stats,
)
from analysis.disclosure_audit import FEWER_THAN_K, PROTECTS
from analysis.protected import NOT_BROKEN_DOWN, ItemFigure
from questions.bank import indicator_pack
from questions.scoring_rules import PREFER_NOT_TO_SAY

if TYPE_CHECKING:
    from analysis.protected import AnswerCell, ProtectedSet
    from analysis.tables import Tables
    from questions.bank import Indicator
    from questions.schemas import Question, SurveyDefinition
    from survey.db import Connection

LOG = logging.getLogger(__name__)
REASONS: Final = (NOT_BROKEN_DOWN, FEWER_THAN_K, PROTECTS)
"""A row hidden by several counts gives the first of their reasons in this order."""
ATTEMPTS: Final = 3
"""How often the answerer counts are read again when a release changes the responses meanwhile."""
DECIDED_SETS: Final = 32
_DECIDED: dict[str, list[ItemFigure]] = {}
"""Answerer counts decided, by a hash of the cells and figures they were decided from: the responses
change once a day (the release), so the audit's integer programs run once a day per worker, not per export."""


class IndicatorRow(msgspec.Struct, frozen=True, kw_only=True):
    """One indicator in one reporting period; a hidden row carries no figures, only why."""

    indicator: str
    name: str
    funder_indicator: str
    wording: str
    sources: str
    question: str
    question_text: str
    numerator: str
    period: str
    suppressed: bool
    hidden: str | None = None
    count: int | None = None
    answered: int | None = None
    share: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


INDICATOR_FIELDS: Final = [
    ("indicator", "string", "The indicator's key in the bank's SSP indicator pack."),
    ("name", "string", "The indicator in the platform's plain words."),
    ("funder_indicator", "string", "The indicator as funders name it (see wording)."),
    (
        "wording",
        "string",
        "'ours': the platform's wording of what the sources ask about, not quoted from them; "
        "'official': the source's own name.",
    ),
    ("sources", "string", "Who asks programs about this measure (separated by ' | ')."),
    ("question", "string", "The question's key."),
    ("question_text", "string", "The question's words (first language)."),
    ("numerator", "string", "The answers counted (first language, separated by ' | ')."),
    ("period", "string", "The reporting period: all, a year, a quarter, a month or an ISO week."),
    ("suppressed", "boolean", "True when the row is hidden (see hidden for why)."),
    (
        "hidden",
        "string",
        "Why: the reason of the hidden answer count it would need ('fewer than k', 'hidden to protect "
        "a smaller group', or 'too few responses to break down this way'); it says nothing about the "
        "size of the row's own counts.",
    ),
    ("count", "integer", "How many chose one of the numerator answers."),
    ("answered", "integer", "How many answered the question (skipped and prefer not to say left out)."),
    ("share", "number", "count / answered."),
    ("ci_low", "number", "Lower end of the share's 95% Wilson interval."),
    ("ci_high", "number", "Upper end of the share's 95% Wilson interval."),
]


def within(outer: str, label: str) -> bool:
    """Whether reporting period ``label`` is ``outer`` or lies inside it (a quarter of a year, ...)."""
    if outer == label or outer == periods.ALL:
        return True
    level = periods.level_of(label)
    if level in {"week", "month"}:
        first = label
    elif level == "quarter":
        first = f"{label[:4]}-{(int(label[6]) - 1) * 3 + 1:02d}"
    elif level == "year":
        first = f"{label}-01"
    else:
        return False
    inner, outer_level = periods.sort_key(label)[1], periods.sort_key(outer)[1]
    return inner > outer_level and periods.contains(outer, first)


def _reason(figures: list[ItemFigure | None]) -> str | None:
    found = {figure.hidden for figure in figures if figure is not None and figure.count is None}
    return next((reason for reason in REASONS if reason in found), next(iter(found), None))


def _row(indicator: Indicator, question: Question, language: str, period: str) -> IndicatorRow:
    labels = {str(o.code): o.label.get(language, str(o.code)) for o in question.options}
    return IndicatorRow(
        indicator=indicator.key,
        name=indicator.name.get(language, indicator.name.get("en", indicator.key)),
        funder_indicator=indicator.funder_indicator,
        wording=indicator.wording,
        sources=" | ".join(indicator.sources),
        question=question.key,
        question_text=question.text.get(language, question.key),
        numerator=" | ".join(labels[code] for code in indicator.numerator),
        period=period,
        suppressed=True,
    )


def _shown(row: IndicatorRow, count: int, answered: int) -> IndicatorRow:
    low, high = stats.wilson(count, answered) if answered else (None, None)
    share = count / answered if answered else None
    return msgspec.structs.replace(
        row, suppressed=False, count=count, answered=answered, share=share, ci_low=low, ci_high=high
    )


def answerable(definition: SurveyDefinition) -> list[tuple[Indicator, Question]]:
    """The pack's indicators this survey's newest version can report, with its questions.

    An indicator is left out when its question is not asked, or when the board has changed its answers
    so that a numerator answer is no longer offered.
    """
    found = []
    for indicator in indicator_pack().indicators:
        question = definition.question(indicator.question)
        if question is None or question.type not in protected_store.CHOICE_TYPES:
            continue
        if set(indicator.numerator) <= {str(code) for code in question.option_codes}:
            found.append((indicator, question))
    return found


def rows(
    kept: ProtectedSet, definition: SurveyDefinition, period: str, answered: list[ItemFigure]
) -> list[IndicatorRow]:
    """Every indicator of the survey, in ``period`` and each reporting period inside it.

    Args:
        kept: the survey's protected set.
        definition: the newest version it was built for.
        period: the reporting period chosen.
        answered: the protected answerer counts of its pick-any questions (``answered_figures``).
    """
    language = definition.languages[0]
    answerers = {(f.question, f.period): f for f in answered}
    found = []
    for indicator, question in answerable(definition):
        labels = sorted(
            {f.period for f in kept.items if f.question == question.key and within(period, f.period)},
            key=periods.sort_key,
        )
        for label in labels:
            figures = kept.item_figures(question.key, label)
            numerator = [figures.get(code) for code in indicator.numerator]
            if question.type == "multi_choice":
                counted = answerers.get((question.key, label))
                if counted is None:  # answers in the set but no answerer counted: nothing to divide by
                    continue
                parts = [*numerator, counted]
                total = counted.count or 0
            else:
                codes = [str(code) for code in question.option_codes if code != PREFER_NOT_TO_SAY]
                parts = [figures.get(code) for code in codes]
                total = sum(f.count or 0 for f in parts if f is not None)
            row = _row(indicator, question, language, label)
            reason = _reason(parts)
            if reason is not None:
                found.append(msgspec.structs.replace(row, hidden=reason))
                continue
            found.append(_shown(row, sum(f.count or 0 for f in numerator if f is not None), total or 0))
    return found


def _published(
    kept: ProtectedSet,
    question: str,
    options: list[AnswerCell],
    answered: list[ItemFigure],
    cells: list[AnswerCell],
) -> list[indicator_audit.Published]:
    """Every figure about one pick-any question, with the finest cells each adds up."""
    by_option: dict[str, list[tuple[str, str, int, str]]] = {}
    for row in [*options, *cells]:
        by_option.setdefault(row.option, []).append((row.site, row.language, row.version, row.period))
    figures: list[indicator_audit.Published] = []
    for figure in [*(f for f in kept.items if f.question == question), *answered]:
        members = tuple(cell for cell in by_option.get(figure.option, []) if within(figure.period, cell[3]))
        figures.append((f"{figure.option}|{figure.period}", members, figure.hidden))
    return figures


async def answered_figures(
    conn: Connection, kept: ProtectedSet, definition: SurveyDefinition
) -> list[ItemFigure]:
    """The protected answerer counts of the survey's pick-any indicator questions, audited with the set.

    Read in one snapshot of the same state of the responses as ``kept`` (else ``LookupError``, so the
    caller loads the set again).

    Raises:
        LookupError: the responses changed since ``kept`` was built.
    """
    keys = sorted({q.key for _, q in answerable(definition) if q.type == "multi_choice"})
    if not keys:
        return []
    nested = conn.is_in_transaction()
    snapshot = conn.transaction() if nested else conn.transaction(isolation="repeatable_read", readonly=True)
    async with snapshot:
        if await queries.revision(conn) != kept.revision:
            raise LookupError("the responses changed")
        cells = await indicator_queries.answered_cells(conn, kept.survey, keys)
        options = await queries.answer_cells(conn, kept.survey, keys)
        options += await kept_cell_queries.answer_cells(conn, kept.survey, keys)  # deleted periods
    # Keyed by everything the decision depends on, so a kept decision is always the one it would make.
    rows_read = sorted(msgspec.structs.astuple(row) for row in [*cells, *options])
    given = msgspec.json.encode([kept.k, rows_read, [f for f in kept.items if f.question in keys]])
    key = hashlib.sha256(given).hexdigest()
    if key in _DECIDED:
        return _DECIDED[key]
    figures = protected.build_items(cells, kept.k)
    found: list[ItemFigure] = []
    for question in keys:
        mine = [f for f in figures if f.question == question]
        picks = [c for c in options if c.question_key == question and c.option != PREFER_NOT_TO_SAY]
        answerers = [c for c in cells if c.question_key == question]
        shown = _published(kept, question, picks, mine, answerers)
        checked = indicator_audit.audit(question, picks, answerers, shown, kept.k)
        if not checked.passed:
            narrowed = sorted({failure.figure for failure in checked.failures})  # names only, never counts
            LOG.warning(
                "indicators: %s's answerer counts would narrow %s: none published", question, narrowed
            )
            mine = [msgspec.structs.replace(f, count=None, hidden=PROTECTS) for f in mine]
        found += mine
    if len(_DECIDED) >= DECIDED_SETS:
        _DECIDED.pop(next(iter(_DECIDED)))
    _DECIDED[key] = found
    return found


async def table(conn: Connection, tables: Tables) -> list[IndicatorRow]:
    """The indicator table for the survey and reporting period of ``tables``, from its protected set."""
    for _ in range(ATTEMPTS):
        kept, definition = await protected_store.load(conn, tables.survey, tables.k)
        try:
            answered = await answered_figures(conn, kept, definition)
        except LookupError:
            continue
        return rows(kept, definition, tables.period, answered)
    raise RuntimeError("the responses kept changing while the indicator table was read")
