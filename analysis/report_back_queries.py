"""SQL for the board's report-backs ("you said, we did"): drafts, their release proposals and releases."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from survey.db import Connection

INSERT_DRAFT: Final = """
INSERT INTO report_back (survey_id, period, texts, figures, drafted_by) VALUES ($1, $2, $3, $4, $5)
RETURNING id
"""
UPDATE_DRAFT: Final = """
UPDATE report_back SET period = $2, texts = $3, figures = $4, changed_at = now() WHERE id = $1
"""
_DRAFT_COLUMNS: Final = """
SELECT r.id, r.survey_id, s.name AS survey_name, r.period, r.texts, r.figures, r.drafted_by,
       a.display_name AS drafter, r.drafted_at::date AS drafted_on
FROM report_back r JOIN survey s ON s.id = r.survey_id JOIN account a ON a.id = r.drafted_by
"""
DRAFT: Final = _DRAFT_COLUMNS + "WHERE r.id = $1"
DRAFT_FOR_UPDATE: Final = _DRAFT_COLUMNS + "WHERE r.id = $1 FOR UPDATE OF r"
DRAFTS: Final = _DRAFT_COLUMNS + "ORDER BY r.id DESC"
# A release proposal's change names its report-back; its standing is read from the proposal row.
PROPOSALS_OF_DRAFT: Final = """
SELECT p.id, p.status, p.outcome, a.display_name AS proposer, p.proposed_at::date AS proposed_on
FROM proposal p JOIN account a ON a.id = p.proposed_by
WHERE p.kind = 'report_back' AND (p.change ->> 'report_back_id')::bigint = $1 ORDER BY p.id DESC
"""
DRAFT_OF_PROPOSAL: Final = """
SELECT (change ->> 'report_back_id')::bigint FROM proposal WHERE id = $1 AND kind = 'report_back'
"""
INSERT_RELEASE: Final = """
INSERT INTO report_back_release (report_back_id, proposal_id, public_id, proposer, decision, content)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
"""
_RELEASE_COLUMNS: Final = """
SELECT l.id, l.report_back_id, l.proposal_id, l.public_id, l.released_on, l.proposer, l.decision, l.content,
       r.survey_id,
       (SELECT n.public_id FROM report_back_release n
        WHERE n.report_back_id = l.report_back_id AND n.id > l.id ORDER BY n.id DESC LIMIT 1) AS superseded_by
FROM report_back_release l JOIN report_back r ON r.id = l.report_back_id
"""
RELEASE: Final = _RELEASE_COLUMNS + "WHERE l.public_id = $1"
RELEASES_OF_DRAFT: Final = _RELEASE_COLUMNS + "WHERE l.report_back_id = $1 ORDER BY l.id DESC"
# The newest release of every report-back: what the public page lists, newest first.
CURRENT_RELEASES: Final = (
    _RELEASE_COLUMNS  # noqa: S608 (constants only)
    + """WHERE NOT EXISTS (SELECT 1 FROM report_back_release n WHERE n.report_back_id = l.report_back_id
                  AND n.id > l.id)
ORDER BY l.id DESC"""
)
# What a kiosk shows after the thank-you: the newest release for the survey it runs.
KIOSK_RELEASE: Final = _RELEASE_COLUMNS + "WHERE r.survey_id = $1 ORDER BY l.id DESC LIMIT 1"


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """A report-back as the board drafts it: references to figures, never their values."""

    id: int
    survey_id: int
    survey_name: str
    period: str
    texts: dict[str, dict[str, str]]
    figures: list[dict[str, str]]
    drafted_by: int
    drafter: str
    drafted_on: date


class DraftProposal(msgspec.Struct, frozen=True, kw_only=True):
    """A proposal to release a draft, and where it stands."""

    id: int
    status: str
    outcome: str
    proposer: str
    proposed_on: date


class Release(msgspec.Struct, frozen=True, kw_only=True):
    """A release as kept for good; ``superseded_by``: the public id of a later release of the same draft."""

    id: int
    report_back_id: int
    proposal_id: int
    public_id: str
    released_on: date
    proposer: str
    decision: str
    content: dict[str, object]
    survey_id: int
    superseded_by: str | None


async def insert_draft(
    conn: Connection,
    survey_id: int,
    period: str,
    texts: dict[str, dict[str, str]],
    figures: list[dict[str, str]],
    drafted_by: int,
) -> int:
    """Store a new draft; its id."""
    draft_id: int = await conn.fetchval(INSERT_DRAFT, survey_id, period, texts, figures, drafted_by)
    return draft_id


async def update_draft(
    conn: Connection,
    draft_id: int,
    period: str,
    texts: dict[str, dict[str, str]],
    figures: list[dict[str, str]],
) -> None:
    """Replace a draft's period, texts and figures (its releases keep what they released)."""
    await conn.execute(UPDATE_DRAFT, draft_id, period, texts, figures)


async def draft(conn: Connection, draft_id: int, *, lock: bool = False) -> Draft | None:
    """One draft, or ``None``."""
    return await fetch_one(conn, DRAFT_FOR_UPDATE if lock else DRAFT, Draft, draft_id)


async def drafts(conn: Connection) -> list[Draft]:
    """Every draft, newest first."""
    return await fetch_all(conn, DRAFTS, Draft)


async def proposals_of_draft(conn: Connection, draft_id: int) -> list[DraftProposal]:
    """Every proposal to release a draft, newest first."""
    return await fetch_all(conn, PROPOSALS_OF_DRAFT, DraftProposal, draft_id)


async def draft_of_proposal(conn: Connection, proposal_id: int) -> int | None:
    """The draft a release proposal is about, or ``None`` when it is no such proposal."""
    draft_id: int | None = await conn.fetchval(DRAFT_OF_PROPOSAL, proposal_id)
    return draft_id


async def insert_release(
    conn: Connection,
    draft_id: int,
    proposal_id: int,
    public_id: str,
    *,
    proposer: str,
    decision: str,
    content: dict[str, object],
) -> int:
    """Keep a release; its id."""
    release_id: int = await conn.fetchval(
        INSERT_RELEASE, draft_id, proposal_id, public_id, proposer, decision, content
    )
    return release_id


async def release(conn: Connection, public_id: str) -> Release | None:
    """A release by its public id, or ``None``."""
    return await fetch_one(conn, RELEASE, Release, public_id)


async def releases_of_draft(conn: Connection, draft_id: int) -> list[Release]:
    """Every release of a draft, newest first."""
    return await fetch_all(conn, RELEASES_OF_DRAFT, Release, draft_id)


async def current_releases(conn: Connection) -> list[Release]:
    """The newest release of each report-back, newest first."""
    return await fetch_all(conn, CURRENT_RELEASES, Release)


async def kiosk_release(conn: Connection, survey_id: int) -> Release | None:
    """The newest release for a survey, for its kiosks."""
    return await fetch_one(conn, KIOSK_RELEASE, Release, survey_id)
