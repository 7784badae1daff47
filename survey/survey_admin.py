"""Surveys an admin starts (from the bank or new questions) and the languages of their drafts.

An admin writes drafts only; the board works on them as on any draft, and only the board publishes.
A language added to a draft takes the bank's translation where the question is the bank's own, unchanged;
every other text holds the first language's words marked untranslated (``questions.translations``), so
the board sees "Needs translation" and the publish page lists it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from analysis.periods import words as period_words
from questions import bank, versions
from questions import queries as question_queries
from questions.drafting import nonblank_lines, slug, unique
from questions.forms import as_list
from questions.schemas import Option, Question, SurveyDefinition
from questions.translations import placeholders
from questions.validation import DefinitionError, validate
from survey import retention, retention_queries
from survey.audit_queries import audit
from survey.problems import SetupProblem
from survey.sites import check_language, language_name

if TYPE_CHECKING:
    from datetime import date

    from questions.bank import Instrument
    from survey.db import Connection
    from survey.retention import RetentionSet
    from survey.schemas import SurveyCreate


class SurveyAdminError(SetupProblem, ValueError):
    """A survey action was refused; ``field`` names the form field at fault, the message says why."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


async def bank_instruments(conn: Connection) -> dict[str, Instrument]:
    """Instruments with their items: the shipped ones, and those a program loaded (which take precedence)."""
    found = dict(bank.shipped_instruments()) | {
        item.key: item for item in await question_queries.instruments(conn)
    }
    return {key: instrument for key, instrument in sorted(found.items()) if instrument.items}


async def bank_questions(conn: Connection) -> dict[str, Question]:
    """Every question of the bank by key: instrument items and program items."""
    instruments = await bank_instruments(conn)
    items = [item for instrument in instruments.values() for item in instrument.items]
    return {question.key: question for question in [*items, *bank.program_items()]}


def _only(question: Question, languages: list[str]) -> Question:
    """The question with texts in ``languages`` only (a survey carries no text it does not offer)."""

    def keep(texts: dict[str, str]) -> dict[str, str]:
        return {code: text for code, text in texts.items() if code in languages}

    return msgspec.structs.replace(
        question,
        text=keep(question.text),
        help=keep(question.help),
        audio=keep(question.audio),
        options=[msgspec.structs.replace(option, label=keep(option.label)) for option in question.options],
        needs_review=[code for code in question.needs_review if code in languages],
        untranslated=[code for code in question.untranslated if code in languages],
    )


def _fitted(question: Question, languages: list[str]) -> Question:
    """A bank question for a survey in ``languages``: its own translations, placeholders for the rest."""
    source = languages[0] if languages[0] in question.text else next(iter(question.text))
    missing = [code for code in languages if code not in question.text or code in question.untranslated]
    filled = placeholders(question, source, [source, *missing]) if missing else question
    return _only(filled, languages)


def _new_question(form: SurveyCreate, language: str, taken: set[str]) -> Question:
    """The question the admin wrote, in the survey's language, with answers one per line."""
    text = form.new_text.strip()
    key = unique(slug(text, fallback="question"), taken)
    options: list[Option] = []
    if form.new_type in {"single_choice", "multi_choice"}:
        lines = nonblank_lines(form.new_options)
        if len(lines) < 2:
            raise SurveyAdminError("new_options: write at least two answers, one per line.", "new_options")
        codes: set[str] = {"prefer_not_to_say"}
        options = [
            Option(unique(slug(line, fallback="answer", limit=30), codes), {language: line}) for line in lines
        ]
    return Question(key=key, type=form.new_type, text={language: text}, options=options)


