"""Between XLSForm ``relevant`` expressions (ODK XPath) and our skip logic, in both directions.

Import understands the subset forms use for skip logic: ``${q} = 'a'``, ``!=``, ``>``, ``<``, ``>=``,
``<=``, ``selected(${q}, 'a')``, ``${q} != ''`` (answered), ``${q} = ''`` (not answered),
``count-selected(${q}) > 0`` (answered) and ``= 0`` (not answered), combined with ``and``, ``or``,
``not(...)`` and parentheses. Anything else is refused with a message saying what.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from questions.scoring_rules import PREFER_NOT_TO_SAY
from questions.skip_logic import (
    All,
    Answered,
    AnyOf,
    Equals,
    Expression,
    Greater,
    Less,
    Not,
    NotAnswered,
    OneOf,
    Scalar,
)

if TYPE_CHECKING:
    from collections.abc import Callable

_TOKEN: Final = re.compile(
    r"\s*(?:(?P<ref>\$\{[a-z][a-z0-9_]*\})|(?P<string>'[^']*'|\"[^\"]*\")|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<op>!=|>=|<=|=|>|<)|(?P<punct>[(),])|(?P<word>[a-z][a-z-]*))",
    re.IGNORECASE,
)


class RelevantError(ValueError):
    """A ``relevant`` expression uses something our skip logic cannot express."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise RelevantError(f"cannot read {text[position:].strip()!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1].lower() != value:
            raise RelevantError(f"expected {value!r} but found {token[1] or 'the end'!r}")
        self.at += 1
        return token

    def expression(self) -> Expression:
        return self.joined("or", self.conjunction, AnyOf)

    def conjunction(self) -> Expression:
        return self.joined("and", self.unary, All)

    def joined(self, word: str, operand: Callable[[], Expression], node: type[All | AnyOf]) -> Expression:
        """One ``operand``, or several joined by ``word`` as one ``node``."""
        parts = [operand()]
        while self.peek() == ("word", word):
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else node(of=parts)

    def unary(self) -> Expression:
        kind, value = self.peek()
        if kind == "word" and value.lower() == "not":
            self.take()
            self.take("(")
            inner = self.expression()
            self.take(")")
            return Not(of=inner)
        if kind == "word" and value.lower() == "selected":
            self.take()
            self.take("(")
            key = self.reference()
            self.take(",")
            literal = self.literal()
            self.take(")")
            if isinstance(literal, float):
                raise RelevantError(f"selected(${{{key}}}, ...) needs an option name, not {literal:g}")
            return Equals(q=key, value=literal)
        if kind == "word" and value.lower() == "count-selected":
            return self.count_selected()
        if (kind, value) == ("punct", "("):
            self.take()
            inner = self.expression()
            self.take(")")
            return inner
        return self.comparison()

    def count_selected(self) -> Expression:
        self.take()
        self.take("(")
        key = self.reference()
        self.take(")")
        kind, operator = self.take()
        value = self.literal()
        some = {(">", 0), (">=", 1), ("!=", 0)}
        none = {("=", 0), ("<", 1), ("<=", 0)}
        if kind == "op" and (operator, value) in some:
            return Answered(q=key)
        if kind == "op" and (operator, value) in none:
            return NotAnswered(q=key)
        raise RelevantError(
            f"count-selected(${{{key}}}) {operator} {value}: skip logic here can only tell whether any"
            " option was chosen"
        )

    def reference(self) -> str:
        kind, value = self.take()
        if kind != "ref":
            raise RelevantError(f"expected a question reference like ${{name}}, found {value!r}")
        return value[2:-1]

    def literal(self) -> Scalar | float:
        kind, value = self.take()
        if kind == "string":
            return value[1:-1]
        if kind == "number":
            return float(value) if "." in value else int(value)
        raise RelevantError(f"expected a value, found {value!r}")

    def comparison(self) -> Expression:
        key = self.reference()
        kind, operator = self.take()
        if kind != "op":
            raise RelevantError(f"expected a comparison after ${{{key}}}, found {operator!r}")
        value = self.literal()
        if value == "":
            if operator in {"!=", "="}:
                return Answered(q=key) if operator == "!=" else NotAnswered(q=key)
            raise RelevantError(f"cannot compare ${{{key}}} with an empty value by {operator}")
        if operator in {"=", "!="}:
            if isinstance(value, float):
                raise RelevantError(f"cannot test ${{{key}}} for equality with a decimal")
            equals = Equals(q=key, value=value)
            return equals if operator == "=" else Not(of=equals)
        if isinstance(value, str):
            raise RelevantError(f"cannot compare ${{{key}}} with text by {operator}")
        if operator in {">", "<"}:
            return Greater(q=key, value=value) if operator == ">" else Less(q=key, value=value)
        if isinstance(value, float):
            raise RelevantError(f"{operator} needs a whole number to compare ${{{key}}} with")
        strict: Expression = Greater(q=key, value=value) if operator == ">=" else Less(q=key, value=value)
        return AnyOf(of=[strict, Equals(q=key, value=value)])


def parse_relevant(text: str) -> Expression:
    """Our skip logic for an XLSForm ``relevant`` expression.

    Raises:
        RelevantError: the expression uses something outside the mapped subset.
    """
    parser = _Parser(text)
    expression = parser.expression()
    if parser.peek()[0] != "end":
        raise RelevantError(f"unexpected {parser.peek()[1]!r}")
    return expression


def plain_number(value: float) -> str:
    """A number as XPath and spreadsheets read it: never in exponent form (1000000, not 1e+06)."""
    if float(value).is_integer():
        return str(int(value))
    return format(value, "f").rstrip("0").rstrip(".")


def _literal(value: Scalar) -> str:
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "") + "'"


def to_relevant(expression: Expression, multi: set[str], names: dict[str, str] | None = None) -> str:
    """An ODK XPath ``relevant`` expression for our skip logic (``multi`` = multiple-choice keys).

    ``names`` gives the XLSForm name to write for a key that has one (``Question.xlsform_name``).
    """
    written = names or {}

    def ref(key: str) -> str:
        return "${" + written.get(key, key) + "}"

    def equals(key: str, value: Scalar) -> str:
        if key in multi:
            return f"selected({ref(key)}, {_literal(value)})"
        return f"{ref(key)} = {_literal(value)}"

    def part(inner: Expression) -> str:
        return to_relevant(inner, multi, names)

    match expression:
        case Equals(q=key, value=value):
            return equals(key, value)
        case OneOf(q=key, values=values):
            return "(" + " or ".join(equals(key, value) for value in values) + ")" if values else "false()"
        case Greater(q=key, value=value):
            return f"{ref(key)} > {plain_number(value)}"
        case Less(q=key, value=value):
            return f"{ref(key)} < {plain_number(value)}"
        case Answered(q=key):
            return f"({ref(key)} != '' and not({equals(key, PREFER_NOT_TO_SAY)}))"
        case NotAnswered(q=key):
            return f"({ref(key)} = '' or {equals(key, PREFER_NOT_TO_SAY)})"
        case All(of=parts):
            return "(" + " and ".join(part(p) for p in parts) + ")" if parts else "true()"
        case AnyOf(of=parts):
            return "(" + " or ".join(part(p) for p in parts) + ")" if parts else "false()"
        case Not(of=inner):
            return f"not({part(inner)})"
    raise TypeError(f"not a skip-logic expression: {expression!r}")
