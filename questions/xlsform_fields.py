"""The type-specific fields of an imported question: options, ranges, lengths, and what was not kept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from questions.schemas import Option
from questions.scoring_rules import PREFER_NOT_TO_SAY
from questions.xlsform_types import number_bounds, text_length

if TYPE_CHECKING:
    from questions.xlsform_rows import Row, RowMapper
    from questions.xlsform_types import Kind

OTHER: Final = {"en": "Other", "es": "Otro", "fr": "Autre", "pt": "Outro"}
SPECIFY: Final = {
    "en": "Please say which",
    "es": "Por favor diga cuál",
    "fr": "Précisez",
    "pt": "Especifique",
}
_YES: Final = {"yes", "true", "true()"}


def build_fields(
    mapper: RowMapper, row: Row, kind: Kind, review: set[str]
) -> tuple[dict[str, Any], list[str]] | str:
    """The type-specific fields of a question and notes on what was not kept, or why it cannot be built."""
    notes: list[str] = []
    bind = row.bind
    fields: dict[str, Any] = {}
    help_texts = mapper.texts(row.data.get("hint"))
    constraint = str(bind.get("constraint") or "").strip()
    kept_constraint = False
    if kind.name in {"select_one", "select_multiple"}:
        entries = mapper.lists.get(kind.list_name)
        if entries is None:
            return f"its choice list {kind.list_name!r} is not on the choices sheet"
        options = [
            Option(code=o.code, label=mapper.complete(o.label, review))
            for o in options_of(entries, mapper.texts)
        ]
        if kind.or_other and "other" not in [o.code for o in options]:
            labels = {language: OTHER.get(language, OTHER["en"]) for language in mapper.languages}
            review.update(language for language in mapper.languages if language not in OTHER)
            options.append(Option(code="other", label=labels))
        rating = row.data.get("x_bank_type") == "rating" and kind.name == "select_one"
        fields["type"] = (
            "rating" if rating else "single_choice" if kind.name == "select_one" else "multi_choice"
        )
        fields["options"] = options
    elif kind.name in {"integer", "decimal", "range"}:
        fields |= {"type": "number", "integer": kind.name != "decimal"}
        if kind.name == "range":
            parameters = dict(
                re.findall(r"(\w+)\s*=\s*(-?\d+(?:\.\d+)?)", str(row.data.get("parameters", "")))
            )
            low, high = float(parameters.get("start", 1)), float(parameters.get("end", 10))
            fields |= {"minimum": min(low, high), "maximum": max(low, high)}
            fields["integer"] = (
                all(float(v).is_integer() for v in parameters.values()) if parameters else True
            )
        if constraint:
            bounds = number_bounds(constraint, integer=fields["integer"])
            notes += bounds.notes
            kept_constraint = bounds.minimum is not None or bounds.maximum is not None
            fields["minimum"] = bounds.minimum if bounds.minimum is not None else fields.get("minimum")
            fields["maximum"] = bounds.maximum if bounds.maximum is not None else fields.get("maximum")
    elif kind.name == "text":
        fields["type"] = "text"
        if constraint:
            length, more = text_length(constraint)
            notes += more
            kept_constraint = length is not None
            if length is not None:
                fields["max_length"] = length
    else:
        fields["type"] = "info"
    if constraint and not kept_constraint and fields["type"] not in {"number", "text"}:
        notes.append(f"constraint {constraint!r} left out: only number ranges and text lengths map here")
    message = mapper.texts(bind.get("jr:constraintMsg"))
    if message and kept_constraint:
        for language, words in message.items():
            help_texts[language] = f"{help_texts.get(language, '')} {words}".strip()
        notes.append(f"the constraint message is kept in the help text ({', '.join(sorted(message))})")
    elif message:
        notes.append("the constraint message is left out with its constraint")
    if str(bind.get("required", "")).strip().lower() in _YES:
        notes.append("'required' left out: every question here can be skipped, so no one is made to answer")
    if row.data.get("default"):
        notes.append("its default answer is left out: no answer is filled in for a participant")
    if row.data.get("media"):
        notes.append("its image, audio or video is left out: media files are not part of the workbook")
    if instrument := str(row.data.get("x_bank_instrument") or "").strip():
        fields["instrument"] = instrument
    fields["help"] = help_texts
    return fields, notes


def options_of(entries: list[dict[str, Any]], texts: Any) -> list[Option]:
    """A choice list's options: number codes when every name is a whole number; our own extra row dropped."""
    named = [(str(entry.get("name", "")).strip(), entry) for entry in entries]
    named = [(name, entry) for name, entry in named if name and name != PREFER_NOT_TO_SAY]
    numeric = bool(named) and all(re.fullmatch(r"-?\d+", name) for name, _ in named)
    return [
        Option(code=int(name) if numeric else name, label=texts(entry.get("label"), fallback=name))
        for name, entry in named
    ]
