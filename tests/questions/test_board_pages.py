"""The board's pages over HTTP on the real database: propose, check, vote, publish, language check."""

from __future__ import annotations

import re

import httpx
import msgspec
import pytest
from bs4 import BeautifulSoup, Tag
from litestar import Litestar
from litestar.testing import AsyncTestClient

from questions import queries, versions
from questions.demo import demo_definition
from survey import accounts, db
from tests.questions.support import scalar
from tests.support import make_account, make_member, post_form, set_board_quorum, sign_in

pytestmark = pytest.mark.demo_data


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def text_of(node: Tag, selector: str) -> str:
    found = node.select_one(selector)
    assert found is not None, selector
    return found.text


async def seeded(database_url: str) -> int:
    """The demo survey's id, on the demo program (``demo_data``) with a quorum of two and two members."""
    survey_id = await scalar(database_url, "SELECT id FROM survey ORDER BY id LIMIT 1")
    assert isinstance(survey_id, int)
    # The demo's board and the two members it welcomes here: two approvals decide, whoever else is on it.
    await set_board_quorum(database_url, 2)
    for name in ("ash", "robin"):
        await make_member(database_url, name)
    return survey_id


async def as_member(client: AsyncTestClient[Litestar], name: str) -> None:
    client.cookies.clear()
    assert (await sign_in(client, name)).status_code == 303


async def seeded_as_ash(client: AsyncTestClient[Litestar], database_url: str) -> int:
    """The demo survey's id, seeded as by :func:`seeded`, with the member ``ash`` signed in."""
    survey_id = await seeded(database_url)
    await as_member(client, "ash")
    return survey_id


async def vote(
    client: AsyncTestClient[Litestar], proposal: str, choice: str, reason: str = ""
) -> httpx.Response:
    asked = await post_form(client, f"{proposal}/vote", {"choice": choice, "reason": reason})
    assert soup(asked).select_one("#confirm") is not None  # a confirmation step comes first
    return await post_form(
        client, f"{proposal}/vote", {"choice": choice, "reason": reason, "confirmed": "true"}
    )


async def approved_with(client: AsyncTestClient[Litestar], proposal: str, member: str) -> None:
    """The signed-in member approves ``proposal``, then ``member`` signs in and approves it too."""
    assert (await vote(client, proposal, "approve")).status_code == 303
    await as_member(client, member)
    assert (await vote(client, proposal, "approve")).status_code == 303


def proposal_page(sent: httpx.Response) -> str:
    """The proposal's page, where sending a confirmed proposal form redirects."""
    assert sent.status_code == 303, sent.text
    return sent.headers["location"].split("?")[0]


async def propose_wording(client: AsyncTestClient[Litestar], survey_id: int, text: str) -> str:
    got = await client.get(
        f"/board/surveys/{survey_id}/propose/wording?question=naloxone_carried&language=en"
    )
    assert got.status_code == 200, got.text
    page = soup(got)
    form = page.select_one("form.proposal-form")
    assert form is not None
    fields: dict[str, list[str]] = {}
    for field in form.select("input[name], textarea[name]"):
        fields.setdefault(str(field["name"]), []).append(str(field.get("value", field.text)))
    fields["text"] = [text]
    fields.pop("_csrf_token")
    checked = await post_form(client, f"/board/surveys/{survey_id}/proposals/wording", fields)
    assert checked.status_code == 200
    assert soup(checked).select("section.check ins"), "the check step shows the words added"
    assert text_of(soup(checked), "textarea#text") == text  # the form keeps the words as typed, to send
    sent = await post_form(
        client, f"/board/surveys/{survey_id}/proposals/wording", {**fields, "confirmed": "true"}
    )
    return proposal_page(sent)


