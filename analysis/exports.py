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
from openpyxl.utils import get_column_letter

from analysis import periods
from analysis.indicators import INDICATOR_FIELDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from analysis.indicators import IndicatorRow
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
    "Single-choice questions are compared between the same two periods from their shown answer counts "
    "(Pearson's chi-square, simulated p when an expected count is below 5, Cramer's V), with "
    "Benjamini-Hochberg adjusted q across the questions. Number questions show a histogram of fixed "
    "ranges (from the question's range, never from the answers), protected like band counts. "
    "Reliability is Cronbach's alpha with the Feldt interval on every complete response up to 20,000; "
    "a measure that scores a response with a skipped item shows no interval (it would give the count of "
    "complete responses), and a linked p is shown only when at least k scores changed and none or at "
    "least k stayed the same."
)
SUMMARY_FIELDS: Final = [
    ("measure", "string", "The measure's key (who5, k6)."),
    ("site", "string", "The site, when grouped by site."),
    ("period", "string", "The month (YYYY-MM) or ISO week, when grouped by period."),
    ("language", "string", "The language answered in, when grouped by language."),
    ("version", "integer", "The survey version, when grouped by version."),
    (
        "answered_with",
        "string",
        "How the survey was answered (own, read_aloud, helped; empty: did not say), when grouped so.",
    ),
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
    ("question_text", "string", "The question's words (first language)."),
    ("option", "string", "The option's code."),
    ("label", "string", "The option in words."),
    ("count", "integer", "How many chose it; empty when hidden."),
    ("hidden", "string", "Why the count is hidden, when it is."),
]
COMPARISON_FIELDS: Final = [
    ("measure", "string", "The measure's key."),
    ("before", "string", "The earlier reporting period."),
    ("after", "string", "The later reporting period."),
    ("n_before", "integer", "Responses in the earlier period."),
    ("n_after", "integer", "Responses in the later period."),
    ("u", "number", "Mann-Whitney U of the later period."),
    ("p", "number", "Two-sided p."),
    ("p_method", "string", "How p was computed."),
    ("shift", "number", "Hodges-Lehmann shift (later minus earlier)."),
    ("shift_ci_low", "number", "Lower end of the shift's 95% interval."),
    ("shift_ci_high", "number", "Upper end of the shift's 95% interval."),
    ("rank_biserial", "number", "Rank-biserial r."),
    ("note", "string", "Why there is no comparison, when there is none."),
]
TREND_FIELDS: Final = [
    ("measure", "string", "The measure's key."),
    ("points", "integer", "Periods with a shown mean."),
    ("slope", "number", "Theil-Sen slope of the mean, points per month (or week)."),
    ("slope_ci_low", "number", "Lower end of the slope's 95% interval."),
    ("slope_ci_high", "number", "Upper end of the slope's 95% interval."),
    ("note", "string", "Why there is no trend, when there is none."),
]
LINKED_FIELDS: Final = [
    ("measure", "string", "The measure's key."),
    ("before", "string", "The first month."),
    ("after", "string", "The last month."),
    ("pairs", "integer", "Linked pairs (at least k, else empty)."),
    ("shift", "number", "Paired Hodges-Lehmann shift."),
    ("shift_ci_low", "number", "Lower end of its 95% interval."),
    ("shift_ci_high", "number", "Upper end of its 95% interval."),
    ("p", "number", "Wilcoxon signed-rank p (empty when fewer than k changed or stayed the same)."),
    ("share_improved", "number", "Share improved by at least the meaningful change."),
    ("note", "string", "Why figures are missing, when some are."),
]
RELIABILITY_FIELDS: Final = [
    ("measure", "string", "The measure's key."),
    ("alpha", "number", "Cronbach's alpha."),
    ("ci_low", "number", "Lower end of the Feldt 95% interval (empty for a prorating measure)."),
    ("ci_high", "number", "Upper end of the Feldt 95% interval."),
    ("note", "string", "Why alpha or its interval is missing, when one is."),
]
ITEM_COMPARISON_FIELDS: Final = [
    ("question", "string", "The question's key."),
    ("question_text", "string", "The question in the survey's first language."),
    ("before", "string", "The earlier reporting period."),
    ("after", "string", "The later reporting period."),
    ("chi_square", "number", "Pearson's chi-square of options x periods (no continuity correction)."),
    ("df", "integer", "Its degrees of freedom."),
    ("p", "number", "Its p; simulated from 9,999 tables with the same margins when method is simulated."),
    ("q", "number", "Benjamini-Hochberg adjusted p across the questions compared together."),
    ("cramers_v", "number", "Cramer's V, the size of the difference (0 to 1)."),
    ("method", "string", "chi-square, or simulated (an expected count below 5)."),
    ("note", "string", "Why the question is not compared, when it is not."),
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
        values = record if isinstance(record, dict) else msgspec.structs.asdict(record)
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


def _resources(
    tables: Tables, indicators: Sequence[IndicatorRow] = ()
) -> list[tuple[str, str, list[Any], list[tuple[str, str, str]]]]:
    return [
        ("summary", "Every measure by the chosen grouping.", tables.grouped.rows, SUMMARY_FIELDS),
        ("overall", "Every measure over the reporting period.", tables.overall.rows, SUMMARY_FIELDS),
        ("bands", "Share of responses in each band of each measure.", tables.bands, BAND_FIELDS),
        ("items", "Answers to each choice question.", tables.items, ITEM_FIELDS),
        (
            "numbers",
            "Answers to each number question (measure number:KEY).",
            tables.number_rows,
            SUMMARY_FIELDS,
        ),
        ("comparisons", "Two reporting periods compared.", _flat_comparisons(tables), COMPARISON_FIELDS),
        ("trends", "Theil-Sen trend of the shown means.", tables.trends, TREND_FIELDS),
        (
            "item_comparisons",
            "Each single-choice question in the two compared periods, with Benjamini-Hochberg q.",
            tables.item_comparisons,
            ITEM_COMPARISON_FIELDS,
        ),
        ("linked", "Linked pre/post pairs.", tables.linked, LINKED_FIELDS),
        ("reliability", "Cronbach's alpha per measure.", tables.reliability, RELIABILITY_FIELDS),
        (
            "indicators",
            "SSP indicators by reporting period (analysis.indicators), from the same protected set.",
            list(indicators),
            INDICATOR_FIELDS,
        ),
    ]


def _flat_comparisons(tables: Tables) -> list[dict[str, Any]]:
    rows = []
    for row in tables.comparisons:
        result = msgspec.structs.asdict(row.result) if row.result is not None else {}
        rows.append(
            {"measure": row.measure, "before": row.before, "after": row.after, "note": row.note, **result}
        )
    return rows


def period_range(tables: Tables) -> str:
    """The reporting period in words ("2026 Q1 (January to March)")."""
    return periods.words(tables.period)


def datapackage(tables: Tables, indicators: Sequence[IndicatorRow] = ()) -> dict[str, Any]:
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
            for name, description, _, fields in _resources(tables, indicators)
        ],
    }


