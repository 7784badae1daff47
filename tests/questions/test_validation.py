"""Survey definitions that cannot run are refused, every problem naming its question."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from questions.bank import indicator_pack, program_items, shipped_instruments
from questions.demo import demo_definition
from questions.schemas import SurveyDefinition
from questions.validation import DefinitionError, validate


def definition(*questions: dict[str, Any], languages: tuple[str, ...] = ("en",)) -> SurveyDefinition:
    return msgspec.convert(
        {"title": {"en": "t"}, "languages": list(languages), "questions": list(questions)}, SurveyDefinition
    )


def choice(key: str, *codes: str, **extra: Any) -> dict[str, Any]:
    options = [{"code": code, "label": {"en": code}} for code in codes]
    return {"key": key, "type": "single_choice", "text": {"en": key}, "options": options, **extra}


def problems(survey: SurveyDefinition) -> list[str]:
    with pytest.raises(DefinitionError) as refused:
        validate(survey)
    return refused.value.problems


def test_the_demo_survey_is_valid() -> None:
    validate(demo_definition())


def test_skip_logic_on_a_later_question_is_refused() -> None:
    survey = definition(
        choice("first", "a", "b", show_if={"op": "eq", "q": "second", "value": "a"}),
        choice("second", "a", "b"),
    )
    assert problems(survey) == [
        "question first: skip logic refers to 'second', which is not an earlier question"
    ]


def test_skip_logic_on_an_unknown_question_is_refused() -> None:
    survey = definition(
        choice("first", "a", "b"), choice("second", "a", "b", show_if={"op": "answered", "q": "zz"})
    )
    assert problems(survey) == [
        "question second: skip logic refers to 'zz', which is not an earlier question"
    ]


def test_skip_logic_on_a_missing_option_is_refused() -> None:
    survey = definition(
        choice("first", "a", "b"),
        choice("second", "a", "b", show_if={"op": "in", "q": "first", "values": ["a", "c"]}),
    )
    assert problems(survey) == ["question second: skip logic uses option 'c', which first does not have"]


def test_a_question_must_be_its_own_earlier() -> None:
    survey = definition(choice("first", "a", "b", show_if={"op": "eq", "q": "first", "value": "a"}))
    assert "not an earlier question" in problems(survey)[0]


def test_missing_translations_are_named() -> None:
    survey = definition(choice("first", "a", "b"), languages=("en", "es"))
    assert problems(survey) == [
        "question first: no text in es",
        "question first: option 'a' has no label in es",
        "question first: option 'b' has no label in es",
    ]


def test_prefer_not_to_say_is_not_an_option_of_its_own() -> None:
    assert "cannot be an option" in problems(definition(choice("first", "a", "prefer_not_to_say")))[0]


def test_duplicate_keys_are_refused() -> None:
    assert problems(definition(choice("first", "a", "b"), choice("first", "a", "b"))) == [
        "question first: the key is used twice"
    ]


def test_a_measure_needs_its_items_in_the_survey() -> None:
    who5 = shipped_instruments()["who5"]
    survey = msgspec.structs.replace(
        demo_definition(), questions=[q for q in demo_definition().questions if q.key != "who5_3"]
    )
    assert problems(survey) == ["measure who5: item who5_3 is not a rating question of this survey"]
    assert who5.measures[0].items[2] == "who5_3"


def test_the_shipped_bank_is_bilingual_and_nothing_waits_for_a_translation() -> None:
    # The shipped Spanish is the bank's translation (the instruments' published ones): a board sees
    # "translation to check" only once its own first-language wording has moved on (docs/board.md).
    questions = [*shipped_instruments()["who5"].items, *shipped_instruments()["k6"].items, *program_items()]
    assert all(set(q.text) == {"en", "es"} for q in questions)
    # The indicator pack's new Spanish waits for the board's check (test_indicator_pack.py).
    pack = {item.question.key for item in indicator_pack().items}
    assert [q.key for q in questions if (q.needs_review or q.untranslated) and q.key not in pack] == []


def test_licensed_instruments_ship_rules_without_items() -> None:
    instruments = shipped_instruments()
    assert instruments["whoqol_bref"].items == []
    assert [m.measure for m in instruments["whoqol_bref"].measures] == [
        "whoqol_physical",
        "whoqol_psychological",
        "whoqol_social",
        "whoqol_environment",
    ]
    assert instruments["pwi"].licensed
    assert instruments["pwi"].items == []
