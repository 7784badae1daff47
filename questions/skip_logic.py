"""Skip logic: a small JSON expression tree deciding whether a question is shown, given earlier answers.

The same rules run on the kiosk (``survey/static/skip_logic.js``); one shared file of cases
(``tests/questions/skip_logic_cases.json``) tests both. Semantics, identical in both:

- ``eq`` / ``in``: the answer equals the value / one of the values; for a multiple-choice answer, any
  chosen option counts. A skipped question or "prefer not to say" never equals anything.
- ``gt`` / ``lt``: a numeric answer strictly above / below the value; anything else is false.
- ``answered``: a value was given that is not "prefer not to say"; ``not_answered`` is its negation.
- ``all`` / ``any`` / ``not`` combine expressions (``all`` of nothing is true, ``any`` of nothing false).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import msgspec

from questions.scoring_rules import PREFER_NOT_TO_SAY

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

Scalar: TypeAlias = int | str


class _Node(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="op"):
    """Base of every expression node; ``op`` names the node's kind in JSON."""


class Equals(_Node, tag="eq", frozen=True):
    """The answer to ``q`` is ``value`` (or, for multiple choice, includes it)."""

    q: str
    value: Scalar


class OneOf(_Node, tag="in", frozen=True):
    """The answer to ``q`` is one of ``values`` (or, for multiple choice, includes one)."""

    q: str
    values: list[Scalar]


class Greater(_Node, tag="gt", frozen=True):
    """The numeric answer to ``q`` is above ``value``."""

    q: str
    value: float


class Less(_Node, tag="lt", frozen=True):
    """The numeric answer to ``q`` is below ``value``."""

    q: str
    value: float


class Answered(_Node, tag="answered", frozen=True):
    """``q`` was answered with something other than "prefer not to say"."""

    q: str


class NotAnswered(_Node, tag="not_answered", frozen=True):
    """``q`` was skipped, hidden, or answered "prefer not to say"."""

    q: str


class All(_Node, tag="all", frozen=True):
    """Every expression in ``of`` holds."""

    of: list[Expression]


class AnyOf(_Node, tag="any", frozen=True):
    """At least one expression in ``of`` holds."""

    of: list[Expression]


class Not(_Node, tag="not", frozen=True):
    """The expression ``of`` does not hold."""

    of: Expression


Expression: TypeAlias = Equals | OneOf | Greater | Less | Answered | NotAnswered | All | AnyOf | Not


def _values(answer: object) -> list[object]:
    if answer is None or answer == PREFER_NOT_TO_SAY:
        return []
    return list(answer) if isinstance(answer, list) else [answer]


def _number(answer: object) -> float | None:
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return None
    return float(answer)


def evaluate(expression: Expression, answers: Mapping[str, object]) -> bool:
    """Whether ``expression`` holds for ``answers`` (question key -> answer; absent means skipped)."""
    match expression:
        case Equals(q=key, value=value):
            return value in _values(answers.get(key))
        case OneOf(q=key, values=values):
            return any(given in values for given in _values(answers.get(key)))
        case Greater(q=key, value=value):
            number = _number(answers.get(key))
            return number is not None and number > value
        case Less(q=key, value=value):
            number = _number(answers.get(key))
            return number is not None and number < value
        case Answered(q=key):
            return bool(_values(answers.get(key)))
        case NotAnswered(q=key):
            return not _values(answers.get(key))
        case All(of=parts):
            return all(evaluate(part, answers) for part in parts)
        case AnyOf(of=parts):
            return any(evaluate(part, answers) for part in parts)
        case Not(of=part):
            return not evaluate(part, answers)
    raise TypeError(f"not a skip-logic expression: {expression!r}")


def comparisons(expression: Expression) -> Iterator[Equals | OneOf | Greater | Less | Answered | NotAnswered]:
    """Every leaf comparison in ``expression``, for validation."""
    match expression:
        case All(of=parts) | AnyOf(of=parts):
            for part in parts:
                yield from comparisons(part)
        case Not(of=part):
            yield from comparisons(part)
        case _:
            yield expression


def parse(data: object) -> Expression:
    """An expression from its JSON form.

    Raises:
        msgspec.ValidationError: the data is not a valid expression (the message names the path).
    """
    expression: Expression = msgspec.convert(data, Expression)
    return expression
