"""SQL for the board's proposals, comments, votes, quorum and added words."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

import msgspec

from questions.changes import Change
from questions.language_check import AvoidWord, language_root
from questions.queries import PublishedVersion, latest_version
from questions.quorum import Choice, Tally, tally
from questions.schemas import SurveyDefinition

if TYPE_CHECKING:
    from survey.db import Connection

INSERT_PROPOSAL: Final = """
INSERT INTO proposal (survey_id, kind, change, draft_before, reason, proposed_by)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
"""
_PROPOSAL_COLUMNS: Final = """
SELECT p.id, p.survey_id, s.name AS survey_name, p.kind, p.change, p.draft_before, p.reason, p.status,
       p.outcome, p.published_version, p.proposed_by, a.display_name AS proposer, p.proposed_at, p.closed_at
FROM proposal p JOIN survey s ON s.id = p.survey_id JOIN account a ON a.id = p.proposed_by
"""
PROPOSAL_SURVEY: Final = "SELECT survey_id FROM proposal WHERE id = $1"
PROPOSAL: Final = _PROPOSAL_COLUMNS + "WHERE p.id = $1"
PROPOSAL_FOR_UPDATE: Final = _PROPOSAL_COLUMNS + "WHERE p.id = $1 FOR UPDATE OF p"
PROPOSALS_OF_SURVEY: Final = _PROPOSAL_COLUMNS + "WHERE p.survey_id = $1 ORDER BY p.id DESC"
OPEN_PROPOSALS: Final = (
    _PROPOSAL_COLUMNS + "WHERE p.survey_id = $1 AND p.status = 'open' ORDER BY p.id FOR UPDATE OF p"
)
CLOSE_PROPOSAL: Final = """
UPDATE proposal SET status = $2, outcome = $3, published_version = $4, closed_at = now()
WHERE id = $1 AND status = 'open'
"""
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
INSERT_VOTE: Final = (
    "INSERT INTO proposal_vote (proposal_id, account_id, choice, reason) VALUES ($1, $2, $3, $4)"
)
VOTES: Final = """
SELECT v.account_id, a.display_name AS voter, v.choice, v.reason, v.cast_at
FROM proposal_vote v JOIN account a ON a.id = v.account_id WHERE v.proposal_id = $1 ORDER BY v.id
"""
STANDING_VOTES: Final = """
SELECT DISTINCT ON (account_id) account_id, choice FROM proposal_vote
WHERE proposal_id = $1 ORDER BY account_id, id DESC
"""
ACTIVE_BOARD: Final = "SELECT id FROM account WHERE active AND 'board' = ANY (roles)"
QUORUM_SETTING: Final = "SELECT approvals FROM board_quorum"
SET_QUORUM: Final = """
INSERT INTO board_quorum (singleton, approvals, updated_by) VALUES (true, $1, $2)
ON CONFLICT (singleton) DO UPDATE
SET approvals = EXCLUDED.approvals, updated_by = EXCLUDED.updated_by, updated_at = now()
"""
WORD_LANGUAGES: Final = "SELECT DISTINCT language FROM board_word"
OWN_WORD: Final = "SELECT phrase FROM board_word WHERE id = $1 AND added_by = $2"
REMOVE_WORD: Final = "DELETE FROM board_word WHERE id = $1 AND added_by = $2 RETURNING id"
BOARD_WORDS: Final = """
SELECT id, phrase, suggestion, note, true AS added_by_board, added_by
FROM board_word WHERE language = $1 ORDER BY lower(phrase)
"""
INSERT_BOARD_WORD: Final = """
INSERT INTO board_word (language, phrase, suggestion, note, added_by) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (language, lower(phrase)) DO NOTHING RETURNING id
"""
BOARD_SURVEYS: Final = """
SELECT s.id, s.name, (SELECT max(number) FROM survey_version v WHERE v.survey_id = s.id) AS latest_version,
       (SELECT count(*) FROM proposal p WHERE p.survey_id = s.id AND p.status = 'open') AS open_proposals
