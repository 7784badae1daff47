"""Which texts of a survey still wait for a translation, or for a translation to catch up with its source.

A member may propose in one language (the survey's first): the other languages of a new question, or of
new answers, are marked untranslated and hold the first language's words until a member who reads them
proposes a translation, so a kiosk never shows an empty screen. When the first language's wording changes,
the translations made before are marked to check. The publish page lists both, and a version goes out
with them only when the board confirms it knowingly (``PublishDraft.translations_confirmed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import msgspec

if TYPE_CHECKING:
    from questions.schemas import Question, SurveyDefinition

Status = Literal["untranslated", "to_check"]

STATUS_NAMES: dict[str, str] = {
    "untranslated": "Needs translation",
    "to_check": "Translation to check",
}
"""What each status is called on the board's pages."""


class TranslationGap(msgspec.Struct, frozen=True, kw_only=True):
    """One question's texts in one language that are not (or no longer) a translation of its source."""

    key: str
    words: str
    """The question's words in the first language, as the board knows it."""
    language: str
    status: Status


def status(question: Question, language: str) -> Status | None:
    """Whether a question's texts in ``language`` need a translation, need checking, or are fine."""
    if language in question.untranslated:
        return "untranslated"
    if language in question.needs_review:
        return "to_check"
    return None


def gaps(definition: SurveyDefinition) -> list[TranslationGap]:
    """Every question and language, in the survey's order, whose texts are untranslated or to check."""
    first, *others = definition.languages or [""]
    return [
        TranslationGap(
            key=question.key, words=question.text.get(first, question.key), language=code, status=found
        )
        for question in definition.questions
        for code in others
        if (found := status(question, code)) is not None
    ]


def placeholders(question: Question, first: str, languages: list[str]) -> Question:
    """A question whose texts in the untranslated ``languages`` are its first-language words, marked so."""
    copied = [code for code in languages if code != first]
    if not copied:
        return question
    options = [
        msgspec.structs.replace(option, label={**option.label, **dict.fromkeys(copied, option.label[first])})
        for option in question.options
    ]
    helps = dict(question.help)
    for code in copied:
        helps.pop(code, None)
        if first in question.help:
            helps[code] = question.help[first]
    return msgspec.structs.replace(
        question,
        text={**question.text, **dict.fromkeys(copied, question.text[first])},
        help=helps,
        options=options,
        untranslated=sorted({*question.untranslated, *copied}),
        needs_review=[code for code in question.needs_review if code not in copied],
    )
