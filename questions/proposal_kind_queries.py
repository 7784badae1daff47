"""SQL for proposals of kinds the board decides but another layer settles (a report-back's release).

Such a proposal has no survey and no draft; its ``change`` is the snapshot of what the board read, and the
layer that registered the kind (:func:`questions.proposals.register_kind`) reads it back in its own shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final, Generic, TypeVar

import msgspec

from survey.db import fetch_one

if TYPE_CHECKING:
    from survey.db import Connection

PROPOSAL_KIND: Final = "SELECT kind FROM proposal WHERE id = $1"
_EXTERNAL_COLUMNS: Final = """
SELECT p.id, p.kind, p.change, p.reason, p.status, p.outcome, p.proposed_by, a.display_name AS proposer,
       p.proposed_at, p.closed_at
FROM proposal p JOIN account a ON a.id = p.proposed_by
WHERE p.id = $1 AND p.kind = $2
"""
EXTERNAL_PROPOSAL: Final = _EXTERNAL_COLUMNS
EXTERNAL_PROPOSAL_FOR_UPDATE: Final = _EXTERNAL_COLUMNS + " FOR UPDATE OF p"
INSERT_EXTERNAL_PROPOSAL: Final = (
    "INSERT INTO proposal (kind, change, reason, proposed_by) VALUES ($1, $2, $3, $4) RETURNING id"
)


ChangeT = TypeVar("ChangeT")


class StoredProposal(msgspec.Struct, Generic[ChangeT], frozen=True, kw_only=True):
    """A proposal with no survey or draft, as stored, with its proposer's chosen name; ``change`` as read."""

    id: int
    kind: str
    change: ChangeT
    reason: str
    status: str
    outcome: str
    proposed_by: int
    proposer: str
    proposed_at: datetime
    closed_at: datetime | None


class ExternalProposal(StoredProposal[dict[str, object]], frozen=True, kw_only=True):
    """A proposal of a registered kind, as stored; ``change`` is left as JSON for its kind to read."""


async def proposal_kind(conn: Connection, proposal_id: int) -> str | None:
    """The kind of a proposal, or ``None`` when there is no such proposal."""
    kind: str | None = await conn.fetchval(PROPOSAL_KIND, proposal_id)
    return kind


async def external_proposal(
    conn: Connection, proposal_id: int, kind: str, *, lock: bool = False
) -> ExternalProposal | None:
    """One proposal of ``kind``; ``lock`` holds its row until the transaction ends."""
    sql = EXTERNAL_PROPOSAL_FOR_UPDATE if lock else EXTERNAL_PROPOSAL
    return await fetch_one(conn, sql, ExternalProposal, proposal_id, kind)


async def insert_external_proposal(
    conn: Connection, kind: str, change: dict[str, object], *, reason: str, proposed_by: int
) -> int:
    """Store an open proposal of a registered kind (no survey, no draft); its id."""
    proposal_id: int = await conn.fetchval(INSERT_EXTERNAL_PROPOSAL, kind, change, reason, proposed_by)
    return proposal_id
