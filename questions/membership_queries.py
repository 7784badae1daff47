"""SQL for the board's members (who votes, how each joined) and the proposals about the board itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from questions.changes import BoardChange
from questions.proposal_kind_queries import StoredProposal
from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from survey.db import Connection

LOCK_BOARD: Final = "SELECT approvals FROM board_quorum WHERE singleton FOR UPDATE"
# after_proposal: the last proposal number given out, committed or not, so a membership beginning now comes
# after every proposal that exists or is being made.
INSERT_MEMBERSHIP: Final = """
INSERT INTO board_membership (account_id, after_proposal, joined, welcomed_by, added_by)
VALUES (
    $1, coalesce(pg_sequence_last_value(pg_get_serial_sequence('proposal', 'id')::regclass), 0), $2, $3, $4
)
"""
END_MEMBERSHIP: Final = (
    "UPDATE board_membership SET ended_by = $2 WHERE account_id = $1 AND ended_by IS NULL RETURNING id"
)
MEMBERS: Final = """
SELECT m.account_id, a.name, a.display_name, a.active, 'board' = ANY (a.roles) AS has_role, m.joined,
       m.welcomed_by, coalesce(b.display_name, '') AS added_by
FROM board_membership m JOIN account a ON a.id = m.account_id LEFT JOIN account b ON b.id = m.added_by
WHERE m.ended_by IS NULL ORDER BY m.id
"""
MEMBER_COUNT: Final = "SELECT count(*) FROM board_membership WHERE ended_by IS NULL"
_ACTIVE_MEMBERS: Final = """
SELECT m.account_id AS id FROM board_membership m JOIN account a ON a.id = m.account_id
WHERE m.ended_by IS NULL AND a.active AND 'board' = ANY (a.roles)
"""
ACTIVE_MEMBERS: Final = _ACTIVE_MEMBERS
VOTERS: Final = _ACTIVE_MEMBERS + " AND m.after_proposal < $1"
CANDIDATES: Final = """
SELECT a.id, a.name, a.display_name FROM account a
WHERE a.active AND 'board' = ANY (a.roles)
  AND NOT EXISTS (SELECT 1 FROM board_membership m WHERE m.account_id = a.id AND m.ended_by IS NULL)
ORDER BY lower(a.display_name), a.id
"""
STANDING: Final = """
SELECT a.id, a.name, a.display_name, a.active, 'board' = ANY (a.roles) AS has_role,
       EXISTS (SELECT 1 FROM board_membership m WHERE m.account_id = a.id AND m.ended_by IS NULL) AS member
FROM account a WHERE a.id = $1
"""
INSERT_BOARD_PROPOSAL: Final = (
    "INSERT INTO proposal (kind, change, reason, proposed_by) VALUES ($1, $2, $3, $4) RETURNING id"
)
_BOARD_PROPOSAL_COLUMNS: Final = """
SELECT p.id, p.kind, p.change, p.reason, p.status, p.outcome, p.proposed_by, a.display_name AS proposer,
       p.proposed_at, p.closed_at, coalesce(t.display_name, '') AS about
FROM proposal p JOIN account a ON a.id = p.proposed_by
LEFT JOIN account t ON t.id = (p.change ->> 'account_id')::bigint
WHERE p.survey_id IS NULL AND p.kind IN ('welcome', 'step_down', 'quorum')
"""
BOARD_PROPOSAL: Final = _BOARD_PROPOSAL_COLUMNS + " AND p.id = $1"
BOARD_PROPOSAL_FOR_UPDATE: Final = _BOARD_PROPOSAL_COLUMNS + " AND p.id = $1 FOR UPDATE OF p"
BOARD_PROPOSALS: Final = _BOARD_PROPOSAL_COLUMNS + " ORDER BY p.id DESC"
OPEN_BOARD_PROPOSALS: Final = _BOARD_PROPOSAL_COLUMNS + " AND p.status = 'open' ORDER BY p.id FOR UPDATE OF p"


class Member(msgspec.Struct, frozen=True, kw_only=True):
    """A member of the board now, and how they joined."""

    account_id: int
    name: str
    display_name: str
    active: bool
    has_role: bool
    joined: str
    """``setup`` (an admin added them while setting up), ``welcomed`` (by the board) or ``before_0007``."""
    welcomed_by: int | None
    added_by: str
    """The chosen name of the admin who added them while setting up ('' otherwise, or from the CLI)."""

    @property
    def votes(self) -> bool:
        """Whether their votes count: their account is turned on and holds the board role."""
        return self.active and self.has_role


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """An active account with the board role that is not a member: it reads the board's pages, no vote."""

    id: int
    name: str
    display_name: str


