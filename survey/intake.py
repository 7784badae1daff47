"""Response intake: check every answer against its published version, score it, store it once.

Answers to questions that the version's skip logic hides (given the other answers) are dropped, not
refused: a participant may answer a question, go back, and change the answer that showed it. The tablet
drops them too; the server makes sure.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Final, Literal

import msgspec

from analysis.scoring import score
from questions import queries as question_queries
from questions.scoring_rules import PREFER_NOT_TO_SAY
from questions.skip_logic import evaluate
from survey import release_queries

if TYPE_CHECKING:
    from datetime import date

    from questions.schemas import Question, SurveyDefinition
    from survey.db import Connection
    from survey.kiosk_queries import KioskIdentity
    from survey.schemas import AnswerValue, ResponseSubmit

LARGEST_NUMBER: Final = 1e12
"""Numbers beyond this are refused before any arithmetic (no survey asks for one)."""


class IntakeError(ValueError):
    """A submission was refused; ``field`` names the field or question it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def period_of(day: date, granularity: Literal["month", "week"]) -> str:
    """The coarse period stored with a response: ``2026-11`` or ISO week ``2026-W47``."""
    if granularity == "week":
        iso = day.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def _normalised(part: str) -> str:
    """One way of writing each part: upper case, and numbers without leading zeros ("07" = "7")."""
    cleaned = part.strip().upper()
    return str(int(cleaned)) if cleaned.isdecimal() else cleaned


def linkage_hashes(pepper: str, parts: list[str]) -> list[str]:
    """Each part of a linkage code as a keyed HMAC, so parts can be matched one by one, never read."""
    return [
        hmac.new(pepper.encode(), f"linkage:{index}:{_normalised(part)}".encode(), hashlib.sha256).hexdigest()
        for index, part in enumerate(parts)
    ]


def _problem(question: Question, value: AnswerValue) -> str | None:
    """Why ``value`` cannot answer ``question``, or ``None`` when it can."""
    if question.type == "info":
        return "an information screen takes no answer"
    if value == PREFER_NOT_TO_SAY:
        return None
    codes = question.option_codes
    if question.type in {"single_choice", "rating"}:
        ok = not isinstance(value, list | bool | float) and value in codes
        return None if ok else f"{value!r} is not one of its options"
    if question.type == "multi_choice":
        if not isinstance(value, list) or not value:
            return "a multiple-choice answer is a non-empty list of options"
        if len(set(map(str, value))) != len(value) or any(
            v not in codes or isinstance(v, bool) for v in value
        ):
            return "every choice must be one of its options, once"
        return None
    if question.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "the answer must be a number"
        if not -LARGEST_NUMBER <= value <= LARGEST_NUMBER:
            return "the answer is not a number this question can take"
        # 3.0 is refused too, not stored as 3: the kiosk sends whole numbers as integers (JSON.stringify
        # writes 3), so a float here came from elsewhere; one stored form per answer keeps analysis exact.
        if question.integer and isinstance(value, float):
            return "the answer must be a whole number, written without a decimal point"
        low = question.minimum if question.minimum is not None else float("-inf")
        high = question.maximum if question.maximum is not None else float("inf")
        return None if low <= value <= high else f"the answer must be between {low:g} and {high:g}"
    if not isinstance(value, str) or not value.strip():
        return "the answer must be some text"
    if any(ord(character) < 32 and character not in "\n\t" for character in value):
        return "the answer holds control characters"
    return (
        None
        if len(value) <= question.max_length
        else f"the answer is longer than {question.max_length} characters"
    )


def checked_answers(definition: SurveyDefinition, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The answers that stand, in question order, without those hidden by skip logic.

    Raises:
        IntakeError: an answer names no question of the version, or does not fit its question.
    """
    keys = {question.key for question in definition.questions}
    unknown = sorted(set(answers) - keys)
    if unknown:
        raise IntakeError(f"answers.{unknown[0]}", "is not a question of this survey version")
    kept: dict[str, AnswerValue] = {}
    for question in definition.questions:
        if question.key not in answers:
            continue
        if question.show_if is not None and not evaluate(question.show_if, kept):
            continue
        value = answers[question.key]
        if (problem := _problem(question, value)) is not None:
            raise IntakeError(f"answers.{question.key}", problem)
        kept[question.key] = value.strip() if isinstance(value, str) else value
    return kept


async def store(
    conn: Connection,
    submission: ResponseSubmit,
    *,
    kiosk: KioskIdentity,
    pepper: str,
    period: str,
    arrived_on: date,
) -> Literal["created", "same", "conflict"]:
    """Hold a completed response, checked and scored, for the next daily release; exactly once.

    The response is durable when this returns; it reaches the response tables (and analysis) with the
    shuffled batch of its day (see ``survey.release``). Only the day it arrived is kept until then.

    Returns:
        ``created``; ``same`` when this id was held or released before with the same content;
        ``conflict`` when it was with other content (nothing is changed then).

    Raises:
        IntakeError: the id is not a random UUID, the version is not one this site runs, the language is
            not offered, or an answer does not fit.
    """
    if submission.id.version != 4:
        raise IntakeError("id", "must be a random (version 4) UUID: other versions carry time or device")
    # Any published version is accepted, not only the site's current one: a tablet may send, after a
    # long offline spell, a response to the survey the site ran before an admin switched it.
    version = await question_queries.version(conn, submission.survey_version)
    if version is None:
        raise IntakeError("survey_version", "is not a published survey version")
    definition = version.definition
    if submission.language not in definition.languages:
        raise IntakeError("language", f"must be one of {', '.join(definition.languages)}")
    answers = checked_answers(definition, submission.answers)
    linkage = linkage_hashes(pepper, submission.linkage.parts) if submission.linkage else None
    content = {
        "survey_version": version.id,
        "language": submission.language,
        "answers": submission.answers,
        "linkage": linkage,
    }
    if submission.answered_with is not None:
        # Only when given, so a response sent before the kiosk asked it keeps the hash it was stored with.
        content["answered_with"] = submission.answered_with
    content_hash = hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest()
    scores = [result for rule in definition.measures if (result := score(rule, answers)) is not None]
    held = release_queries.HeldResponse(
        survey_version_id=version.id,
        site_id=kiosk.site_id,
        language=submission.language,
        period=period,
        linkage=linkage,
        answers=answers,
        answered_with=submission.answered_with,
        scores=[release_queries.HeldScore(s.measure, s.value, s.band, s.missing, s.version) for s in scores],
    )
    async with conn.transaction():
        # A release moves held rows in its own transaction; waiting for it keeps the id in one place.
        await release_queries.lock_for_intake(conn)
        existing = await release_queries.content_hash(conn, submission.id)
        if existing is None and await release_queries.hold(
            conn, submission.id, arrived_on, content_hash, held
        ):
            return "created"
        # Held or released before, or by a resend that won the race just now.
        existing = existing or await release_queries.content_hash(conn, submission.id)
    return "same" if existing == content_hash else "conflict"
