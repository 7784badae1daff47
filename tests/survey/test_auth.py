"""Sign-in, sessions, CSRF, per-name sign-in limits and evaluator API tokens, through the real app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import passwords
from survey.auth import SESSION_COOKIE
from survey.db import Connection as Conn
from survey.settings import Settings
from tests.support import PASSWORD, make_account, post_form, raw_token, sign_in

Client = AsyncTestClient[Litestar]


async def test_sign_in_opens_a_session_and_lands_on_the_section(client: Client, database_url: str) -> None:
    await make_account(database_url, "ada", ["admin"])
    response = await sign_in(client, "ada")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    assert (await client.get("/admin")).status_code == 200


async def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(
    client: Client, database_url: str
) -> None:
    await make_account(database_url, "ada", ["admin"])
    inside = await post_form(client, "/signin", {"name": "ada", "password": PASSWORD, "next": "/account"})
    outside = await post_form(
        client, "/signin", {"name": "ada", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert inside.headers["location"] == "/account"
    assert outside.headers["location"] == "/admin"


@pytest.mark.usefixtures("admin")
async def test_only_a_hash_of_the_session_token_is_stored(client: Client, conn: Conn) -> None:
    cookie = client.cookies[SESSION_COOKIE]
    stored = await conn.fetchval("SELECT token_hash FROM web_session")
    assert stored
    assert cookie not in stored


async def test_wrong_password_is_refused_and_audited(client: Client, database_url: str, conn: Conn) -> None:
    await make_account(database_url, "ada", ["admin"])
    response = await sign_in(client, "ada", "not the password")
    assert response.status_code == 400
    assert SESSION_COOKIE not in client.cookies
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'signin_failed'") == 1


async def test_a_hash_made_with_other_parameters_is_replaced_at_sign_in(
    client: Client, database_url: str, conn: Conn
) -> None:
    account = await make_account(database_url, "ada", ["admin"])
    # As an account from a release that hashed at another cost would have it.
    older = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    await conn.execute("UPDATE account SET password_hash = $1 WHERE id = $2", older, account.id)
    assert passwords.needs_rehash(older)
    assert (await sign_in(client, "ada")).status_code == 303
    stored = await conn.fetchval("SELECT password_hash FROM account WHERE id = $1", account.id)
    assert stored != older
    assert not passwords.needs_rehash(stored)
    assert passwords.verify_password(stored, PASSWORD)
    assert extract_parameters(stored) != extract_parameters(older)


def test_the_platform_hashes_at_rfc_9106s_recommended_cost() -> None:
    strong = extract_parameters(passwords.STRONG.hash(PASSWORD))
    assert (strong.type.name, strong.memory_cost, strong.time_cost) == ("ID", 65536, 3)


async def test_too_many_failures_block_that_name_only(
    client: Client, database_url: str, settings: Settings
) -> None:
    await make_account(database_url, "ada", ["admin"])
    await make_account(database_url, "bo", ["board"])
    for _ in range(settings.signin_attempts):
        assert (await sign_in(client, "ada", "wrong guess 123")).status_code == 400
    blocked = await sign_in(client, "ada")
    other = await sign_in(client, "bo")
    assert blocked.status_code == 429
    assert other.status_code == 303


@pytest.mark.usefixtures("admin")
async def test_sign_out_ends_the_session_for_good(client: Client, conn: Conn) -> None:
    cookie = client.cookies[SESSION_COOKIE]
    assert (await post_form(client, "/signout", {})).status_code == 303
    client.cookies.set(SESSION_COOKIE, cookie)
    again = await client.get("/admin", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/signin")
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'signout'") == 1


async def test_turning_an_account_off_ends_its_session(client: Client, database_url: str, conn: Conn) -> None:
    account = await make_account(database_url, "ev", ["evaluator"])
    await make_account(database_url, "ada", ["admin"])
    await sign_in(client, "ev")
    assert (await client.get("/account")).status_code == 200
    await conn.execute("UPDATE account SET active = false WHERE id = $1", account.id)
    assert (await client.get("/account", follow_redirects=False)).status_code == 303


@pytest.mark.usefixtures("admin")
async def test_a_post_without_csrf_token_is_refused(client: Client) -> None:
    response = await client.post("/admin/sites", data={"name": "Riverside"}, follow_redirects=False)
    assert response.status_code == 403


async def test_api_token_reads_the_api_and_is_stored_hashed(
    client: Client, database_url: str, conn: Conn
) -> None:
    await make_account(database_url, "ev", ["evaluator"])
    await sign_in(client, "ev")
    page = await post_form(client, "/account/tokens", {"label": "R scripts"})
    token = page.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    client.cookies.clear()
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"name": "ev", "display_name": "Ev", "roles": ["evaluator"]}
    assert await conn.fetchval("SELECT count(*) FROM api_token WHERE token_hash = $1", token) == 0


async def test_tokens_only_open_the_api_and_sessions_only_open_pages(
    client: Client, database_url: str
) -> None:
    account = await make_account(database_url, "ev", ["evaluator"])
    token = await raw_token(database_url, account.id)
    page_with_token = await client.get(
        "/account", headers={"Authorization": f"Bearer {token}"}, follow_redirects=False
    )
    await sign_in(client, "ev")
    api_with_session = await client.get("/api/me")
    assert page_with_token.status_code == 303
    assert api_with_session.status_code == 401


async def test_turning_an_account_off_revokes_its_tokens(
    client: Client, database_url: str, conn: Conn
) -> None:
    account = await make_account(database_url, "ev", ["evaluator"])
    await make_account(database_url, "ada", ["admin"])
    token = await raw_token(database_url, account.id)
    await sign_in(client, "ada")
    await post_form(client, f"/admin/accounts/{account.id}/active", {"active": "false"})
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    revoked = await conn.fetchval(
        "SELECT revoked_at IS NOT NULL FROM api_token WHERE account_id = $1", account.id
    )
    assert revoked


async def test_parallel_guesses_cannot_pass_the_limit_together(database_url: str, settings: Settings) -> None:
    import asyncio

    from survey import accounts, db

    await make_account(database_url, "ada", ["admin"])
    connections = [await db.connect(database_url) for _ in range(8)]
    try:
        outcomes = await asyncio.gather(
            *(
                accounts.sign_in(
                    c,
                    name="ada",
                    password="wrong guess 123",
                    attempts=settings.signin_attempts,
                    lifetime=timedelta(hours=1),
                )
                for c in connections
            ),
            return_exceptions=True,
        )
    finally:
        for connection in connections:
            await connection.close()
    statuses = sorted(o.status for o in outcomes if isinstance(o, accounts.SigninRefusedError))
    assert statuses == [400] * settings.signin_attempts + [429] * (8 - settings.signin_attempts)
