"""XLSForm import: each survey row becomes a question, a section screen, or is left out with its reason.

A form is refused only when no question remains that a participant could answer. Nothing is stored here:
the caller shows the report and keeps the draft only when a person confirms.
"""

from __future__ import annotations

import re

import msgspec

from questions.schemas import SurveyDefinition, Texts
from questions.scoring_rules import ScoringRule
from questions.validation import DefinitionError, validate
from questions.xlsform_read import DEFAULT, Names, Sheets, language_mappings, read_workbook
from questions.xlsform_report import Imported, ImportReport, XLSFormError
from questions.xlsform_rows import RowMapper


def _written_languages(sheets: Sheets) -> list[str]:
    seen: dict[str, None] = {}
    for row in [*sheets.survey, *sheets.choices]:
        for column in ("label", "hint"):
            value = row.get(column)
            for name in value if isinstance(value, dict) else ([DEFAULT] if value else []):
                seen[name] = None
    return list(seen)


def _languages(sheets: Sheets) -> tuple[dict[str, str], list[str], ImportReport]:
    written = _written_languages(sheets)
    notes: list[str] = []
    setting = str(sheets.settings.get("default_language") or "")
    codes, shown = language_mappings([name for name in written if name != DEFAULT], "en")
    default = codes.get(setting) or (next(iter(codes.values())) if codes and DEFAULT not in written else "en")
    if DEFAULT in written:
        codes[DEFAULT] = default
        if not setting:
            notes.append("texts written without a language are taken as English (en)")
    for name in written:
        if name not in codes:
            notes.append(f"the columns in {name!r} are left out: it is not a language name or code we know")
    languages = list(dict.fromkeys([default, *codes.values()]))
    report = ImportReport(file_name="", title="", languages=languages, language_names=shown, notes=notes)
    return codes, languages, report


def _title(sheets: Sheets, file_name: str, notes: list[str]) -> str:
    title = str(sheets.settings.get("form_title") or sheets.settings.get("title") or "").strip()
    if title:
        return title
    stem = re.sub(r"\.(xlsx|xlsm|xls)$", "", file_name.strip(), flags=re.I).strip()
    fallback = stem or str(sheets.settings.get("form_id") or "").strip() or "Imported form"
    source = "after its file" if stem else "after its form_id" if sheets.settings.get("form_id") else ""
    notes.append(
        f"the form has no form_title, so the survey is named {source} {fallback!r}".replace("  ", " ")
    )
    return fallback


def import_workbook(content: bytes, *, file_name: str = "") -> Imported:
    """Map an XLSForm workbook to a survey draft and the report a person reads before keeping it.

    Raises:
        XLSFormError: the file cannot be read, or no question remains that a participant could answer
            (its ``report`` then says what happened to each row).
    """
    sheets = read_workbook(content)
    codes, languages, base = _languages(sheets)
    notes = list(base.notes)
    title = _title(sheets, file_name, notes)
    mapper = RowMapper(sheets=sheets, codes=codes, languages=languages, names=Names())
    for row in sheets.survey:
        mapper.row(row)
    questions = mapper.questions
    ours_title: Texts = sheets.ours.get("title") or {}
    definition = SurveyDefinition(
        title={lang: ours_title.get(lang, title) for lang in languages},
        languages=languages,
        questions=questions,
    )
    measures = sheets.ours.get("measures") or []
    if measures:
        try:
            with_measures = msgspec.structs.replace(
                definition, measures=msgspec.convert(measures, list[ScoringRule])
            )
            validate(with_measures)
            definition = with_measures
        except (msgspec.ValidationError, ValueError, DefinitionError) as error:
            notes.append(f"the measures of the exported survey are left out: {error}")
    report = ImportReport(
        file_name=file_name,
        title=title,
        languages=languages,
        language_names=base.language_names,
        names=mapper.names.mappings(),
        rows=mapper.reports,
        notes=notes,
    )
    if not any(question.type != "info" for question in questions):
        raise XLSFormError(
            ["no question remains that a participant could answer; nothing was imported"], report
        )
    return Imported(title=title, definition=definition, report=report)
