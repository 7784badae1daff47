"""Demo survey -> our XLSForm export -> pyxform -> our import: nothing is lost."""

from __future__ import annotations

from pathlib import Path

import msgspec
from pyxform import xls2xform

from questions import xlsform
from questions.demo import demo_definition


def test_the_demo_survey_survives_export_pyxform_and_import(tmp_path: Path) -> None:
    demo = demo_definition()
    marked = msgspec.structs.replace(
        demo,
        questions=[
            msgspec.structs.replace(q, needs_review=["es"]) if i == 0 else q
            for i, q in enumerate(demo.questions)
        ],
    )
    path = tmp_path / "demo.xlsx"
    path.write_bytes(xlsform.export(marked, form_id="demo", version="1"))
    assert "<h:html" in xls2xform.convert(xlsform=str(path)).xform
    imported = xlsform.import_workbook(path.read_bytes(), file_name=path.name)
    assert imported.report.left_out == []
    assert imported.definition.measures == marked.measures
    assert {q.type for q in imported.definition.questions} >= {"rating"}
    for ours, back in zip(marked.questions, imported.definition.questions, strict=True):
        assert back == ours, ours.key
    assert imported.definition == marked
