"""The board's recordings and pictures over HTTP, through to the kiosk's survey and the file it fetches."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from questions import media, queries
from survey import db
from survey.db import Connection
from tests.questions.support import scalar
from tests.support import (
    board_decides,
    csrf_token,
    make_member,
    publish_with_board,
    set_board_quorum,
    sign_in,
)
from tests.survey.test_media_files import jpeg_with_gps, wav

Client = AsyncTestClient[Litestar]
pytestmark = pytest.mark.demo_data


async def board_member(client: Client, database_url: str) -> int:
    survey_id = await scalar(database_url, "SELECT id FROM survey ORDER BY id LIMIT 1")
    assert isinstance(survey_id, int)
    await set_board_quorum(database_url, 2)
    for name in ("ash", "robin"):
        await make_member(database_url, name)
    client.cookies.clear()
    assert (await sign_in(client, "ash")).status_code == 303
    return survey_id


async def upload(client: Client, path: str, fields: dict[str, str], files: dict[str, Any]) -> httpx.Response:
    data = {"_csrf_token": await csrf_token(client), **fields}
    return await client.post(path, data=data, files=files, follow_redirects=False)


def line_of(page: str, key: str, option: str, language: str) -> str:
    found = re.search(
        rf'<li class="script-line (\w+)" data-key="{key}" data-option="{option}" data-language="{language}">',
        page,
    )
    assert found is not None, (key, option, language)
    return found.group(1)


async def test_a_recording_is_kept_listed_and_played_by_the_kiosk_while_its_words_stand(
    client: Client, database_url: str, conn: Connection, kiosk: dict[str, Any]
) -> None:
    survey_id = await board_member(client, database_url)
    script = f"/board/media/surveys/{survey_id}/script"
    page = await client.get(script)
    assert page.status_code == 200
    assert line_of(page.text, "who5_1", "", "es") == "to_record"
    words = await client.get("/api/kiosk/survey", headers=kiosk["headers"])
    assert words.json()["recordings"] == {}
    definition = words.json()["definition"]
    question = next(q for q in definition["questions"] if q["key"] == "naloxone_carried")
    spoken = question["text"]["es"] + (
        ("\n" + question["help"]["es"]) if question.get("help", {}).get("es") else ""
    )
    fields = {"question": "naloxone_carried", "option": "", "language": "es", "words": spoken}
    sent = await upload(
        client,
        f"/board/media/surveys/{survey_id}/recordings",
        fields,
        {"recording": ("lectura.wav", wav(), "audio/wav")},
    )
    assert sent.status_code == 303, sent.text
    assert line_of((await client.get(script)).text, "naloxone_carried", "", "es") == "recorded"
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'recording_uploaded'") == 1
    # The version on the kiosks shows these very words, so it plays the recording now.
    recordings = (await client.get("/api/kiosk/survey", headers=kiosk["headers"])).json()["recordings"]
    url = recordings["es"]["naloxone_carried"]
    served = await client.get(url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "audio/wav"
    assert "immutable" in served.headers["cache-control"]
    assert served.content == wav()


async def test_a_recording_of_other_words_or_of_no_sound_is_refused(
    client: Client, database_url: str, conn: Connection
) -> None:
    survey_id = await board_member(client, database_url)
    path = f"/board/media/surveys/{survey_id}/recordings"
    stale = {"question": "naloxone_carried", "option": "", "language": "en", "words": "Old words"}
    changed = await upload(client, path, stale, {"recording": ("a.wav", wav(), "audio/wav")})
    assert changed.status_code == 409
    assert "The words changed since this page was opened" in changed.text
    definition_words = media.words_for(
        await _draft(conn, survey_id),
        "naloxone_carried",
        "",
        "en",
    )
    assert definition_words is not None
    fields = {**stale, "words": definition_words}
    fake = await upload(
        client, path, fields, {"recording": ("a.wav", b"<html>not sound</html>", "audio/wav")}
    )
    assert fake.status_code == 422
    assert "not a recording the kiosk can play" in fake.text
    assert await conn.fetchval("SELECT count(*) FROM recording") == 0
    assert await conn.fetchval("SELECT count(*) FROM media") == 0


async def _draft(conn: Connection, survey_id: int) -> Any:
    draft = await queries.draft(conn, survey_id)
    assert draft is not None
    return draft


async def test_a_picture_is_a_proposal_and_the_published_version_carries_it(
    client: Client, database_url: str, conn: Connection, kiosk: dict[str, Any]
) -> None:
    survey_id = await board_member(client, database_url)
    fields = {"question": "naloxone_carried", "option": "always", "reason": "For people who read little"}
    sent = await upload(
        client,
        f"/board/media/surveys/{survey_id}/pictures",
        fields,
        {"picture": ("naloxone.jpg", jpeg_with_gps((600, 400)), "image/jpeg")},
    )
    assert sent.status_code == 303, sent.text
    proposal_page = await client.get(sent.headers["location"])
    assert "Show a picture with the answer" in proposal_page.text
    digest = await conn.fetchval("SELECT change->>'picture' FROM proposal ORDER BY id DESC LIMIT 1")
    assert f'src="/media/{digest}"' in proposal_page.text
    stored = await conn.fetchval("SELECT content FROM media WHERE digest = $1", digest)
    assert b"PhoneMaker" not in stored
    # Nothing on the kiosk until the board decides and publishes.
    before = (await client.get("/api/kiosk/survey", headers=kiosk["headers"])).json()
    assert all("picture" not in o for q in before["definition"]["questions"] for o in q.get("options", []))
    proposal_id = int(sent.headers["location"].split("/")[3].split("?")[0])
    other = await db.connect(database_url)
    try:
        await board_decides(other, proposal_id)
    finally:
        await other.close()
    await publish_with_board(database_url, survey_id)
    after = (await client.get("/api/kiosk/survey", headers=kiosk["headers"])).json()
    question = next(q for q in after["definition"]["questions"] if q["key"] == "naloxone_carried")
    assert next(o for o in question["options"] if o["code"] == "always")["picture"] == digest
    served = await client.get(f"/media/{digest}")
    assert (served.status_code, served.headers["content-type"]) == (200, "image/jpeg")


async def test_a_file_that_is_not_a_picture_makes_no_proposal(
    client: Client, database_url: str, conn: Connection
) -> None:
    survey_id = await board_member(client, database_url)
    fields = {"question": "naloxone_carried", "option": "always"}
    sent = await upload(
        client,
        f"/board/media/surveys/{survey_id}/pictures",
        fields,
        {"picture": ("x.png", b"<svg><script>alert(1)</script></svg>", "image/png")},
    )
    assert sent.status_code == 422
    assert "not a PNG, JPEG or WebP picture" in sent.text
    assert await conn.fetchval("SELECT count(*) FROM proposal WHERE kind = 'picture'") == 0
    assert await conn.fetchval("SELECT count(*) FROM media") == 0


async def test_unknown_files_are_404(client: Client) -> None:
    assert (await client.get("/media/" + "0" * 64)).status_code == 404
    assert (await client.get("/media/../../etc/passwd")).status_code == 404
