"""The XLSForm import report: what each row became or why it was left out, read before anything is kept."""

from __future__ import annotations

from typing import Literal

import msgspec

from questions.schemas import SurveyDefinition
from survey.problems import SetupProblem


class XLSFormError(SetupProblem, ValueError):
    """A workbook could not be imported at all; ``problems`` says why, and ``report`` what each row was."""

    def __init__(self, problems: list[str], report: ImportReport | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.report = report


class RowReport(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One row of the survey sheet (or a choice list) and what the import made of it."""

    sheet: str
    row: int
    """The spreadsheet's own row number (the header is row 1)."""
    name: str
    type: str
    """The row's type as the form writes it."""
    outcome: Literal["imported", "left_out"]
    imported_as: str = ""
    """What it became, e.g. ``single_choice question smoke_often`` or ``section screen``."""
    feature: str = ""
    """For a row left out, the kind of thing it is (``location``, ``repeat``...), for the measurement."""
    reason: str = ""
    """For a row left out, why, in plain words."""
    notes: list[str] = []
    """Parts of an imported row left out or changed, each with why (``required``, a strict bound...)."""


class NameMapping(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A name XLSForm allows but our keys do not (``Q1``, ``_id``, ``a-b``), and the key it became."""

    original: str
    key: str


class LanguageMapping(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A language as a column header writes it (``Swahili``, ``English (en)``) and its code."""

    written: str
    code: str


class ImportReport(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Everything a person reads before keeping an imported form."""

    file_name: str
    title: str
    languages: list[str]
    """The languages of the imported survey, the first being its default."""
    language_names: list[LanguageMapping] = []
    names: list[NameMapping] = []
    rows: list[RowReport] = []
    notes: list[str] = []
    """What applies to the whole form (where its name came from, languages left out...)."""

    @property
    def imported(self) -> list[RowReport]:
        """The rows that became part of the draft."""
        return [row for row in self.rows if row.outcome == "imported"]

    @property
    def left_out(self) -> list[RowReport]:
        """The rows left out, each with its reason."""
        return [row for row in self.rows if row.outcome == "left_out"]


class Imported(msgspec.Struct, frozen=True, kw_only=True):
    """An imported form: the draft's definition and the report saying how it was made."""

    title: str
    definition: SurveyDefinition
    report: ImportReport


def report_text(report: ImportReport) -> str:
    """The report as plain lines, for the command line."""
    lines = [
        f"Import report for {report.file_name or 'the workbook'}: {report.title!r}",
        f"Languages: {', '.join(report.languages)}",
        *(f"  language {lang.written!r} -> {lang.code}" for lang in report.language_names),
        *(f"  name {name.original!r} -> key {name.key}" for name in report.names),
        *(f"Note: {note}" for note in report.notes),
    ]
    for row in report.rows:
        where = f"{row.sheet} row {row.row} {row.type!r}" + (f" {row.name!r}" if row.name else "")
        if row.outcome == "imported":
            lines.append(f"  imported  {where} as {row.imported_as}")
        else:
            lines.append(f"  left out  {where}: {row.reason}")
        lines.extend(f"            - {note}" for note in row.notes)
    lines.append(f"{len(report.imported)} rows imported, {len(report.left_out)} left out.")
    return "\n".join(lines)
