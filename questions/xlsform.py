"""XLSForm import and export, so programs can bring forms from KoboToolbox and ODK and take ours there.

Export writes the survey, choices and settings sheets with openpyxl, one ``label::Language (code)`` column
per language. Import reads a workbook through pyxform (which also checks it is a well-formed XLSForm) and
maps each row, naming the row of anything it cannot map.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, Final

import msgspec
from openpyxl import Workbook

from questions.schemas import Option, Question, SurveyDefinition
from questions.scoring_rules import PREFER_NOT_TO_SAY
from questions.skip_logic import All, AnyOf, Equals, Expression, Not, OneOf, Scalar
from questions.xlsform_relevant import RelevantError, parse_relevant, plain_number, to_relevant
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from collections.abc import Mapping

LANGUAGE_NAMES: Final = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "pt": "Português",
    "ar": "العربية",
    "fa": "فارسی",
    "zh": "中文",
    "vi": "Tiếng Việt",
    "ru": "Русский",
    "uk": "Українська",
    "ht": "Kreyòl ayisyen",
}
_NAME_TO_CODE: Final = {name.lower(): code for code, name in LANGUAGE_NAMES.items()} | {
    "spanish": "es",
    "french": "fr",
    "portuguese": "pt",
    "arabic": "ar",
    "farsi": "fa",
    "persian": "fa",
    "chinese": "zh",
    "vietnamese": "vi",
    "russian": "ru",
    "ukrainian": "uk",
    "haitian creole": "ht",
}
PREFER_NOT_TO_SAY_LABELS: Final = {"en": "Prefer not to say", "es": "Prefiero no decirlo"}
# Metadata that identifies a person or a device: never collected, dropped on import with a notice.
IDENTIFYING_METADATA: Final = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "imei",
}
_TYPES_OUT: Final = {"single_choice": "select_one", "rating": "select_one", "multi_choice": "select_multiple"}


class XLSFormError(SetupProblem, ValueError):
    """A workbook could not be imported; ``problems`` lists each, naming its row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Imported(msgspec.Struct, frozen=True):
    """An imported form: its title, definition, and notices about what was dropped."""

    title: str
    definition: SurveyDefinition
    notices: list[str]


def _column(language: str) -> str:
    return f"{LANGUAGE_NAMES.get(language, language)} ({language})"


