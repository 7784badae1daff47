"""Report-backs: drafted from the protected set, released by the board's quorum, public only once released.

Every test is an attack on "a figure under k cannot be put in a report-back on any path".
"""

from __future__ import annotations

import html
import re
from datetime import date

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from analysis import protected_store, report_back, report_back_queries
from survey import db
from survey.settings import DEFAULT_MIN_CELL
from tests.support import board_decides, make_member, post_form, sign_in

pytestmark = pytest.mark.demo_data(responses=300, seed=7, today=date(2026, 11, 21))
K = DEFAULT_MIN_CELL


async def _survey(conn: db.Connection) -> int:
    survey_id: int = await conn.fetchval("SELECT id FROM survey ORDER BY id LIMIT 1")
    return survey_id


def _form(survey_id: int, period: str, refs: list[str], **extra: object) -> dict[str, object]:
    return {
        "survey": str(survey_id),
        "period": period,
        "figures": refs,
        "language": ["en", "es"],
        "title": ["Naloxone for everyone", ""],
        "heard": ["Many of you carry naloxone.", ""],
        "did": ["We now hand out two kits at every visit.", ""],
        **extra,
    }


async def _member_client(client: AsyncTestClient[Litestar], database_url: str) -> int:
    member = await make_member(database_url, "reporter")
    await sign_in(client, "reporter")
    return member.id


async def _shown_ref(conn: db.Connection, survey_id: int, period: str = "all") -> str:
    kept, definition = await protected_store.load(conn, survey_id, K)
    return report_back.choices(kept, definition, period)[0].ref


def _made_id(made: httpx.Response) -> int:
    """The id a 303 leads to (``/board/report-backs/12?done=drafted``: 12)."""
    assert made.status_code == 303, made.text
    return int(made.headers["location"].split("/")[-1].split("?")[0])


async def _drafted(client: AsyncTestClient[Litestar], survey_id: int, period: str, refs: list[str]) -> int:
    """A new draft's id, kept through the board's page."""
    return _made_id(await post_form(client, "/board/report-backs", _form(survey_id, period, refs)))


async def _member_and_draft(
    client: AsyncTestClient[Litestar], conn: db.Connection, database_url: str
) -> tuple[int, int]:
    """A board member signed in, and the draft they kept of one shown figure of the whole survey."""
    member = await _member_client(client, database_url)
    survey_id = await _survey(conn)
    draft_id = await _drafted(client, survey_id, "all", [await _shown_ref(conn, survey_id)])
    return member, draft_id


async def test_board_drafts_proposes_votes_and_releases_to_the_public_page(
    client: AsyncTestClient[Litestar], conn: db.Connection, database_url: str
) -> None:
    await _member_client(client, database_url)
    survey_id = await _survey(conn)
    page = await client.get(f"/board/report-backs?survey={survey_id}&period=all")
    assert page.status_code == 200
    offered = re.findall(r'name="figures" value="([^"]+)"', page.text)
    assert offered, "the protected set shows figures for the whole survey"
    draft_id = await _drafted(client, survey_id, "all", offered[:2])
    assert (await client.get("/results")).text.count("Naloxone for everyone") == 0  # a draft is not public
    proposed = await post_form(client, f"/board/report-backs/{draft_id}/propose", {"reason": "Ready"})
    proposal_id = _made_id(proposed)
    redirected = await client.get(f"/board/proposals/{proposal_id}", follow_redirects=False)
    assert redirected.headers["location"] == f"/board/report-backs/proposals/{proposal_id}"
    await board_decides(conn, proposal_id)
    releases = await report_back_queries.releases_of_draft(conn, draft_id)
    assert len(releases) == 1
    content = report_back.released(releases[0])
    assert [f.ref for f in content.figures] == offered[:2]
    assert content.untranslated == ["es"]
    client.cookies.clear()  # signed out: the public page needs no sign-in
    listing = await client.get("/results")
    assert listing.status_code == 200
    assert "Naloxone for everyone" in listing.text
    one = await client.get(f"/results/{releases[0].public_id}?language=es")
    assert one.status_code == 200
    assert html.escape(content.figures[0].sentences["es"], quote=False) in one.text


async def test_a_second_release_supersedes_and_keeps_the_first(
    client: AsyncTestClient[Litestar], conn: db.Connection, database_url: str
) -> None:
    member, draft_id = await _member_and_draft(client, conn, database_url)
    for _ in range(2):
        await board_decides(
            conn, await report_back.propose_release(conn, draft_id, K, reason="", actor_id=member)
        )
    first, second = sorted(await report_back_queries.releases_of_draft(conn, draft_id), key=lambda r: r.id)
    assert [r.id for r in await report_back_queries.current_releases(conn)] == [second.id]
    old = await client.get(f"/results/{first.public_id}")
    assert old.status_code == 200
    assert 'id="superseded"' in old.text


async def _hidden_refs(conn: db.Connection, survey_id: int) -> list[tuple[str, str, str]]:
    """(reference, period, reason) of figures the protected set hides."""
    kept, definition = await protected_store.load(conn, survey_id, K)
    found = []
    for measure in kept.measures:
        found += [
            (f"band:{measure.measure}:{b.band}", b.period, b.hidden or "") for b in measure.bands if b.hidden
        ]
        found += [
            (f"mean:{measure.measure}", f.period, f.hidden or "")
            for f in measure.figures
            if f.hidden and f.dimension == "all"
        ]
    found += [(f"answer:{i.question}:{i.option}", i.period, i.hidden or "") for i in kept.items if i.hidden]
    assert definition.measures
    return found


