"""Sites and kiosks from the admin page: names, archiving, main languages, survey choice, resources."""

from __future__ import annotations

import uuid

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import kiosks, release
from survey.db import Connection
from tests.support import make_account, post_form, sign_in

Client = AsyncTestClient[Litestar]

pytestmark = pytest.mark.demo_data


async def _first_site(conn: Connection) -> int:
    site_id: int = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    return site_id


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_an_archived_kiosks_token_is_refused(admin: Client, conn: Connection) -> None:
    token = await kiosks.create_enrolled(conn, site_id=await _first_site(conn), label="Van", actor_id=None)
    assert (await admin.get("/api/kiosk/survey", headers=_bearer(token))).status_code == 200
    kiosk_id = await conn.fetchval("SELECT id FROM kiosk")
    archived = await post_form(admin, f"/admin/kiosks/{kiosk_id}/archive", {})
    assert archived.status_code == 200
    assert (await admin.get("/api/kiosk/survey", headers=_bearer(token))).status_code == 401
    row = BeautifulSoup(archived.text, "html.parser").select_one(".archived-kiosks")
    assert row is not None
    assert "Van" in row.get_text()
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'kiosk_archived'") == 1


async def test_an_archived_kiosks_code_no_longer_enrols(admin: Client, conn: Connection) -> None:
    made = await post_form(admin, "/admin/kiosks", {"site_id": str(await _first_site(conn)), "label": "Desk"})
    code = BeautifulSoup(made.text, "html.parser").select_one("#kiosk-code")
    assert code is not None
    kiosk_id = await conn.fetchval("SELECT id FROM kiosk")
    await post_form(admin, f"/admin/kiosks/{kiosk_id}/archive", {})
    enrolled = await post_form(admin, "/kiosk/enroll", {"code": code.get_text()})
    assert enrolled.status_code == 400


async def test_an_archived_sites_kiosks_stop_and_it_takes_no_new_one(admin: Client, conn: Connection) -> None:
    site_id = await _first_site(conn)
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Van", actor_id=None)
    assert (await post_form(admin, f"/admin/sites/{site_id}/archive", {})).status_code == 200
    assert (await admin.get("/api/kiosk/survey", headers=_bearer(token))).status_code == 401
    refused = await post_form(admin, "/admin/kiosks", {"site_id": str(site_id), "label": "New"})
    assert refused.status_code == 422
    assert await conn.fetchval("SELECT count(*) FROM kiosk") == 1
    assert await conn.fetchval("SELECT archived FROM site WHERE id = $1", site_id)


async def test_a_site_without_a_survey_never_serves_another(admin: Client, conn: Connection) -> None:
    made = await post_form(admin, "/admin/sites", {"name": "Harbour drop-in", "default_language": "fr"})
    assert made.status_code == 200
    site_id = await conn.fetchval("SELECT id FROM site WHERE name = 'Harbour drop-in'")
    item = BeautifulSoup(made.text, "html.parser").select_one(f"li[data-site='{site_id}']")
    assert item is not None
    status = item.select_one(".site-survey")
    assert status is not None
    assert status.get_text() == "no survey yet"
    selected = item.select_one(f"#site-survey-{site_id} option[selected]")
    assert selected is not None
    assert selected["value"] == ""
    # Saving the resources with the form as shown keeps the site without a survey.
    saved = await post_form(
        admin, f"/admin/sites/{site_id}/settings", {"survey_id": "", "resources": "Naloxone"}
    )
    assert saved.status_code == 200
    assert await conn.fetchval("SELECT survey_id FROM site WHERE id = $1", site_id) is None
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Harbour tablet", actor_id=None)
    answer = await admin.get("/api/kiosk/survey", headers=_bearer(token))
    assert answer.status_code == 409
    assert answer.json()["extra"] == {"no_survey": True}
    admin.cookies.set("survey_kiosk", token)
    shell = await admin.get("/kiosk")
    assert shell.status_code == 200
    assert "does not run a survey yet" in shell.text


async def test_a_main_language_comes_from_the_list(admin: Client, conn: Connection) -> None:
    words = await post_form(admin, "/admin/sites", {"name": "A", "default_language": "French"})
    unknown = await post_form(admin, "/admin/sites", {"name": "B", "default_language": "qq"})
    assert (words.status_code, unknown.status_code) == (400, 422)
    assert "default_language" in words.text
    assert "default_language" in unknown.text
    assert await conn.fetchval("SELECT count(*) FROM site WHERE name IN ('A', 'B')") == 0
    page = BeautifulSoup((await admin.get("/admin")).text, "html.parser")
    names = {option["value"]: option.get_text() for option in page.select("#site-language option")}
    assert names["es"].startswith("español")
    assert names["fr"].startswith("français")


async def test_resources_in_every_language_reach_the_kiosk(admin: Client, conn: Connection) -> None:
    site_id = await _first_site(conn)
    survey_id = await conn.fetchval("SELECT survey_id FROM site WHERE id = $1", site_id)
    page = BeautifulSoup((await admin.get("/admin")).text, "html.parser")
    assert page.select_one(f"#site-resources-{site_id}-es") is not None, "a box for the survey's Spanish"
    saved = await post_form(
        admin,
        f"/admin/sites/{site_id}/settings",
        {
            "survey_id": str(survey_id),
            "resources": "Naloxone at the desk.",
            "resource_language": "es",
            "resource_text": "Naloxona en la recepción.",
        },
    )
    assert saved.status_code == 200
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Desk", actor_id=None)
    survey = (await admin.get("/api/kiosk/survey", headers=_bearer(token))).json()
    assert survey["resources"] == "Naloxone at the desk."
    assert survey["resources_by_language"] == {
        "en": "Naloxone at the desk.",
        "es": "Naloxona en la recepción.",
    }


