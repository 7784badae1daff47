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
    ShowIfChange,
    WordingChange,
)
from questions.forms import (
    AddForm,
    MoveForm,
    OptionsForm,
    PublishForm,
    RetireForm,
    ShowIfFields,
    ShowIfForm,
    WordingForm,
    as_list,
)
from questions.proposals import ProposalError
from questions.schemas import CHOICE_TYPES, Option, Question
from questions.skip_logic import Equals, OneOf
from questions.translations import placeholders
from survey import i18n

if TYPE_CHECKING:
    from questions.schemas import SurveyDefinition
    from questions.skip_logic import Expression

ProposalForm = WordingForm | OptionsForm | ShowIfForm | AddForm | RetireForm | MoveForm | PublishForm


def slug(text: str, *, fallback: str, limit: int = 40) -> str:
    """A stable key from words: ``"Did you sleep well?"`` becomes ``did_you_sleep_well``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    key = "_".join(words)[:limit].strip("_")
    return key if key[:1].isalpha() else f"{fallback}_{key}".strip("_")


def unique(key: str, taken: set[str]) -> str:
    """``key``, or ``key_2``, ``key_3``... when it is taken already; the one returned is taken now."""
    candidate, number = key, 2
    while candidate in taken:
        candidate = f"{key}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def nonblank_lines(text: str) -> list[str]:
    """The lines of ``text`` that say something, stripped (one answer a line)."""
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


def _options(
    written_options: list[str] | str, languages: list[str], kept: list[Option]
) -> tuple[list[Option], list[str]]:
    """Answers typed one per line per language, as options, and the languages left to translate.

    An answer whose first-language label is unchanged keeps its code (so earlier answers still match); a
    new one gets a code made from its words. A language left empty takes the first language's lines, for
    a member who reads it to translate.
    """
    written = as_list(written_options) + [""] * len(languages)
    per_language = [nonblank_lines(text) for text in written[: len(languages)]]
    count = len(per_language[0])
    if count < 2:
        raise ProposalError("Please write at least two answers, one per line.")
    left = [language for language, lines in zip(languages[1:], per_language[1:], strict=True) if not lines]
    for number, (language, lines) in enumerate(zip(languages[1:], per_language[1:], strict=True), start=1):
        if not lines:
            per_language[number] = per_language[0]
        elif len(lines) != count:
            raise ProposalError(
                f"Please write the same {count} answers in {i18n.describe(language).name}, one per line,"
                " or leave them empty"
                " for someone to translate."
            )
    codes = {option.label.get(languages[0], ""): option.code for option in kept}
    taken: set[str] = {"prefer_not_to_say", *(str(option.code) for option in kept)}
    options = [
        Option(
            codes[label] if label in codes else unique(slug(label, fallback="answer", limit=30), taken),
            {language: lines[number] for language, lines in zip(languages, per_language, strict=True)},
        )
        for number, label in enumerate(per_language[0])
    ]
    return options, left


def show_if(form: ShowIfFields, definition: SurveyDefinition) -> Expression | None:
    """The "show only if" of a form: an earlier choice question and the answers that show this one.

    Raises:
        ProposalError: no such question, one without answers to pick, or no answer picked.
    """
    if not form.show_if_question:
        return None
    target = definition.question(form.show_if_question)
    if target is None or target.type not in CHOICE_TYPES:
        raise ProposalError("Please pick an earlier question that has answers to choose from.")
    # Each tick is "question:answer", so an answer ticked under another question does not count.
    by_text = {f"{target.key}:{code}": code for code in target.option_codes}
    picked = [by_text[answer] for answer in as_list(form.show_if_answer) if answer in by_text]
    if not picked:
        raise ProposalError("Please pick at least one answer that shows this question.")
    if len(picked) == 1:
        return Equals(q=target.key, value=picked[0])
    return OneOf(q=target.key, values=picked)


def _added(form: AddForm, definition: SurveyDefinition) -> AddQuestion:
    languages = definition.languages
    first = languages[0]
    written = [*as_list(form.text), *[""] * len(languages)][: len(languages)]
    texts = {code: text.strip() for code, text in zip(languages, written, strict=True) if text.strip()}
    if first not in texts:
        name = i18n.describe(first).name
        raise ProposalError(f"Please write the question in {name}; other languages can be translated later.")
    helps = {
        language: text.strip()
        for language, text in zip(languages, as_list(form.help), strict=False)
        if text.strip()
    }
    taken = {question.key for question in definition.questions}
    key = unique(slug(texts[first], fallback="question"), taken)
    options, _left = (
        _options(form.options, languages, []) if form.type in {"single_choice", "multi_choice"} else ([], [])
    )
    question = Question(
        key=key,
        type=form.type,
        text=texts,
        help={code: value for code, value in helps.items() if code in texts},
        options=options,
        minimum=_number(form.minimum, "smallest number"),
        maximum=_number(form.maximum, "largest number"),
        show_if=show_if(form, definition),
    )
    # A language the proposer did not write in waits for a member who reads it to translate.
    question = placeholders(question, first, [code for code in languages if code not in texts])
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
            options, left = _options(form.options, definition.languages, kept)
            return OptionsChange(question=form.question, options=options, to_check=left)
        case ShowIfForm():
            return ShowIfChange(question=form.question, show_if=show_if(form, definition))
        case AddForm():
            return _added(form, definition)
        case RetireForm():
            return RetireQuestion(question=form.question)
        case MoveForm():
            return MoveQuestion(question=form.question, position=form.position)
        case PublishForm():
            return PublishDraft(definition=definition, translations_confirmed=form.translations_confirmed)
