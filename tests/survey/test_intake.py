"""Kiosk intake through the real app: what is stored, what is refused and named, and safe resends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import kiosks
from survey.db import Connection
from survey.intake import linkage_hashes, period_of
from survey.kiosk_routes import KIOSK_COOKIE
from survey.settings import Settings
from tests.support import release_sent

Client = AsyncTestClient[Litestar]
"""Responses wait in the inbox for the day to end; the tests release them as the next day's batch."""

pytestmark = pytest.mark.demo_data


def body(kiosk: dict[str, Any], answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "survey_version": kiosk["version"],
        "language": "es",
        "answers": answers,
        **extra,
    }


SPANISH_ANSWERS = {
    "who5_1": 4,
    "who5_2": 3,
    "who5_3": 3,
    "who5_4": 2,
    "who5_5": 5,  # sum 17 -> 68
    "k6_1": 1,
    "k6_2": "prefer_not_to_say",
    "k6_3": 0,
    "k6_4": 0,
    "k6_5": 1,
    "k6_6": 0,
    "naloxone_carried": "sometimes",
    "overdose_seen": "no",
    "life_areas": ["housing", "health"],
    "change_housing": "a_bit_better",
    "meals_days": 5,
}


async def test_the_survey_comes_whole_with_its_interface_strings(
    client: Client, kiosk: dict[str, Any]
) -> None:
    survey = (await client.get("/api/kiosk/survey", headers=kiosk["headers"])).json()
    assert survey["survey_version"] == kiosk["version"]
    assert [(language["code"], language["name"]) for language in survey["languages"]] == [
        ("en", "English"),
        ("es", "Español"),
    ]
    assert survey["ui"]["es"]["Skip"] == "Saltar"
    assert len(survey["definition"]["questions"]) == 28
    assert "naloxone" in survey["resources"].lower()


