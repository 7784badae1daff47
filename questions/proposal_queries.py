"""SQL for proposals on surveys, votes, quorum, added words and versions.

Comments are in comment_queries; the board's members and the proposals about the board in membership_queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final, Literal

import msgspec

from questions import membership_queries
from questions.changes import Change
from questions.language_check import AvoidWord, language_root
from questions.queries import PublishedVersion, latest_version
from questions.quorum import Choice, Tally, tally
from questions.schemas import SurveyDefinition
from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from survey.db import Connection

INSERT_PROPOSAL: Final = """
INSERT INTO proposal (survey_id, kind, change, draft_before, reason, proposed_by)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
"""
_PROPOSAL_COLUMNS: Final = """
SELECT p.id, p.survey_id, s.name AS survey_name, p.kind, p.change, p.draft_before, p.reason, p.status,
       p.outcome, p.published_version, p.proposed_by, a.display_name AS proposer, p.proposed_at, p.closed_at,
       p.revision
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
# A vote belongs to the proposal's revision as it stands; a revision starts the votes again.
INSERT_VOTE: Final = """
INSERT INTO proposal_vote (proposal_id, account_id, choice, reason, revision)
SELECT id, $2, $3, $4, revision FROM proposal WHERE id = $1
"""
VOTES: Final = """
SELECT v.account_id, a.display_name AS voter, v.choice, v.reason, v.cast_at, v.revision
FROM proposal_vote v JOIN account a ON a.id = v.account_id WHERE v.proposal_id = $1 ORDER BY v.id
"""
STANDING_VOTES: Final = """
SELECT DISTINCT ON (v.account_id) v.account_id, v.choice
FROM proposal_vote v JOIN proposal p ON p.id = v.proposal_id AND p.revision = v.revision
WHERE v.proposal_id = $1 ORDER BY v.account_id, v.id DESC
"""
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
    revision: int = 1


class Vote(msgspec.Struct, frozen=True, kw_only=True):
    """One vote as cast (a later one from the same member replaces it)."""

    account_id: int
    voter: str
    choice: str
    reason: str
    cast_at: datetime
    revision: int = 1


class VersionSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A published version in a survey's history."""

    id: int
    number: int
    approval: dict[str, object]
    published_at: datetime
    published_by: str


class _StandingVote(msgspec.Struct, frozen=True):
    account_id: int
    choice: Choice | Literal["withdrawn"]


async def insert_proposal(
    conn: Connection,
    survey_id: int,
    change: Change,
    *,
    draft_before: SurveyDefinition,
    reason: str,
    proposed_by: int,
) -> int:
    """Store an open proposal of ``change`` to the draft as it stood; its id."""
    kind = change.__struct_config__.tag
    proposal_id: int = await conn.fetchval(
        INSERT_PROPOSAL, survey_id, kind, change, draft_before, reason, proposed_by
    )
    return proposal_id


async def survey_of_proposal(conn: Connection, proposal_id: int) -> int | None:
    """The survey a proposal changes, or ``None`` when there is no such proposal."""
    survey_id: int | None = await conn.fetchval(PROPOSAL_SURVEY, proposal_id)
    return survey_id


async def proposal(conn: Connection, proposal_id: int, *, lock: bool = False) -> Proposal | None:
    """One proposal; ``lock`` holds its row until the transaction ends."""
    return await fetch_one(conn, PROPOSAL_FOR_UPDATE if lock else PROPOSAL, Proposal, proposal_id)


async def proposals_of_survey(conn: Connection, survey_id: int) -> list[Proposal]:
    """Every proposal on a survey, newest first."""
    return await fetch_all(conn, PROPOSALS_OF_SURVEY, Proposal, survey_id)


async def open_proposals(conn: Connection, survey_id: int) -> list[Proposal]:
    """The open proposals on a survey, locked, oldest first."""
    return await fetch_all(conn, OPEN_PROPOSALS, Proposal, survey_id)


async def close_proposal(
    conn: Connection, proposal_id: int, status: str, outcome: str, published_version: int | None = None
) -> None:
    """Close a proposal if still open, with its plain outcome (and the version it published)."""
    await conn.execute(CLOSE_PROPOSAL, proposal_id, status, outcome, published_version)


async def insert_vote(conn: Connection, proposal_id: int, account_id: int, choice: str, reason: str) -> None:
    """Record a member's vote (``withdrawn`` takes one back); the latest one stands."""
    await conn.execute(INSERT_VOTE, proposal_id, account_id, choice, reason)


