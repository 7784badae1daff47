"""Skip logic read from XPath writes every option as text (``'1'``); give it the type of the option's code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from questions.skip_logic import All, AnyOf, Equals, Expression, Not, OneOf, Scalar

if TYPE_CHECKING:
    from questions.schemas import Question


def _typed(value: Scalar, codes: list[int | str]) -> Scalar:
    if isinstance(value, str) and value.lstrip("-").isdigit() and int(value) in codes and value not in codes:
        return int(value)
    if isinstance(value, int) and value not in codes and str(value) in codes:
        return str(value)
    return value


def _retype(expression: Expression, codes: dict[str, list[int | str]]) -> Expression:
    match expression:
        case Equals(q=key, value=value):
            return Equals(q=key, value=_typed(value, codes.get(key, [])))
        case OneOf(q=key, values=values):
            return OneOf(q=key, values=[_typed(value, codes.get(key, [])) for value in values])
        case All(of=parts):
            return All(of=[_retype(part, codes) for part in parts])
        case AnyOf(of=parts):
            return AnyOf(of=[_retype(part, codes) for part in parts])
        case Not(of=part):
            return Not(of=_retype(part, codes))
    return expression


def retyped(question: Question, earlier: list[Question]) -> Question:
    """``question`` with the values in its skip logic typed as the earlier questions' option codes."""
    if question.show_if is None:
        return question
    codes = {q.key: q.option_codes for q in earlier}
    return msgspec.structs.replace(question, show_if=_retype(question.show_if, codes))
