"""Retention: each survey's free text and responses deleted when their policy says, the figures kept.

A policy counts from the end of a stored period (a month, or an ISO week): with free text kept 6 months,
the written answers of January 2026 are deleted on 1 August 2026; with responses kept 3 years, January
2026's responses go on 1 February 2029. A run first releases what the inbox holds of ended days (so no
response of a due period waits there to outlive the policy), then, in one transaction under the release's
advisory lock, keeps the finest cells of every period whose responses are due (``kept_score_cell``,
``kept_answer_cell``: what the protected set reads) and deletes those responses with their answers and
scores, and deletes the free-text answers that are due. A period with a response still held (not
released yet) waits for the next run: nothing is deleted before it is released, nor kept past the next
day. Whole periods go at once, so what remains says nothing about the order responses arrived in; the
tables are then rewritten so no deleted text stays in their files. Every run is an audit event.
"""

from __future__ import annotations

import asyncio
import calendar
import logging
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Annotated, Final, Literal

import msgspec
from msgspec import Meta

from analysis import periods
from questions import queries as question_queries
from survey import release, release_queries, retention_queries
from survey.audit_queries import audit
from survey.forms import Form
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from litestar import Litestar

    from survey.db import Connection

logger = logging.getLogger(__name__)

FREE_TEXT_MONTHS: Final = (3, 120)
"""Free text is kept at least a quarter (a quarterly report can still read it), at most ten years."""
RESPONSE_YEARS: Final = (1, 30)
"""Responses are kept at least a year after their period (a year's report is done), at most thirty."""
FREE_TEXT_CHOICES: Final = (3, 6, 12, 18, 24, 36, 60, 120)
RESPONSE_CHOICES: Final = (1, 2, 3, 4, 5, 7, 10, 15, 20, 25, 30)
Run = Literal["daily", "command line"]
RETENTION_AT: Final = time(0, 20)
"""When the server applies the policies each day (UTC): after the day's release (``release.RELEASE_AT``)."""


class RetentionSet(Form):
    """An admin sets how long a survey keeps its free-text answers and its responses ("keep": for good).

    Kept beside the bounds it repeats (:data:`FREE_TEXT_MONTHS`, :data:`RESPONSE_YEARS`); a value outside
    them is a 400 naming the field.
    """

    free_text_months: Literal["keep"] | Annotated[int, Meta(ge=3, le=120)] = "keep"
    response_years: Literal["keep"] | Annotated[int, Meta(ge=1, le=30)] = "keep"


