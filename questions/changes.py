"""The changes a board proposal can make: to a survey's draft (applied here, purely), or to the board."""

from __future__ import annotations

from typing import Annotated, Final, TypeAlias

import msgspec

from questions.schemas import Language, Option, Question, QuestionKey, SurveyDefinition
from questions.skip_logic import Expression
from questions.translations import gaps, placeholders
from questions.validation import DefinitionError, validate


class ChangeConflictError(ValueError):
    """The draft has moved on so that a change no longer applies as the board saw it."""


class WordingChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="wording", tag_field="kind"):
    """New wording of one question in one language: its text, help and option labels.

    Changing a language other than the survey's first adds or corrects a translation; proposing a language's
    wording unchanged marks that translation as reviewed.
    """

    question: QuestionKey
    language: Language
    text: str
    help: str
    option_labels: list[str] = []


class OptionsChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="options", tag_field="kind"):
    """A choice question's answers added, removed or reordered (labels in every language, codes kept)."""

    question: QuestionKey
    options: list[Option]
    to_check: list[Language] = []
    """Languages whose answers the proposer left in the first language's words, for others to translate."""


class ShowIfChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="show_if", tag_field="kind"):
    """When a question is shown: only if an earlier answer is one of some answers (``None``: always)."""

    question: QuestionKey
    show_if: Expression | None


class AddQuestion(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="add", tag_field="kind"):
    """A new question, placed after ``after`` (or first when ``None``)."""

    question: Question
    after: QuestionKey | None = None


class RetireQuestion(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="retire", tag_field="kind"):
    """Take a question out of the draft; earlier versions keep it."""

    question: QuestionKey


class MoveQuestion(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="move", tag_field="kind"):
    """Move a question to a new place (1 is first)."""

    question: QuestionKey
    position: int


class PictureChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="picture", tag_field="kind"):
    """A picture for one answer of a question (``None``: the answer shows its words alone again)."""

    question: QuestionKey
    option: int | str
    """The answer's stored code."""
    picture: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")] | None
    """The SHA-256 of the stored picture (``questions.media``)."""


class PublishDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="publish", tag_field="kind"):
    """Publish the draft, exactly as it stood when proposed, as the survey's next version."""

    definition: SurveyDefinition
    translations_confirmed: bool = False
    """The proposer confirmed publishing the texts still untranslated or older than their source."""


Change: TypeAlias = (
    WordingChange
    | OptionsChange
    | ShowIfChange
    | AddQuestion
    | RetireQuestion
    | MoveQuestion
    | PictureChange
    | PublishDraft
)
"""A change to a survey's draft (or publishing it)."""


class WelcomeMember(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="welcome", tag_field="kind"):
    """An account with the board role becomes a voting member (of proposals opened from then on)."""

    account_id: int


class MemberStepsDown(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="step_down", tag_field="kind"
):
    """A member leaves the board: their votes stop counting, and they vote no more."""

    account_id: int


class QuorumChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="quorum", tag_field="kind"):
    """The approvals a proposal needs (``None``: a majority of the members), changed from ``before``.

    ``before`` is the setting the board read, so the proposal stays about what the board saw: when another
    quorum change is accepted first, this one closes as outdated.
    """

    approvals: int | None
    before: int | None


BoardChange: TypeAlias = WelcomeMember | MemberStepsDown | QuorumChange
"""A change to the board itself: who votes, and how many approvals decide. It has no survey."""

BOARD_KINDS: Final = frozenset({"welcome", "step_down", "quorum"})

KIND_NAMES: Final[dict[str, str]] = {
    "wording": "Change the wording",
    "options": "Change the answers",
    "show_if": "Change when it is shown",
    "add": "Add a question",
    "retire": "Retire a question",
    "move": "Move a question",
    "picture": "Change an answer's picture",
    "publish": "Publish a new version",
    "welcome": "Welcome a member",
    "step_down": "A member steps down",
    "quorum": "Change the quorum",
}
"""Plain names of each kind of proposal, as the board's pages show them."""


def affected_key(change: Change) -> str | None:
    """The question a change is about (``None`` for publishing)."""
    if isinstance(change, AddQuestion):
        return change.question.key
    if isinstance(change, PublishDraft):
        return None
    return change.question


def _question(definition: SurveyDefinition, key: str) -> Question:
    found = definition.question(key)
    if found is None:
        raise ChangeConflictError(f"The draft has no question {key} any more.")
    return found


