"""SQL for revising a proposal (earlier revisions kept) and the proposals waiting for a member's vote."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

import msgspec

from questions.changes import Change
from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

KEEP_REVISION: Final = """
INSERT INTO proposal_revision (proposal_id, revision, change, reason)
SELECT id, revision, change, reason FROM proposal WHERE id = $1 AND status = 'open'
"""
REVISE: Final = """
UPDATE proposal SET change = $2, reason = $3, revision = revision + 1
WHERE id = $1 AND status = 'open' RETURNING revision
"""
REVISIONS: Final = """
SELECT revision, change, reason, replaced_at FROM proposal_revision WHERE proposal_id = $1 ORDER BY revision
"""
# Open proposals this member may vote on (joined before each was made) with no standing vote of theirs on
# its current revision: what waits for them.
WAITING: Final = """
SELECT p.id, coalesce(s.name, 'The board') AS about FROM proposal p LEFT JOIN survey s ON s.id = p.survey_id
WHERE p.status = 'open'
  AND EXISTS (
      SELECT 1 FROM board_membership m JOIN account a ON a.id = m.account_id
      WHERE m.account_id = $1 AND m.ended_by IS NULL AND a.active AND 'board' = ANY (a.roles)
        AND m.after_proposal < p.id
  )
  AND coalesce((
      SELECT v.choice FROM proposal_vote v
      WHERE v.proposal_id = p.id AND v.account_id = $1 AND v.revision = p.revision
      ORDER BY v.id DESC LIMIT 1
  ), 'withdrawn') = 'withdrawn'
ORDER BY p.id
"""


class Revision(msgspec.Struct, frozen=True, kw_only=True):
    """An earlier revision of a proposal, as it stood until its proposer replaced it."""

    revision: int
    change: Change
    reason: str
    replaced_at: datetime


class Waiting(msgspec.Struct, frozen=True, kw_only=True):
    """An open proposal waiting for a member's vote, and what it is about (a survey, or the board)."""

    id: int
    about: str


async def revise(conn: Connection, proposal_id: int, change: Change, reason: str) -> int:
    """Keep the proposal's current revision in its history and make ``change`` the next; its number."""
    await conn.execute(KEEP_REVISION, proposal_id)
    revision: int = await conn.fetchval(REVISE, proposal_id, change, reason)
    return revision


async def revisions(conn: Connection, proposal_id: int) -> list[Revision]:
    """A proposal's earlier revisions, oldest first (the current one is the proposal itself)."""
    return await fetch_all(conn, REVISIONS, Revision, proposal_id)


async def waiting(conn: Connection, account_id: int) -> list[Waiting]:
    """The open proposals waiting for this member's vote, oldest first (none for someone who is not one)."""
    return await fetch_all(conn, WAITING, Waiting, account_id)
