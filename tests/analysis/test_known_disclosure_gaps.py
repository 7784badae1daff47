"""The known disclosure gaps (docs/analysis.md, "Known gaps"), each as the promise it breaks today.

Every test runs an attack a tester found and asserts the promise: no group of 1 to k-1 responses is
recovered. Each is marked ``xfail(strict=True)``, so today it fails for the reason in its mark; the day
a change closes a gap its test passes, the strict mark turns that into a failure, and the mark (and the
gap's paragraph in the docs) should go. Run with ``-rxX`` to see the reasons.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import numpy as np
import numpy.typing as npt
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from scipy import stats as scipy_stats
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis import free_text, period_results, periods, protected
from analysis.protected import AnswerCell, CellHistogram, Figure
from analysis.queries import ItemMoment, LinkedScore
from questions import queries as question_queries
from questions.scoring_rules import ScoringRule
from survey import kiosks
from survey.db import Connection
from survey.settings import Settings
from tests.support import make_account, raw_token, release_sent, sign_in

Client = AsyncTestClient[Litestar]
Vector = npt.NDArray[np.float64]
Send = Callable[[dict[str, Any]], Awaitable[None]]

K = 11
GAPS = "docs/analysis.md, Known gaps"
WHO5 = ScoringRule(
    measure="who5",
    version="t",
    name="WHO-5",
    items=["a"],
    item_min=0,
    item_max=25,
    method="sum",
    scale=4,
    score_min=0,
    score_max=100,
    higher_is_better=True,
    meaningful_change=10,
    source="test",
)
PWI = ScoringRule(
    measure="pwi",
    version="t",
    name="PWI",
    items=[f"pwi_{i}" for i in range(1, 8)],
    item_min=0,
    item_max=10,
    method="mean",
    scale=10,
    max_missing=1,
    score_min=0,
    score_max=100,
    higher_is_better=True,
    source="test",
)


def known_gap(number: int, what: str) -> pytest.MarkDecorator:
    """The strict xfail mark of known gap ``number``, pointing at its paragraph in the docs."""
    return pytest.mark.xfail(strict=True, reason=f"known gap {number}: {what}; {GAPS}")


def least_and_most(
    target: Vector, rows: list[Vector], low: list[float], high: list[float], upper: Vector
) -> tuple[int, int]:
    """The least and greatest ``target @ x`` over integers ``0 <= x <= upper``, ``low <= rows x <= high``."""
    constraints = LinearConstraint(np.array(rows), low, high)
    bounds = Bounds(np.zeros(len(upper)), upper)
    integer = np.ones(len(upper), dtype=np.int64)
    least = milp(target, constraints=constraints, integrality=integer, bounds=bounds).fun
    most = milp(-target, constraints=constraints, integrality=integer, bounds=bounds).fun
    assert least is not None, "the true table is feasible"
    assert most is not None, "the true table is feasible"
    return round(least), round(-most)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The app's settings with room for a tablet to send a day's responses in a second."""
    return msgspec.structs.replace(settings, kiosk_rate=1000)


@pytest.fixture
async def send(client: Client, conn: Connection) -> Send:
    """Post one response of the given answers from a tablet enrolled at the demo's first site."""
    site_id = await conn.fetchval("SELECT id FROM site ORDER BY id LIMIT 1")
    token = await kiosks.create_enrolled(conn, site_id=site_id, label="Gap tablet", actor_id=None)
    survey_id = await conn.fetchval("SELECT survey_id FROM site WHERE id = $1", site_id)
    version = await question_queries.latest_version(conn, survey_id)
    assert version is not None

    async def post(answers: dict[str, Any]) -> None:
        body = {"id": str(uuid.uuid4()), "survey_version": version.id, "language": "en", "answers": answers}
        stored = await client.post(
            "/api/kiosk/responses", json=body, headers={"authorization": f"Bearer {token}"}
        )
        assert stored.status_code == 201, stored.text

    return post


