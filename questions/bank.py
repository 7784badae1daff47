"""The question bank: instruments and program items shipped with the platform, and licensed ones loaded."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

import msgspec

from questions.schemas import Question
from questions.scoring_rules import ScoringRule

DATA: Final = Path(__file__).resolve().parent / "data"


class Instrument(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A validated instrument: its items (absent for licensed ones until a program loads them) and rules."""

    key: str
    name: str
    source: str
    licensed: bool
    items: list[Question] = []
    measures: list[ScoringRule]


def parse_instrument(raw: bytes) -> Instrument:
    """An instrument from its JSON file, checked item by item and rule by rule.

    Raises:
        msgspec.ValidationError: the file does not describe a valid instrument (the message names where).
    """
    instrument = msgspec.json.decode(raw, type=Instrument)
    keys = {item.key for item in instrument.items}
    for rule in instrument.measures:
        if instrument.items and not set(rule.items) <= keys:
            missing = sorted(set(rule.items) - keys)
            raise msgspec.ValidationError(
                f"{instrument.key}: measure {rule.measure} uses unknown items {missing}"
            )
    return instrument


@cache
def shipped_instruments() -> dict[str, Instrument]:
    """The instruments shipped with the platform (WHO-5 and K6 with items; WHOQOL-BREF and PWI rules only)."""
    found = (parse_instrument(path.read_bytes()) for path in sorted((DATA / "instruments").glob("*.json")))
    return {instrument.key: instrument for instrument in found}


@cache
def program_items() -> list[Question]:
    """Plain-language program items, starting drafts for the board (English and Spanish)."""
    return msgspec.json.decode((DATA / "program_items.json").read_bytes(), type=list[Question])