FROM survey s JOIN survey_draft d ON d.survey_id = s.id ORDER BY lower(s.name)
"""
VERSION_APPROVAL: Final = "SELECT approval FROM survey_version WHERE id = $1"
VERSION_BY_NUMBER: Final = """
SELECT id, survey_id, number, definition FROM survey_version WHERE survey_id = $1 AND number = $2
"""
VERSION_AT: Final = """
SELECT id, survey_id, number, definition FROM survey_version WHERE survey_id = $1 AND published_at <= $2
ORDER BY number DESC LIMIT 1
"""
VERSIONS: Final = """
SELECT v.id, v.number, v.approval, v.published_at, coalesce(a.display_name, '') AS published_by
FROM survey_version v LEFT JOIN account a ON a.id = v.published_by
WHERE v.survey_id = $1 ORDER BY v.number DESC
"""


class Proposal(msgspec.Struct, frozen=True, kw_only=True):
    """A proposal as stored, with its survey's name and the proposer's chosen name."""

    id: int
    survey_id: int
    survey_name: str
    kind: str
    change: Change
    draft_before: SurveyDefinition
    reason: str
    status: str
    outcome: str
    published_version: int | None
    proposed_by: int
    proposer: str
    proposed_at: datetime
    closed_at: datetime | None


class Comment(msgspec.Struct, frozen=True, kw_only=True):
    """A comment on a proposal; a withdrawn one keeps its place in the history."""

    id: int
    account_id: int
    author: str
    body: str
    written_at: datetime
    withdrawn_at: datetime | None


class Vote(msgspec.Struct, frozen=True, kw_only=True):
    """One vote as cast (a later one from the same member replaces it)."""

    account_id: int
    voter: str
    choice: str
    reason: str
    cast_at: datetime


class VersionSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A published version in a survey's history."""

    id: int
    number: int
    approval: dict[str, object]
    published_at: datetime
    published_by: str


def _proposal(row: object) -> Proposal | None:
    return None if row is None else msgspec.convert(dict(row), Proposal)  # type: ignore[call-overload]


async def proposal(conn: Connection, proposal_id: int, *, lock: bool = False) -> Proposal | None:
    """One proposal; ``lock`` holds its row until the transaction ends."""
    return _proposal(await conn.fetchrow(PROPOSAL_FOR_UPDATE if lock else PROPOSAL, proposal_id))


async def proposals_of_survey(conn: Connection, survey_id: int) -> list[Proposal]:
    """Every proposal on a survey, newest first."""
    return [msgspec.convert(dict(row), Proposal) for row in await conn.fetch(PROPOSALS_OF_SURVEY, survey_id)]


async def open_proposals(conn: Connection, survey_id: int) -> list[Proposal]:
    """The open proposals on a survey, locked, oldest first."""
    return [msgspec.convert(dict(row), Proposal) for row in await conn.fetch(OPEN_PROPOSALS, survey_id)]


async def comments(conn: Connection, proposal_id: int) -> list[Comment]:
    """A proposal's comments, oldest first."""
    return [msgspec.convert(dict(row), Comment) for row in await conn.fetch(COMMENTS, proposal_id)]


async def votes(conn: Connection, proposal_id: int) -> list[Vote]:
    """Every vote cast on a proposal, oldest first."""
    return [msgspec.convert(dict(row), Vote) for row in await conn.fetch(VOTES, proposal_id)]


async def standing_votes(conn: Connection, proposal_id: int) -> dict[int, Choice]:
    """Each member's latest vote, leaving out votes taken back."""
    rows = await conn.fetch(STANDING_VOTES, proposal_id)
    return {row["account_id"]: row["choice"] for row in rows if row["choice"] != "withdrawn"}


async def active_board(conn: Connection) -> set[int]:
    """The ids of the active board members."""
    return {row["id"] for row in await conn.fetch(ACTIVE_BOARD)}


async def quorum_setting(conn: Connection) -> int | None:
    """The approvals an admin set, or ``None`` for the default."""
    setting: int | None = await conn.fetchval(QUORUM_SETTING)
    return setting


async def board_rule(conn: Connection) -> Tally:
    """Today's board and quorum, with no votes: how many approvals decide, out of how many members."""
    return tally({}, await active_board(conn), await quorum_setting(conn))


async def current_tally(conn: Connection, proposal_id: int) -> Tally:
    """The proposal's standing votes against today's board and quorum."""
    return tally(
        await standing_votes(conn, proposal_id), await active_board(conn), await quorum_setting(conn)
    )


async def board_words(conn: Connection, language: str) -> list[AvoidWord]:
    """The words the board added for a language."""
    rows = await conn.fetch(BOARD_WORDS, language_root(language))
    return [msgspec.convert(dict(row), AvoidWord) for row in rows]


async def versions_of_survey(conn: Connection, survey_id: int) -> list[VersionSummary]:
    """A survey's published versions, newest first."""
    return [msgspec.convert(dict(row), VersionSummary) for row in await conn.fetch(VERSIONS, survey_id)]


async def version_before(conn: Connection, survey_id: int, number: int | None) -> PublishedVersion | None:
    """The version published just before ``number`` (``None``: the latest, for what is not published yet)."""
    if number is None:
        return await latest_version(conn, survey_id)
    row = await conn.fetchrow(VERSION_BY_NUMBER, survey_id, number - 1)
    return None if row is None else msgspec.convert(dict(row), PublishedVersion)


async def version_at(conn: Connection, survey_id: int, moment: datetime) -> PublishedVersion | None:
    """The latest version published at a moment (what a proposal made then was compared with)."""
    row = await conn.fetchrow(VERSION_AT, survey_id, moment)
    return None if row is None else msgspec.convert(dict(row), PublishedVersion)
