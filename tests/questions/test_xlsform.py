"""XLSForm: our export converts with pyxform; forms from KoboToolbox/ODK import with texts and skip logic."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform import xls2xform

from questions import xlsform
from questions.demo import demo_definition
from questions.skip_logic import All, Answered, AnyOf, Equals, Greater, Less, Not, NotAnswered
from questions.validation import validate
from questions.xlsform_relevant import RelevantError, parse_relevant
from tests.questions.xlsforms.make_builder_forms import workbook

KOBO_HEADER = [
    "type",
    "name",
    "label::English",
    "label::Español",
    "hint::English",
    "relevant",
    "constraint",
    "required",
]


def kobo_row(
    kind: str,
    name: str,
    english: str = "",
    spanish: str = "",
    hint: str = "",
    *,
    relevant: str = "",
    constraint: str = "",
    required: str = "",
) -> list[str]:
    """A row of the Kobo form's survey sheet, in the columns of ``KOBO_HEADER``."""
    return [kind, name, english, spanish, hint, relevant, constraint, required]


KOBO_FORM = workbook(
    survey=[
        KOBO_HEADER,
        kobo_row("start", "start"),
        kobo_row("deviceid", "deviceid"),
        kobo_row(
            "select_one yesno",
            "carried",
            "Did you carry naloxone?",
            "¿Llevó naloxona?",
            "Any kind",
            required="yes",
        ),
        kobo_row("select_one yesno", "used", "Did you use it?", "¿La usó?", relevant="${carried} = 'yes'"),
        kobo_row("select_multiple areas", "areas", "What matters most?", "¿Qué le importa más?"),
        kobo_row(
            "integer",
            "nights",
            "Nights housed?",
            "¿Noches con techo?",
            relevant="selected(${areas}, 'housing')",
            constraint=". >= 0 and . <= 30",
        ),
        kobo_row(
            "text",
            "comment",
            "Anything else?",
            "¿Algo más?",
            relevant="${nights} >= 3 or not(${carried} != '')",
        ),
        kobo_row("note", "thanks", "Thank you", "Gracias"),
    ],
    choices=[
        ["list_name", "name", "label::English", "label::Español"],
        ["yesno", "yes", "Yes", "Sí"],
        ["yesno", "no", "No", "No"],
        ["areas", "housing", "Housing", "Vivienda"],
        ["areas", "health", "Health", "Salud"],
    ],
    settings=[["form_title", "form_id", "default_language"], ["Check-in", "checkin", "English"]],
)