@pytest.fixture
async def evaluator_token(database_url: str) -> dict[str, str]:
    """The headers of an API token of an account holding only the evaluator role."""
    account = await make_account(database_url, "eva", ["evaluator"])
    return {"authorization": f"Bearer {await raw_token(database_url, account.id)}"}


async def who5_views(client: Client, headers: dict[str, str]) -> dict[tuple[str, Any, Any], dict[str, Any]]:
    """The summary's WHO-5 rows ungrouped, by site and by period, keyed by grouping, site and period."""
    views = {}
    for group_by in ("", "site", "period"):
        got = await client.get(
            "/api/evaluate/summary", params={"survey": "1", "group_by": group_by}, headers=headers
        )
        assert got.status_code == 200, got.text
        for row in got.json()["rows"]:
            if row["measure"] == "who5":
                views[(group_by, row["site"], row["period"])] = row
    return views


@known_gap(1, "a view of a period still filling, read before and after a release, gives that night's batch")
@pytest.mark.demo_data
async def test_a_night_s_batch_is_not_recovered_from_two_days_views(
    client: Client, conn: Connection, send: Send, evaluator_token: dict[str, str]
) -> None:
    """Day one, 40 people answer WHO-5; day two, one more: the views' differences must not give that one."""
    for n in range(40):
        await send({f"who5_{i + 1}": v for i, v in enumerate([n % 6, (n * 7) % 6, 3, (n * 5) % 6, 2])})
    await release_sent(conn)
    before = await who5_views(client, evaluator_token)
    await send({f"who5_{i + 1}": v for i, v in enumerate([1, 1, 0, 2, 1])})  # score 20
    await release_sent(conn)
    after = await who5_views(client, evaluator_token)
    recovered = []
    for view, row in after.items():
        old = before.get(view)
        if old and not old["suppressed"] and not row["suppressed"] and 1 <= row["n"] - old["n"] < K:
            size = row["n"] - old["n"]
            recovered.append((view, size, (row["n"] * row["mean"] - old["n"] * old["mean"]) / size))
    assert not recovered, f"the night's batch recovered as (view, n, mean): {recovered}"


def k6_answers(score: int) -> dict[str, int]:
    """Six K6 answers (0-4 each) summing to ``score``."""
    return {f"k6_{i + 1}": min(4, max(0, score - 4 * i)) for i in range(6)}


@known_gap(2, "the SD, median and quartiles of a figure of n >= 3k narrow its hidden band counts")
@pytest.mark.demo_data
async def test_a_hidden_band_count_is_not_pinned_by_the_shown_sd(
    client: Client, conn: Connection, send: Send, database_url: str
) -> None:
    """A month of 40 K6 scores, one in the serious band: its n, mean and SD must leave that band open."""
    for score in [0] * 9 + [1] * 7 + [2] * 7 + [3] * 7 + [4] * 7 + [5, 7, 13]:
        await send(k6_answers(score))
    await release_sent(conn)
    await make_account(database_url, "eva", ["evaluator"])
    await sign_in(client, "eva")
    exported = await client.get("/evaluate/export", params={"survey": "1", "format": "json"})
    assert exported.status_code == 200, exported.text
    overall = next(r for r in exported.json()["overall"]["rows"] if r["measure"] == "k6")
    bands = {r["band"]: r for r in exported.json()["bands"] if r["measure"] == "k6"}
    if overall["suppressed"] or overall["sd"] is None:
        return  # nothing to solve with: the promise holds
    n, mean, sd = overall["n"], overall["mean"], overall["sd"]
    total = round(n * mean)
    squares = round((n - 1) * sd**2 + total**2 / n)
    values = np.arange(25.0)
    rows, low, high = [np.ones(25), values, values**2], [n, total, squares], [n, total, squares]
    limits = {"low_distress": (0, 4), "moderate_distress": (5, 12), "serious_distress": (13, 24)}
    member = {band: ((values >= lo) & (values <= hi)).astype(float) for band, (lo, hi) in limits.items()}
    for band, row in bands.items():
        if row["count"] is not None:
            rows.append(member[band])
            low.append(row["count"])
            high.append(row["count"])
        elif row["hidden"] == "fewer than k":
            rows.append(member[band])
            low.append(1)
            high.append(K - 1)
    pinned = {}
    for band, row in bands.items():
        if row["hidden"] == "fewer than k":
            least, most = least_and_most(member[band], rows, low, high, np.full(25, np.inf))
            if least == most:
                pinned[band] = least
    assert not pinned, f"hidden band counts pinned by n {n}, mean {mean} and SD {sd:.4f}: {pinned}"