class RetentionError(SetupProblem, ValueError):
    """A policy was refused; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class SurveyDeleted(msgspec.Struct, frozen=True, kw_only=True):
    """What one run deleted of one survey, and which due periods wait for their held responses."""

    survey_id: int
    name: str = ""
    free_text_answers: int = 0
    free_text_periods: list[str] = []
    responses: int = 0
    response_periods: list[str] = []
    waiting_periods: list[str] = []


class RetentionOutcome(msgspec.Struct, frozen=True):
    """What a run did: ``done`` (perhaps deleting nothing) or ``busy`` (a release or run holds the lock)."""

    status: Literal["done", "busy"]
    surveys: list[SurveyDeleted] = []
    released: int = 0

    @property
    def deleted_anything(self) -> bool:
        """Whether any answer or response was deleted."""
        return any(s.free_text_answers or s.responses for s in self.surveys)


def period_end(period: str) -> date:
    """The first day after a stored period (``2026-01`` -> 2026-02-01, ``2026-W05`` -> its next Monday)."""
    if "W" in period:
        iso_year, week = period.split("-W")
        return date.fromisocalendar(int(iso_year), int(week), 1) + timedelta(days=7)
    year_text, month_text = period.split("-")
    year, month = int(year_text), int(month_text)
    return date(year + month // 12, month % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    """``day`` moved on by ``months`` (the last day of the month when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(period: str, months: int) -> date:
    """The day a period's data is due when kept ``months`` after the period ends."""
    return add_months(period_end(period), months)


def due(stored: set[str], months: int | None, today: date) -> list[str]:
    """The stored periods due for deletion on ``today`` (none when the policy keeps them)."""
    if months is None:
        return []
    return sorted((p for p in stored if due_on(p, months) <= today), key=periods.sort_key)


def check(free_text_months: int | None, response_years: int | None) -> None:
    """Refuse a policy outside the bounds, naming the field.

    Raises:
        RetentionError: a bound is not kept.
    """
    if free_text_months is not None and not FREE_TEXT_MONTHS[0] <= free_text_months <= FREE_TEXT_MONTHS[1]:
        raise RetentionError(
            f"Free-text answers are kept between {FREE_TEXT_MONTHS[0]} and {FREE_TEXT_MONTHS[1]} months.",
            "free_text_months",
        )
    if response_years is not None and not RESPONSE_YEARS[0] <= response_years <= RESPONSE_YEARS[1]:
        raise RetentionError(
            f"Responses are kept between {RESPONSE_YEARS[0]} and {RESPONSE_YEARS[1]} years.", "response_years"
        )


async def set_policy(
    conn: Connection,
    survey_id: int,
    *,
    free_text_months: int | None,
    response_years: int | None,
    actor_id: int | None,
) -> retention_queries.Policy:
    """Set a survey's policy (``None`` keeps), audited with the policy before and after.

    Raises:
        RetentionError: a bound is not kept.
    """
    check(free_text_months, response_years)
    chosen = retention_queries.Policy(survey_id, free_text_months, response_years)
    async with conn.transaction():
        before = await retention_queries.policy(conn, survey_id)
        await retention_queries.set_policy(conn, chosen)
        await audit(
            conn,
            "survey_retention_set",
            account_id=actor_id,
            subject=str(survey_id),
            detail={
                "free_text_months": free_text_months,
                "response_years": response_years,
                "before": {
                    "free_text_months": before.free_text_months,
                    "response_years": before.response_years,
                },
            },
        )
    return chosen


async def _apply(conn: Connection, chosen: retention_queries.Policy, today: date) -> SurveyDeleted:
    held = await retention_queries.held_periods(conn, chosen.survey_id)
    years = chosen.response_years * 12 if chosen.response_years is not None else None
    stored = await retention_queries.response_periods(conn, chosen.survey_id) if years else set()
    responses_due = due(stored, years, today)
    written: set[str] = set()
    if chosen.free_text_months:
        written = await retention_queries.free_text_periods(conn, chosen.survey_id)
    text_due = due(written, chosen.free_text_months, today)
    waiting = sorted(set(responses_due + text_due) & held, key=periods.sort_key)
    responses_due = [p for p in responses_due if p not in held]
    # A period whose responses go takes its free text with it.
    text_due = [p for p in text_due if p not in held and p not in responses_due]
    answers = await retention_queries.delete_free_text(conn, chosen.survey_id, text_due) if text_due else 0
    gone = 0
    if responses_due:
        gone = await retention_queries.delete_responses(conn, chosen.survey_id, responses_due)
    return SurveyDeleted(
        survey_id=chosen.survey_id,
        free_text_answers=answers,
        free_text_periods=text_due if answers else [],
        responses=gone,
        response_periods=responses_due,
        waiting_periods=waiting,
    )


async def run(conn: Connection, run_by: Run, today: date | None = None) -> RetentionOutcome:
    """Release what is due, then delete what every policy says is due, in one transaction; audited.

    Args:
        conn: a connection outside any transaction (the release and the rewrite need that).
        run_by: who runs it, for the audit trail: the server's daily job or the command line.
        today: the day that decides what is due (the server's day when omitted).
    """
    today = today or release.today_utc()
    if run_by == "daily" and not await retention_queries.any_policy(conn):
        return RetentionOutcome("done")  # every survey keeps everything: nothing to run, nothing to audit
    released = await release.release(conn, today)
    if released.status == "busy":
        return RetentionOutcome("busy")
    async with conn.transaction():
        if not await release_queries.try_lock_for_release(conn):
            return RetentionOutcome("busy")
        if run_by == "daily" and await retention_queries.ran_today(conn, today):
            return RetentionOutcome("done", released=released.responses)  # another worker ran it today
        names = {survey.id: survey.name for survey in await question_queries.surveys(conn)}
        found = [
            msgspec.structs.replace(await _apply(conn, chosen, today), name=names.get(chosen.survey_id, ""))
            for chosen in await retention_queries.policies(conn)
        ]
        touched = [s for s in found if s.free_text_answers or s.responses or s.waiting_periods]
        outcome = RetentionOutcome("done", touched, released.responses)
        await audit(
            conn,
            "retention_run",
            account_id=None,
            detail={"run": run_by, "day": today.isoformat(), "surveys": msgspec.to_builtins(outcome.surveys)},
        )
        deleted_by = await retention_queries.deleting_xid(conn)
    if outcome.deleted_anything:
        tables = ["answer", "response"]  # a response whose words went keeps a new content hash
        if any(s.responses for s in outcome.surveys):
            tables += ["measure_score"]
        await _wait_for_older_snapshots(conn, deleted_by)
        await retention_queries.compact(conn, tables)
        await release.retire_wal(conn, "the deleted answers")
        logger.info("retention deleted what its policies said was due")
    return outcome


REWRITE_WAIT: Final = 120.0
"""Seconds the rewrite waits for transactions that may still see the deleted rows (an export, autovacuum)."""


async def _wait_for_older_snapshots(conn: Connection, deleted_by: int, wait: float = REWRITE_WAIT) -> None:
    """Wait until no other session may still see the rows ``deleted_by`` deleted: the rewrite drops all."""
    deadline = asyncio.get_running_loop().time() + wait
    while (still := await retention_queries.still_seeing(conn, deleted_by)) > 0:
        if asyncio.get_running_loop().time() > deadline:
            logger.warning(
                "retention: %d transaction(s) that may still see the deleted rows keep them in the"
                " table files until the next run rewrites them",
                still,
            )
            return
        await asyncio.sleep(0.1)


def _periods_words(found: list[str]) -> str:
    return ", ".join(found) if len(found) <= 6 else f"{found[0]} to {found[-1]} ({len(found)} periods)"


def summary_lines(outcome: RetentionOutcome) -> list[str]:
    """What a run did, in plain lines (printed by ``survey retention run``)."""
    lines = [f"{outcome.released:,} held responses of ended days released first."] if outcome.released else []
    for survey in outcome.surveys:
        if survey.free_text_answers:
            lines.append(
                f"{survey.name}: {survey.free_text_answers:,} free-text answers of"
                f" {_periods_words(survey.free_text_periods)} deleted."
            )
        if survey.responses:
            lines.append(
                f"{survey.name}: {survey.responses:,} responses of {_periods_words(survey.response_periods)}"
                " deleted; their figures are kept for every report and export."
            )
        if survey.waiting_periods:
            lines.append(
                f"{survey.name}: {_periods_words(survey.waiting_periods)} still have responses waiting for"
                " their release; they are deleted at the next run."
            )
    if not outcome.deleted_anything:
        lines.append("Nothing was due for deletion.")
    return lines


async def _daily_job(conn: Connection) -> bool | None:
    outcome = await run(conn, "daily")
    if outcome.status == "busy":
        return None
    return outcome.deleted_anything or bool(outcome.released)


def daily_retention(app: Litestar) -> AbstractAsyncContextManager[None]:
    """Lifespan: apply the policies at start (a missed night), then every day at :data:`RETENTION_AT`.

    The same scheduling as the daily release (``release.daily``), and the same lock, so several
    workers or instances run it once.
    """
    return release.daily(app, "retention", RETENTION_AT, _daily_job)