def _reworded(question: Question, change: WordingChange, first_language: str) -> Question:
    if len(change.option_labels) != len(question.options):
        raise ChangeConflictError(f"Question {question.key} now has a different number of answer options.")
    language = change.language
    text = change.text.strip()
    help_text = change.help.strip()
    helps = {code: value for code, value in question.help.items() if code != language}
    if help_text:
        helps[language] = help_text
    options = [
        Option(option.code, {**option.label, language: label.strip()})
        for option, label in zip(question.options, change.option_labels, strict=True)
    ]
    changed = (
        text != question.text.get(language, "")
        or help_text != question.help.get(language, "")
        or any(new.label != old.label for new, old in zip(options, question.options, strict=True))
    )
    review = [code for code in question.needs_review if code != language]
    untranslated = [code for code in question.untranslated if code != language]
    reworded = msgspec.structs.replace(
        question,
        text={**question.text, language: text},
        help=helps,
        options=options,
        needs_review=review,
        untranslated=untranslated,
    )
    if not changed or language != first_language:
        return reworded
    # New wording in the first language leaves every translation made before to be checked again, and
    # the languages still untranslated show the new words until someone translates them.
    made = (code for code in question.text if code != language and code not in untranslated)
    reworded = msgspec.structs.replace(reworded, needs_review=sorted({*review, *made}))
    return placeholders(reworded, first_language, untranslated)


def _replace(definition: SurveyDefinition, questions: list[Question]) -> SurveyDefinition:
    return msgspec.structs.replace(definition, questions=questions)


def apply(definition: SurveyDefinition, change: Change) -> SurveyDefinition:
    """The definition with ``change`` made (publishing changes nothing).

    Raises:
        ChangeConflictError: the change no longer fits the definition.
        DefinitionError: the result could not run (e.g. retiring a question that a measure uses).
    """
    questions = list(definition.questions)
    keys = [question.key for question in questions]
    match change:
        case WordingChange():
            if change.language not in definition.languages:
                raise ChangeConflictError(f"The survey is not offered in {change.language}.")
            current = _question(definition, change.question)
            reworded = _reworded(current, change, definition.languages[0])
            questions[keys.index(change.question)] = reworded
        case OptionsChange():
            current = _question(definition, change.question)
            if current.type not in {"single_choice", "multi_choice"} or current.instrument:
                raise ChangeConflictError(
                    f"Question {current.key} keeps its answers: they are scores of an instrument or rating."
                )
            review = sorted({*current.needs_review, *change.to_check} - set(current.untranslated))
            questions[keys.index(current.key)] = msgspec.structs.replace(
                current, options=change.options, needs_review=review
            )
        case ShowIfChange():
            current = _question(definition, change.question)
            if current.show_if == change.show_if:
                raise ChangeConflictError("The question is already shown that way.")
            questions[keys.index(current.key)] = msgspec.structs.replace(current, show_if=change.show_if)
        case AddQuestion():
            if change.question.key in keys:
                raise ChangeConflictError(f"The draft already has a question {change.question.key}.")
            at = 0 if change.after is None else keys.index(_question(definition, change.after).key) + 1
            questions.insert(at, change.question)
        case RetireQuestion():
            questions.pop(keys.index(_question(definition, change.question).key))
        case MoveQuestion():
            moved = questions.pop(keys.index(_question(definition, change.question).key))
            if not 1 <= change.position <= len(keys):
                raise ChangeConflictError(f"Position {change.position} is outside 1 to {len(keys)}.")
            if keys.index(change.question) == change.position - 1:
                raise ChangeConflictError(
                    f"Question {change.question} is already in place {change.position}."
                )
            questions.insert(change.position - 1, moved)
        case PictureChange():
            current = _question(definition, change.question)
            codes = [str(option.code) for option in current.options]
            if str(change.option) not in codes:
                raise ChangeConflictError(f"Question {current.key} has no answer {change.option} any more.")
            at = codes.index(str(change.option))
            if current.options[at].picture == change.picture:
                raise ChangeConflictError("That answer already shows this picture.")
            options = list(current.options)
            options[at] = msgspec.structs.replace(options[at], picture=change.picture)
            questions[keys.index(current.key)] = msgspec.structs.replace(current, options=options)
        case PublishDraft():
            if change.definition != definition:
                raise ChangeConflictError("The draft has changed since publishing it was proposed.")
            missing = gaps(definition)
            if missing and not change.translations_confirmed:
                raise ChangeConflictError(
                    f"{len(missing)} text(s) are not translated, or are older than their source: please"
                    " read the list and confirm that the board publishes them as they are."
                )
            return definition
    result = _replace(definition, questions)
    validate(result)
    return result


def conflict(before: SurveyDefinition, draft: SurveyDefinition, change: Change) -> str | None:
    """Why ``change``, proposed against ``before``, no longer fits ``draft``; ``None`` when it still does.

    A change fits while the question it touches is as it was when proposed (a move: while the order is;
    publishing: while the whole draft is), so the board never accepts something other than what it read.
    """
    if isinstance(change, MoveQuestion) and [q.key for q in before.questions] != [
        q.key for q in draft.questions
    ]:
        return "The order of the questions has changed since this was proposed."
    key = affected_key(change)
    if (
        key is not None
        and not isinstance(change, AddQuestion)
        and before.question(key) != draft.question(key)
    ):
        return f"Question {key} has changed since this was proposed."
    try:
        apply(draft, change)
    except ChangeConflictError as refused:
        return str(refused)
    except DefinitionError as invalid:
        return "The survey could not run with this change: " + "; ".join(invalid.problems)
    return None
