"""Turning what a board member typed into a change to the draft: keys and answer codes made from the words."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import TYPE_CHECKING

from questions.changes import (
    AddQuestion,
    Change,
    MoveQuestion,
    OptionsChange,
    PublishDraft,
    RetireQuestion,
    WordingChange,
)
from questions.forms import AddForm, MoveForm, OptionsForm, PublishForm, RetireForm, WordingForm, as_list
from questions.proposals import ProposalError
from questions.schemas import Option, Question

if TYPE_CHECKING:
    from questions.schemas import SurveyDefinition

ProposalForm = WordingForm | OptionsForm | AddForm | RetireForm | MoveForm | PublishForm


def slug(text: str, *, fallback: str, limit: int = 40) -> str:
    """A stable key from words: ``"Did you sleep well?"`` becomes ``did_you_sleep_well``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    key = "_".join(words)[:limit].strip("_")
    return key if key[:1].isalpha() else f"{fallback}_{key}".strip("_")


def _unique(key: str, taken: set[str]) -> str:
    candidate, number = key, 2
    while candidate in taken:
        candidate = f"{key}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _number(raw: str, what: str) -> float | None:
    if not raw.strip():
        return None
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ProposalError(f"The {what} must be a number.")
    return number


def _options(written_options: list[str] | str, languages: list[str], kept: list[Option]) -> list[Option]:
    """Answers typed one per line per language, as options.

    An answer whose first-language label is unchanged keeps its code (so earlier answers still match); a
    new one gets a code made from its words.
    """
    written = as_list(written_options) + [""] * len(languages)
    per_language = [_lines(text) for text in written[: len(languages)]]
    count = len(per_language[0])
    if count < 2:
        raise ProposalError("Please write at least two answers, one per line.")
    for language, lines in zip(languages[1:], per_language[1:], strict=True):
        if len(lines) != count:
            raise ProposalError(f"Please write the same {count} answers in {language}, one per line.")
    codes = {option.label.get(languages[0], ""): option.code for option in kept}
    taken: set[str] = {"prefer_not_to_say", *(str(option.code) for option in kept)}
    return [
        Option(
            codes[label] if label in codes else _unique(slug(label, fallback="answer", limit=30), taken),
            {language: lines[number] for language, lines in zip(languages, per_language, strict=True)},
        )
        for number, label in enumerate(per_language[0])
    ]


def _added(form: AddForm, definition: SurveyDefinition) -> AddQuestion:
    languages = definition.languages
    written = as_list(form.text)
    if len(written) != len(languages):
        raise ProposalError("Please write the question in every language of the survey.")
    texts = {language: text.strip() for language, text in zip(languages, written, strict=True)}
    helps = {
        language: text.strip()
        for language, text in zip(languages, as_list(form.help), strict=False)
        if text.strip()
    }
    taken = {question.key for question in definition.questions}
    key = _unique(slug(texts[languages[0]], fallback="question"), taken)
    question = Question(
        key=key,
        type=form.type,
        text=texts,
        help=helps,
        options=_options(form.options, languages, [])
        if form.type in {"single_choice", "multi_choice"}
        else [],
        minimum=_number(form.minimum, "smallest number"),
        maximum=_number(form.maximum, "largest number"),
        needs_review=[],
    )
    return AddQuestion(question=question, after=form.after or None)


def change_from(form: ProposalForm, definition: SurveyDefinition) -> Change:
    """The change a proposal form asks for, against the current draft.

    Raises:
        ProposalError: what was typed does not make a change (the message says what to fix).
    """
    match form:
        case WordingForm():
            return WordingChange(
                question=form.question,
                language=form.language,
                text=form.text,
                help=form.help,
                option_labels=as_list(form.option_label),
            )
        case OptionsForm():
            current = definition.question(form.question)
            kept = current.options if current else []
            return OptionsChange(
                question=form.question, options=_options(form.options, definition.languages, kept)
            )
        case AddForm():
            return _added(form, definition)
        case RetireForm():
            return RetireQuestion(question=form.question)
        case MoveForm():
            return MoveQuestion(question=form.question, position=form.position)
        case PublishForm():
            return PublishDraft(definition=definition)
