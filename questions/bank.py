"""The question bank: instruments and program items shipped with the platform, and licensed ones loaded."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final, Literal

import msgspec

from questions.schemas import Question, Texts
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


class PackItem(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A question an indicator pack adds to the bank, placed after the bank item ``after``."""

    after: str
    question: Question


class Indicator(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One indicator: the share of a question's answerers who chose one of ``numerator``, named for funders.

    ``wording`` says whether ``funder_indicator`` quotes the funder (``official``) or is the platform's
    own wording of what the funder asks about (``ours``); ``sources`` name who asks about it.
    """

    key: str
    question: str
    numerator: list[str]
    name: Texts
    funder_indicator: str
    wording: Literal["official", "ours"]
    sources: list[str]
    denominator: str


class IndicatorPack(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Bank items and the indicators funders ask about that they answer (``ssp_indicator_pack.json``)."""

    key: str
    name: Texts
    note: str
    items: list[PackItem]
    indicators: list[Indicator]


def parse_pack(raw: bytes, bank: list[Question]) -> IndicatorPack:
    """An indicator pack from its JSON file, checked against the bank it joins.

    Raises:
        msgspec.ValidationError: an item's key is taken or its place unknown, or an indicator names an
            unknown question or answer (the message names which).
    """
    pack = msgspec.json.decode(raw, type=IndicatorPack)
    known = {question.key: question for question in bank}
    for item in pack.items:
        if item.question.key in known:
            raise msgspec.ValidationError(f"{pack.key}: item {item.question.key} is already in the bank")
        if item.after not in known:
            raise msgspec.ValidationError(f"{pack.key}: {item.question.key} follows unknown {item.after}")
        known[item.question.key] = item.question
    for indicator in pack.indicators:
        question = known.get(indicator.question)
        if question is None or question.type not in {"single_choice", "multi_choice"}:
            raise msgspec.ValidationError(
                f"{pack.key}: indicator {indicator.key} needs a choice question, not {indicator.question}"
            )
        unknown = sorted(set(indicator.numerator) - {str(code) for code in question.option_codes})
        if unknown or not indicator.numerator:
            raise msgspec.ValidationError(f"{pack.key}: indicator {indicator.key} counts unknown {unknown}")
    return pack


@cache
def starting_items() -> list[Question]:
    """The plain-language starting drafts for the board (English and Spanish): the demo survey's items."""
    return msgspec.json.decode((DATA / "program_items.json").read_bytes(), type=list[Question])


@cache
def indicator_pack() -> IndicatorPack:
    """The syringe services program (SSP) indicator pack: its items and its funder indicators."""
    return parse_pack((DATA / "ssp_indicator_pack.json").read_bytes(), starting_items())


@cache
def program_items() -> list[Question]:
    """Every program item of the bank, in the bank's order: the starting drafts, the pack's in their place.

    The pack's Spanish is new, so its items carry ``needs_review: ["es"]`` until the board checks it.
    """
    placed = list(starting_items())
    for item in indicator_pack().items:
        at = next(i for i, question in enumerate(placed) if question.key == item.after)
        placed.insert(at + 1, item.question)
    return placed
