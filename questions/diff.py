"""Plain side-by-side differences: words removed and added, per field and language, and between versions."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Final, Literal

import msgspec

if TYPE_CHECKING:
    from questions.schemas import Question, SurveyDefinition

_TOKENS: Final = re.compile(r"\s+|[^\s]+")


class Segment(msgspec.Struct, frozen=True):
    """A run of text on one side of a diff; ``changed`` marks words removed (left) or added (right)."""

    text: str
    changed: bool


class FieldDiff(msgspec.Struct, frozen=True, kw_only=True):
    """One field of one question in one language, before and after."""

    language: str
    field: str
    before: list[Segment]
    after: list[Segment]

    @property
    def changed(self) -> bool:
        """Whether anything differs."""
        return any(segment.changed for segment in self.before + self.after)


class QuestionChange(msgspec.Struct, frozen=True, kw_only=True):
    """How one question differs between two definitions."""

    key: str
    what: Literal["added", "retired", "changed", "moved"]
    words: str = ""
    """The question as people know it: its words in the survey's first language."""
    fields: list[FieldDiff] = []
    position: tuple[int, int] | None = None
    """Old and new place (1 is first) of a moved question."""
    other: list[str] = []
    """Plain names of what else changed: skip logic, number limits, answer codes, translations to check..."""


def word_diff(before: str, after: str) -> tuple[list[Segment], list[Segment]]:
    """Both sides of a word-level diff; spaces are kept so each side reads as its original text."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(Segment("".join(old[i1:i2]), changed=False))
            right.append(Segment("".join(new[j1:j2]), changed=False))
            continue
        if i2 > i1:
            left.append(Segment("".join(old[i1:i2]), changed=True))
        if j2 > j1:
            right.append(Segment("".join(new[j1:j2]), changed=True))
    return left, right


def _fields(question: Question | None, language: str) -> dict[str, str]:
    if question is None:
        return {}
    fields = {"Question": question.text.get(language, ""), "Help": question.help.get(language, "")}
    for number, option in enumerate(question.options, start=1):
        fields[f"Answer {number}"] = option.label.get(language, "")
    return fields


def question_diff(before: Question | None, after: Question | None, languages: list[str]) -> list[FieldDiff]:
    """Every field of a question in every language, side by side (``None``: the question is absent)."""
    diffs = []
    for language in languages:
        old, new = _fields(before, language), _fields(after, language)
        for field in dict.fromkeys([*old, *new]):
            left, right = word_diff(old.get(field, ""), new.get(field, ""))
            if left or right:
                diffs.append(FieldDiff(language=language, field=field, before=left, after=right))
    return diffs


def _moved(old_order: list[str], new_order: list[str]) -> set[str]:
    """The questions outside the longest run kept in order: those someone actually moved."""
    matcher = difflib.SequenceMatcher(a=old_order, b=new_order, autojunk=False)
    stayed = {
        key for block in matcher.get_matching_blocks() for key in old_order[block.a : block.a + block.size]
    }
    return set(old_order) - stayed


_OTHER: Final[dict[str, str]] = {
    "type": "kind of answer",
    "option_codes": "answer codes",
    "show_if": "when it is shown (skip logic)",
    "minimum": "smallest number",
    "maximum": "largest number",
    "integer": "whole numbers only",
    "max_length": "longest answer",
    "instrument": "instrument",
    "audio": "recorded readings",
    "pictures": "answer pictures",
    "needs_review": "translations to check",
    "untranslated": "translations still to make",
}


def _attribute(question: Question, name: str) -> object:
    return getattr(question, name)


def changes_since(previous: SurveyDefinition | None, current: SurveyDefinition) -> list[QuestionChange]:
    """What a version would change since ``previous`` (``None``: a first version, every question added)."""
    empty = msgspec.structs.replace(current, questions=[])
    return changes_between(previous or empty, current)


def changes_between(previous: SurveyDefinition, current: SurveyDefinition) -> list[QuestionChange]:
    """What changed from one version to the next, question by question, in the new order."""
    old = {question.key: question for question in previous.questions}
    new = {question.key: question for question in current.questions}
    languages = list(dict.fromkeys([*current.languages, *previous.languages]))
    moved = _moved([key for key in old if key in new], [key for key in new if key in old])
    first = languages[0] if languages else ""
    found: list[QuestionChange] = []
    for key, question in new.items():
        words = question.text.get(first, key)
        if key not in old:
            fields = question_diff(None, question, languages)
            found.append(QuestionChange(key=key, what="added", words=words, fields=fields))
            continue
        if question != old[key]:
            fields = [diff for diff in question_diff(old[key], question, languages) if diff.changed]
            other = [
                name
                for attribute, name in _OTHER.items()
                if _attribute(question, attribute) != _attribute(old[key], attribute)
            ]
            found.append(QuestionChange(key=key, what="changed", words=words, fields=fields, other=other))
        if key in moved:
            where = (list(old).index(key) + 1, list(new).index(key) + 1)
            found.append(QuestionChange(key=key, what="moved", words=words, position=where))
    found += [
        QuestionChange(key=key, what="retired", words=question.text.get(first, key))
        for key, question in old.items()
        if key not in new
    ]
    return found