async def test_a_response_lands_with_its_answers_and_scores(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    submitted = body(kiosk, SPANISH_ANSWERS)
    response = await client.post("/api/kiosk/responses", json=submitted, headers=kiosk["headers"])
    assert response.status_code == 201, response.text
    await release_sent(conn)
    rows = await conn.fetch(
        "SELECT question_key, value FROM answer WHERE response_id = $1", uuid.UUID(submitted["id"])
    )
    assert {row["question_key"]: row["value"] for row in rows} == SPANISH_ANSWERS
    scores = await conn.fetch(
        "SELECT measure, value, band FROM measure_score WHERE response_id = $1", uuid.UUID(submitted["id"])
    )
    assert [(row["measure"], row["value"], row["band"]) for row in scores] == [
        ("who5", 68, "adequate_wellbeing")
    ]
    stored = await conn.fetchrow("SELECT language, period, site_id FROM response")
    assert stored is not None
    assert stored["language"] == "es"
    assert stored["period"] == period_of(datetime.now(UTC).date(), "month")


async def test_the_same_response_twice_is_stored_once(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    submitted = body(kiosk, {"who5_1": 4})
    first = await client.post("/api/kiosk/responses", json=submitted, headers=kiosk["headers"])
    again = await client.post("/api/kiosk/responses", json=submitted, headers=kiosk["headers"])
    other = await client.post(
        "/api/kiosk/responses", json={**submitted, "answers": {"who5_1": 2}}, headers=kiosk["headers"]
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    await release_sent(conn)
    assert await conn.fetchval("SELECT count(*) FROM response") == 1
    assert await conn.fetchval("SELECT value FROM answer WHERE question_key = 'who5_1'") == 4


async def test_answers_hidden_by_skip_logic_are_dropped(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    submitted = body(
        kiosk,
        {
            "overdose_seen": "no",
            "overdose_reversed": "yes",
            "life_areas": ["health"],
            "change_income": "same",
        },
    )
    assert (
        await client.post("/api/kiosk/responses", json=submitted, headers=kiosk["headers"])
    ).status_code == 201
    await release_sent(conn)
    keys = {row["question_key"] for row in await conn.fetch("SELECT question_key FROM answer")}
    assert keys == {"overdose_seen", "life_areas"}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"naloxone_carried": "daily"}, "answers.naloxone_carried"),
        ({"who5_1": 6}, "answers.who5_1"),
        ({"who5_1": "4"}, "answers.who5_1"),
        ({"meals_days": 8}, "answers.meals_days"),
        ({"meals_days": 2.5}, "answers.meals_days"),
        ({"life_areas": []}, "answers.life_areas"),
        ({"life_areas": ["health", "health"]}, "answers.life_areas"),
        ({"program_intro": "yes"}, "answers.program_intro"),
        ({"program_feedback": "x" * 301}, "answers.program_feedback"),
        ({"favourite_colour": "blue"}, "answers.favourite_colour"),
    ],
)
async def test_a_bad_answer_is_422_naming_the_question_and_nothing_is_stored(
    client: Client, kiosk: dict[str, Any], conn: Connection, answers: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/kiosk/responses", json=body(kiosk, answers), headers=kiosk["headers"])
    assert response.status_code == 422
    assert response.json()["extra"] == {"field": field}
    assert await conn.fetchval("SELECT count(*) FROM response") == 0


async def test_an_unknown_body_field_is_400_naming_it(client: Client, kiosk: dict[str, Any]) -> None:
    response = await client.post(
        "/api/kiosk/responses", json=body(kiosk, {}, device="tablet-3"), headers=kiosk["headers"]
    )
    assert response.status_code == 400
    assert "device" in response.text


async def test_a_time_based_uuid_is_refused(client: Client, kiosk: dict[str, Any]) -> None:
    response = await client.post(
        "/api/kiosk/responses", json={**body(kiosk, {}), "id": str(uuid.uuid1())}, headers=kiosk["headers"]
    )
    assert response.status_code == 422
    assert response.json()["extra"] == {"field": "id"}


async def test_an_unknown_version_or_language_is_refused(client: Client, kiosk: dict[str, Any]) -> None:
    unknown = await client.post(
        "/api/kiosk/responses", json={**body(kiosk, {}), "survey_version": 999}, headers=kiosk["headers"]
    )
    french = await client.post(
        "/api/kiosk/responses", json={**body(kiosk, {}), "language": "fr"}, headers=kiosk["headers"]
    )
    assert unknown.json()["extra"] == {"field": "survey_version"}
    assert french.json()["extra"] == {"field": "language"}


async def test_linkage_parts_are_stored_only_as_keyed_hashes(
    client: Client, kiosk: dict[str, Any], conn: Connection, settings: Settings
) -> None:
    submitted = body(kiosk, {"who5_1": 1}, linkage={"parts": ["M", "07", "B"]})
    assert (
        await client.post("/api/kiosk/responses", json=submitted, headers=kiosk["headers"])
    ).status_code == 201
    await release_sent(conn)
    stored = await conn.fetchval("SELECT linkage FROM response")
    assert stored == linkage_hashes(settings.linkage_pepper, ["m", "07", "b"])
    assert stored != linkage_hashes("another pepper", ["M", "07", "B"])


async def test_no_token_or_a_revoked_kiosk_is_refused(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    assert (await client.get("/api/kiosk/survey")).status_code == 401
    kiosk_id = await conn.fetchval("SELECT id FROM kiosk")
    await kiosks.revoke(conn, kiosk_id=kiosk_id, actor_id=None)
    assert (await client.get("/api/kiosk/survey", headers=kiosk["headers"])).status_code == 401


async def test_a_cookie_kiosk_must_send_the_kiosk_header(client: Client, kiosk: dict[str, Any]) -> None:
    client.cookies.set(KIOSK_COOKIE, kiosk["token"])
    without = await client.post("/api/kiosk/responses", json=body(kiosk, {}))
    with_header = await client.post(
        "/api/kiosk/responses", json=body(kiosk, {}), headers={"x-kiosk-request": "1"}
    )
    assert (without.status_code, with_header.status_code) == (401, 201)


async def test_the_response_table_has_no_place_for_identifiers(conn: Connection) -> None:
    columns = {
        row["column_name"]
        for row in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'response'"
        )
    }
    assert columns == {
        "id",
        "survey_version_id",
        "site_id",
        "language",
        "period",
        "completed",
        "linkage",
        "content_hash",
        "answered_with",  # own / read_aloud / helped, as the participant said (never who helped)
    }


def test_periods_are_months_or_iso_weeks() -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC).date()
    assert (period_of(day, "month"), period_of(day, "week")) == ("2026-01", "2026-W01")
    assert period_of(datetime(2027, 1, 1, tzinfo=UTC).date(), "week") == "2026-W53"


async def test_too_many_responses_from_one_kiosk_are_slowed(
    kiosk: dict[str, Any], settings: Settings
) -> None:
    from survey.app import create_app

    app = create_app(msgspec.structs.replace(settings, kiosk_rate=2))
    async with AsyncTestClient(app=app) as limited:
        statuses = [
            (
                await limited.post("/api/kiosk/responses", json=body(kiosk, {}), headers=kiosk["headers"])
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [201, 201, 429]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"meals_days": 10**400}, "answers.meals_days"),
        ({"program_feedback": "more\u0000hours"}, "answers.program_feedback"),
    ],
)
async def test_crafted_values_are_refused_not_crashing(
    client: Client, kiosk: dict[str, Any], answers: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/api/kiosk/responses",
        content=msgspec.json.encode(body(kiosk, answers)),
        headers={**kiosk["headers"], "content-type": "application/json"},
    )
    assert response.status_code in {400, 422}
    if response.status_code == 422:
        assert response.json()["extra"] == {"field": field}


def test_linkage_parts_match_however_a_number_is_written() -> None:
    assert linkage_hashes("p", ["m", "07", "b"]) == linkage_hashes("p", ["M", "7", "B"])
    assert linkage_hashes("p", ["É", "7", "ب"]) != linkage_hashes("p", ["E", "7", "ب"])