async def test_a_wrong_settings_field_is_named_and_nothing_changes(admin: Client, conn: Connection) -> None:
    site_id = await _first_site(conn)
    before = await conn.fetchrow("SELECT survey_id, resources FROM site WHERE id = $1", site_id)
    unpaired = await post_form(
        admin,
        f"/admin/sites/{site_id}/settings",
        {"survey_id": "", "resources": "x", "resource_language": ["es", "fr"], "resource_text": "y"},
    )
    no_survey = await post_form(admin, f"/admin/sites/{site_id}/settings", {"survey_id": "999999"})
    too_big = await post_form(admin, f"/admin/sites/{site_id}/settings", {"survey_id": str(2**64)})
    assert (unpaired.status_code, no_survey.status_code, too_big.status_code) == (422, 422, 400)
    assert "resource_text" in unpaired.text
    assert "survey_id" in no_survey.text
    assert "survey_id" in too_big.text
    assert await conn.fetchrow("SELECT survey_id, resources FROM site WHERE id = $1", site_id) == before
    assert await conn.fetchval("SELECT count(*) FROM site_resource") == 0


async def test_renaming_a_site_and_its_main_language_keeps_each_text_in_its_language(
    admin: Client, conn: Connection
) -> None:
    site_id = await _first_site(conn)
    survey_id = await conn.fetchval("SELECT survey_id FROM site WHERE id = $1", site_id)
    await post_form(
        admin,
        f"/admin/sites/{site_id}/settings",
        {
            "survey_id": str(survey_id),
            "resources": "English text",
            "resource_language": "es",
            "resource_text": "Texto",
        },
    )
    renamed = await post_form(
        admin, f"/admin/sites/{site_id}/name", {"name": "Riverside", "default_language": "es"}
    )
    assert renamed.status_code == 200
    site = await conn.fetchrow("SELECT name, default_language, resources FROM site WHERE id = $1", site_id)
    assert site is not None
    assert tuple(site) == ("Riverside", "es", "Texto")
    others = await conn.fetch("SELECT language, body FROM site_resource WHERE site_id = $1", site_id)
    assert [tuple(row) for row in others] == [("en", "English text")]


async def test_renaming_a_kiosk_is_audited_with_both_names(admin: Client, conn: Connection) -> None:
    await kiosks.create_enrolled(conn, site_id=await _first_site(conn), label="Van", actor_id=None)
    kiosk_id = await conn.fetchval("SELECT id FROM kiosk")
    renamed = await post_form(admin, f"/admin/kiosks/{kiosk_id}/name", {"label": "Blue van"})
    assert renamed.status_code == 200
    assert await conn.fetchval("SELECT label FROM kiosk") == "Blue van"
    detail = await conn.fetchval("SELECT detail FROM audit_event WHERE action = 'kiosk_renamed'")
    assert detail == {"from": "Van", "to": "Blue van"}


async def test_last_contact_is_a_day_and_sending_a_response_never_writes_the_kiosk(
    admin: Client, conn: Connection
) -> None:
    site_id = await _first_site(conn)
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Van", actor_id=None)
    survey = (await admin.get("/api/kiosk/survey", headers=_bearer(token))).json()
    assert await conn.fetchval("SELECT last_contact_on FROM kiosk") == release.today_utc()
    before = await conn.fetchrow("SELECT xmin::text AS xmin, * FROM kiosk")
    body = {
        "id": str(uuid.uuid4()),
        "survey_version": survey["survey_version"],
        "language": "en",
        "answers": {"who5_1": 3},
    }
    stored = await admin.post("/api/kiosk/responses", json=body, headers=_bearer(token))
    assert stored.status_code == 201
    await admin.get("/api/kiosk/survey", headers=_bearer(token))  # a second contact the same day
    assert await conn.fetchrow("SELECT xmin::text AS xmin, * FROM kiosk") == before
    page = BeautifulSoup((await admin.get("/admin")).text, "html.parser")
    contact = page.select_one("tr[data-kiosk] .kiosk-contact")
    assert contact is not None
    assert contact.get_text() == release.today_utc().isoformat()


async def test_someone_without_the_admin_role_cannot_archive(
    client: Client, database_url: str, conn: Connection
) -> None:
    await make_account(database_url, "eve", ["evaluator"])
    await sign_in(client, "eve")
    site_id = await _first_site(conn)
    await kiosks.create_enrolled(conn, site_id=site_id, label="Van", actor_id=None)
    kiosk_id = await conn.fetchval("SELECT id FROM kiosk")
    site = await post_form(client, f"/admin/sites/{site_id}/archive", {})
    kiosk = await post_form(client, f"/admin/kiosks/{kiosk_id}/archive", {})
    assert (site.status_code, kiosk.status_code) == (403, 403)
    assert await conn.fetchval("SELECT count(*) FROM site WHERE archived") == 0
    assert await conn.fetchval("SELECT count(*) FROM kiosk WHERE archived") == 0
