"""The import measured over a corpus of real XLSForms: no tracebacks, every left-out row says why."""

from __future__ import annotations

import collections
from pathlib import Path

from pyxform import xls2xform

from questions import xlsform
from questions.xlsform_report import ImportReport
from questions.xlsform_types import classify

CORPUS = Path(__file__).resolve().parent / "xlsforms"
FLOOR = 0.85


def _pyxform_converts(path: Path) -> bool:
    try:
        xls2xform.convert(xlsform=str(path))
    except Exception:
        return False
    return True


ANSWERABLE = {"select_one", "select_multiple", "integer", "decimal", "range", "text"}


def _answerable(report: ImportReport) -> bool:
    """Whether a form has a question row of a kind we import outside a repeat (else refusing is required)."""
    return any(classify(row.type).name in ANSWERABLE and row.feature != "repeat" for row in report.rows)


def test_the_corpus_imports_with_a_reason_for_every_left_out_row() -> None:
    forms = sorted(p for p in CORPUS.rglob("*") if p.suffix in {".xls", ".xlsx", ".xlsm"})
    assert len(forms) >= 50
    tracebacks: list[str] = []
    converted = drafts = refused_with_report = 0
    features: collections.Counter[str] = collections.Counter()
    forms_with: collections.Counter[str] = collections.Counter()
    unexplained: list[str] = []
    nothing_mappable: list[str] = []
    answerable = answerable_drafts = 0
    for path in forms:
        if not _pyxform_converts(path):
            continue
        converted += 1
        try:
            report = xlsform.import_workbook(path.read_bytes(), file_name=path.name).report
            drafts += 1
        except xlsform.XLSFormError as refused:
            if refused.report is None:
                tracebacks.append(f"{path.name}: refused without a report: {refused}")
                continue
            report = refused.report
            refused_with_report += 1
            nothing_mappable.append(path.name)
        except Exception as error:
            tracebacks.append(f"{path.name}: {type(error).__name__}: {error}")
            continue
        if _answerable(report):
            answerable += 1
            answerable_drafts += path.name not in nothing_mappable
        unexplained += [
            f"{path.name} row {row.row}" for row in report.left_out if not row.reason or not row.feature
        ]
        features.update(row.feature for row in report.left_out)
        forms_with.update({row.feature for row in report.left_out})
    share = answerable_drafts / answerable
    lines = [
        f"{len(forms)} forms; pyxform converts {converted}",
        f"imported as a draft with a report: {drafts} ({drafts / converted:.0%})",
        f"with a question row of a kind we import outside repeats: {answerable}; of those imported: "
        f"{answerable_drafts} ({share:.0%})",
        f"refused with a report (no answerable question remains): {refused_with_report} {nothing_mappable}",
        f"tracebacks: {len(tracebacks)}",
        "left out per feature (rows, forms):",
        *(
            f"  {feature:<15} {count:>4} rows in {forms_with[feature]:>3} forms"
            for feature, count in features.most_common()
        ),
    ]
    print("\n".join(lines))
    assert tracebacks == []
    assert unexplained == []
    assert share >= FLOOR, "\n".join(lines)
