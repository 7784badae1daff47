"""The SSP indicator pack in the bank: bilingual, plain, mapped, checked, and only a draft until the board."""

from __future__ import annotations

import msgspec
import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from questions import bank
from questions import queries as question_queries
from questions.language_check import find_words, reading_level, shipped_words
from questions.schemas import Question, SurveyDefinition
from questions.validation import validate
from survey.db import Connection
from tests.support import post_form

Client = AsyncTestClient[Litestar]
PACK_KEYS = ["naloxone_received", "naloxone_used", "services_used", "say_in_program"]
MEASURES = {
    "naloxone carried": "naloxone_carried",
    "naloxone received": "naloxone_received",
    "naloxone used": "naloxone_used",
    "overdoses witnessed": "overdose_seen",
    "overdoses reversed": "overdose_reversed",
    "services used": "services_used",
    "treated with respect": "treated_with_respect",
    "a say in the program": "say_in_program",
}


def pack_questions() -> list[Question]:
    return [item.question for item in bank.indicator_pack().items]


def test_every_measure_funders_ask_about_has_an_indicator_on_a_bank_question() -> None:
    pack = bank.indicator_pack()
    asked = {indicator.question for indicator in pack.indicators}
    assert set(MEASURES.values()) <= asked
    items = {question.key: question for question in bank.program_items()}
    assert [q.key for q in pack_questions()] == PACK_KEYS
    assert items["services_used"].type == "multi_choice", "services used is a select-all list"
    for indicator in pack.indicators:
        question = items[indicator.question]
        assert set(indicator.numerator) <= {str(code) for code in question.option_codes}
        if question.type == "multi_choice":
            assert len(indicator.numerator) == 1, "overlapping answers cannot be added up"


def test_every_mapping_names_its_source_and_says_the_wording_is_ours() -> None:
    for indicator in bank.indicator_pack().indicators:
        assert indicator.funder_indicator.strip()
        assert indicator.sources
        assert all(len(source) > 20 for source in indicator.sources), indicator.key
        # No official name was checked against the funders' documents, so none is claimed.
        assert indicator.wording == "ours", indicator.key
        assert set(indicator.name) == {"en", "es"}
        assert indicator.denominator.strip()


def test_the_pack_sits_in_the_bank_in_place_and_leaves_the_demo_as_it_was() -> None:
    keys = [question.key for question in bank.program_items()]
    assert keys.index("naloxone_received") == keys.index("naloxone_carried") + 1
    assert keys.index("services_used") == keys.index("supplies_needed") + 1
    assert keys.index("say_in_program") == keys.index("treated_with_respect") + 1
    starting = [question.key for question in bank.starting_items()]
    assert [key for key in keys if key not in PACK_KEYS] == starting
    from questions.demo import demo_definition

    assert not set(PACK_KEYS) & {q.key for q in demo_definition().questions}


def test_the_pack_is_english_and_spanish_with_the_spanish_marked_for_the_boards_check() -> None:
    for question in pack_questions():
        assert set(question.text) == {"en", "es"}
        assert all(set(option.label) == {"en", "es"} for option in question.options)
        assert question.needs_review == ["es"], question.key
        assert question.untranslated == []
    validate(
        SurveyDefinition(
            title={"en": "Pack", "es": "Paquete"}, languages=["en", "es"], questions=pack_questions()
        )
    )


def test_the_pack_uses_no_words_to_avoid_and_reads_plainly() -> None:
    for question in pack_questions():
        for language in ("en", "es"):
            texts = [question.text[language], question.help.get(language, "")]
            texts += [option.label[language] for option in question.options]
            for text in filter(None, texts):
                assert find_words(text, shipped_words(language)) == [], (question.key, text)
        reading = reading_level(question.text["en"], "en")
        assert reading is None or reading.grade <= 8, (question.key, reading)
        assert len(question.text["en"].split()) <= 15, "short enough for one kiosk screen"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["indicators"][0].update(numerator=["daily"]), "counts unknown"),
        (lambda raw: raw["indicators"][0].update(question="no_such_question"), "needs a choice question"),
        (lambda raw: raw["items"][0]["question"].update(key="naloxone_carried"), "already in the bank"),
        (lambda raw: raw["items"][0].update(after="nowhere"), "follows unknown"),
    ],
)
def test_a_broken_pack_is_refused_naming_what(change: object, message: str) -> None:
    raw = msgspec.json.decode((bank.DATA / "ssp_indicator_pack.json").read_bytes())
    change(raw)  # type: ignore[operator]
    with pytest.raises(msgspec.ValidationError, match=message):
        bank.parse_pack(msgspec.json.encode(raw), bank.starting_items())


async def test_an_admin_picks_the_pack_for_a_draft_and_only_the_board_can_publish_it(
    admin: Client, conn: Connection
) -> None:
    page = BeautifulSoup((await admin.get("/admin/surveys")).text, "html.parser")
    offered = {box["value"] for box in page.select('input[name="item"]')}
    assert set(PACK_KEYS) <= offered
    form = {"name": "SSP 2026", "language": "en", "item": ["naloxone_carried", *PACK_KEYS]}
    made = await post_form(admin, "/admin/surveys", form)
    assert made.status_code == 200, made.text
    survey_id = await conn.fetchval("SELECT id FROM survey WHERE name = 'SSP 2026'")
    draft = await question_queries.draft(conn, survey_id)
    assert draft is not None
    assert [q.key for q in draft.questions] == ["naloxone_carried", *PACK_KEYS]
    assert await conn.fetchval("SELECT count(*) FROM survey_version WHERE survey_id = $1", survey_id) == 0
    added = await post_form(
        admin, f"/admin/surveys/{survey_id}/languages", {"language": "es", "title": "SSP"}
    )
    assert added.status_code == 200, added.text
    draft = await question_queries.draft(conn, survey_id)
    assert draft is not None
    marks = {q.key: q.needs_review for q in draft.questions}
    assert marks == {"naloxone_carried": [], **{key: ["es"] for key in PACK_KEYS}}
    services = draft.question("services_used")
    assert services is not None
    assert services.text["es"] == "En los últimos 3 meses, ¿qué recibió aquí? Elija las que quiera."
