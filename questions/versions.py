"""Surveys, their drafts, and publishing: the one path by which a frozen version comes to exist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import asyncpg
import msgspec

from questions import membership_queries, proposal_queries, queries
from questions.changes import PublishDraft
from questions.demo import DEMO_SURVEY_NAME
from questions.translations import gaps
from questions.validation import validate
from survey.audit_queries import audit
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from questions.schemas import SurveyDefinition
    from survey.db import Connection


class SurveyError(SetupProblem, ValueError):
    """A survey action was refused; the message says why in plain words."""


class PublishRefusedError(SurveyError):
    """Publishing was refused by the approval check in front of it."""


class Approval(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """What allows a version to be published, recorded with the version."""

    basis: Literal["board", "demo_seed"]
    proposal_id: int | None = None


async def _check_approval(
    conn: Connection, survey_id: int, definition: SurveyDefinition, approval: Approval
) -> str:
    """The gate in front of publishing; every path to a new version passes through it.

    The demo seed may publish the demo survey's first version. Everything else needs an open proposal to
    publish exactly this draft, different from the latest version, whose standing votes, counted here
    against today's board and quorum (only members who joined before it opened), reach the quorum with no
    objection. The proposal row stays locked
    and :func:`publish` closes it in the same transaction, so one decision publishes one version.

    Returns:
        The plain outcome to record with the proposal.
    """
    latest = await queries.latest_version(conn, survey_id)
    if approval.basis == "demo_seed":
        name = await queries.survey_name(conn, survey_id)
        if latest is None and name == DEMO_SURVEY_NAME:
            return ""
        raise PublishRefusedError("The demo seed may publish only the demo survey's first version.")
    refused = "Publishing needs the peer advisory board's approval of a publish proposal"
    decided = (
        None
        if approval.proposal_id is None
        else await proposal_queries.proposal(conn, approval.proposal_id, lock=True)
    )
    if decided is None or decided.survey_id != survey_id or not isinstance(decided.change, PublishDraft):
        raise PublishRefusedError(f"{refused}; there is no such proposal for this survey.")
    if decided.status != "open":
        raise PublishRefusedError(f"{refused}; proposal {decided.id} is already {decided.status}.")
    await membership_queries.lock_board(conn)  # nobody joins, leaves or moves the quorum while this counts
    counted = await proposal_queries.current_tally(conn, decided.id)
    if counted.decision != "accepted":
        raise PublishRefusedError(
            f"{refused}; proposal {decided.id} has {counted.approvals} of the {counted.needed} approvals"
            f" it needs and {counted.objections} standing objection(s)."
        )
    if decided.change.definition != definition:
        raise PublishRefusedError(f"{refused}; the draft has changed since proposal {decided.id} was made.")
    if latest is not None and latest.definition == definition:
        raise PublishRefusedError(f"The draft is already published as version {latest.number}.")
    if gaps(definition) and not decided.change.translations_confirmed:
        raise PublishRefusedError(
            f"{refused}; proposal {decided.id} did not confirm publishing the texts still untranslated"
            " or older than their source."
        )
    return f"{counted.approvals} board members approved."


async def create_survey(
    conn: Connection, *, name: str, definition: SurveyDefinition, actor_id: int | None
) -> int:
    """Create a survey whose draft is ``definition``.

    Raises:
        DefinitionError: the definition cannot run (every problem named).
        SurveyError: the name is taken.
    """
    validate(definition)
    async with conn.transaction():
        try:
            survey_id = await queries.insert_survey(conn, name.strip())
        except asyncpg.UniqueViolationError:
            raise SurveyError(f"There is already a survey called {name!r}.") from None
        await queries.upsert_draft(conn, survey_id, definition, None)
        await audit(
            conn, "survey_created", account_id=actor_id, subject=str(survey_id), detail={"name": name}
        )
    return survey_id


async def save_draft(
    conn: Connection, survey_id: int, definition: SurveyDefinition, *, actor_id: int | None
) -> None:
    """Replace a survey's draft with a valid definition (published versions are untouched).

    Raises:
        DefinitionError: the definition cannot run.
    """
    validate(definition)
    async with conn.transaction():
        based_on = await queries.draft_base(conn, survey_id)
        await queries.upsert_draft(conn, survey_id, definition, based_on)
        await audit(conn, "survey_draft_saved", account_id=actor_id, subject=str(survey_id))


async def draft_from_latest(conn: Connection, survey_id: int, *, actor_id: int | None) -> SurveyDefinition:
    """Start a new draft as a copy of the latest published version.

    Raises:
        SurveyError: the survey has no published version yet.
    """
    latest = await queries.latest_version(conn, survey_id)
    if latest is None:
        raise SurveyError("This survey has no published version to copy yet.")
    async with conn.transaction():
        await queries.upsert_draft(conn, survey_id, latest.definition, latest.number)
        await audit(
            conn,
            "survey_draft_copied",
            account_id=actor_id,
            subject=str(survey_id),
            detail={"from": latest.number},
        )
    return latest.definition


async def publish(
    conn: Connection, survey_id: int, *, actor_id: int | None, approval: Approval
) -> queries.PublishedVersion:
    """Freeze the survey's draft as its next version, once the approval check lets it through.

    Raises:
        PublishRefusedError: the approval does not allow publishing.
        SurveyError: there is no draft.
        DefinitionError: the draft cannot run.
    """
    async with conn.transaction():
        await queries.lock_survey(conn, survey_id)
        definition = await queries.draft(conn, survey_id)
        if definition is None:
            raise SurveyError("This survey has no draft to publish.")
        validate(definition)
        outcome = await _check_approval(conn, survey_id, definition, approval)
        number = await queries.next_number(conn, survey_id)
        version_id = await queries.insert_version(conn, survey_id, number, definition, approval, actor_id)
        if approval.proposal_id is not None:
            await proposal_queries.close_proposal(conn, approval.proposal_id, "accepted", outcome, number)
        await audit(
            conn,
            "survey_published",
            account_id=actor_id,
            subject=str(survey_id),
            detail={"version": number, "basis": approval.basis},
        )
    return queries.PublishedVersion(version_id, survey_id, number, definition)
