"""What the evaluator's page says when a figure is withheld beside others: a prorating alpha, a linked p."""

from __future__ import annotations

import random
import uuid
from typing import TYPE_CHECKING, Any

import msgspec
import pytest
from bs4 import BeautifulSoup

from analysis import period_results
from analysis.scoring import score
from questions import versions
from questions.demo import demo_definition
from survey import response_queries
from tests.support import publish_with_board

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import AsyncTestClient

    from questions.scoring_rules import ScoringRule
    from survey.db import Connection

pytestmark = pytest.mark.demo_data()

RESPONSES = 40
SKIPPED_ONE = 4
"""Responses that skip one WHO-5 item and are prorated (the rule allows one)."""
LINKED = 12
"""People who chose a linkage code in September and October: at least k pairs."""
CHANGED = 5
"""Of them, whose WHO-5 changed: fewer than k, so the signed-rank p would tell how many."""
WHO5_ITEMS = [f"who5_{i}" for i in range(1, 6)]


async def _prorating_survey(conn: Connection, database_url: str) -> int:
    definition = demo_definition()
    measures = [
        msgspec.structs.replace(m, max_missing=1) if m.measure == "who5" else m for m in definition.measures
    ]
    definition = msgspec.structs.replace(definition, measures=measures)
    survey_id = await versions.create_survey(conn, name="Prorating", definition=definition, actor_id=None)
    await publish_with_board(database_url, survey_id)
    version_id = await conn.fetchval("SELECT max(id) FROM survey_version WHERE survey_id = $1", survey_id)
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    rng = random.Random(11)  # noqa: S311 (test data, not a secret)

    def answered(rule: ScoringRule) -> dict[str, int]:
        level = round(rng.random() * rule.item_max)
        return {i: min(rule.item_max, max(rule.item_min, level + rng.randint(-1, 1))) for i in rule.items}

    # (period, linkage code, answers): September's linked people answer again in October, five of them
    # with a changed WHO-5, seven with the same answers; the first October responses skip an item.
    sent: list[tuple[str, list[str] | None, dict[str, int]]] = []
    for n in range(LINKED):
        september = {key: v for rule in measures for key, v in answered(rule).items()}
        october = dict(september)
        if n < CHANGED:
            october |= {
                item: min(5, september[item] + 2) if september[item] < 4 else 0 for item in WHO5_ITEMS
            }
        parts = [f"part{j}-{n}" for j in range(3)]
        sent += [("2026-09", parts, september), ("2026-10", parts, october)]
    for n in range(RESPONSES):
        given = {key: v for rule in measures for key, v in answered(rule).items()}
        if n < SKIPPED_ONE:
            del given[WHO5_ITEMS[0]]
        sent.append(("2026-10", None, given))
    responses: list[Any] = []
    answers: list[Any] = []
    scores: list[Any] = []
    for period, linkage, given in sent:
        response_id = uuid.uuid4()
        responses.append((response_id, version_id, site_id, "en", period, linkage, response_id.hex))
        answers += [(response_id, key, value) for key, value in given.items()]
        for rule in measures:  # WHO-5, which may prorate, and K6, scored only when complete
            found = score(rule, given)
            assert found is not None
            scores.append((response_id, found.measure, found.value, found.band, found.missing, found.version))
    async with conn.transaction():
        await response_queries.copy_responses(conn, responses, answers, scores)
    return survey_id


async def test_a_prorating_measure_shows_alpha_with_the_reason_it_has_no_interval(
    evaluator_client: AsyncTestClient[Litestar], conn: Connection, database_url: str
) -> None:
    survey_id = await _prorating_survey(conn, database_url)
    response = await evaluator_client.get("/evaluate", params={"survey": str(survey_id)})
    assert response.status_code == 200, response.text
    page = BeautifulSoup(response.text, "html.parser")
    reliability = page.select_one("section[data-measure=who5] p.reliability")
    assert reliability is not None
    words = " ".join(reliability.get_text().split())
    assert "Cronbach's alpha 0." in words
    assert "Feldt interval" not in words
    assert period_results.PRORATED_NOTE in words
    linked = page.select_one("section[data-measure=who5] p.linked")
    assert linked is not None
    linked_words = " ".join(linked.get_text().split())
    assert f"{LINKED} people chose a linkage code" in linked_words
    assert "Wilcoxon" not in linked_words
    assert period_results.CHANGED_NOTE.format(k=11) in linked_words
    k6 = page.select_one("section[data-measure=k6] p.reliability")
    assert k6 is not None
    assert "Feldt interval" in k6.get_text(), "a measure scored only when complete keeps its interval"
