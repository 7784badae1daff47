"""The demo program: two sites and one account per role, made once, with passwords shown only then."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey import accounts, passwords, queries
from survey.schemas import Role

if TYPE_CHECKING:
    from survey.db import Connection

DEMO_SITES: Final = (("Eastside Drop-in Centre", "en"), ("Harbour Mobile Van", "es"))
# (account name, name shown to others, roles)
DEMO_ACCOUNTS: Final[tuple[tuple[str, str, list[Role]], ...]] = (
    ("admin", "Program admin", ["admin"]),
    ("board", "River", ["board"]),
    ("evaluator", "Evaluation team", ["evaluator"]),
)


class DemoAccount(msgspec.Struct, frozen=True):
    """A demo account and the password it was given."""

    name: str
    roles: list[Role]
    password: str


async def is_seeded(conn: Connection) -> bool:
    """Whether the database already holds accounts or sites (demo or real): seeding never touches those."""
    return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM account) OR EXISTS (SELECT 1 FROM site)"))


async def seed(conn: Connection) -> list[DemoAccount]:
    """Add the demo sites and accounts to an empty database.

    Returns:
        The accounts made, with their generated passwords; empty when the database was not empty.
    """
    async with conn.transaction():
        await conn.execute("LOCK TABLE account IN SHARE ROW EXCLUSIVE MODE")
        if await is_seeded(conn):
            return []
        for name, language in DEMO_SITES:
            site = await queries.insert_site(conn, name, language)
            await queries.audit(
                conn, "site_created", account_id=None, subject=site.name, detail={"demo": True}
            )
        made: list[DemoAccount] = []
        for name, display_name, roles in DEMO_ACCOUNTS:
            password = passwords.generate_password()
            await accounts.create_account(
                conn, actor_id=None, name=name, display_name=display_name, roles=roles, password=password
            )
            made.append(DemoAccount(name, roles, password))
    return made
