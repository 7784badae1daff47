"""Surveys, drafts and published versions on the real database: frozen by the database itself."""

from __future__ import annotations

import asyncpg
import msgspec
import pytest

from questions import queries, versions
from questions.demo import DEMO_SURVEY_NAME, demo_definition
from questions.validation import DefinitionError
from survey import demo
from survey.db import Connection

SEED = versions.Approval(basis="demo_seed")


async def published_demo(conn: Connection) -> queries.PublishedVersion:
    survey_id = await versions.create_survey(
        conn, name=DEMO_SURVEY_NAME, definition=demo_definition(), actor_id=None
    )
    return await versions.publish(conn, survey_id, actor_id=None, approval=SEED)


async def test_publishing_freezes_the_whole_draft(conn: Connection) -> None:
    published = await published_demo(conn)
    stored = await queries.version(conn, published.id)
    assert stored is not None
    assert stored.number == 1
    assert stored.definition == demo_definition()


async def test_the_database_refuses_to_change_a_published_version(conn: Connection) -> None:
    published = await published_demo(conn)
    with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="cannot be changed"):
        await conn.execute("UPDATE survey_version SET definition = '{}'::jsonb WHERE id = $1", published.id)
    with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="cannot be changed"):
        await conn.execute("DELETE FROM survey_version WHERE id = $1", published.id)
    with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="truncated"):
        await conn.execute("TRUNCATE survey_version CASCADE")


async def test_only_the_approval_gate_lets_a_version_through(conn: Connection) -> None:
    published = await published_demo(conn)
    with pytest.raises(versions.PublishRefusedError, match="first version"):
        await versions.publish(conn, published.survey_id, actor_id=None, approval=SEED)
    with pytest.raises(versions.PublishRefusedError):
        await versions.publish(
            conn, published.survey_id, actor_id=None, approval=versions.Approval(basis="board")
        )
    assert await conn.fetchval("SELECT count(*) FROM survey_version") == 1


async def test_a_draft_copied_from_the_latest_version_changes_without_touching_it(conn: Connection) -> None:
    published = await published_demo(conn)
    copied = await versions.draft_from_latest(conn, published.survey_id, actor_id=None)
    shorter = msgspec.structs.replace(
        copied, questions=[q for q in copied.questions if q.key != "program_feedback"]
    )
    await versions.save_draft(conn, published.survey_id, shorter, actor_id=None)
    draft = await queries.draft(conn, published.survey_id)
    latest = await queries.latest_version(conn, published.survey_id)
    assert draft is not None
    assert latest is not None
    assert draft.question("program_feedback") is None
    assert latest.definition.question("program_feedback") is not None


async def test_an_invalid_draft_is_refused_and_the_old_one_kept(conn: Connection) -> None:
    published = await published_demo(conn)
    broken = msgspec.structs.replace(demo_definition(), languages=["en", "es", "fr"])
    with pytest.raises(DefinitionError, match="no text in fr"):
        await versions.save_draft(conn, published.survey_id, broken, actor_id=None)
    assert await queries.draft(conn, published.survey_id) == demo_definition()


async def test_demo_seed_publishes_the_demo_survey_once(conn: Connection) -> None:
    first = await demo.seed(conn)
    second = await demo.seed(conn)
    assert first.survey_version == 1
    assert second.survey_version is None
    assert len(first.accounts) == 4
    assert await conn.fetchval("SELECT count(*) FROM survey_version") == 1