def zip_bundle(tables: Tables, indicators: Sequence[IndicatorRow] = ()) -> bytes:
    """The CSV files, their ``datapackage.json`` and a README with the methods, as one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, _, records, fields in _resources(tables, indicators):
            bundle.writestr(f"{name}.csv", _csv(records, fields))
        package = datapackage(tables, indicators)
        bundle.writestr("datapackage.json", msgspec.json.format(msgspec.json.encode(package)))
        bundle.writestr("README.txt", f"{METHODS}\n\nk = {tables.k}\n")
    return buffer.getvalue()


def workbook(tables: Tables, indicators: Sequence[IndicatorRow] = ()) -> bytes:
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
    for name, _, records, fields in _resources(tables, indicators):
        for field, kind, about in fields:
            readme.append([name, field, kind, about])
        sheet = book.create_sheet(name)
        sheet.append([field for field, _, _ in fields])
        for row in _rows(records, fields):
            sheet.append(row)
        _lay_out(sheet, fields)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lay_out(sheet: Any, fields: list[tuple[str, str, str]]) -> None:
    """Frozen header row, columns as wide as their contents (up to 50), numbers to 2 decimals."""
    sheet.freeze_panes = "A2"
    for index, (_, kind, _) in enumerate(fields, start=1):
        letter = get_column_letter(index)
        cells = [cell for (cell,) in sheet.iter_rows(min_col=index, max_col=index)]
        sheet.column_dimensions[letter].width = min(50, max(len(str(c.value or "")) for c in cells) + 2)
        if kind == "number":
            for cell in cells[1:]:
                cell.number_format = "0.00"


def as_json(tables: Tables, indicators: Sequence[IndicatorRow] = ()) -> bytes:
    """Every table as JSON (the same figures, hidden ones as null)."""
    return msgspec.json.encode(
        {"methods": METHODS, **msgspec.structs.asdict(tables), "indicators": indicators}
    )