def test_our_export_of_the_demo_survey_converts_with_pyxform(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    path.write_bytes(xlsform.export(demo_definition(), form_id="demo", version="1"))
    result = xls2xform.convert(xlsform=str(path))
    assert "<h:html" in result.xform
    assert 'id="demo"' in result.xform
    assert "relevant=\" /data/overdose_seen  = 'yes'\"" in result.xform


def test_export_then_import_keeps_questions_options_and_skip_logic() -> None:
    demo = demo_definition()
    imported = xlsform.import_workbook(xlsform.export(demo, form_id="demo", version="1")).definition
    assert [q.key for q in imported.questions] == [q.key for q in demo.questions]
    assert [q.option_codes for q in imported.questions] == [q.option_codes for q in demo.questions]
    assert [q.show_if for q in imported.questions] == [q.show_if for q in demo.questions]
    assert [q.text for q in imported.questions] == [q.text for q in demo.questions]


def test_a_kobo_form_imports_with_both_languages_and_skip_logic() -> None:
    imported = xlsform.import_workbook(KOBO_FORM)
    definition = imported.definition
    validate(definition)
    assert imported.title == "Check-in"
    assert definition.languages == ["en", "es"]
    assert [(q.key, q.type) for q in definition.questions] == [
        ("carried", "single_choice"),
        ("used", "single_choice"),
        ("areas", "multi_choice"),
        ("nights", "number"),
        ("comment", "text"),
        ("thanks", "info"),
    ]
    carried = definition.questions[0]
    assert carried.text == {"en": "Did you carry naloxone?", "es": "¿Llevó naloxona?"}
    assert [(o.code, o.label["es"]) for o in carried.options] == [("yes", "Sí"), ("no", "No")]
    assert definition.questions[1].show_if == Equals(q="carried", value="yes")
    assert definition.questions[3].show_if == Equals(q="areas", value="housing")
    assert (definition.questions[3].minimum, definition.questions[3].maximum) == (0, 30)
    assert definition.questions[4].show_if == AnyOf(
        of=[
            AnyOf(of=[Greater(q="nights", value=3), Equals(q="nights", value=3)]),
            Not(of=Answered(q="carried")),
        ]
    )


def left_out(imported: xlsform.Imported | xlsform.ImportReport) -> dict[str, tuple[str, str]]:
    report = imported.report if isinstance(imported, xlsform.Imported) else imported
    return {row.name: (row.feature, row.reason) for row in report.left_out}


def test_identifying_metadata_is_left_out_and_required_noted_with_reasons() -> None:
    report = xlsform.import_workbook(KOBO_FORM).report
    assert left_out(report)["deviceid"][0] == "metadata"
    assert "never records" in left_out(report)["start"][1]
    carried = next(row for row in report.rows if row.name == "carried")
    assert (carried.row, carried.outcome) == (4, "imported")
    assert any(note.startswith("'required' left out") for note in carried.notes)


def test_an_unmappable_relevant_leaves_out_only_its_row() -> None:
    form = workbook(
        survey=[
            ["type", "name", "label", "relevant"],
            ["text", "a", "A", ""],
            ["text", "b", "B", "string-length(${a}) > 3"],
        ],
        choices=[["list_name", "name", "label"]],
    )
    imported = xlsform.import_workbook(form)
    assert [q.key for q in imported.definition.questions] == ["a"]
    feature, reason = left_out(imported)["b"]
    assert feature == "skip logic"
    assert reason.startswith("its relevant 'string-length(${a}) > 3' cannot be mapped")


def test_a_form_of_only_identifying_rows_is_refused_with_its_report() -> None:
    form = workbook(
        survey=[["type", "name", "label"], ["geopoint", "where", "Where?"], ["image", "photo", "Photo"]],
        choices=[["list_name", "name", "label"]],
    )
    with pytest.raises(xlsform.XLSFormError, match="no question remains") as refused:
        xlsform.import_workbook(form)
    assert refused.value.report is not None
    assert {name: feature for name, (feature, _) in left_out(refused.value.report).items()} == {
        "where": "location",
        "photo": "media",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${a} = 'x'", Equals(q="a", value="x")),
        ("${a} = 3", Equals(q="a", value=3)),
        ("${a} != 'x'", Not(of=Equals(q="a", value="x"))),
        ("${a} < 2.5", Less(q="a", value=2.5)),
        ("${a} <= 2", AnyOf(of=[Less(q="a", value=2), Equals(q="a", value=2)])),
        ("${a} = ''", NotAnswered(q="a")),
        (
            "(${a} = 'x' and ${b} > 1) or not(selected(${c}, 'y'))",
            AnyOf(
                of=[
                    All(of=[Equals(q="a", value="x"), Greater(q="b", value=1)]),
                    Not(of=Equals(q="c", value="y")),
                ]
            ),
        ),
    ],
)
def test_relevant_expressions_map_to_skip_logic(text: str, expected: object) -> None:
    assert parse_relevant(text) == expected


@pytest.mark.parametrize("text", ["${a} = ", "${a} > 'x'", "count(${a}) > 1", "${a} = 'x' ) ", "${a} >= 2.5"])
def test_relevant_expressions_outside_the_subset_are_refused(text: str) -> None:
    with pytest.raises(RelevantError):
        parse_relevant(text)


def test_a_group_becomes_a_section_screen_and_its_relevant_applies_to_its_rows() -> None:
    form = workbook(
        survey=[
            ["type", "name", "label", "relevant"],
            ["integer", "score", "Score", ""],
            ["begin group", "g", "About it", "${score} > 0"],
            ["select_one scale", "pick", "Pick", ""],
            ["text", "why", "Why?", "selected(${pick}, '2')"],
            ["end group", "g", "", ""],
        ],
        choices=[["list_name", "name", "label"], ["scale", "1", "One"], ["scale", "2", "Two"]],
    )
    questions = xlsform.import_workbook(form).definition.questions
    assert [(q.key, q.type) for q in questions] == [
        ("score", "number"),
        ("g", "info"),
        ("pick", "single_choice"),
        ("why", "text"),
    ]
    assert questions[1].show_if == Greater(q="score", value=0)
    assert questions[3].show_if == All(of=[Greater(q="score", value=0), Equals(q="pick", value=2)])


def test_large_bounds_export_without_exponents() -> None:
    from questions.xlsform_relevant import plain_number

    assert (plain_number(1_000_000), plain_number(2.5), plain_number(0.125)) == ("1000000", "2.5", "0.125")


def test_choices_searched_in_an_outside_file_are_left_out_as_external() -> None:
    form = workbook(
        survey=[
            ["type", "name", "label", "appearance"],
            ["select_one fruits", "fruit", "Choose a fruit", "search('fruits')"],
            ["text", "why", "Why?", ""],
        ],
        choices=[["list_name", "name", "label"], ["fruits", "name_key", "name"]],
    )
    report = xlsform.import_workbook(form).report
    (left_out,) = report.left_out
    assert (left_out.name, left_out.feature) == ("fruit", "external")
    assert "search()" in left_out.reason
