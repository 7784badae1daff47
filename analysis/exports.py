"""Exports of the protected aggregate tables: CSV files with a Frictionless data package, XLSX, JSON.

Nothing here computes or un-hides anything: it writes what ``analysis.tables`` read from the protected
set. Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) are
written with a leading apostrophe (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import TYPE_CHECKING, Any, Final

import msgspec
from openpyxl import Workbook

from analysis import periods

if TYPE_CHECKING:
    from analysis.tables import Tables

METHODS: Final = (
    "Outcome measures are scored at intake from each instrument's rule (WHO-5: raw sum x 4, 0-100; "
    "K6: sum 0-24). Every figure comes from the survey's protected table set: groups with fewer than k "
    "responses show no figures ('fewer than k'), and wherever such a group could be worked out from the "
    "figures shown (checked by integer programming over every published count and mean), a few more are "
    "hidden ('hidden to protect a smaller group'). Groups of k to 2k show n and the mean with an interval "
    "from the variance bound; above 2k also the lower median; from 3k also SD, quartiles and a bootstrap "
    "BCa interval (9,999 multinomial resamples of the score histogram, fixed seed; t-interval above "
    "5,000). Band shares carry Wilson intervals. Periods with at least 3k responses each are compared as "
    "independent samples (Mann-Whitney U, Hodges-Lehmann shift with its 95% interval, rank-biserial r). "
    "Reliability is Cronbach's alpha with the Feldt interval on every complete response up to 20,000."
)
SUMMARY_FIELDS: Final = [
    ("measure", "string", "The measure's key (who5, k6)."),
    ("site", "string", "The site, when grouped by site."),
    ("period", "string", "The month (YYYY-MM) or ISO week, when grouped by period."),
    ("language", "string", "The language answered in, when grouped by language."),
    ("version", "integer", "The survey version, when grouped by version."),
    ("suppressed", "boolean", "True when the group is hidden (see hidden for why)."),
    (
        "hidden",
        "string",
        "Why: 'fewer than k', or 'hidden to protect a smaller group' (shown, it would "
        "let someone work out a group of fewer than k from the other figures).",
    ),
    ("n", "integer", "Responses with a score."),
    ("mean", "number", "Mean score."),
    ("sd", "number", "Standard deviation (n - 1)."),
    ("median", "number", "Median."),
    ("q1", "number", "First quartile (linear interpolation)."),
    ("q3", "number", "Third quartile (linear interpolation)."),
    ("ci_low", "number", "Lower end of the 95% interval for the mean."),
    ("ci_high", "number", "Upper end of the 95% interval for the mean."),
    ("ci_method", "string", "bootstrap BCa, t, constant, or variance bound (n and mean only)."),
]
BAND_FIELDS: Final = [
    ("measure", "string", "The measure's key."),
    ("band", "string", "The band's key."),
    ("label", "string", "The band in words."),
    ("count", "integer", "Responses in the band; empty when hidden."),
    ("share", "number", "Share of scored responses in the band."),
    ("ci_low", "number", "Lower end of the 95% Wilson interval."),
    ("ci_high", "number", "Upper end of the 95% Wilson interval."),
    ("hidden", "string", "Why the count is hidden, when it is."),
]
ITEM_FIELDS: Final = [
    ("question", "string", "The question's key."),
    ("option", "string", "The option's code."),
    ("label", "string", "The option in words."),
    ("count", "integer", "How many chose it; empty when hidden."),
    ("hidden", "string", "Why the count is hidden, when it is."),
]
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, with a leading apostrophe; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(records: list[Any], fields: list[tuple[str, str, str]]) -> list[list[Any]]:
    table = []
    for record in records:
        values = msgspec.structs.asdict(record)
        table.append([neutralised(values.get(name)) for name, _, _ in fields])
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
        ("overall", "Every measure over the reporting period.", tables.overall.rows, SUMMARY_FIELDS),
        ("bands", "Share of responses in each band of each measure.", tables.bands, BAND_FIELDS),
        ("items", "Answers to each choice question.", tables.items, ITEM_FIELDS),
    ]


def period_range(tables: Tables) -> str:
    """The reporting period in words ("2026 Q1 (January to March)")."""
    return periods.words(tables.period)


def datapackage(tables: Tables) -> dict[str, Any]:
    """A Frictionless data package describing the CSV files (the data dictionary)."""
    return {
        "name": f"survey-{tables.survey}-aggregates",
        "title": f"Protected aggregates of survey {tables.survey}, {period_range(tables)}",
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
    readme.append(["Protected aggregates", f"survey {tables.survey}, {period_range(tables)}"])
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
