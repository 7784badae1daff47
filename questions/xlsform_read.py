"""Reading an XLSForm workbook with pyxform's own readers, and mapping its languages and names to ours.

pyxform reads ``.xlsx``, ``.xlsm`` and ``.xls`` alike and normalises headers as it does for a conversion:
``list name``, capitalised headers, ``label:English`` with one colon, ``bind::relevant``, ``caption``.
"""

from __future__ import annotations

import functools
import io
import json
import re
from typing import Any, Final

import msgspec

from questions.xlsform_report import LanguageMapping, NameMapping, XLSFormError

DEFAULT: Final = "default"
"""pyxform's name for the language of columns written without one (``label``)."""
OUR_SHEET: Final = "x_bank"
"""The extra sheet our export writes (survey titles, measures); pyxform ignores sheets it does not know."""
_CODE_IN_NAME: Final = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)\s*\)\s*$")
_CODE: Final = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", re.IGNORECASE)
_KEY: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Sheets(msgspec.Struct, frozen=True, kw_only=True):
    """A workbook's sheets after pyxform's header normalisation; each row keeps its sheet row number."""

    survey: list[dict[str, Any]]
    choices: list[dict[str, Any]]
    settings: dict[str, Any]
    ours: dict[str, Any]
    """What our own export wrote in its extra sheet (``title``, ``measures``), else empty."""


def _our_sheet(content: bytes) -> dict[str, Any]:
    if not content.startswith(b"PK\x03\x04"):
        return {}
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    if OUR_SHEET not in book.sheetnames:
        return {}
    values: dict[str, Any] = {}
    for field, value, *_ in book[OUR_SHEET].iter_rows(min_row=2, values_only=True):
        if isinstance(field, str) and isinstance(value, str):
            values[field] = json.loads(value)
    return values


def read_workbook(content: bytes) -> Sheets:
    """The sheets of an XLSForm workbook (``.xlsx``, ``.xlsm`` or ``.xls``).

    Raises:
        XLSFormError: the file is not a workbook pyxform can read, or has no survey sheet.
    """
    from pyxform import aliases
    from pyxform.parsing.sheet_headers import dealias_and_group_headers
    from pyxform.question import MultipleChoiceQuestion, Option
    from pyxform.xls2json_backends import get_xlsform

    if content.startswith(b"PK\x03\x04"):
        file_type = ".xlsx"
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        file_type = ".xls"
    else:
        raise XLSFormError(["this is not an Excel workbook (.xlsx or .xls); save the form from Excel first"])
    try:
        data = get_xlsform(content, file_type=file_type)
        settings_rows = list(data.settings or [])
        raw_settings = {
            str(k).strip().lower().replace(" ", "_"): v for k, v in (settings_rows or [{}])[0].items()
        }
        default = str(raw_settings.get("default_language") or DEFAULT)
        survey = dealias_and_group_headers(
            sheet_name="survey",
            sheet_data=data.survey or [],
            sheet_header=data.survey_header or [],
            header_aliases=aliases.survey_header,
            header_columns=set(MultipleChoiceQuestion.get_slot_names()),
            default_language=default,
            strip_whitespace=True,
            add_row_number=True,
        ).data
        choices = dealias_and_group_headers(
            sheet_name="choices",
            sheet_data=data.choices or [],
            sheet_header=data.choices_header or [],
            header_aliases=aliases.list_header,
            header_columns=set(Option.get_slot_names()),
            default_language=default,
            add_row_number=True,
        ).data
        ours = _our_sheet(content)
    # pyxform, openpyxl and xlrd raise many kinds of errors on a damaged file; each becomes this message.
    except Exception as error:
        raise XLSFormError([f"the workbook cannot be read: {error}"]) from None
    if not data.survey:
        raise XLSFormError(["the workbook has no 'survey' sheet with rows, so there is nothing to import"])
    return Sheets(survey=list(survey), choices=list(choices), settings=raw_settings, ours=ours)


@functools.cache
def _language_names() -> dict[str, str]:
    """Lower-case language names (in English and in the language itself) -> code, from Babel's CLDR data."""
    from babel import Locale, localedata

    english = Locale("en")
    names = {name.lower(): code for code, name in english.languages.items() if _CODE.match(code)}
    for identifier in localedata.locale_identifiers():
        if "_" in identifier:
            continue
        own = Locale.parse(identifier).get_language_name(identifier)
        if own and _CODE.match(identifier):
            names.setdefault(own.lower(), identifier)
    return names


def language_code(written: str) -> str | None:
    """Our code for a language as a header writes it: ``English (en)``, ``en``, ``Swahili``, ``Español``.

    Returns:
        The code, or ``None`` when the name is not a language Babel knows.
    """
    text = written.strip()
    if match := _CODE_IN_NAME.search(text):
        text = match.group(1).replace("_", "-")
    if _CODE.match(text) and text.split("-")[0].lower() in set(_language_names().values()):
        language, _, region = text.partition("-")
        return language.lower() + (f"-{region}" if region else "")
    return _language_names().get(text.lower())


def language_mappings(written: list[str], default: str) -> tuple[dict[str, str], list[LanguageMapping]]:
    """Each written language -> code (``default``, the unnamed language, becomes the form's default)."""
    codes: dict[str, str] = {}
    shown: list[LanguageMapping] = []
    for name in written:
        code = default if name == DEFAULT else language_code(name)
        if code is None:
            continue
        codes[name] = code
        if name not in {code, DEFAULT}:
            shown.append(LanguageMapping(written=name, code=code))
    return codes, shown


class Names:
    """XLSForm names -> our question keys, each key used once, with the mapping kept for the report."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self._used: set[str] = set()

    def peek(self, name: str, wanted: str = "") -> str:
        """The key ``name`` would get (``wanted``, our export's own key, if free), without taking it."""
        if name in self.keys:
            return self.keys[name]
        if wanted and wanted not in self._used and _KEY.match(wanted):
            return wanted
        key = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]+", "_", name.strip().lower())).strip("_") or "question"
        key = (key if key[0].isalpha() else f"q_{key}")[:64]
        candidate, number = key, 2
        while candidate in self._used or not _KEY.match(candidate):
            candidate = f"{key[:58]}_{number}"
            number += 1
        return candidate

    def key(self, name: str, wanted: str = "") -> str:
        """The key for ``name``, taken the first time it is asked for."""
        key = self.peek(name, wanted)
        self._used.add(key)
        self.keys[name] = key
        return key

    def mappings(self) -> list[NameMapping]:
        """Every name that changed on its way to a key."""
        return [NameMapping(original=name, key=key) for name, key in self.keys.items() if name != key]
