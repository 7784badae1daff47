"""SQL for comments on the board's proposals: written, listed, and taken back (kept in the history)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

INSERT_COMMENT: Final = (
    "INSERT INTO proposal_comment (proposal_id, account_id, body) VALUES ($1, $2, $3) RETURNING id"
)
COMMENTS: Final = """
SELECT c.id, c.account_id, a.display_name AS author, c.body, c.written_at, c.withdrawn_at
FROM proposal_comment c JOIN account a ON a.id = c.account_id WHERE c.proposal_id = $1 ORDER BY c.id
"""
WITHDRAW_COMMENT: Final = """
UPDATE proposal_comment SET withdrawn_at = now()
WHERE id = $1 AND proposal_id = $2 AND account_id = $3 AND withdrawn_at IS NULL
"""


class Comment(msgspec.Struct, frozen=True, kw_only=True):
    """A comment on a proposal; a withdrawn one keeps its place in the history."""

    id: int
    account_id: int
    author: str
    body: str
    written_at: datetime
    withdrawn_at: datetime | None


async def comments(conn: Connection, proposal_id: int) -> list[Comment]:
    """A proposal's comments, oldest first."""
    return await fetch_all(conn, COMMENTS, Comment, proposal_id)


async def insert_comment(conn: Connection, proposal_id: int, account_id: int, body: str) -> int:
    """Add a member's comment to a proposal; its id."""
    comment_id: int = await conn.fetchval(INSERT_COMMENT, proposal_id, account_id, body)
    return comment_id


async def withdraw_comment(conn: Connection, comment_id: int, proposal_id: int, account_id: int) -> bool:
    """Mark a member's own comment as taken back; ``False`` when it is not theirs or already taken back."""
    done = await conn.execute(WITHDRAW_COMMENT, comment_id, proposal_id, account_id)
    return done == "UPDATE 1"