async def definition_from(conn: Connection, form: SurveyCreate) -> SurveyDefinition:
    """The draft a creation form asks for: whole instruments, program items and a new question, in order.

    Raises:
        SurveyAdminError: an unknown instrument or item, an unknown language, or nothing to ask.
    """
    language = check_language(form.language, "language")
    instruments = await bank_instruments(conn)
    items = {item.key: item for item in bank.program_items()}
    chosen = as_list(form.instrument)
    unknown = [key for key in chosen if key not in instruments]
    if unknown:
        raise SurveyAdminError(
            f"instrument: there is no instrument {unknown[0]!r} in the bank.", "instrument"
        )
    picked = as_list(form.item)
    unknown = [key for key in picked if key not in items]
    if unknown:
        raise SurveyAdminError(f"item: there is no program item {unknown[0]!r} in the bank.", "item")
    questions = [item for key in chosen for item in instruments[key].items]
    questions += [items[key] for key in items if key in picked]  # the bank's order
    questions = [_fitted(question, [language]) for question in questions]
    if form.new_text.strip():
        questions.append(_new_question(form, language, {question.key for question in questions}))
    if not questions:
        raise SurveyAdminError("Pick at least one question from the bank, or write a new one.", "item")
    return SurveyDefinition(
        title={language: form.name.strip()},
        languages=[language],
        questions=questions,
        measures=[rule for key in chosen for rule in instruments[key].measures],
    )


async def create(conn: Connection, form: SurveyCreate, *, actor_id: int) -> int:
    """Start a survey as a draft for the board; its id.

    Raises:
        SurveyAdminError: the form does not make a survey (the message names the field).
        versions.SurveyError: the name is taken.
    """
    definition = await definition_from(conn, form)
    try:
        return await versions.create_survey(conn, name=form.name, definition=definition, actor_id=actor_id)
    except DefinitionError as refused:
        raise SurveyAdminError("; ".join(refused.problems)) from None


def with_language(
    definition: SurveyDefinition, language: str, title: str, known: dict[str, Question]
) -> SurveyDefinition:
    """The draft offered in ``language`` too, named ``title`` in it.

    A question the bank holds unchanged (same words and answers in the first language) takes the bank's
    translation; every other text holds the first language's words, marked untranslated for the board.

    Raises:
        SurveyAdminError: the draft already offers the language.
    """
    if language in definition.languages:
        raise SurveyAdminError(
            f"language: the survey is already offered in {language_name(language)}.", "language"
        )
    first = definition.languages[0]
    languages = [*definition.languages, language]

    def added(question: Question) -> Question:
        from_bank = known.get(question.key)
        same = from_bank is not None and _in(from_bank, first) == _in(question, first)
        if (
            from_bank is not None
            and same
            and language in from_bank.text
            and language not in from_bank.untranslated
        ):
            bank_texts = _only(from_bank, [language])
            labels = {option.code: option.label for option in bank_texts.options}
            return msgspec.structs.replace(
                question,
                text={**question.text, **bank_texts.text},
                help={**question.help, **bank_texts.help},
                audio={**question.audio, **bank_texts.audio},
                options=[
                    msgspec.structs.replace(option, label={**option.label, **labels.get(option.code, {})})
                    for option in question.options
                ],
                needs_review=sorted({*question.needs_review, *bank_texts.needs_review}),
            )
        return placeholders(question, first, [language])

    return msgspec.structs.replace(
        definition,
        title={**definition.title, language: title.strip()},
        languages=languages,
        questions=[added(question) for question in definition.questions],
    )


def _in(question: Question, language: str) -> tuple[str, list[str]]:
    """A question's words and answers in one language, to tell whether it is still the bank's."""
    return question.text.get(language, ""), [option.label.get(language, "") for option in question.options]


def without_language(definition: SurveyDefinition, language: str) -> SurveyDefinition:
    """The draft no longer offered in ``language`` (published versions keep their texts).

    Raises:
        SurveyAdminError: the draft does not offer it, or it is the draft's first language.
    """
    if language not in definition.languages:
        raise SurveyAdminError(
            f"language: the survey is not offered in {language_name(language)}.", "language"
        )
    if language == definition.languages[0]:
        raise SurveyAdminError(
            "language: the first language is the one every translation is made from; it cannot be retired.",
            "language",
        )
    languages = [code for code in definition.languages if code != language]
    return msgspec.structs.replace(
        definition,
        title={code: text for code, text in definition.title.items() if code in languages},
        languages=languages,
        questions=[_only(question, languages) for question in definition.questions],
    )