async def votes(conn: Connection, proposal_id: int) -> list[Vote]:
    """Every vote cast on a proposal, oldest first."""
    return await fetch_all(conn, VOTES, Vote, proposal_id)


async def standing_votes(conn: Connection, proposal_id: int) -> dict[int, Choice]:
    """Each member's latest vote, leaving out votes taken back."""
    standing: dict[int, Choice] = {}
    for vote in await fetch_all(conn, STANDING_VOTES, _StandingVote, proposal_id):
        if vote.choice != "withdrawn":
            standing[vote.account_id] = vote.choice
    return standing


async def active_board(conn: Connection) -> set[int]:
    """The ids of the active board members (memberships whose account is on and holds the board role)."""
    return await membership_queries.active_members(conn)


async def quorum_setting(conn: Connection) -> int | None:
    """The approvals an admin set, or ``None`` for the default."""
    setting: int | None = await conn.fetchval(QUORUM_SETTING)
    return setting


async def set_quorum(conn: Connection, approvals: int | None, updated_by: int | None) -> None:
    """Set the approvals a proposal needs (``None``: the default); ``updated_by``: ``None`` for the board."""
    await conn.execute(SET_QUORUM, approvals, updated_by)


async def board_rule(conn: Connection) -> Tally:
    """Today's board and quorum, with no votes: how many approvals decide, out of how many members."""
    members = await active_board(conn)
    return tally({}, members, len(members), await quorum_setting(conn))


async def current_tally(conn: Connection, proposal_id: int) -> Tally:
    """The proposal's standing votes, of the members who joined before it opened, against today's quorum."""
    return tally(
        await standing_votes(conn, proposal_id),
        await membership_queries.voters(conn, proposal_id),
        len(await active_board(conn)),
        await quorum_setting(conn),
    )


async def board_words(conn: Connection, language: str) -> list[AvoidWord]:
    """The words the board added for a language."""
    return await fetch_all(conn, BOARD_WORDS, AvoidWord, language_root(language))


async def insert_board_word(
    conn: Connection, *, language: str, phrase: str, suggestion: str, note: str, added_by: int
) -> bool:
    """Add a word to avoid for a language; ``False`` when the board already has it there."""
    added = await conn.fetchval(INSERT_BOARD_WORD, language, phrase, suggestion, note, added_by)
    return added is not None


async def versions_of_survey(conn: Connection, survey_id: int) -> list[VersionSummary]:
    """A survey's published versions, newest first."""
    return await fetch_all(conn, VERSIONS, VersionSummary, survey_id)


async def version_before(conn: Connection, survey_id: int, number: int | None) -> PublishedVersion | None:
    """The version published just before ``number`` (``None``: the latest, for what is not published yet)."""
    if number is None:
        return await latest_version(conn, survey_id)
    return await fetch_one(conn, VERSION_BY_NUMBER, PublishedVersion, survey_id, number - 1)


async def version_at(conn: Connection, survey_id: int, moment: datetime) -> PublishedVersion | None:
    """The latest version published at a moment (what a proposal made then was compared with)."""
    return await fetch_one(conn, VERSION_AT, PublishedVersion, survey_id, moment)


class BoardSurvey(msgspec.Struct, frozen=True, kw_only=True):
    """A survey with a draft, as the board's home lists it."""

    id: int
    name: str
    latest_version: int | None
    open_proposals: int


async def board_surveys(conn: Connection) -> list[BoardSurvey]:
    """The surveys with a draft, by name, with their newest version and how many proposals are open."""
    return await fetch_all(conn, BOARD_SURVEYS, BoardSurvey)


async def approving_proposal(conn: Connection, version_id: int) -> int | None:
    """The proposal whose acceptance published a version (``None``: the demo seed's, or no such version)."""
    approval: dict[str, object] | None = await conn.fetchval(VERSION_APPROVAL, version_id)
    proposal_id = None if approval is None else approval.get("proposal_id")
    return proposal_id if isinstance(proposal_id, int) else None


async def word_languages(conn: Connection) -> list[str]:
    """The languages the board has added words to avoid in."""
    return [row["language"] for row in await conn.fetch(WORD_LANGUAGES)]


async def own_word(conn: Connection, word_id: int, account_id: int) -> str | None:
    """The phrase of a word this member added, or ``None`` when they added no such word."""
    phrase: str | None = await conn.fetchval(OWN_WORD, word_id, account_id)
    return phrase


async def remove_word(conn: Connection, word_id: int, account_id: int) -> bool:
    """Remove a word this member added; ``False`` when they added no such word."""
    return await conn.fetchval(REMOVE_WORD, word_id, account_id) is not None