class Standing(msgspec.Struct, frozen=True, kw_only=True):
    """One account as the board's rules look at it."""

    id: int
    name: str
    display_name: str
    active: bool
    has_role: bool
    member: bool


class BoardProposal(StoredProposal[BoardChange], frozen=True, kw_only=True):
    """A proposal about the board (no survey, no draft), with the chosen name of the member it is about."""

    about: str
    """The chosen name of the account welcomed or stepping down ('' for a quorum change)."""


class _Id(msgspec.Struct, frozen=True):
    id: int


async def lock_board(conn: Connection) -> None:
    """Hold the board (its quorum row) until the transaction ends: membership and quorum changes queue up."""
    await conn.execute(LOCK_BOARD)


async def add_membership(
    conn: Connection, account_id: int, joined: str, *, welcomed_by: int | None, added_by: int | None
) -> None:
    """Make an account a member from now on (after every proposal numbered so far)."""
    await conn.execute(INSERT_MEMBERSHIP, account_id, joined, welcomed_by, added_by)


async def end_membership(conn: Connection, account_id: int, proposal_id: int) -> bool:
    """End an account's membership by an accepted proposal; ``False`` when it was not a member."""
    return await conn.fetchval(END_MEMBERSHIP, account_id, proposal_id) is not None


async def members(conn: Connection) -> list[Member]:
    """The members now, in the order they joined."""
    return await fetch_all(conn, MEMBERS, Member)


async def member_count(conn: Connection) -> int:
    """How many memberships are current, counting members whose account is turned off."""
    count: int = await conn.fetchval(MEMBER_COUNT)
    return count


async def active_members(conn: Connection) -> set[int]:
    """The ids of the members whose accounts are turned on and hold the board role."""
    return {row.id for row in await fetch_all(conn, ACTIVE_MEMBERS, _Id)}


async def voters(conn: Connection, proposal_id: int) -> set[int]:
    """The active members who may vote on a proposal: those who joined before it opened."""
    return {row.id for row in await fetch_all(conn, VOTERS, _Id, proposal_id)}


async def candidates(conn: Connection) -> list[Candidate]:
    """Active accounts with the board role that are not members (the board may welcome them)."""
    return await fetch_all(conn, CANDIDATES, Candidate)


async def standing(conn: Connection, account_id: int) -> Standing | None:
    """An account's state as the board's rules need it, or ``None`` when there is no such account."""
    return await fetch_one(conn, STANDING, Standing, account_id)


async def insert_board_proposal(
    conn: Connection, change: BoardChange, *, reason: str, proposed_by: int
) -> int:
    """Store an open proposal about the board; its id."""
    kind = change.__struct_config__.tag
    proposal_id: int = await conn.fetchval(INSERT_BOARD_PROPOSAL, kind, change, reason, proposed_by)
    return proposal_id


async def board_proposal(conn: Connection, proposal_id: int, *, lock: bool = False) -> BoardProposal | None:
    """One proposal about the board; ``lock`` holds its row until the transaction ends."""
    sql = BOARD_PROPOSAL_FOR_UPDATE if lock else BOARD_PROPOSAL
    return await fetch_one(conn, sql, BoardProposal, proposal_id)


async def board_proposals(conn: Connection) -> list[BoardProposal]:
    """Every proposal about the board, newest first."""
    return await fetch_all(conn, BOARD_PROPOSALS, BoardProposal)


async def open_board_proposals(conn: Connection) -> list[BoardProposal]:
    """The open proposals about the board, locked, oldest first."""
    return await fetch_all(conn, OPEN_BOARD_PROPOSALS, BoardProposal)
