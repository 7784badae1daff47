"""Number answers and program items on the dashboard: a histogram of fixed ranges, items compared (BH)."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]

pytestmark = pytest.mark.demo_data(responses=2500, seed=5, today=date(2026, 11, 21))


async def test_number_answers_have_a_histogram_of_fixed_ranges(evaluator_client: Client) -> None:
    """The demo's "days with a meal" (0 to 7): one bar a day; a shown bar is 0 or at least k answers."""
    page = BeautifulSoup((await evaluator_client.get("/evaluate")).text, "html.parser")
    bars = page.select("table.number-bars tbody tr")
    assert [bar.th.get_text(strip=True) for bar in bars if bar.th] == [str(day) for day in range(8)]
    shown = [bar for bar in bars if bar["data-suppressed"] == "false"]
    assert shown
    assert all(
        int(bar.select("td")[0].get_text()) == 0 or int(bar.select("td")[0].get_text()) >= 11 for bar in shown
    )
    hidden = [bar for bar in bars if bar["data-suppressed"] == "true"]
    assert len(hidden) != 1, "a single hidden bar would be the total minus the others"


async def test_program_items_are_compared_between_the_two_periods_with_bh(evaluator_client: Client) -> None:
    """Each single-choice question of the first and last month: p and its BH q (q >= p), or why not."""
    page = BeautifulSoup((await evaluator_client.get("/evaluate")).text, "html.parser")
    rows = page.select("#item-comparisons tbody tr")
    assert rows, "the demo's program items are compared"
    tested = [row for row in rows if len(row.select("td")) == 3]
    assert tested
    for row in tested:
        p_text, q_text, v_text = (td.get_text(strip=True) for td in row.select("td"))
        assert p_text.startswith("p")
        assert q_text.startswith("q")
        assert 0.0 <= float(v_text) <= 1.0
    json_rows = (await evaluator_client.get("/evaluate/export", params={"format": "json"})).json()
    compared = [row for row in json_rows["item_comparisons"] if row["p"] is not None]
    assert len(compared) == len(tested)
    assert all(row["q"] >= row["p"] for row in compared)
    assert all(row["method"] in {"chi-square", "simulated"} for row in compared)
