"""``survey questions``: import an XLSForm as a draft, export a published version, load an instrument."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import msgspec
import pytest
from pyxform import xls2xform

from questions import proposals, queries
from questions.bank import DATA
from questions.changes import PublishDraft
from survey import db
from tests.questions.test_xlsform import KOBO_FORM
from tests.support import make_member, set_board_quorum
from tests.survey.test_cli import survey

pytestmark = pytest.mark.slow


async def test_import_makes_a_draft_and_never_publishes(tmp_path: Path, database_url: str) -> None:
    form = tmp_path / "checkin.xlsx"
    form.write_bytes(KOBO_FORM)
    result = survey(tmp_path, database_url, "questions", "import", str(form))
    assert result.returncode == 0, result.stderr
    assert "left out  survey row 3 'deviceid'" in result.stdout
    conn = await db.connect(database_url)
    try:
        drafts = await conn.fetchval("SELECT count(*) FROM survey_draft")
        versions = await conn.fetchval("SELECT count(*) FROM survey_version")
    finally:
        await conn.close()
    assert (drafts, versions) == (1, 0)


def test_export_of_the_published_demo_converts_with_pyxform(tmp_path: Path, database_url: str) -> None:
    survey(tmp_path, database_url, "demo", "seed")
    listed = survey(tmp_path, database_url, "questions", "list").stdout.splitlines()
    assert listed[0].endswith("version 1")
    output = tmp_path / "demo.xlsx"
    exported = survey(tmp_path, database_url, "questions", "export", "1", "--output", str(output))
    assert exported.returncode == 0, exported.stderr
    assert "<h:html" in xls2xform.convert(xlsform=str(output)).xform


def test_export_of_an_unknown_version_is_refused(tmp_path: Path, database_url: str) -> None:
    result = survey(tmp_path, database_url, "questions", "export", "99")
    assert result.returncode != 0
    assert "no published version 99" in result.stderr


async def test_a_licensed_instrument_loads_with_its_items(tmp_path: Path, database_url: str) -> None:
    pwi = json.loads((DATA / "instruments" / "pwi.json").read_text())
    pwi["items"] = [
        {
            "key": f"pwi_{i}",
            "type": "rating",
            "instrument": "pwi",
            "text": {"en": f"Licensed item {i}"},
            "options": [{"code": code, "label": {"en": str(code)}} for code in range(11)],
        }
        for i in range(1, 8)
    ]
    path = tmp_path / "pwi.json"
    path.write_text(json.dumps(pwi))
    loaded = survey(tmp_path, database_url, "questions", "add-instrument", str(path))
    assert loaded.returncode == 0, loaded.stderr
    assert "7 items" in loaded.stdout
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**pwi, "measures": [{**pwi["measures"][0], "reverse": ["pwi_9"]}]}))
    refused = survey(tmp_path, database_url, "questions", "add-instrument", str(broken))
    assert refused.returncode != 0
    assert "reverse items" in refused.stderr
    conn = await db.connect(database_url)
    try:
        stored = await conn.fetchval("SELECT definition FROM instrument WHERE key = 'pwi'")
    finally:
        await conn.close()
    assert len(stored["items"]) == 7


async def propose_a_new_title(conn: db.Connection, proposer: int) -> int:
    """A new English title for the demo survey's draft, proposed for publishing by ``proposer``."""
    draft = await queries.draft(conn, 1)
    assert draft is not None
    reworded = msgspec.structs.replace(draft, title={**draft.title, "en": "How are things?"})
    await conn.execute("UPDATE survey_draft SET definition = $1 WHERE survey_id = 1", reworded)
    change = PublishDraft(definition=reworded, translations_confirmed=True)
    return await proposals.propose(conn, 1, change, reason="", actor_id=proposer)


async def test_publish_from_the_command_line_needs_the_boards_quorum(
    tmp_path: Path, database_url: str
) -> None:
    survey(tmp_path, database_url, "demo", "seed")
    conn = await db.connect(database_url)
    try:
        members = [(await make_member(database_url, name)).id for name in ("ash", "robin")]
        publishing = await propose_a_new_title(conn, members[0])
        await proposals.vote(conn, publishing, "approve", actor_id=members[0])
        await proposals.vote(conn, publishing, "approve", actor_id=members[1])  # 2 of 3 (board of 4)

        refused = survey(tmp_path, database_url, "questions", "publish", str(publishing))
        assert refused.returncode != 0
        assert "2 of the 3 approvals" in refused.stderr
        assert await conn.fetchval("SELECT count(*) FROM survey_version") == 1
        for other in ("nothing", "999"):
            assert survey(tmp_path, database_url, "questions", "publish", other).returncode != 0

        # The board is set up, so the command line cannot lower its quorum: the board decides it.
        lowered = survey(tmp_path, database_url, "board", "quorum", "2")
        assert lowered.returncode != 0
        assert "only the board can change its quorum" in lowered.stderr
        await set_board_quorum(database_url, 2)  # the board lowers its quorum
        published = survey(tmp_path, database_url, "questions", "publish", str(publishing))
        assert published.returncode == 0, published.stderr
        assert await conn.fetchval("SELECT count(*) FROM survey_version") == 2
        again = survey(tmp_path, database_url, "questions", "publish", str(publishing))
        assert again.returncode != 0
        assert "closed" in again.stderr
    finally:
        await conn.close()


def said(result: subprocess.CompletedProcess[str]) -> str:
    """What a command wrote, its lines joined (the terminal may wrap a long message, in a box)."""
    return " ".join(word for word in (result.stdout + result.stderr).split() if word not in {"│", "╭", "╰"})


async def test_an_admin_at_the_command_line_makes_no_voter_and_publishes_nothing(
    tmp_path: Path, database_url: str
) -> None:
    """Issue 12, point 2, on the command line: each step is refused with its reason, nothing publishes."""
    survey(tmp_path, database_url, "demo", "seed")
    password = "x" * 12
    made = survey(
        tmp_path, database_url, "user", "create", "puppet1", "--role", "board", "--password", password
    )
    assert made.returncode == 0, made.stderr
    assert "is not a voting member" in said(made)
    added = survey(tmp_path, database_url, "board", "add-member", "puppet1")
    assert added.returncode != 0
    assert "no longer being set up" in said(added)
    both = survey(
        tmp_path,
        database_url,
        "user",
        "create",
        "boss",
        "--role",
        "admin",
        "--role",
        "board",
        "--password",
        password,
    )
    assert both.returncode != 0
    assert "both an admin and a board member" in said(both)
    lowered = survey(tmp_path, database_url, "board", "quorum", "2")
    assert lowered.returncode != 0
    assert "only the board can change its quorum" in said(lowered)
    listed = survey(tmp_path, database_url, "board", "members")
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()[:-1]] == ["board", "board2"]

    conn = await db.connect(database_url)
    try:
        names = {row["name"]: row["id"] for row in await conn.fetch("SELECT id, name FROM account")}
        publishing = await propose_a_new_title(conn, names["board"])
        for outsider in (names["puppet1"], names["admin"]):
            with pytest.raises(proposals.ProposalError, match="Only members of the board"):
                await proposals.vote(conn, publishing, "approve", actor_id=outsider)
        refused = survey(tmp_path, database_url, "questions", "publish", str(publishing))
        assert refused.returncode != 0
        assert "0 of the 2 approvals" in said(refused)
        assert await conn.fetchval("SELECT count(*) FROM survey_version") == 1
    finally:
        await conn.close()
