"""Demo survey -> our XLSForm export -> pyxform -> our import: nothing is lost."""

from __future__ import annotations

import io
from pathlib import Path

import msgspec
from openpyxl import load_workbook
from pyxform import xls2xform

from questions import xlsform
from questions.demo import demo_definition
from tests.questions.xlsforms.make_builder_forms import workbook


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


def _survey_rows(content: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_names_our_keys_do_not_allow_are_kept_and_written_back(tmp_path: Path) -> None:
    form = workbook(
        survey=[
            ["type", "name", "label::English (en)", "relevant"],
            ["begin group", "Part-A", "About you", ""],
            ["select_one yn", "Q-1", "Carried naloxone?", ""],
            ["integer", "_age", "Age?", "${Q-1} = 'yes'"],
            ["select_multiple drugs", "Drug.Used", "Used?", ""],
            ["text", "Comment", "Anything else?", "selected(${Drug.Used}, 'opioids') and ${_age} > 20"],
            ["end group", "", "", ""],
        ],
        choices=[
            ["list_name", "name", "label::English (en)"],
            ["yn", "yes", "Yes"],
            ["yn", "no", "No"],
            ["drugs", "opioids", "Opioids"],
            ["drugs", "stimulants", "Stimulants"],
        ],
        settings=[["form_title"], ["Names"]],
    )
    imported = xlsform.import_workbook(form, file_name="names.xlsx")
    kept = {q.key: q.xlsform_name for q in imported.definition.questions}
    assert kept == {
        "part_a": "Part-A",
        "q_1": "Q-1",
        "age": "_age",
        "drug_used": "Drug.Used",
        "comment": "Comment",
    }
    assert {(m.original, m.key) for m in imported.report.names} >= {("Q-1", "q_1"), ("_age", "age")}

    exported = xlsform.export(imported.definition, form_id="names", version="1")
    rows = _survey_rows(exported)
    assert [row["name"] for row in rows] == ["Part-A", "Q-1", "_age", "Drug.Used", "Comment"]
    relevant = {row["name"]: row["relevant"] for row in rows}
    assert "${Q-1} = 'yes'" in str(relevant["_age"])
    assert "selected(${Drug.Used}, 'opioids')" in str(relevant["Comment"])
    assert "${_age} > 20" in str(relevant["Comment"])
    path = tmp_path / "names.xlsx"
    path.write_bytes(exported)
    assert "<h:html" in xls2xform.convert(xlsform=str(path)).xform

    again = xlsform.import_workbook(exported, file_name="names.xlsx")
    assert again.report.left_out == []
    assert again.definition == imported.definition


def test_a_key_like_name_is_not_kept_twice() -> None:
    form = workbook(
        survey=[["type", "name", "label"], ["text", "comment", "Anything else?"]],
        choices=[["list_name", "name", "label"]],
        settings=[["form_title"], ["Plain"]],
    )
    (question,) = xlsform.import_workbook(form).definition.questions
    assert (question.key, question.xlsform_name) == ("comment", None)