def published(figure: Figure | None) -> tuple[int, float] | None:
    """A shown figure's n and sum of scores (n times its mean); None when it is hidden or absent."""
    if figure is None or figure.hidden is not None or figure.n is None or figure.stats is None:
        return None
    return figure.n, figure.n * figure.stats.mean


@known_gap(3, "a month stored before a switch to weeks is the month's figure minus its weeks'")
def test_the_part_of_a_month_before_a_switch_to_weeks_is_not_recovered() -> None:
    """Five responses stored as March, then weeks: March minus its weeks must not give those five."""
    rows = [
        CellHistogram("who5", site, language, 1, "2026-03", float(v), 1)
        for site, language, values in (
            ("Eastside", "en", [20, 24]),
            ("Eastside", "es", [28]),
            ("Harbour", "en", [32]),
            ("Harbour", "es", [36]),
        )
        for v in values
    ]
    rng = np.random.default_rng(1)
    weeks = ("2026-W11", "2026-W12", "2026-W13")  # Thursdays 12, 19 and 26 March: March's weeks
    for period, size in [(w, 18) for w in weeks] + [("2026-01", 30), ("2026-02", 30)]:
        for site in ("Eastside", "Harbour"):
            for language in ("en", "es"):
                rows += [
                    CellHistogram("who5", site, language, 1, period, float(v), 1)
                    for v in rng.integers(8, 24, size) * 4
                ]
    shown = {(f.dimension, f.group, f.period): f for f in protected.build_measure(WHO5, rows, K).figures}
    recovered = []
    for dimension, group in (("all", None), ("site", "Eastside"), ("site", "Harbour"), ("language", "en")):
        parts = [published(shown.get((dimension, group, p))) for p in ("2026-03", *weeks)]
        known = [part for part in parts if part is not None]
        if len(known) == len(parts):
            n = known[0][0] - sum(w[0] for w in known[1:])
            if 1 <= n < K:
                mean = (known[0][1] - sum(w[1] for w in known[1:])) / n
                recovered.append((dimension, group, n, round(mean, 4)))
    assert not recovered, (
        f"the responses stored as the month recovered as (dimension, group, n, mean): {recovered}"
    )