async def test_a_proposal_goes_from_draft_to_accepted_to_a_published_version(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded_as_ash(client, database_url)
    proposal = await propose_wording(client, survey_id, "Do you carry naloxone with you?")
    assert (await post_form(client, f"{proposal}/comments", {"body": "Shorter is better"})).status_code == 303
    await approved_with(client, proposal, "robin")
    page = soup(await client.get(proposal))
    assert "Accepted" in text_of(page, "#status")
    assert text_of(page, ".comment-body") == "Shorter is better"

    publish_page = soup(
        await post_form(client, f"/board/surveys/{survey_id}/proposals/publish", {"reason": "Ready"})
    )
    assert publish_page.select("li.change-changed")
    # The English changed after the Spanish was made: the check lists it, and sending needs it confirmed.
    gaps = [(li["data-key"], li["data-language"]) for li in publish_page.select("li.translation-gap")]
    assert gaps == [("naloxone_carried", "es")]
    ready = {"reason": "Ready", "confirmed": "true"}
    unconfirmed = await post_form(client, f"/board/surveys/{survey_id}/proposals/publish", ready)
    assert unconfirmed.status_code == 422
    assert "confirm" in text_of(soup(unconfirmed), "#problem")
    sent = await post_form(
        client, f"/board/surveys/{survey_id}/proposals/publish", {**ready, "translations_confirmed": "true"}
    )
    publishing = proposal_page(sent)
    await approved_with(client, publishing, "ash")

    survey_page = soup(await client.get(f"/board/surveys/{survey_id}"))
    version_link = survey_page.select_one("a[href^='/board/versions/']")
    assert version_link is not None
    assert version_link.text == "Version 2"
    version_page = soup(await client.get(str(version_link["href"])))
    assert [text_of(li, ".question-words") for li in version_page.select("li.change-changed")] == [
        "“Do you carry naloxone with you?”"
    ]
    assert [text_of(li, ".technical code") for li in version_page.select("li.change-changed")] == [
        "naloxone_carried"
    ]
    assert version_page.select_one("a[href='/board/proposals/{}']".format(publishing.rsplit("/", 1)[1]))


async def test_publishing_without_the_quorum_fails_through_every_route(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded(database_url)
    with pytest.raises(accounts.AccountError, match="both an admin and a board member"):
        await make_account(database_url, "keeper", ["admin", "evaluator", "board"])
    admin = await make_account(database_url, "keeper", ["admin", "evaluator"])  # every role it may hold
    await as_member(client, "ash")
    proposal = await propose_wording(client, survey_id, "Changed once")
    # Every POST route in the app, by the admin holding every role it may and then by one board member,
    # with a body naming publishing.
    for who in (admin.name, "ash"):
        await as_member(client, who)
        for route in client.app.routes:
            for method in getattr(route, "methods", set()):
                if (
                    method != "POST"
                    or route.path.startswith("/api/kiosk")
                    or "{" in route.path
                    or route.path == "/signout"
                ):
                    continue
                await post_form(
                    client, route.path, {"confirmed": "true", "approval": "board", "publish": "1"}
                )
        for path in (f"{proposal}/vote", f"/board/surveys/{survey_id}/proposals/publish"):
            await post_form(client, path, {"choice": "approve", "confirmed": "true"})
    assert await scalar(database_url, "SELECT count(*) FROM survey_version") == 1


async def test_the_language_check_flags_words_and_reports_the_reading_level(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    await seeded_as_ash(client, database_url)
    text = "Has any addict here been clean for a month?"
    response = await client.get(
        "/board/language-check",
        params={"language": "en", "field": "text", "text": text},
        headers={"HX-Request": "true"},
    )
    page = soup(response)
    flags = {text_of(flag, "strong"): text_of(flag, ".suggestion") for flag in page.select(".flag")}
    assert flags == {
        "addict": "person who uses drugs",
        "clean": "tested negative (test results) / not using now (a person)",
    }
    reading = page.select_one(".reading-words")
    assert reading is not None
    assert reading.text in {"Easy to read", "Fairly easy to read"}, reading.text
    assert re.fullmatch(r"\d+(\.\d)?", str(reading["data-grade"]))
    spanish = soup(
        await client.get(
            "/board/language-check", params={"language": "es", "field": "text", "text": "¿Es usted adicto?"}
        )
    )
    assert [text_of(flag, ".suggestion") for flag in spanish.select(".flag")] == ["persona que usa drogas"]


async def test_the_board_extends_its_word_list(client: AsyncTestClient[Litestar], database_url: str) -> None:
    await seeded_as_ash(client, database_url)
    added = await post_form(
        client,
        "/board/words",
        {"language": "en", "phrase": "frequent flyer", "suggestion": "person who comes often"},
    )
    assert added.status_code == 303
    response = await client.get(
        "/board/language-check",
        params={"language": "en", "field": "help", "help": "Are you a frequent flyer?"},
    )
    assert [text_of(flag, "strong") for flag in soup(response).select(".flag")] == ["frequent flyer"]
    again = await post_form(
        client, "/board/words", {"language": "en", "phrase": "Frequent Flyer", "suggestion": "x"}
    )
    assert again.status_code == 422


async def test_a_wrong_field_names_itself_and_changes_nothing(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded_as_ash(client, database_url)
    response = await post_form(
        client, f"/board/surveys/{survey_id}/proposals/move", {"question": "who5_1", "position": "zero"}
    )
    assert response.status_code == 400
    assert "position" in response.text
    assert await scalar(database_url, "SELECT count(*) FROM proposal WHERE survey_id IS NOT NULL") == 0


async def test_the_preview_serves_the_kiosk_code_with_the_changed_survey(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded_as_ash(client, database_url)
    proposal = await propose_wording(client, survey_id, "Naloxone: do you carry it?")
    page = soup(await client.get(f"{proposal}/preview?side=after&language=en"))
    root = page.select_one("#kiosk")
    assert root is not None
    assert root["data-question"] == "naloxone_carried"
    assert page.select_one("script[src='/static/kiosk.js']") is not None
    survey = (await client.get(str(root["data-preview"]))).json()
    texts = {q["key"]: q["text"]["en"] for q in survey["definition"]["questions"]}
    assert texts["naloxone_carried"] == "Naloxone: do you carry it?"


async def test_adding_a_question_in_every_language_of_the_survey(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded_as_ash(client, database_url)
    fields = {
        "type": "single_choice",
        "text": ["Did you feel safe here today?", "¿Se sintió seguro aquí hoy?"],
        "help": ["", ""],
        "options": ["Yes\nSomewhat\nNo", "Sí\nMás o menos\nNo"],
        "after": "naloxone_carried",
    }
    checked = await post_form(client, f"/board/surveys/{survey_id}/proposals/add", fields)
    assert checked.status_code == 200
    added = [text_of(row, "h4") for row in soup(checked).select("section.check .diff-row")]
    assert "Answer 3 · Español" in [" ".join(label.split()) for label in added]
    sent = await post_form(
        client, f"/board/surveys/{survey_id}/proposals/add", {**fields, "confirmed": "true"}
    )
    assert sent.status_code == 303
    uneven = await post_form(
        client, f"/board/surveys/{survey_id}/proposals/add", {**fields, "options": ["Yes\nNo", "Sí"]}
    )
    assert uneven.status_code == 422
    assert "same 2 answers in Español" in text_of(soup(uneven), "#problem")


async def test_a_survey_in_one_language_takes_single_values(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    await seeded(database_url)
    conn = await db.connect(database_url)
    try:
        english = msgspec.structs.replace(demo_definition(), languages=["en"])
        survey_id = await versions.create_survey(conn, name="English only", definition=english, actor_id=None)
    finally:
        await conn.close()
    await as_member(client, "ash")
    fields = {"type": "text", "text": "Anything else to tell us?", "help": "", "options": ""}
    checked = await post_form(client, f"/board/surveys/{survey_id}/proposals/add", fields)
    assert checked.status_code == 200, checked.text
    page = soup(checked)
    assert [fieldset["lang"] for fieldset in page.select("form.proposal-form fieldset[lang]")] == ["en"]
    rows = page.select("section.check .diff-row")
    assert [" ".join(text_of(row, "h4").split()) for row in rows] == ["Question · English"]
    assert (text_of(rows[0], ".before p[lang=en]"), text_of(rows[0], ".after ins")) == (
        "—",
        "added: Anything else to tell us?",
    )
    sent = await post_form(
        client, f"/board/surveys/{survey_id}/proposals/add", {**fields, "confirmed": "true"}
    )
    assert sent.status_code == 303
    change = await scalar(database_url, "SELECT change FROM proposal WHERE survey_id = $1", survey_id)
    assert isinstance(change, dict)
    question = change["question"]
    assert (question["type"], question["text"], question["help"], question["options"]) == (
        "text",
        {"en": "Anything else to tell us?"},
        {},
        [],
    )


async def test_taking_a_vote_back_asks_first_and_says_when_it_decides(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded(database_url)
    await make_member(
        database_url, "kim"
    )  # before the proposal: a member votes on proposals made after joining
    await as_member(client, "ash")
    proposal = await propose_wording(client, survey_id, "Do you carry naloxone?")
    await vote(client, proposal, "approve")
    await as_member(client, "robin")
    await vote(client, proposal, "object", reason="Not yet")
    await as_member(client, "kim")
    await vote(client, proposal, "approve")
    await as_member(client, "robin")

    asked = await post_form(client, f"{proposal}/unvote", {})
    assert asked.status_code == 200
    assert "completes the board's decision" in text_of(soup(asked), ".notice")
    assert "Open" in text_of(soup(await client.get(proposal)), "#status")
    done = await post_form(client, f"{proposal}/unvote", {"confirmed": "true"})
    assert done.status_code == 303
    assert "Accepted" in text_of(soup(await client.get(proposal)), "#status")


async def test_blank_and_out_of_range_inputs_get_a_4xx(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded_as_ash(client, database_url)
    proposal = await propose_wording(client, survey_id, "Carry naloxone?")
    assert (await post_form(client, f"{proposal}/comments", {"body": "   "})).status_code == 400
    blank_word = await post_form(client, "/board/words", {"language": "en", "phrase": " ", "suggestion": "x"})
    assert blank_word.status_code == 400
    for path in ("/board/proposals/9223372036854775808", "/board/versions/9223372036854775808"):
        assert (await client.get(path)).status_code == 400
    foreign = await client.get(f"/board/surveys/{survey_id}/propose/wording?question=who5_1&language=fr")
    assert foreign.status_code == 404
    await make_account(database_url, "keeper", ["admin"])
    await as_member(client, "keeper")
    for approvals in ("999", "\uff11\uff12"):  # fullwidth digits
        assert (await post_form(client, "/admin/board-quorum", {"approvals": approvals})).status_code in {
            400,
            422,
        }


async def test_a_first_publish_lists_every_question_as_added(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    await seeded(database_url)
    conn = await db.connect(database_url)
    try:
        survey_id = await versions.create_survey(
            conn, name="Imported", definition=demo_definition(), actor_id=None
        )
    finally:
        await conn.close()
    await as_member(client, "ash")
    checked = await post_form(client, f"/board/surveys/{survey_id}/proposals/publish", {})
    assert len(soup(checked).select("li.change-added")) == len(demo_definition().questions)


async def test_a_new_wording_says_which_translations_to_check(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded_as_ash(client, database_url)
    proposal = await propose_wording(client, survey_id, "Do you have naloxone with you?")
    assert "Español" in text_of(soup(await client.get(proposal)), "#to-check")


async def test_answers_are_added_and_kept_answers_keep_their_codes(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    survey_id = await seeded_as_ash(client, database_url)
    page = soup(await client.get(f"/board/surveys/{survey_id}/propose/options?question=naloxone_carried"))
    typed = [str(area.text) for area in page.select("textarea[name=options]")]
    assert len(typed) == 2
    fields = {
        "question": "naloxone_carried",
        "options": [typed[0] + "\nI gave mine away", typed[1] + "\nLo regalé"],
    }
    checked = await post_form(client, f"/board/surveys/{survey_id}/proposals/options", fields)
    assert checked.status_code == 200, checked.text
    sent = await post_form(
        client, f"/board/surveys/{survey_id}/proposals/options", {**fields, "confirmed": "true"}
    )
    await approved_with(client, proposal_page(sent), "robin")
    conn = await db.connect(database_url)
    try:
        draft = await queries.draft(conn, survey_id)
    finally:
        await conn.close()
    assert draft is not None
    question = draft.question("naloxone_carried")
    assert question is not None
    before = demo_definition().question("naloxone_carried")
    assert before is not None
    assert question.option_codes == [*before.option_codes, "i_gave_mine_away"]
    refused = await client.get(f"/board/surveys/{survey_id}/propose/options?question=who5_1")
    assert refused.status_code == 200  # the form opens; checking it explains why instrument answers stay
    instrument = await post_form(
        client,
        f"/board/surveys/{survey_id}/proposals/options",
        {"question": "who5_1", "options": ["a\nb", "a\nb"]},
    )
    assert instrument.status_code == 422
