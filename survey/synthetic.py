"""Synthetic responses for development, the demo and benchmarks: realistic, fast (COPY), never real people.

Responses spread over the demo's sites and the last 12 months, in English (70%) and Spanish. Well-being
(WHO-5) rises and distress (K6) falls over the months, so the dashboard has a real change to show; a
small outreach site gets five responses in each of three months: too few to show, alone or (since a
range could be subtracted from another) in any range that holds them. Some
items are skipped or "prefer not to say". Scores come from the same rules as intake.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

import msgspec
import numpy as np

from analysis.scoring import score
from questions import queries as question_queries
from questions.demo import DEMO_SURVEY_NAME
from questions.scoring_rules import PREFER_NOT_TO_SAY
from survey import demo_queries, response_queries
from survey.audit_queries import audit
from survey.intake import linkage_hashes
from survey.problems import SetupProblem

if TYPE_CHECKING:
    from collections.abc import Callable

    from questions.schemas import SurveyDefinition
    from survey.db import Connection

SMALL_SITE: Final = "Riverside Outreach (small)"
SMALL_SITE_PER_MONTH: Final = 5
SMALL_SITE_MONTHS: Final = 3
"""The outreach site ran in the first three of the twelve months only (every hidden cell costs a sibling)."""
BATCH: Final = 20_000
LINKED_SHARE: Final = 0.25
"""A quarter of participants make a linkage code."""
LINKED_POOL_MIN: Final = 50
SKIP_RATE: Final = 0.03
DECLINE_RATE: Final = 0.02


class SyntheticError(SetupProblem, RuntimeError):
    """Synthetic data cannot be made here (no demo survey yet)."""


def months_back(today: date, count: int) -> list[str]:
    """The last ``count`` month periods up to this month, oldest first."""
    periods = []
    year, month = today.year, today.month
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


def _items(rng: np.random.Generator, latent: np.ndarray, size: int, top: int) -> np.ndarray:
    noise = rng.normal(0, 0.7, size=(latent.size, size))
    return np.clip(np.rint(latent[:, None] + noise), 0, top).astype(int)


def _answers(
    rng: np.random.Generator, definition: SurveyDefinition, month: np.ndarray
) -> list[dict[str, Any]]:
    n = month.size
    who5 = _items(rng, rng.normal(1.9 + 0.12 * month, 1.0), 5, 5)
    k6 = _items(rng, rng.normal(2.0 - 0.07 * month, 0.9), 6, 4)
    choices = {
        q.key: q.option_codes for q in definition.questions if q.type == "single_choice" and not q.show_if
    }
    picks = {key: rng.integers(0, len(codes), size=n) for key, codes in choices.items()}
    fate = rng.random(size=(n, 11))
    # Number answers from a generator of their own, so the rest of the data stays as it was for a seed.
    own = np.random.default_rng([n, int(month.sum()), int(who5.sum())])
    numbers = {
        q.key: own.integers(int(q.minimum or 0), int(q.maximum or 7) + 1, size=n)
        for q in definition.questions
        if q.type == "number" and q.integer and not q.show_if
    }
    answers = []
    for i in range(n):
        given: dict[str, Any] = {}
        for j, value in enumerate([*who5[i], *k6[i]]):
            key = f"who5_{j + 1}" if j < 5 else f"k6_{j - 4}"
            if fate[i, j] >= SKIP_RATE:
                given[key] = PREFER_NOT_TO_SAY if fate[i, j] < SKIP_RATE + DECLINE_RATE else int(value)
        for key, codes in choices.items():
            given[key] = codes[int(picks[key][i])]
        for key, drawn in numbers.items():
            given[key] = int(drawn[i])
        answers.append(given)
    return answers


def _people(rng: np.random.Generator, count: int, pepper: str) -> list[list[str]]:
    """Linkage codes (as stored: one HMAC per part) of a pool of returning participants."""
    letters = list("ABCDEFGHIJKLMNOPRSTVW")
    return [
        linkage_hashes(
            pepper, [str(rng.choice(letters)), str(int(rng.integers(1, 32))), str(rng.choice(letters))]
        )
        for _ in range(count)
    ]


async def generate(
    conn: Connection,
    count: int,
    *,
    seed: int = 1,
    today: date | None = None,
    pepper: str = "synthetic",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add ``count`` synthetic responses (with answers and scores) to the demo survey, by COPY.

    Raises:
        SyntheticError: the demo survey does not exist (run ``survey demo seed`` first).
    """
    survey_id = await demo_queries.survey_id_by_name(conn, DEMO_SURVEY_NAME)
    version = await question_queries.latest_version(conn, survey_id) if survey_id else None
    if version is None:
        raise SyntheticError("There is no demo survey yet: run `survey demo seed` first.")
    await demo_queries.ensure_site(conn, SMALL_SITE, version.survey_id)
    sites = await demo_queries.sites_running(conn, version.survey_id)
    small = [site.id for site in sites if site.name == SMALL_SITE]
    large = [site.id for site in sites if site.name != SMALL_SITE]
    periods = months_back(today or datetime.now(UTC).date(), 12)
    rng = np.random.default_rng(seed)
    people = _people(rng, max(LINKED_POOL_MIN, count // 10), pepper)
    small_count = min(count, SMALL_SITE_PER_MONTH * SMALL_SITE_MONTHS) if small else 0
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        month = rng.integers(0, len(periods), size=size)
        site = rng.choice(large, size=size)
        if made < small_count:
            take = min(size, small_count - made)
            site[:take] = small[0]
            month[:take] = np.arange(take) % SMALL_SITE_MONTHS
        language = np.where(rng.random(size) < 0.7, "en", "es")
        await _copy_batch(conn, version.id, version.definition, month, site, language, periods, rng, people)
        made += size
        if progress:
            progress(size)
    await audit(conn, "synthetic_responses_added", account_id=None, detail={"count": count})
    return made


async def _copy_batch(
    conn: Connection,
    version_id: int,
    definition: SurveyDefinition,
    month: np.ndarray,
    site: np.ndarray,
    language: np.ndarray,
    periods: list[str],
    rng: np.random.Generator,
    people: list[list[str]],
) -> None:
    answers = _answers(rng, definition, month)
    linked = rng.random(len(answers)) < LINKED_SHARE
    who = rng.integers(0, len(people), size=len(answers))
    responses: list[response_queries.ResponseRecord] = []
    answer_rows: list[response_queries.AnswerRecord] = []
    score_rows: list[response_queries.ScoreRecord] = []
    for i, given in enumerate(answers):
        response_id = uuid.UUID(bytes=rng.bytes(16), version=4)
        digest = hashlib.sha256(msgspec.json.encode(given, order="sorted")).hexdigest()
        linkage = people[int(who[i])] if linked[i] else None
        responses.append(
            (response_id, version_id, int(site[i]), str(language[i]), periods[int(month[i])], linkage, digest)
        )
        answer_rows.extend((response_id, key, value) for key, value in given.items())
        for rule in definition.measures:
            result = score(rule, given)
            if result is not None:
                score_rows.append(
                    (response_id, result.measure, result.value, result.band, result.missing, result.version)
                )
    async with conn.transaction():
        await response_queries.copy_responses(conn, responses, answer_rows, score_rows)
