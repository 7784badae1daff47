"""The audit trail of staff actions: recording one, and reading the latest back for the admin page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import msgspec

from survey.db import fetch_all

if TYPE_CHECKING:
    from survey.db import Connection

INSERT_AUDIT: Final = "INSERT INTO audit_event (account_id, action, subject, detail) VALUES ($1, $2, $3, $4)"
RECENT_AUDIT: Final = """
SELECT e.occurred_at, coalesce(a.name, '') AS actor, e.action, e.subject
FROM audit_event e LEFT JOIN account a ON a.id = e.account_id
ORDER BY e.occurred_at DESC, e.id DESC LIMIT $1
"""


async def audit(
    conn: Connection,
    action: str,
    *,
    account_id: int | None,
    subject: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Record a staff action in the audit trail."""
    await conn.execute(INSERT_AUDIT, account_id, action, subject, detail or {})


class AuditEvent(msgspec.Struct, frozen=True):
    """One line of the audit trail as the admin page shows it."""

    occurred_at: datetime
    actor: str
    action: str
    subject: str


async def recent(conn: Connection, limit: int) -> list[AuditEvent]:
    """The latest ``limit`` events, newest first."""
    return await fetch_all(conn, RECENT_AUDIT, AuditEvent, limit)
