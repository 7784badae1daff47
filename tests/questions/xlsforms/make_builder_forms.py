"""Write XLSForms in the shapes KoboToolbox's and ODK's form builders save, into ``builders/``.

Run ``.venv/bin/python tests/questions/xlsforms/make_builder_forms.py`` to remake them; the files are kept
so the corpus test reads exactly what is committed. Each shape follows what the builders write: Kobo's
``label::English (en)`` columns, ``$kuid``/``$autoname`` columns, ``select_one LIST`` with ``or_other``,
``start``/``end``/``deviceid`` metadata, and no ``form_title``; ODK Build's and older forms' legacy
spellings (``select one from``, ``list name``, ``label:English``, capitalised headers, ``begin loop``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent / "builders"
YES_NO = [["yes", "Yes", "Sí", "Ndiyo"], ["no", "No", "No", "Hapana"]]


def workbook(
    survey: list[list[Any]], choices: list[list[Any]], settings: list[list[Any]] | None = None
) -> bytes:
    """An XLSForm: its ``survey`` and ``choices`` sheets, and its ``settings`` sheet when given."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    choice_sheet = book.create_sheet("choices")
    for row in choices:
        choice_sheet.append(row)
    if settings:
        settings_sheet = book.create_sheet("settings")
        for row in settings:
            settings_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def save(
    name: str, survey: list[list[Any]], choices: list[list[Any]], settings: list[list[Any]] | None
) -> None:
    (HERE / name).write_bytes(workbook(survey, choices, settings))


def kobo(number: int, langs: list[str], extra: list[list[Any]]) -> None:
    header = [
        "type",
        "name",
        *(f"label::{lang}" for lang in langs),
        "hint::" + langs[0],
        "required",
        "relevant",
        "constraint",
        *(f"constraint_message::{lang}" for lang in langs),
        "$kuid",
        "$autoname",
    ]
    width = len(langs)

    def row(
        kind: str, name: str, text: str, relevant: str = "", constraint: str = "", hint: str = ""
    ) -> list[Any]:
        return [
            kind,
            name,
            *([text] * width),
            hint,
            "false",
            relevant,
            constraint,
            *(["Please check the number"] * width if constraint else [""] * width),
            f"k{name}",
            name,
        ]

    survey = [
        header,
        row("start", "start", ""),
        row("end", "end", ""),
        row("deviceid", "deviceid", ""),
        row("begin_group", "visit", "About your visit"),
        row("select_one yesno", "Carried_Naloxone", "Did you carry naloxone this week?"),
        row("select_multiple services or_other", "services", "Which services did you use?"),
        row(
            "integer",
            "visits",
            "How many visits this month?",
            "${Carried_Naloxone} = 'yes'",
            ". > 0 and . < 32",
        ),
        row("decimal", "spent", "How much did you spend on travel?", "", ". >= 0"),
        row("end_group", "", ""),
        row("note", "thanks_note", "Thank you for your time."),
        row("text", "comment", "Anything else?", "count-selected(${services}) > 0"),
        *(row(*spec) for spec in extra),
    ]
    choices = [
        ["list_name", "name", *(f"label::{lang}" for lang in langs)],
        *(["yesno", code, *labels[:width]] for code, *labels in YES_NO),
        ["services", "syringes", *["Syringes"] * width],
        ["services", "testing", *["Testing"] * width],
        ["services", "housing", *["Housing"] * width],
    ]
    save(f"kobo_{number:02d}.xlsx", survey, choices, None)


def odk_legacy(number: int, extra: list[list[Any]]) -> None:
    survey = [
        ["Type", "Name", "Label:English", "Label:Swahili", "Relevant", "Constraint"],
        ["today", "today", "", "", "", ""],
        ["select one from yes_no", "consent", "Do you agree to answer?", "Unakubali kujibu?", "", ""],
        ["begin group", "Section-A", "Section A", "Sehemu A", "${consent}='yes'", ""],
        ["integer", "_age", "Your age in years", "Umri wako", "", ". >= 18 and . <= 99"],
        ["select all that apply from places", "places", "Where do you stay?", "Unakaa wapi?", "", ""],
        [
            "text",
            "other.place",
            "Say more",
            "Eleza zaidi",
            "selected(${places}, 'other') and not(${_age} < 20)",
            "",
        ],
        ["end group", "", "", "", "", ""],
        *extra,
    ]
    choices = [
        ["List Name", "Name", "Label:English", "Label:Swahili"],
        ["yes_no", "yes", "Yes", "Ndiyo"],
        ["yes_no", "no", "No", "Hapana"],
        ["places", "street", "Street", "Mtaani"],
        ["places", "shelter", "Shelter", "Makazi"],
        ["places", "other", "Other", "Nyingine"],
        ["people", "adult", "Adult", "Mtu mzima"],
        ["people", "child", "Child", "Mtoto"],
    ]
    save(
        f"odk_legacy_{number:02d}.xlsx",
        survey,
        choices,
        [["form_title", "form_id"], [f"Outreach {number}", f"outreach_{number}"]],
    )


EXTRAS: list[list[list[Any]]] = [
    [],
    [["geopoint", "where", "Where are you?"]],
    [["image", "photo", "Photo of the site"], ["barcode", "card", "Scan the card"]],
    [["date", "visit_date", "Date of the visit"], ["acknowledge", "agree", "I agree"]],
    [["select_one yesno", "city", "City?"]],
    [["integer", "count_items", "How many items?", "", "regex(., '^[0-9]+$')"]],
]
LEGACY_EXTRAS: list[list[list[Any]]] = [
    [],
    [
        ["begin loop over people", "people", "People", "Watu", "", ""],
        ["text", "who", "Who?", "Nani?", "", ""],
        ["end loop", "", "", "", "", ""],
    ],
    [["phonenumber", "phone", "", "", "", ""], ["geoshape", "area", "Area", "Eneo", "", ""]],
    [
        ["begin repeat", "kids", "Children", "Watoto", "", ""],
        ["integer", "kid_age", "Age", "Umri", "", ""],
        ["end repeat", "", "", "", "", ""],
    ],
    [["time", "time_seen", "Time", "Saa", "", ""], ["username", "username", "", "", "", ""]],
    [["select one from yes_no", "again", "Would you come again?", "Utarudi?", "${_age} > 17", ""]],
]


def main() -> None:
    HERE.mkdir(exist_ok=True)
    languages = [["English (en)"], ["English (en)", "Español (es)"], ["English (en)", "Swahili"]]
    for number, extra in enumerate(EXTRAS * 2, start=1):
        kobo(number, languages[number % 3], extra)
    for number, extra in enumerate(LEGACY_EXTRAS, start=1):
        odk_legacy(number, extra)


if __name__ == "__main__":
    main()
