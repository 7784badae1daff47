"""Hard edges of the kiosk's JSON intake: every refusal is a 4xx naming the field, and nothing is stored."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import json_body
from survey.db import Connection
from survey.json_body import MAX_DEPTH
from tests.support import release_sent

Client = AsyncTestClient[Litestar]
BIGINT_PAST = 2**63
ENDPOINT = "/api/kiosk/responses"

pytestmark = pytest.mark.demo_data


def fields(kiosk: dict[str, Any], **answers: Any) -> str:
    """The JSON text of a valid response's fields before ``answers``, to splice crafted bodies onto."""
    return (
        f'"id": "{uuid.uuid4()}", "survey_version": {kiosk["version"]}, "language": "en", '
        f'"answers": {msgspec.json.encode(answers).decode()}'
    )


async def stored_counts(conn: Connection) -> tuple[int, int]:
    """Rows in the inbox and in the released response table."""
    inbox = await conn.fetchval("SELECT count(*) FROM response_inbox")
    released = await conn.fetchval("SELECT count(*) FROM response")
    return inbox, released


async def post_raw(
    client: Client, kiosk: dict[str, Any], content: bytes, content_type: str | None = "application/json"
) -> Any:
    headers = dict(kiosk["headers"])
    if content_type is not None:
        headers["content-type"] = content_type
    return await client.post(ENDPOINT, content=content, headers=headers)


def deep(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(lambda k: '{"answers": ' + deep(1000) + "}", "body", id="nested-1000-levels"),
        pytest.param(
            lambda k: "{" + fields(k) + ', "linkage": ' + deep(5000) + "}", "body", id="nested-5000"
        ),
        pytest.param(lambda k: "[" * 100_000, "body", id="openers-only"),
        pytest.param(
            lambda k: (
                "{"
                + fields(k).replace(f'"survey_version": {k["version"]}', f'"survey_version": {2**63}')
                + "}"
            ),
            "survey_version",
            id="survey-version-past-bigint",
        ),
        pytest.param(
            lambda k: (
                "{" + fields(k).replace(f'"survey_version": {k["version"]}', '"survey_version": "1"') + "}"
            ),
            "survey_version",
            id="survey-version-as-text",
        ),
        pytest.param(
            lambda k: (
                "{" + fields(k).replace(f'"survey_version": {k["version"]}', '"survey_version": 1.0') + "}"
            ),
            "survey_version",
            id="survey-version-as-float",
        ),
        pytest.param(
            lambda k: "{" + fields(k) + f', "survey_version": {k["version"]}' + "}",
            "survey_version",
            id="duplicate-top-level-key",
        ),
        pytest.param(
            lambda k: "{" + fields(k)[: -len("{}")] + '{"who5_1": 1, "who5_1": 5}}',
            "answers.who5_1",
            id="duplicate-answer",
        ),
        pytest.param(lambda k: "{" + fields(k), "body", id="truncated"),
        pytest.param(lambda k: "[]", "body", id="not-an-object"),
    ],
)
async def test_a_crafted_body_is_400_naming_the_field_and_nothing_is_stored(
    client: Client, kiosk: dict[str, Any], conn: Connection, body: Any, field: str
) -> None:
    before = await stored_counts(conn)
    response = await post_raw(client, kiosk, body(kiosk).encode())
    assert response.status_code == 400, response.text
    assert response.json()["extra"] == {"field": field}
    assert await stored_counts(conn) == before


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json-patch+json",
        "application/json; charset=latin-1",
        None,
    ],
)
async def test_a_body_that_is_not_declared_json_is_415(
    client: Client, kiosk: dict[str, Any], conn: Connection, content_type: str | None
) -> None:
    before = await stored_counts(conn)
    valid = ("{" + fields(kiosk, who5_1=4) + "}").encode()
    response = await post_raw(client, kiosk, valid, content_type)
    assert response.status_code == 415, response.text
    assert response.json()["extra"] == {"field": "content-type"}
    assert await stored_counts(conn) == before


async def test_json_with_a_charset_is_still_json(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    valid = ("{" + fields(kiosk, who5_1=4) + "}").encode()
    response = await post_raw(client, kiosk, valid, "Application/JSON; charset=UTF-8")
    assert response.status_code == 201, response.text
    assert await stored_counts(conn) == (1, 0)


@pytest.mark.parametrize("value", ["3.0", "2.5", "3e0"])
async def test_a_float_for_a_whole_number_question_is_refused(
    client: Client, kiosk: dict[str, Any], conn: Connection, value: str
) -> None:
    body = "{" + fields(kiosk)[: -len("{}")] + '{"meals_days": ' + value + "}}"
    response = await post_raw(client, kiosk, body.encode())
    assert response.status_code == 422, response.text
    assert response.json()["extra"] == {"field": "answers.meals_days"}
    assert await stored_counts(conn) == (0, 0)


async def test_a_whole_number_answer_is_stored_as_an_integer(
    client: Client, kiosk: dict[str, Any], conn: Connection
) -> None:
    response = await post_raw(client, kiosk, ("{" + fields(kiosk, meals_days=3) + "}").encode())
    assert response.status_code == 201, response.text
    await release_sent(conn)
    stored = await conn.fetchval("SELECT value FROM answer WHERE question_key = 'meals_days'")
    assert (stored, type(stored)) == (3, int)


async def test_nesting_at_the_limit_is_judged_by_its_content_not_its_depth(
    client: Client, kiosk: dict[str, Any]
) -> None:
    # MAX_DEPTH levels is a shape the schema refuses (422 or 400 naming answers), not a nesting refusal.
    inner = deep(MAX_DEPTH - 2)
    response = await post_raw(
        client, kiosk, ("{" + fields(kiosk)[: -len("{}")] + '{"a": ' + inner + "}}").encode()
    )
    assert response.status_code == 400
    assert response.json()["extra"] == {"field": "answers"}


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[[[[[", "b": "\\"[["}', 1),
        (b"[[]][[[]]]", 3),
        (b"1", 0),
    ],
)
def test_the_depth_counts_brackets_outside_strings(text: bytes, depth: int) -> None:
    assert json_body.nesting_depth(text, limit=10) == depth


def test_the_depth_stops_counting_past_the_limit() -> None:
    assert json_body.nesting_depth(b"[" * 10_000 + b"]" * 10_000, limit=32) == 33
    assert json_body.nesting_depth(b"[" * 10_000, limit=32) == 33
