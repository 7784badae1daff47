"""The audit trail says exports, retention policies and retention runs in words, never as raw detail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from survey import audit_trail
from survey.audit_trail_queries import TrailEvent

SURVEYS = {"1": "Demo survey"}


def _event(action: str, detail: dict[str, Any], *, by_account: bool = True) -> TrailEvent:
    return TrailEvent(
        id=1,
        occurred_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        by_account=by_account,
        actor="eva" if by_account else "",
        action=action,
        subject="1",
        detail=detail,
    )


@pytest.mark.parametrize(
    ("detail", "words"),
    [
        (
            {
                "format": "free-text CSV",
                "period": "2026-Q1",
                "question": "program_feedback",
                "group_by": "site",
            },
            "free-text answers to the question 'program_feedback' as CSV, 2026 Q1 (January to March),"
            " grouped by site",
        ),
        (
            {"format": "free-text CSV", "period": "all", "question": "program_feedback", "group_by": None},
            "free-text answers to the question 'program_feedback' as CSV, every period, not grouped",
        ),
        (
            {"format": "json", "period": "2026-03", "group_by": ["site", "period"]},
            "JSON, March 2026, grouped by site and period",
        ),
        ({"format": "zip", "period": "all", "group_by": []}, "CSV files (zip), every period, not grouped"),
    ],
)
def test_an_export_is_said_in_words(detail: dict[str, Any], words: str) -> None:
    line = audit_trail.line(_event("export", detail), SURVEYS)
    assert line.details == words
    assert "{" not in line.details
    assert line.about == "Demo survey"


def test_a_retention_policy_says_what_it_keeps() -> None:
    detail = {"free_text_months": 6, "response_years": None, "before": {"free_text_months": None}}
    line = audit_trail.line(_event("survey_retention_set", detail), SURVEYS)
    assert line.details == "free-text answers deleted 6 months after their period; responses kept for good"
    assert line.about == "Demo survey"


def test_a_retention_run_says_who_ran_it_and_what_went() -> None:
    surveys = [
        {
            "survey_id": 1,
            "name": "Demo survey",
            "free_text_answers": 12,
            "free_text_periods": ["2026-01"],
            "responses": 300,
            "response_periods": [f"2024-{m:02d}" for m in range(1, 13)],
            "waiting_periods": [],
        }
    ]
    daily = audit_trail.line(
        _event("retention_run", {"run": "daily", "surveys": surveys}, by_account=False), {}
    )
    assert daily.who == "the daily retention job"
    assert daily.details == (
        "Demo survey: 12 free-text answers of 2026-01 deleted; "
        "Demo survey: 300 responses of 2024-01 to 2024-12 (12 periods) deleted, their figures kept"
    )
    command = audit_trail.line(
        _event("retention_run", {"run": "command line", "surveys": []}, by_account=False), {}
    )
    assert (command.who, command.details) == ("command line", "nothing was due")
