"""Questions, answers and skip logic in the board's plain words, so no page shows a machine key.

Keys (``who5_1``) and answer codes stay in the data; the board's pages name a question by its words in the
survey's first language and show keys only in a small "technical details" line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from questions.scoring_rules import PREFER_NOT_TO_SAY
from questions.skip_logic import All, Answered, AnyOf, Equals, Greater, Less, Not, NotAnswered, OneOf

if TYPE_CHECKING:
    from questions.schemas import SurveyDefinition
    from questions.skip_logic import Expression, Scalar

WORDS_LIMIT: Final = 60
"""A question named inside a sentence is cut to this many characters (about a phone's line and a half)."""


def short(text: str, limit: int = WORDS_LIMIT) -> str:
    """``text`` cut at ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def question_words(definition: SurveyDefinition, key: str) -> str:
    """A question as people know it: its words in the first language, shortened and quoted."""
    found = definition.question(key)
    if found is None:
        return "a question no longer in the survey"
    return f"“{short(found.text.get(definition.languages[0], ''))}”"


def answer_words(definition: SurveyDefinition, key: str, code: Scalar) -> str:
    """An answer by its label in the first language (codes are for the data, not for people)."""
    if code == PREFER_NOT_TO_SAY:
        return "“Prefer not to say”"
    found = definition.question(key)
    for option in found.options if found else []:
        if option.code == code:
            return f"“{option.label.get(definition.languages[0], str(code))}”"
    return f"“{code}”"


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def condition_words(expression: Expression, definition: SurveyDefinition) -> str:
    """A skip-logic condition as a sentence: “Were you with someone who overdosed?” is answered “Yes”."""
    match expression:
        case Equals(q=key, value=value):
            return f"{question_words(definition, key)} is answered {answer_words(definition, key, value)}"
        case OneOf(q=key, values=values):
            answers = _either([answer_words(definition, key, value) for value in values])
            return f"{question_words(definition, key)} is answered {answers}"
        case Greater(q=key, value=value):
            return f"the answer to {question_words(definition, key)} is more than {value:g}"
        case Less(q=key, value=value):
            return f"the answer to {question_words(definition, key)} is less than {value:g}"
        case Answered(q=key):
            return f"{question_words(definition, key)} is answered"
        case NotAnswered(q=key):
            return f"{question_words(definition, key)} is skipped or not answered"
        case All(of=parts):
            return " and ".join(condition_words(part, definition) for part in parts) or "always"
        case AnyOf(of=parts):
            return " or ".join(condition_words(part, definition) for part in parts) or "never"
        case Not(of=part):
            return f"it is not so that {condition_words(part, definition)}"
    return "always"


def shown_when(expression: Expression | None, definition: SurveyDefinition) -> str:
    """When a question is shown, in a sentence the survey page and the forms show."""
    if expression is None:
        return "Always shown."
    return f"Shown only if {condition_words(expression, definition)}."


def picked(expression: Expression | None) -> tuple[str, list[str]]:
    """The earlier question and its answers (``key:code``) a simple "show only if" picks, for the forms."""
    match expression:
        case Equals(q=key, value=value):
            return key, [f"{key}:{value}"]
        case OneOf(q=key, values=values):
            return key, [f"{key}:{value}" for value in values]
    return "", []
