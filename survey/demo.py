"""The demo program: two sites and one account per role, made once, with passwords shown only then."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Final

import msgspec

from questions import membership, versions
from questions.demo import DEMO_SURVEY_NAME, demo_definition
from survey import accounts, demo_queries, kiosks, passwords, queries
from survey.audit_queries import audit
from survey.schemas import Role

if TYPE_CHECKING:
    from survey.db import Connection

DEMO_RESOURCES: Final = (
    "Free naloxone and fentanyl test strips: ask at the front desk, any time we are open.\n"
    "HIV and hepatitis C testing: Tuesdays and Thursdays, 1-4 pm, no appointment needed.\n"
    "Never Use Alone hotline: 1-800-484-3731 (someone stays on the line while you use)."
)
DEMO_SITES: Final = (("Eastside Drop-in Centre", "en"), ("Harbour Mobile Van", "es"))
# (account name, name shown to others, roles)
DEMO_ACCOUNTS: Final[tuple[tuple[str, str, list[Role]], ...]] = (
    ("admin", "Program admin", ["admin"]),
    ("board", "River", ["board"]),
    ("board2", "Sam", ["board"]),  # the board's default quorum needs two approvals
    ("evaluator", "Evaluation team", ["evaluator"]),
)


class DemoSeed(msgspec.Struct, frozen=True):
    """What seeding made: accounts and staff PINs (shown once), the demo survey's published version."""

    accounts: list[DemoAccount]
    survey_version: int | None
    pins: dict[str, str] = {}


class DemoAccount(msgspec.Struct, frozen=True):
    """A demo account and the password it was given."""

    name: str
    roles: list[Role]
    password: str


async def is_seeded(conn: Connection) -> bool:
    """Whether the database already holds accounts or sites (demo or real): seeding never touches those."""
    return await demo_queries.any_site_or_account(conn)


async def seed(conn: Connection) -> DemoSeed:
    """Add the demo sites and accounts to an empty database, and the demo survey where it is missing.

    Returns:
        The accounts made with their generated passwords (none when the database already had sites or
        accounts), and the number of the demo survey's version published now (``None`` if it existed).
    """
    made = await _seed_program(conn)
    version = await _seed_survey(conn)
    pins: dict[str, str] = {}
    if made:
        survey_id = await demo_queries.survey_id_by_name(conn, DEMO_SURVEY_NAME)
        for site in await queries.sites(conn):
            await demo_queries.set_site_survey(conn, site.id, survey_id, DEMO_RESOURCES)
            pins[site.name] = "".join(secrets.choice("0123456789") for _ in range(6))
            await kiosks.set_pin(conn, site_id=site.id, pin=pins[site.name], actor_id=None)
    return DemoSeed(made, version, pins)


async def _seed_survey(conn: Connection) -> int | None:
    async with conn.transaction():
        await demo_queries.lock_surveys(conn)
        if await demo_queries.survey_id_by_name(conn, DEMO_SURVEY_NAME) is not None:
            return None
        survey_id = await versions.create_survey(
            conn, name=DEMO_SURVEY_NAME, definition=demo_definition(), actor_id=None
        )
        published = await versions.publish(
            conn, survey_id, actor_id=None, approval=versions.Approval(basis="demo_seed")
        )
    return published.number


async def _seed_program(conn: Connection) -> list[DemoAccount]:
    async with conn.transaction():
        await demo_queries.lock_accounts(conn)
        if await is_seeded(conn):
            return []
        for name, language in DEMO_SITES:
            site = await queries.insert_site(conn, name, language)
            await audit(conn, "site_created", account_id=None, subject=site.name, detail={"demo": True})
        made: list[DemoAccount] = []
        for name, display_name, roles in DEMO_ACCOUNTS:
            password = passwords.generate_password()
            account = await accounts.create_account(
                conn, actor_id=None, name=name, display_name=display_name, roles=roles, password=password
            )
            if "board" in roles:  # the board is being set up: its first two members are added directly
                await membership.add_during_setup(conn, account.id, actor_id=None)
            made.append(DemoAccount(name, roles, password))
    return made