async def change_language(
    conn: Connection, survey_id: int, *, language: str, title: str, add: bool, actor_id: int
) -> str:
    """Add (``add``) or retire a language on a survey's draft, audited; the survey's name.

    Raises:
        SurveyAdminError: no such survey or draft, or the change does not fit it.
    """
    check_language(language, "language")
    known = await bank_questions(conn) if add else {}
    async with conn.transaction():
        await question_queries.lock_survey(conn, survey_id)
        name = await question_queries.survey_name(conn, survey_id)
        draft = await question_queries.draft(conn, survey_id)
        if name is None or draft is None:
            raise SurveyAdminError("There is no such survey, or it has no draft.")
        after = with_language(draft, language, title, known) if add else without_language(draft, language)
        try:
            validate(after)
        except DefinitionError as refused:
            raise SurveyAdminError("; ".join(refused.problems)) from None
        based_on = await question_queries.draft_base(conn, survey_id)
        await question_queries.upsert_draft(conn, survey_id, after, based_on)
        await audit(
            conn,
            "survey_language_added" if add else "survey_language_retired",
            account_id=actor_id,
            subject=str(survey_id),
            detail={"language": language, "name": language_name(language)},
        )
    return name


class RetentionView(msgspec.Struct, frozen=True, kw_only=True):
    """A survey's retention policy as the admin page says it, with what it has deleted and what goes next."""

    free_text_months: int | None
    response_years: int | None
    next_free_text: str
    """The next free text to go ("the written answers of January 2026, on 1 May 2026"), or ""."""
    next_responses: str
    deleted_free_text: list[str]
    deleted_responses: list[str]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _next(stored: set[str], months: int | None, what: str) -> str:
    if months is None or not stored:
        return ""
    first = min(stored, key=lambda period: retention.due_on(period, months))
    return f"{what} of {period_words(first)}, on {_day(retention.due_on(first, months))}"


async def retention_view(conn: Connection, survey_id: int) -> RetentionView:
    """What the survey's policy keeps, what it deleted, and what it deletes next."""
    chosen = await retention_queries.policy(conn, survey_id)
    deleted = await retention_queries.deleted_periods(conn, survey_id)
    years = chosen.response_years * 12 if chosen.response_years is not None else None
    # The stored periods (one index scan) are read only for a policy that deletes; the written answers'
    # next period is the first whose text was not deleted yet (the daily run reads the answers themselves).
    stored = (
        await retention_queries.response_periods(conn, survey_id)
        if years or chosen.free_text_months
        else set()
    )
    written = stored - {d.period for d in deleted if d.what == "free_text"}
    return RetentionView(
        free_text_months=chosen.free_text_months,
        response_years=chosen.response_years,
        next_free_text=_next(written, chosen.free_text_months, "the written answers"),
        next_responses=_next(stored, years, "the responses"),
        deleted_free_text=[period_words(d.period) for d in deleted if d.what == "free_text"],
        deleted_responses=[period_words(d.period) for d in deleted if d.what == "responses"],
    )


async def set_retention(
    conn: Connection, survey_id: int, form: RetentionSet, *, actor_id: int
) -> tuple[str, retention_queries.Policy]:
    """Set a survey's retention policy from the admin's form; the survey's name and the policy set.

    Raises:
        SurveyAdminError: no such survey (404), or a bound is not kept (naming the field).
    """
    name = next((s.name for s in await question_queries.surveys(conn) if s.id == survey_id), None)
    if name is None:
        raise SurveyAdminError(f"There is no survey {survey_id}.")
    months = None if form.free_text_months == "keep" else form.free_text_months
    years = None if form.response_years == "keep" else form.response_years
    try:
        chosen = await retention.set_policy(
            conn, survey_id, free_text_months=months, response_years=years, actor_id=actor_id
        )
    except retention.RetentionError as refused:
        raise SurveyAdminError(str(refused), refused.field) from None
    return name, chosen