def export(definition: SurveyDefinition, *, form_id: str, version: str) -> bytes:
    """The definition as an XLSForm workbook (``.xlsx`` bytes)."""
    languages = definition.languages
    multi = {q.key for q in definition.questions if q.type == "multi_choice"}
    book = Workbook()
    survey = book.active
    assert survey is not None  # noqa: S101 - a new workbook always has a sheet
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            *(f"label::{_column(lang)}" for lang in languages),
            *(f"hint::{_column(lang)}" for lang in languages),
            "relevant",
            "constraint",
            "required",
        ]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{_column(lang)}" for lang in languages)])
    for question in definition.questions:
        kind, constraint = _type_out(question)
        relevant = to_relevant(question.show_if, multi) if question.show_if else ""
        survey.append(
            [
                kind,
                question.key,
                *(question.text.get(lang, "") for lang in languages),
                *(question.help.get(lang, "") for lang in languages),
                relevant,
                constraint,
                "no",
            ]
        )
        if question.options:
            for option in question.options:
                choices.append(
                    [question.key, str(option.code), *(option.label.get(lang, "") for lang in languages)]
                )
            labels = [
                PREFER_NOT_TO_SAY_LABELS.get(lang, PREFER_NOT_TO_SAY_LABELS["en"]) for lang in languages
            ]
            choices.append([question.key, PREFER_NOT_TO_SAY, *labels])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([definition.title.get(languages[0], form_id), form_id, version, _column(languages[0])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _type_out(question: Question) -> tuple[str, str]:
    if question.type in _TYPES_OUT:
        return f"{_TYPES_OUT[question.type]} {question.key}", ""
    if question.type == "number":
        bounds = [
            f". >= {plain_number(question.minimum)}" if question.minimum is not None else "",
            f". <= {plain_number(question.maximum)}" if question.maximum is not None else "",
        ]
        return ("integer" if question.integer else "decimal"), " and ".join(b for b in bounds if b)
    if question.type == "text":
        return "text", f"string-length(.) <= {question.max_length}"
    return "note", ""


def _language(column: str, default: str) -> str:
    """The language code of a ``label::...`` column: ``English (en)``, ``es``, ``Español``."""
    if "::" not in column:
        return default
    name = column.split("::", 1)[1].strip()
    if match := re.search(r"\(([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\)\s*$", name):
        return match.group(1)
    if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", name):
        return name
    code = _NAME_TO_CODE.get(name.lower())
    if code is None:
        raise XLSFormError([f"column {column!r}: unknown language {name!r}; write it as 'Name (code)'"])
    return code


def _texts(row: Mapping[str, Any], prefix: str, default: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for column, value in row.items():
        if (column == prefix or column.startswith(prefix + "::")) and str(value).strip():
            texts[_language(column, default)] = str(value).strip()
    return texts


def _code(name: str, all_numeric: bool) -> int | str:
    return int(name) if all_numeric else name


def _choice_lists(rows: list[dict[str, Any]], default: str) -> dict[str, list[Option]]:
    lists: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for row in rows:
        name = str(row.get("name", "")).strip()
        if name and name != PREFER_NOT_TO_SAY:
            lists.setdefault(str(row.get("list_name", "")).strip(), []).append(
                (name, _texts(row, "label", default))
            )
    options: dict[str, list[Option]] = {}
    for list_name, entries in lists.items():
        numeric = all(re.fullmatch(r"-?\d+", name) for name, _ in entries)
        options[list_name] = [Option(code=_code(name, numeric), label=labels) for name, labels in entries]
    return options


def _number_bounds(constraint: str) -> tuple[float | None, float | None]:
    low = re.search(r"\.\s*>=?\s*(-?\d+(?:\.\d+)?)", constraint)
    high = re.search(r"\.\s*<=?\s*(-?\d+(?:\.\d+)?)", constraint)
    return (float(low.group(1)) if low else None, float(high.group(1)) if high else None)


def _row_question(
    row: dict[str, Any], where: str, lists: dict[str, list[Option]], default: str, group: Expression | None
) -> Question:
    kind, _, list_name = str(row.get("type", "")).strip().partition(" ")
    key = str(row.get("name", "")).strip()
    fields: dict[str, Any] = {
        "key": key,
        "text": _texts(row, "label", default),
        "help": _texts(row, "hint", default),
    }
    if kind in {"select_one", "select_multiple"}:
        if list_name.strip() not in lists:
            raise XLSFormError([f"{where}: choice list {list_name.strip()!r} is not on the choices sheet"])
        fields |= {
            "type": "single_choice" if kind == "select_one" else "multi_choice",
            "options": lists[list_name.strip()],
        }
    elif kind in {"integer", "decimal"}:
        low, high = _number_bounds(str(row.get("constraint", "")))
        fields |= {"type": "number", "integer": kind == "integer", "minimum": low, "maximum": high}
    elif kind == "text":
        fields["type"] = "text"
    elif kind == "note":
        fields["type"] = "info"
    else:
        raise XLSFormError([f"{where}: the question type {kind!r} has no equivalent here"])
    conditions = [group] if group is not None else []
    if relevant := str(row.get("relevant", "")).strip():
        try:
            conditions.append(parse_relevant(relevant))
        except RelevantError as error:
            raise XLSFormError([f"{where}: relevant {relevant!r} cannot be mapped: {error}"]) from None
    if conditions:
        fields["show_if"] = conditions[0] if len(conditions) == 1 else All(of=conditions)
    try:
        return msgspec.convert(fields, Question)
    except msgspec.ValidationError as error:
        raise XLSFormError([f"{where}: {error}"]) from None


def _typed(value: Scalar, codes: list[int | str]) -> Scalar:
    """XPath writes every option as text (``selected(${q}, '1')``); match a number-coded list's type."""
    if (
        isinstance(value, str)
        and value.lstrip("-").isdigit()
        and all(isinstance(code, int) for code in codes)
    ):
        return int(value)
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


def _typed_skip_logic(questions: list[Question]) -> list[Question]:
    codes = {question.key: question.option_codes for question in questions}
    return [
        msgspec.structs.replace(q, show_if=_retype(q.show_if, codes)) if q.show_if is not None else q
        for q in questions
    ]


def import_workbook(content: bytes) -> Imported:
    """Map an XLSForm workbook to a survey definition (a draft to review, never published by import).

    Raises:
        XLSFormError: every row that cannot be mapped, each named, or pyxform's own objection.
    """
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import xlsx_to_dict

    try:
        book = xlsx_to_dict(io.BytesIO(content))
    except (PyXFormError, ValueError, KeyError, OSError) as error:
        raise XLSFormError([f"not a readable XLSForm workbook: {error}"]) from None
    settings = (book.get("settings") or [{}])[0]
    default = _language("label::" + str(settings.get("default_language", "en")), "en")
    lists = _choice_lists(list(book.get("choices") or []), default)
    questions: list[Question] = []
    problems: list[str] = []
    notices: list[str] = []
    groups: list[Expression | None] = []
    for number, row in enumerate(book.get("survey") or [], start=2):
        words = str(row.get("type", "")).lower().split()
        # "begin group" and "begin_group" are the same type to pyxform.
        kind = "_".join(words[:2]) if words[:1] in (["begin"], ["end"]) else (words[0] if words else "")
        where = f"survey row {number} ({row.get('name', '')})"
        if kind in IDENTIFYING_METADATA:
            notices.append(
                f"{where}: {kind} was dropped: this platform never records who or which device answered"
            )
        elif kind in {"begin_group", "begin_repeat"}:
            relevant = str(row.get("relevant", "")).strip()
            try:
                groups.append(parse_relevant(relevant) if relevant else None)
            except RelevantError as error:
                problems.append(f"{where}: relevant {relevant!r} cannot be mapped: {error}")
                groups.append(None)
        elif kind in {"end_group", "end_repeat"}:
            if groups:
                groups.pop()
        elif kind:
            condition = [g for g in groups if g is not None]
            group: Expression | None = (
                None if not condition else condition[0] if len(condition) == 1 else All(of=condition)
            )
            try:
                questions.append(_row_question(row, where, lists, default, group))
            except XLSFormError as error:
                problems += error.problems
            if str(row.get("required", "")).strip().lower() in {"yes", "true", "true()"}:
                notices.append(f"{where}: 'required' was dropped: every question here can be skipped")
    languages = list(dict.fromkeys([default, *(lang for q in questions for lang in q.text)]))
    if problems:
        raise XLSFormError(problems)
    questions = _typed_skip_logic(questions)
    title = str(settings.get("form_title") or settings.get("form_id") or "Imported form")
    definition = SurveyDefinition(title={default: title}, languages=languages, questions=questions)
    return Imported(title, definition, notices)
