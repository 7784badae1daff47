"""Exports of the suppressed aggregate tables: CSV files with a Frictionless data package, XLSX, JSON.

Nothing here computes or un-hides anything: it writes what ``analysis.tables`` already suppressed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import TYPE_CHECKING, Any, Final

import msgspec
from openpyxl import Workbook

if TYPE_CHECKING:
    from analysis.tables import Tables

METHODS: Final = (
    "Outcome measures are scored at intake from each instrument's rule (WHO-5: raw sum x 4, 0-100; "
    "K6: sum 0-24). Groups with fewer than k responses show no figures, and where a hidden group or count "
    "could be recovered by subtraction from a total and its siblings, the next smallest sibling is hidden "
    "too. Means carry 95% intervals: bootstrap BCa (9,999 resamples, fixed seed) up to 5,000 responses, "
    "t-interval above. Band shares carry Wilson intervals. Periods are compared as independent samples "
    "(Mann-Whitney U, Hodges-Lehmann shift with its 95% interval, rank-biserial r). Reliability is "
    "Cronbach's alpha with the Feldt interval on up to 5,000 complete responses."
)
SUMMARY_FIELDS: Final = [
    ("measure", "string", "The measure's key (who5, k6)."),
    ("site", "string", "The site, when grouped by site."),
    ("period", "string", "The month (YYYY-MM) or ISO week, when grouped by period."),
    ("language", "string", "The language answered in, when grouped by language."),
    ("version", "integer", "The survey version, when grouped by version."),
    ("suppressed", "boolean", "True when the group is hidden: fewer than k, or recoverable by subtraction."),
    ("n", "integer", "Responses with a score."),
    ("mean", "number", "Mean score."),
    ("sd", "number", "Standard deviation (n - 1)."),
    ("median", "number", "Median."),
    ("q1", "number", "First quartile (linear interpolation)."),
    ("q3", "number", "Third quartile (linear interpolation)."),
    ("ci_low", "number", "Lower end of the 95% interval for the mean."),
    ("ci_high", "number", "Upper end of the 95% interval for the mean."),
    ("ci_method", "string", "bootstrap BCa, t, or constant."),
]
BAND_FIELDS: Final = [
    ("measure", "string", "The measure's key."),
    ("band", "string", "The band's key."),
    ("label", "string", "The band in words."),
    ("count", "integer", "Responses in the band; empty when hidden."),
    ("share", "number", "Share of scored responses in the band."),
    ("ci_low", "number", "Lower end of the 95% Wilson interval."),
    ("ci_high", "number", "Upper end of the 95% Wilson interval."),
]
ITEM_FIELDS: Final = [
    ("question", "string", "The question's key."),
    ("option", "string", "The option's code."),
    ("label", "string", "The option in words."),
    ("count", "integer", "How many chose it; empty when hidden."),
]


def _rows(records: list[Any], fields: list[tuple[str, str, str]]) -> list[list[Any]]:
    table = []
    for record in records:
        values = msgspec.structs.asdict(record)
        table.append([values.get(name) for name, _, _ in fields])
    return table


def _csv(records: list[Any], fields: list[tuple[str, str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _, _ in fields])
    for row in _rows(records, fields):
        writer.writerow(
            [
                "" if value is None else str(value).lower() if isinstance(value, bool) else value
                for value in row
            ]
        )
    return buffer.getvalue()


def _resources(tables: Tables) -> list[tuple[str, str, list[Any], list[tuple[str, str, str]]]]:
    return [
        ("summary", "Every measure by the chosen grouping.", tables.grouped.rows, SUMMARY_FIELDS),
        ("overall", "Every measure over the whole range.", tables.overall.rows, SUMMARY_FIELDS),
        ("bands", "Share of responses in each band of each measure.", tables.bands, BAND_FIELDS),
        ("items", "Answers to each choice question.", tables.items, ITEM_FIELDS),
    ]


def period_range(tables: Tables) -> str:
    """The range in words, an open end said as such ("the start to 2026-03")."""
    return f"{tables.first or 'the start'} to {tables.last or 'now'}"


def datapackage(tables: Tables) -> dict[str, Any]:
    """A Frictionless data package describing the CSV files (the data dictionary)."""
    return {
        "name": f"survey-{tables.survey}-aggregates",
        "title": f"Suppressed aggregates of survey {tables.survey}, {period_range(tables)}",
        "description": f"{METHODS} k = {tables.k}.",
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": description,
                "schema": {
                    "fields": [
                        {"name": field, "type": kind, "description": about} for field, kind, about in fields
                    ]
                },
            }
            for name, description, _, fields in _resources(tables)
        ],
    }


def zip_bundle(tables: Tables) -> bytes:
    """The CSV files, their ``datapackage.json`` and a README with the methods, as one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, _, records, fields in _resources(tables):
            bundle.writestr(f"{name}.csv", _csv(records, fields))
        bundle.writestr("datapackage.json", msgspec.json.format(msgspec.json.encode(datapackage(tables))))
        bundle.writestr("README.txt", f"{METHODS}\n\nk = {tables.k}\n")
    return buffer.getvalue()


def workbook(tables: Tables) -> bytes:
    """An XLSX file: a README sheet (methods, k, data dictionary) and one sheet per table."""
    book = Workbook()
    readme = book.active
    assert readme is not None  # noqa: S101 - a new workbook always has a sheet
    readme.title = "README"
    readme.append(["Suppressed aggregates", f"survey {tables.survey}, {period_range(tables)}"])
    readme.append(["k", tables.k])
    readme.append(["Methods", METHODS])
    readme.append([])
    readme.append(["Sheet", "Column", "Type", "Meaning"])
    for name, _, records, fields in _resources(tables):
        for field, kind, about in fields:
            readme.append([name, field, kind, about])
        sheet = book.create_sheet(name)
        sheet.append([field for field, _, _ in fields])
        for row in _rows(records, fields):
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_json(tables: Tables) -> bytes:
    """Every table as JSON (the same figures, hidden ones as null)."""
    return msgspec.json.encode({"methods": METHODS, **msgspec.structs.asdict(tables)})
