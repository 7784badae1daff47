"""One normalisation of account names (NFKC, then case folding) for storage, look-up and sign-in limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey import accounts, migrate
from survey.schemas import account_name_key
from survey.settings import Settings
from tests.support import PASSWORD, apply_migrations_before, make_account, post_form

if TYPE_CHECKING:
    from pathlib import Path

    from survey.db import Connection

Client = AsyncTestClient[Litestar]
WRONG = "not the password at all"


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Admin", "admin"),
        ("\uff41\uff44\uff4d\uff49\uff4e", "admin"),  # fullwidth letters
        ("STRAẞE", "strasse"),  # capital sharp s
        ("straße", "strasse"),
        ("Cafe\u0301", "café"),  # e and a combining acute accent
        ("Café", "café"),
        ("\u0130victim", "i\u0307victim"),  # capital I with dot: not the same letter as i
        ("  ada ", "ada"),
    ],
)
def test_every_spelling_has_one_key(spelling: str, key: str) -> None:
    assert account_name_key(spelling) == key


async def _sign_in(client: Client, name: str, password: str) -> int:
    return (await post_form(client, "/signin", {"name": name, "password": password})).status_code


async def test_a_dotted_capital_i_never_reaches_an_account_with_an_i(
    client: Client, database_url: str, settings: Settings
) -> None:
    """The attack: guesses under U+0130 went to 'ivictim' but were counted under another name."""
    await make_account(database_url, "ivictim", ["evaluator"])
    guesses = [await _sign_in(client, "\u0130victim", WRONG) for _ in range(settings.signin_attempts + 7)]
    assert 429 in guesses, "guesses under one spelling are limited like any others"
    assert await _sign_in(client, "\u0130victim", PASSWORD) != 303, "that spelling is another name"
    assert await _sign_in(client, "ivictim", PASSWORD) == 303


async def test_other_spellings_of_a_name_count_against_its_limit(
    client: Client, database_url: str, settings: Settings
) -> None:
    await make_account(database_url, "ivictim", ["evaluator"])
    spellings = ["IVICTIM", "\uff49\uff56\uff49\uff43\uff54\uff49\uff4d", "IvIcTiM", "ivictim "]
    statuses = [
        await _sign_in(client, spellings[n % len(spellings)], WRONG) for n in range(settings.signin_attempts)
    ]
    assert statuses == [400] * settings.signin_attempts
    assert await _sign_in(client, "ivictim", PASSWORD) == 429


async def test_a_name_signs_in_under_any_spelling_of_it(client: Client, database_url: str) -> None:
    await make_account(database_url, "strasse", ["evaluator"])
    assert await _sign_in(client, "STRAßE", PASSWORD) == 303


async def test_one_name_cannot_be_taken_twice_in_another_case(conn: Connection) -> None:
    await accounts.create_account(
        conn, actor_id=None, name="ada", display_name="Ada", roles=["evaluator"], password=PASSWORD
    )
    with pytest.raises(accounts.AccountError, match="already taken"):
        await accounts.create_account(
            conn, actor_id=None, name="ADA", display_name="Ada again", roles=["evaluator"], password=PASSWORD
        )


async def test_existing_accounts_get_their_key_when_migrating(empty_conn: Connection, tmp_path: Path) -> None:
    await apply_migrations_before(empty_conn, 6, tmp_path / "migrations")
    await empty_conn.execute(
        "INSERT INTO account (name, display_name, password_hash, roles) VALUES ($1, $1, 'x', '{admin}')",
        "Old.Admin",
    )
    await migrate.apply_all(empty_conn)
    assert await empty_conn.fetchval("SELECT name_key FROM account") == "old.admin"