@known_gap(4, "a question's answer counts add up to the measure's n when nobody skipped it")
def test_a_hidden_answer_count_is_not_narrowed_by_the_measure_s_n() -> None:
    """Everyone answered WHO-5 and the naloxone question: the months' n must not narrow a hidden count."""
    months = {
        "2026-01": {"always": 15, "often": 3, "sometimes": 12, "rarely": 14, "never": 13},
        "2026-02": {"always": 20, "often": 14, "sometimes": 15, "rarely": 12, "never": 16},
        "2026-03": {"always": 18, "often": 12, "sometimes": 16, "rarely": 15, "never": 11},
    }
    answers = [
        AnswerCell("naloxone_carried", o, "A", "en", 1, m, n) for m, c in months.items() for o, n in c.items()
    ]
    items = protected.build_items(answers, K)
    scores = [CellHistogram("who5", "A", "en", 1, m, 52.0, sum(c.values())) for m, c in months.items()]
    figures = protected.build_measure(WHO5, scores, K).figures
    totals = {f.period: f.n for f in figures if f.dimension == "all" and f.n is not None and f.hidden is None}
    cells = [(option, month) for month, counts in months.items() for option in counts]
    # The cells' counts, then a 0/1 variable per figure "hidden to protect": 0 or >= k (strict labels).
    others = [f for f in items if f.count is None and f.hidden != "fewer than k"]
    width = len(cells) + len(others)
    rows: list[Vector] = []
    low: list[float] = []
    high: list[float] = []

    def over(option: str | None, period: str) -> Vector:
        """The cells of ``option`` (any option if None) in ``period``, as a row over every variable."""
        row = [float((option is None or o == option) and periods.contains(period, m)) for o, m in cells]
        return np.array(row + [0.0] * len(others))

    for f in items:
        if f.count is not None:
            rows.append(over(f.option, f.period))
            low.append(f.count)
            high.append(f.count)
        elif f.hidden == "fewer than k":
            rows.append(over(f.option, f.period))
            low.append(1)
            high.append(K - 1)
    for j, f in enumerate(others):
        switch = np.zeros(width)
        switch[len(cells) + j] = 1
        rows += [over(f.option, f.period) - 10_000 * switch, over(f.option, f.period) - K * switch]
        low += [-np.inf, 0]
        high += [0, np.inf]
    for period, n in totals.items():  # nobody skipped: a period's answers add up to its WHO-5 n
        rows.append(over(None, period))
        low.append(n)
        high.append(n)
    upper = np.concatenate([np.full(len(cells), np.inf), np.ones(len(others))])
    narrowed = []
    for f in items:
        if f.hidden == "fewer than k":
            least, most = least_and_most(over(f.option, f.period), rows, low, high, upper)
            if least > 1 or most < K - 1:
                narrowed.append((f.option, f.period, least, most))
    assert not narrowed, (
        f"hidden answer counts narrowed from 1..{K - 1} to (option, period, least, most): {narrowed}"
    )


Cells = dict[tuple[str, str], int]
GROWTH: Cells = {("A", "2026-01"): 30, ("A", "2026-02"): 6, ("A", "2026-03"): 5}
RETENTION: Cells = {
    ("A", "2025-01"): 15,
    ("A", "2025-03"): 2,
    ("A", "2025-05"): 1,
    ("A", "2025-06"): 2,
    ("B", "2025-01"): 6,
    ("B", "2025-02"): 9,
    ("B", "2025-03"): 5,
    ("B", "2025-04"): 3,
    ("B", "2025-05"): 1,
    ("B", "2025-06"): 3,
}


def shown_classes(counts: Cells) -> list[set[tuple[str, str]]]:
    """The shown cells grouped as an attacker sees their answers: by the set of views showing them."""
    views = free_text._views(counts, K)
    classes: dict[frozenset[int], set[tuple[str, str]]] = {}
    for cell in free_text.showable_cells(counts, K):
        classes.setdefault(frozenset(i for i, view in enumerate(views) if cell in view), set()).add(cell)
    return list(classes.values())


@known_gap(5, "free-text classes are decided for each state alone; two days' states trace answers")
@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(GROWTH, {**GROWTH, ("A", "2026-03"): 11}, id="march-grows-to-k"),
        pytest.param(
            RETENTION, {c: n for c, n in RETENTION.items() if c[1] > "2025-02"}, id="retention-deletes"
        ),
    ],
)
def test_free_text_answers_are_not_traced_to_a_small_group_across_two_states(
    before: Cells, after: Cells
) -> None:
    """Which answers still show, or newly show, on the second day must not single out fewer than k.

    The attacker reads every view on both days. Answers shown in the same views form a class of at least
    k; when only part of yesterday's class still shows today (or only part of today's showed yesterday),
    that part is a group of its own. March growing to 11 singles out February's 6; retention deleting
    January and February 2025 singles out site B's February (9, in a class with its March yesterday) and
    B's April to June (7, with March today).
    """
    traced = {}
    shown_before, shown_after = free_text.showable_cells(before, K), free_text.showable_cells(after, K)
    for classes, other, counts in (
        (shown_classes(before), shown_after, before),
        (shown_classes(after), shown_before, after),
    ):
        for cells in classes:
            part = cells - other
            if part and part != cells and 1 <= sum(counts[c] for c in part) < K:
                traced[tuple(sorted(part))] = sum(counts[c] for c in part)
    assert not traced, f"answers shown on one day and not the other traced to (cells: responses): {traced}"


