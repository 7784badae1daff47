"""What an XLSForm row's type becomes here, or why it is left out; and ``constraint`` as exact bounds.

Types are read through pyxform's own alias tables, so every spelling pyxform accepts (``select one from
LIST``, ``select all that apply``, ``begin loop``, ``q int``, ``get device id``...) is understood.
"""

from __future__ import annotations

import math
import re
from typing import Final

import msgspec

# Each kind of row left out, and why, in the words the import report shows.
LEFT_OUT: Final[dict[str, str]] = {
    "location": "a location can identify a person and where they were; this platform never records one",
    "media": "photos, recordings, videos and files can identify a person; this platform never stores them",
    "barcode": "a scanned code can identify a person or a card they carry; this platform never records one",
    "metadata": "it records the device, phone, account or time of the interview, which can identify who"
    " answered; this platform never records them",
    "contact": "a phone number or email address identifies a person; this platform never asks for one",
    "date/time": "a date or time can identify a person together with a visit, and the survey has no date"
    " question (answers are counted by the month they were given)",
    "calculate": "a calculation is computed by the form, not asked; scores here are measures computed in"
    " the analysis",
    "hidden": "a hidden field is filled in by the form, not asked",
    "acknowledge": "an acknowledgement is a box a person must tick; every screen here can be skipped, so an"
    " information screen is the closest equivalent, which the board can add",
    "rank": "ranking options has no equivalent question type here",
    "external": "its choices come from a file outside the workbook, which the import does not have",
    "repeat": "repeats ask the same questions several times (for each household member, for example); a"
    " participant here answers each question once, so the repeat and every row in it are left out",
    "choice_filter": "its options are filtered by an earlier answer (choice_filter); the kiosk would offer"
    " every option of the list, so the question is left out rather than asked with the wrong options",
    "unknown type": "pyxform does not know this type either",
    "no type": "the row has no type",
}


class Kind(msgspec.Struct, frozen=True, kw_only=True):
    """What a row's type means here: a kind we import (``select_one``...) or a feature left out."""

    name: str = ""
    list_name: str = ""
    or_other: bool = False
    left_out: str = ""
    """The key of :data:`LEFT_OUT` when the row is left out."""


_STRUCTURE: Final = re.compile(r"^(begin|end)[ _]+(group|repeat|loop|lgroup|looped[ _]group)\b", re.I)


def classify(written: str) -> Kind:
    """The kind of an XLSForm type as written (any case and spacing pyxform accepts)."""
    from pyxform import aliases
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    text = " ".join(written.split())
    lowered = text.lower()
    if not text:
        return Kind(left_out="no type")
    if match := _STRUCTURE.match(lowered):
        section = "group" if match.group(2) == "group" else "repeat"
        return Kind(name=f"{match.group(1).lower()}_{section}")
    for alias in sorted(aliases.select, key=len, reverse=True):
        if lowered == alias or lowered.startswith(alias + " "):
            canonical = aliases.select[alias]
            rest = text[len(alias) :].split()
            if "file" in alias or canonical == "select one external":
                return Kind(left_out="external")
            if canonical == "rank":
                return Kind(left_out="rank")
            name = "select_one" if canonical == "select one" else "select_multiple"
            if not rest:
                return Kind(left_out="unknown type")
            return Kind(name=name, list_name=rest[0], or_other=rest[1:2] == ["or_other"])
    known = {key.lower(): value for key, value in QUESTION_TYPE_DICT.items()}
    entry = known.get(lowered)
    if entry is None:
        return Kind(left_out="unknown type")
    bind = entry.get("bind") or {}
    control = entry.get("control") or {}
    bind_type = str(bind.get("type", ""))
    if lowered in {"calculate", "add calculate prompt", "q calculate"}:
        return Kind(left_out="calculate")
    if "jr:preload" in bind or lowered == "audit":
        return Kind(left_out="metadata")
    checks = [
        (bind.get("readonly") == "true()", Kind(name="note")),
        (lowered == "hidden", Kind(left_out="hidden")),
        (lowered == "phone number", Kind(left_out="contact")),
        (control.get("tag") == "trigger" or lowered == "trigger", Kind(left_out="acknowledge")),
        (bind_type in {"geopoint", "geotrace", "geoshape"}, Kind(left_out="location")),
        (bind_type == "binary", Kind(left_out="media")),
        (bind_type == "barcode", Kind(left_out="barcode")),
        (bind_type in {"date", "time", "dateTime"}, Kind(left_out="date/time")),
        (bind_type == "odk:rank", Kind(left_out="rank")),
        (control.get("tag") == "range", Kind(name="range")),
        (bind_type == "int", Kind(name="integer")),
        (bind_type == "decimal", Kind(name="decimal")),
        (bind_type == "string" and control.get("tag") == "input", Kind(name="text")),
    ]
    return next((kind for matched, kind in checks if matched), Kind(left_out="external"))


class Bounds(msgspec.Struct, kw_only=True):
    """A number question's range from its ``constraint``, and what of the constraint could not be kept."""

    minimum: float | None = None
    maximum: float | None = None
    notes: list[str] = []


_NUMBER: Final = r"(-?\d+(?:\.\d+)?)"
_BOUND: Final = re.compile(rf"^\.\s*(>=|<=|>|<)\s*{_NUMBER}$")
_BOUND_BEFORE: Final = re.compile(rf"^{_NUMBER}\s*(>=|<=|>|<)\s*\.$")
_FLIP: Final = {">": "<", "<": ">", ">=": "<=", "<=": ">="}


def number_bounds(constraint: str, *, integer: bool) -> Bounds:
    """Exact bounds for ``. >= 0 and . < 10`` (strict bounds of whole numbers become the next number).

    A strict bound on a decimal (``. > 0``) cannot be kept exactly, because the kiosk's ranges include their
    ends; it is left out with a note rather than made inclusive.
    """
    bounds = Bounds()
    parts = [part.strip().strip("()").strip() for part in re.split(r"\s+and\s+", constraint.strip())]
    found: list[tuple[str, float]] = []
    for part in parts:
        if match := _BOUND.match(part):
            found.append((match.group(1), float(match.group(2))))
        elif match := _BOUND_BEFORE.match(part):
            found.append((_FLIP[match.group(2)], float(match.group(1))))
        else:
            bounds.notes.append(
                f"constraint {constraint!r} left out: only ranges such as '. >= 0 and . <= 30' map here"
            )
            return Bounds(notes=bounds.notes)
    for operator, value in found:
        if operator in {">", "<"} and not integer:
            bounds.notes.append(
                f"the strict bound '. {operator} {value:g}' left out: the kiosk's ranges include their ends,"
                " so it cannot be kept exactly on a decimal"
            )
        elif operator.startswith(">"):
            bounds.minimum = (math.floor(value) + 1 if integer else value) if operator == ">" else value
            if integer and operator == ">=":
                bounds.minimum = math.ceil(value)
        elif integer:
            bounds.maximum = math.ceil(value) - 1 if operator == "<" else math.floor(value)
        else:
            bounds.maximum = value
    return bounds


def text_length(constraint: str) -> tuple[int | None, list[str]]:
    """The longest answer from ``string-length(.) <= N``, or a note saying the constraint was left out."""
    match = re.fullmatch(r"string-length\(\s*\.\s*\)\s*(<=|<)\s*(\d+)", constraint.strip())
    if match is None:
        return None, [f"constraint {constraint!r} left out: only 'string-length(.) <= N' maps for text"]
    limit = int(match.group(2)) - (1 if match.group(1) == "<" else 0)
    return max(limit, 1), []
