"""A proposal's change as the values of its form, so its proposer revises what they wrote, not a blank."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from questions.changes import AddQuestion, OptionsChange, ShowIfChange, WordingChange
from questions.plain_words import picked

if TYPE_CHECKING:
    from questions.proposal_queries import Proposal
    from questions.schemas import Option, SurveyDefinition


def _lines(options: list[Option], language: str) -> str:
    return "\n".join(option.label.get(language, "") for option in options)


def _show_if(expression: Any) -> dict[str, Any]:
    question, answers = picked(expression)
    return {"show_if_question": question, "show_if_answer": answers}


def revision_values(found: Proposal, draft: SurveyDefinition) -> dict[str, Any]:
    """The form fields of an open proposal as it stands (a language left to translate stays empty)."""
    change = found.change
    values: dict[str, Any] = {"reason": found.reason}
    match change:
        case WordingChange():
            values |= {"text": change.text, "help": change.help, "option_label": change.option_labels}
        case OptionsChange():
            values["options"] = [
                "" if code in change.to_check else _lines(change.options, code) for code in draft.languages
            ]
        case ShowIfChange():
            values |= _show_if(change.show_if)
        case AddQuestion():
            question = change.question
            written = [code not in question.untranslated for code in draft.languages]
            values |= {
                "type": question.type,
                "text": [
                    question.text.get(c, "") if w else ""
                    for c, w in zip(draft.languages, written, strict=True)
                ],
                "help": [
                    question.help.get(c, "") if w else ""
                    for c, w in zip(draft.languages, written, strict=True)
                ],
                "options": [
                    _lines(question.options, c) if w else ""
                    for c, w in zip(draft.languages, written, strict=True)
                ],
                "after": change.after or "",
                "minimum": "" if question.minimum is None else f"{question.minimum:g}",
                "maximum": "" if question.maximum is None else f"{question.maximum:g}",
                **_show_if(question.show_if),
            }
    return values
