"""XLSForm export, so programs can take our surveys to KoboToolbox and ODK (import: ``xlsform_import``).

Export writes the survey, choices and settings sheets with openpyxl, one ``label::Language (code)`` column
per language, plus what XLSForm has no column for, so our own export re-imports without loss: extra
``x_bank_*`` survey columns (our key, the rating type, the instrument, the languages to review) and an
``x_bank`` sheet (the title in every language, the measures). pyxform ignores both. A question imported
from an XLSForm under a name our keys do not allow (``Q-1``) is written back under that name.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Final

import msgspec
from openpyxl import Workbook

from questions.scoring_rules import PREFER_NOT_TO_SAY
from questions.xlsform_import import import_workbook
from questions.xlsform_read import OUR_SHEET
from questions.xlsform_relevant import plain_number, to_relevant
from questions.xlsform_report import Imported, ImportReport, XLSFormError, report_text

if TYPE_CHECKING:
    from questions.schemas import Question, SurveyDefinition

__all__ = ["ImportReport", "Imported", "XLSFormError", "export", "import_workbook", "report_text"]

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
PREFER_NOT_TO_SAY_LABELS: Final = {"en": "Prefer not to say", "es": "Prefiero no decirlo"}
_TYPES_OUT: Final = {"single_choice": "select_one", "rating": "select_one", "multi_choice": "select_multiple"}


def _column(language: str) -> str:
    return f"{LANGUAGE_NAMES.get(language, language)} ({language})"


def export(definition: SurveyDefinition, *, form_id: str, version: str) -> bytes:
    """The definition as an XLSForm workbook (``.xlsx`` bytes)."""
    languages = definition.languages
    multi = {q.key for q in definition.questions if q.type == "multi_choice"}
    names = {q.key: q.xlsform_name for q in definition.questions if q.xlsform_name}
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
            "x_bank_key",
            "x_bank_type",
            "x_bank_instrument",
            "x_bank_needs_review",
        ]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{_column(lang)}" for lang in languages)])
    for question in definition.questions:
        kind, constraint = _type_out(question)
        relevant = to_relevant(question.show_if, multi, names) if question.show_if else ""
        survey.append(
            [
                kind,
                names.get(question.key, question.key),
                *(question.text.get(lang, "") for lang in languages),
                *(question.help.get(lang, "") for lang in languages),
                relevant,
                constraint,
                "no",
                question.key,
                question.type,
                question.instrument or "",
                ",".join(question.needs_review),
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
    ours = book.create_sheet(OUR_SHEET)
    ours.append(["field", "value"])
    ours.append(["title", msgspec.json.encode(definition.title).decode()])
    ours.append(["measures", msgspec.json.encode(definition.measures).decode()])
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