def test_the_linked_p_does_not_give_how_many_scores_changed() -> None:
    """Five of 12 linked people improved, seven did not change: the p must not confine the five to 1..k-1."""
    before = [40, 44, 48, 52, 56, 60, 64, 36, 32, 28, 24, 20]
    change = [12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0]
    scores = []
    for i, (b, c) in enumerate(zip(before, change, strict=True)):
        code = [f"p{i}", f"d{i}", f"t{i}"]
        scores += [LinkedScore("2026-01", code, float(b)), LinkedScore("2026-03", code, float(b + c))]
    row = period_results.linked_row(WHO5, "2026-Q1", ["2026-01", "2026-02", "2026-03"], scores, K)
    assert row.pairs == 12
    assert row.share_improved is None, "the share improved is hidden (5 < k)"
    assert row.shift is not None, "the shift and its interval are still shown"
    if row.p is None:
        assert row.note == period_results.CHANGED_NOTE.format(k=K)
    # The exact two-sided p of the signed-rank test with m non-zero differences (no ties) and statistic t.
    changed = set()
    for m in range(1, row.pairs + 1):
        ways = [1] + [0] * (m * (m + 1) // 2)
        for rank in range(1, m + 1):
            for t in range(len(ways) - 1, rank - 1, -1):
                ways[t] += ways[t - rank]
        for t in range(m * (m + 1) // 4 + 1):
            if row.p is not None and abs(min(1.0, 2 * sum(ways[: t + 1]) / 2**m) - row.p) < 1e-12:
                changed.add(m)
    assert not changed or max(changed) >= K, (
        f"p = {row.p} gives the number whose score changed: {sorted(changed)}"
    )


def test_the_reliability_interval_does_not_give_the_complete_count() -> None:
    """A month of 20 PWI scores, 3 prorated: alpha's interval and the shown n must not give the 3."""
    rng = np.random.default_rng(3)
    latent = rng.normal(size=20)
    items = np.clip(np.round(5 + 2 * latent[:, None] + rng.normal(size=(20, 7))), 0, 10)
    scores = [CellHistogram("pwi", "A", "en", 1, "2026-03", float(round(10 * s.mean())), 1) for s in items]
    figure = next(
        f
        for f in protected.build_measure(PWI, scores, K).figures
        if f.dimension == "all" and f.period == "all"
    )
    complete = items[:17]  # the last three skipped an item each and were prorated
    moments = [
        ItemMoment(
            "2026-03",
            PWI.items[i],
            PWI.items[j],
            17,
            float(complete[:, i].sum()),
            float(complete[:, i] @ complete[:, j]),
        )
        for i in range(7)
        for j in range(7)
    ]
    row = period_results.reliability_row(PWI, "all", moments, K)
    assert figure.n == 20  # the shown n the attack subtracts from
    assert row.alpha is not None, "alpha itself is still shown"
    if row.ci_low is None:
        assert row.note == period_results.PRORATED_NOTE
        return  # nothing to solve with: the promise holds (closed gap 7)
    ratio = (1 - row.ci_low) / (1 - row.alpha)
    found = [
        n for n in range(3, 5000) if abs(float(scipy_stats.f.ppf(0.975, n - 1, (n - 1) * 6)) - ratio) < 1e-9
    ]
    prorated = {figure.n - n for n in found}
    assert not (len(prorated) == 1 and 1 <= min(prorated) < K), (
        f"{found} complete responses of the {figure.n} shown: {sorted(prorated)} prorated"
    )