async def test_a_hidden_figure_is_refused_on_every_path(
    client: AsyncTestClient[Litestar], conn: db.Connection, database_url: str
) -> None:
    member = await _member_client(client, database_url)
    survey_id = await _survey(conn)
    hidden = await _hidden_refs(conn, survey_id)
    small = [h for h in hidden if h[2] == "fewer than k"]
    assert small, "the demo has groups of fewer than k"
    kinds = {ref.split(":")[0] for ref, _, _ in small}
    assert {"band", "answer"} & kinds
    for ref, period, _ in [*small[:5], *[h for h in hidden if h[2] != "fewer than k"][:3]]:
        refused = await post_form(client, "/board/report-backs", _form(survey_id, period, [ref]))
        assert refused.status_code == 422, (ref, period)
        assert "hides it" in refused.text
        assert await conn.fetchval("SELECT count(*) FROM report_back") == 0
    # The board's page never offers them.
    ref, period, _ = small[0]
    page = await client.get(f"/board/report-backs?survey={survey_id}&period={period}")
    assert f'value="{ref}"' not in page.text
    # Nor can a draft stored some other way be proposed.
    draft_id = await report_back_queries.insert_draft(
        conn, survey_id, period, {"en": {"title": "T", "heard": "", "did": "D"}}, [{"ref": ref}], member
    )
    with pytest.raises(report_back.RefusedError, match="hides it"):
        await report_back.propose_release(conn, draft_id, K, reason="", actor_id=member)
    assert await conn.fetchval("SELECT count(*) FROM proposal WHERE kind = 'report_back'") == 0


async def test_forged_counts_periods_languages_and_references_are_refused(
    client: AsyncTestClient[Litestar], conn: db.Connection, database_url: str
) -> None:
    await _member_client(client, database_url)
    survey_id = await _survey(conn)
    ref = await _shown_ref(conn, survey_id)
    forged = await post_form(client, "/board/report-backs", _form(survey_id, "all", [ref], count="3"))
    assert forged.status_code == 400
    assert "count" in forged.text
    cases = [
        (_form(survey_id, "1999-01", [ref]), "period"),
        ({**_form(survey_id, "all", [ref]), "language": ["en", "fr"]}, "language"),
        (_form(survey_id, "all", ["mean:no_such_measure"]), "no such measure"),
        (_form(survey_id, "all", ["answer:naloxone_carried:forged"]), "no such answer"),
        (_form(survey_id, "all", ["band:who5"]), "not a figure"),
        (_form(survey_id, "all", [ref, ref]), "each once"),
        ({**_form(survey_id, "all", [ref]), "title": ["", ""]}, "title"),
    ]
    for form, words in cases:
        refused = await post_form(client, "/board/report-backs", form)
        assert refused.status_code == 422, words
        assert words in refused.text, words
    bad_ref = await post_form(client, "/board/report-backs", _form(survey_id, "all", ["count:412"]))
    assert bad_ref.status_code == 400
    assert "figures" in bad_ref.text
    assert await conn.fetchval("SELECT count(*) FROM report_back") == 0


async def test_a_figure_hidden_after_proposing_refuses_the_release(
    client: AsyncTestClient[Litestar], conn: db.Connection, database_url: str
) -> None:
    member = await _member_client(client, database_url)
    survey_id = await _survey(conn)
    kept, _ = await protected_store.load(conn, survey_id, K)
    month = next(
        p
        for p in reversed(kept.periods)
        if (f := kept.figure("who5", "all", None, p)) and f.hidden is None and f.n
    )
    ref = "mean:who5"
    draft_id = await _drafted(client, survey_id, month, [ref])
    proposal_id = await report_back.propose_release(conn, draft_id, K, reason="", actor_id=member)
    # Retention deletes most of that month's responses before the board decides.
    doomed = [
        row["id"]
        for row in await conn.fetch("SELECT r.id FROM response r WHERE r.period = $1 ORDER BY r.id", month)
    ][4:]
    async with conn.transaction():
        await conn.execute("DELETE FROM measure_score WHERE response_id = ANY($1)", doomed)
        await conn.execute("DELETE FROM answer WHERE response_id = ANY($1)", doomed)
        await conn.execute("DELETE FROM response WHERE id = ANY($1)", doomed)
    page = await client.get(f"/board/report-backs/proposals/{proposal_id}")
    assert 'id="release-problem"' in page.text
    await board_decides(conn, proposal_id)
    row = await conn.fetchrow("SELECT status, outcome FROM proposal WHERE id = $1", proposal_id)
    assert row is not None
    status, outcome = row["status"], row["outcome"]
    assert status == "outdated"
    assert "Not released" in outcome
    assert "mean:who5" in outcome
    assert f"fewer than {K}" in outcome
    assert await report_back_queries.releases_of_draft(conn, draft_id) == []
    assert "Not released" in (await client.get(f"/board/report-backs/proposals/{proposal_id}")).text


async def test_nothing_unreleased_is_public(
    client: AsyncTestClient[Litestar], conn: db.Connection, database_url: str
) -> None:
    member, draft_id = await _member_and_draft(client, conn, database_url)
    await report_back.propose_release(conn, draft_id, K, reason="", actor_id=member)
    client.cookies.clear()  # signed out
    listing = await client.get("/results")
    assert listing.status_code == 200
    assert 'id="none"' in listing.text
    for path in (f"/results/{draft_id}", "/results/aaaaaaaaaaaa", "/results/aaaaaaaaaaaa/poster"):
        assert (await client.get(path)).status_code in {400, 404}, path
    assert (await client.get(f"/board/report-backs/{draft_id}", follow_redirects=False)).status_code in {
        302,
        303,
        401,
    }
