"""Admins start surveys as drafts from the bank, add and retire languages; only the board publishes."""

from __future__ import annotations

from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from questions import proposal_queries
from questions import queries as question_queries
from survey.db import Connection
from tests.support import make_account, post_form, sign_in

Client = AsyncTestClient[Litestar]

FROM_BANK = {"name": "Voices 2025", "language": "en", "instrument": "who5", "item": "naloxone_carried"}


async def _survey_id(conn: Connection, name: str) -> int | None:
    found: int | None = await conn.fetchval("SELECT id FROM survey WHERE name = $1", name)
    return found


async def test_an_admin_starts_a_draft_from_the_bank_that_the_board_sees(
    admin: Client, conn: Connection
) -> None:
    made = await post_form(
        admin,
        "/admin/surveys",
        {
            **FROM_BANK,
            "new_text": "Did you feel welcome today?",
            "new_type": "single_choice",
            "new_options": "Yes\nNo",
        },
    )
    assert made.status_code == 200, made.text
    survey_id = await _survey_id(conn, "Voices 2025")
    assert survey_id is not None
    draft = await question_queries.draft(conn, survey_id)
    assert draft is not None
    assert [q.key for q in draft.questions] == [
        "who5_1",
        "who5_2",
        "who5_3",
        "who5_4",
        "who5_5",
        "naloxone_carried",
        "did_you_feel_welcome_today",
    ]
    assert draft.languages == ["en"]
    assert draft.title == {"en": "Voices 2025"}
    assert [rule.measure for rule in draft.measures] == ["who5"]
    assert all(set(q.text) == {"en"} for q in draft.questions), "a survey carries only its own languages"
    assert survey_id in [row.id for row in await proposal_queries.board_surveys(conn)]
    assert await conn.fetchval("SELECT count(*) FROM survey_version WHERE survey_id = $1", survey_id) == 0
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'survey_created'") == 1


async def test_adding_spanish_takes_the_banks_translations_and_marks_the_rest(
    admin: Client, conn: Connection
) -> None:
    await post_form(
        admin, "/admin/surveys", {**FROM_BANK, "new_text": "How was the wait?", "new_type": "text"}
    )
    survey_id = await _survey_id(conn, "Voices 2025")
    added = await post_form(
        admin, f"/admin/surveys/{survey_id}/languages", {"language": "es", "title": "Voces 2025"}
    )
    assert added.status_code == 200
    draft = await question_queries.draft(conn, survey_id or 0)
    assert draft is not None
    assert draft.languages == ["en", "es"]
    assert draft.title["es"] == "Voces 2025"
    who5 = draft.question("who5_1")
    new = draft.question("how_was_the_wait")
    assert who5 is not None
    assert new is not None
    assert who5.text["es"] != who5.text["en"]
    assert "es" not in who5.untranslated
    assert new.text["es"] == "How was the wait?"
    assert new.untranslated == ["es"]
    page = BeautifulSoup(added.text, "html.parser")
    waiting = page.select_one(f"li[data-survey='{survey_id}'] .to-translate")
    assert waiting is not None
    assert "1 text waiting" in waiting.get_text()


async def test_retiring_a_language_and_never_the_first(admin: Client, conn: Connection) -> None:
    await post_form(admin, "/admin/surveys", FROM_BANK)
    survey_id = await _survey_id(conn, "Voices 2025")
    await post_form(admin, f"/admin/surveys/{survey_id}/languages", {"language": "es", "title": "Voces"})
    first = await post_form(admin, f"/admin/surveys/{survey_id}/languages/retire", {"language": "en"})
    assert first.status_code == 422
    assert "first language" in first.text
    retired = await post_form(admin, f"/admin/surveys/{survey_id}/languages/retire", {"language": "es"})
    assert retired.status_code == 200
    draft = await question_queries.draft(conn, survey_id or 0)
    assert draft is not None
    assert draft.languages == ["en"]
    assert all("es" not in q.text for q in draft.questions)


async def test_a_wrong_field_is_named_and_nothing_is_stored(admin: Client, conn: Connection) -> None:
    unknown = await post_form(admin, "/admin/surveys", {**FROM_BANK, "publish": "yes"})
    no_such = await post_form(admin, "/admin/surveys", {**FROM_BANK, "instrument": "who55"})
    language = await post_form(admin, "/admin/surveys", {**FROM_BANK, "language": "xx"})
    nothing = await post_form(admin, "/admin/surveys", {"name": "Empty", "language": "en"})
    assert (unknown.status_code, no_such.status_code, language.status_code, nothing.status_code) == (
        400,
        422,
        422,
        422,
    )
    assert "publish" in unknown.text
    assert "instrument" in no_such.text
    assert "language" in language.text
    assert await conn.fetchval("SELECT count(*) FROM survey") == 0


async def test_a_taken_name_is_refused(admin: Client, conn: Connection) -> None:
    await post_form(admin, "/admin/surveys", FROM_BANK)
    again = await post_form(admin, "/admin/surveys", {**FROM_BANK, "name": "voices 2025"})
    assert again.status_code == 422
    assert "already a survey" in again.text
    assert await conn.fetchval("SELECT count(*) FROM survey") == 1


async def test_someone_without_the_admin_role_is_refused(
    client: Client, database_url: str, conn: Connection
) -> None:
    await make_account(database_url, "bo", ["board"])
    await sign_in(client, "bo")
    refused = await post_form(client, "/admin/surveys", FROM_BANK)
    page = await client.get("/admin/surveys", follow_redirects=False)
    assert (refused.status_code, page.status_code) == (403, 403)
    assert await conn.fetchval("SELECT count(*) FROM survey") == 0
