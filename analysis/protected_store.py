"""Where views get the protected set: the one kept for the current responses, or a new one built and kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis import protected, queries

if TYPE_CHECKING:
    from analysis.protected import ProtectedSet
    from survey.db import Connection


async def current(conn: Connection, survey_id: int, k: int) -> ProtectedSet:
    """The survey's protected set at ``k`` for the responses as they are now.

    Built at most once per state (a release, a rescore, a new version): concurrent requests wait on one
    advisory lock while the first builds, then read what it kept.

    Raises:
        LookupError: the survey has no published version.
    """
    version_id = await queries.latest_version_id(conn, survey_id)
    definition = await queries.latest_definition(conn, survey_id)
    if version_id is None or definition is None:
        raise LookupError(f"survey {survey_id} has no published version")
    async with conn.transaction():
        revision = await queries.revision(conn)
        kept = await queries.kept_set(conn, survey_id, k, revision, version_id)
        if kept is not None:
            return kept
        await queries.lock_set(conn, survey_id)
        kept = await queries.kept_set(conn, survey_id, k, revision, version_id)
        if kept is not None:
            return kept
        rows = await queries.cell_histograms(conn, survey_id)
        built = protected.build(survey_id, k, revision, definition.measures, rows)
        await queries.keep_set(conn, built, version_id)
        return built
