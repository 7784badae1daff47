"""A proposal on a survey as the board reads it: one plain sentence, the diff, the sides to preview.

Pure functions of a proposal and its draft, shared by the survey, proposal and version pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from questions import language_check
from questions.changes import (
    AddQuestion,
    Change,
    MoveQuestion,
    OptionsChange,
    PictureChange,
    PublishDraft,
    ShowIfChange,
    WordingChange,
    apply,
)
from questions.diff import question_diff
from questions.plain_words import question_words, short
from questions.quorum import Tally
from survey import i18n

if TYPE_CHECKING:
    from questions.diff import FieldDiff
    from questions.proposal_queries import Proposal
    from questions.schemas import Question, SurveyDefinition


def language_names(languages: list[str]) -> dict[str, str]:
    """Each language code with its name in English, for labels."""
    return {language: i18n.describe(language).name for language in languages}


def summary(change: Change, before: SurveyDefinition) -> str:
    """One plain sentence saying what a proposal does."""
    match change:
        case WordingChange():
            name = language_names([change.language])[change.language]
            if change.language == before.languages[0]:
                return f"Change the wording of {question_words(before, change.question)} ({name})."
            return (
                f"Add, correct or review the {name} translation of {question_words(before, change.question)}."
            )
        case OptionsChange():
            return f"Change the answers of {question_words(before, change.question)}."
        case ShowIfChange():
            return f"Change when {question_words(before, change.question)} is shown."
        case AddQuestion():
            words = change.question.text.get(before.languages[0], change.question.key)
            return f"Add a new question: “{short(words)}”."
        case MoveQuestion():
            return f"Move {question_words(before, change.question)} to place {change.position}."
        case PictureChange():
            answer = _answer_words(before, change.question, change.option)
            of = question_words(before, change.question)
            if change.picture is None:
                return f"Take the picture away from the answer “{answer}” of {of}."
            return f"Show a picture with the answer “{answer}” of {of}."
        case PublishDraft():
            return "Publish the draft as a new version for the kiosks."
    return f"Retire {question_words(before, change.question)}; earlier versions keep it."


def _answer_words(definition: SurveyDefinition, key: str, code: int | str) -> str:
    """An answer's words in the survey's first language (its code when it has none)."""
    question = definition.question(key)
    for option in question.options if question else []:
        if str(option.code) == str(code):
            return short(option.label.get(definition.languages[0], str(code)))
    return str(code)


def proposal_diff(found: Proposal) -> list[FieldDiff]:
    """The side-by-side diff of the question a proposal touches (empty for moves and publishing)."""
    before = found.draft_before
    change = found.change
    if isinstance(change, PublishDraft | MoveQuestion | ShowIfChange | PictureChange):
        return []
    after = apply(before, change)
    key = change.question.key if isinstance(change, AddQuestion) else change.question
    languages = [change.language] if isinstance(change, WordingChange) else before.languages
    return changed_fields(question_diff(before.question(key), after.question(key), languages))


def changed_fields(diffs: list[FieldDiff]) -> list[FieldDiff]:
    """Only the fields that change, so a one-word edit is not lost among answers that stay the same."""
    return [diff for diff in diffs if diff.changed]


def preview_sides(found: Proposal) -> list[str]:
    """Which sides of a proposal have its question to preview on the kiosk screen."""
    change = found.change
    if isinstance(change, PublishDraft):
        return ["after"]
    if isinstance(change, AddQuestion):
        return ["after"]
    if isinstance(change, MoveQuestion):
        return ["before", "after"]
    if isinstance(change, WordingChange | OptionsChange | ShowIfChange | PictureChange):
        return ["before", "after"]
    return ["before"]


def side_definition(found: Proposal, side: str) -> SurveyDefinition:
    """The survey before or after a proposal's change (publishing changes nothing in the draft)."""
    if isinstance(found.change, PublishDraft):
        return found.change.definition
    return found.draft_before if side == "before" else apply(found.draft_before, found.change)


def advice_for(
    question: Question | None, language: str, words: list[language_check.AvoidWord]
) -> dict[str, Any]:
    """The language check of a question's texts in one language, by field, as the form first shows it."""
    if question is None:
        return {}
    advice: dict[str, Any] = {
        "text": language_check.check(question.text.get(language, ""), language, "text", words),
        "help": language_check.check(question.help.get(language, ""), language, "help", words),
    }
    for number, option in enumerate(question.options):
        advice[f"option{number}"] = language_check.check(
            option.label.get(language, ""), language, "option", words
        )
    return advice


def would_decide(counted: Tally, mine: Any, account_id: int, choice: str) -> str:
    """What the proposal would become if this member voted ``choice`` (the confirmation page says so)."""
    approvals, objections = counted.approvals, counted.objections
    if mine is not None and account_id == mine.account_id:
        approvals -= mine.choice == "approve"
        objections -= mine.choice == "object"
    approvals += choice == "approve"
    objections += choice == "object"
    after = Tally(
        approvals=approvals,
        objections=objections,
        abstentions=0,
        needed=counted.needed,
        members=counted.members,
    )
    return after.decision
