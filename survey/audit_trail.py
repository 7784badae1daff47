"""The audit trail in words: who acted, what happened, and a CSV of it no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, Final

import msgspec

from analysis import periods

if TYPE_CHECKING:
    from survey.audit_trail_queries import TrailEvent

KIOSK_ACTIONS: Final = [
    "kiosk_code_failed",
    "kiosk_enrolled",
    "kiosk_paused",
    "kiosk_resumed",
    "kiosk_pin_failed",
]
"""Actions a tablet takes itself (no account): the trail says "a kiosk" for them."""
SERVER_ACTIONS: Final = {"responses_released": "the daily release", "signin_failed": "the sign-in page"}
"""Actions without an account that neither a kiosk nor a command takes."""
EXPORT_FORMATS: Final = {"zip": "CSV files (zip)", "xlsx": "XLSX", "json": "JSON", "csv": "CSV"}
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""


class TrailLine(msgspec.Struct, frozen=True, kw_only=True):
    """One event as people read it: when (UTC), who, what, about what, and the details in words."""

    when: str
    who: str
    what: str
    about: str
    details: str


def who(event: TrailEvent) -> str:
    """Who acted: the account, or for events without one, a kiosk, the command line or the server."""
    if event.by_account:
        return event.actor
    if event.action in KIOSK_ACTIONS:
        return "a kiosk"
    if event.action in SERVER_ACTIONS:
        return SERVER_ACTIONS[event.action]
    if event.action == "retention_run" and event.detail.get("run") == "daily":
        return "the daily retention job"
    if "migration" in str(event.detail.get("why", "")):
        return "a migration"
    if event.action.startswith("board_"):
        return "the board's decision"
    return "command line"


def _reporting_period(label: object) -> str:
    """A reporting period in words ("2026 Q1 (January to March)"); ``all`` or none: every period."""
    if not label or label == "all":
        return "every period"
    try:
        return periods.words(str(label))
    except (ValueError, IndexError):
        return str(label)


def _export(detail: dict[str, Any]) -> str:
    what = EXPORT_FORMATS.get(str(detail.get("format")), str(detail.get("format", "a file")))
    if detail.get("format") == "free-text CSV":
        what = f"free-text answers to the question {detail.get('question')!r} as CSV"
    first, last = detail.get("from"), detail.get("to")
    if first and last:
        period = f"from {first} to {last}"
    elif first or last:
        period = f"from {first}" if first else f"up to {last}"
    else:
        period = _reporting_period(detail.get("period"))
    grouping = detail.get("group_by")
    if isinstance(grouping, list):
        grouping = " and ".join(str(part) for part in grouping)
    grouped = f", grouped by {grouping}" if grouping else ", not grouped"
    return f"{what}, {period}{grouped}"


def _kept_for(months: object, unit: str) -> str:
    return "kept for good" if months is None else f"deleted {months} {unit} after their period"


def _retention_set(detail: dict[str, Any]) -> str:
    text = _kept_for(detail.get("free_text_months"), "months")
    responses = _kept_for(detail.get("response_years"), "years")
    return f"free-text answers {text}; responses {responses}"


def _periods_words(found: list[str]) -> str:
    return ", ".join(found) if len(found) <= 6 else f"{found[0]} to {found[-1]} ({len(found)} periods)"


def _retention_run(detail: dict[str, Any]) -> str:
    said = []
    for survey in detail.get("surveys") or []:
        name = survey.get("name") or f"survey {survey.get('survey_id')}"
        if survey.get("free_text_answers"):
            written = _periods_words(survey.get("free_text_periods", []))
            said.append(f"{name}: {survey['free_text_answers']} free-text answers of {written} deleted")
        if survey.get("responses"):
            gone = _periods_words(survey.get("response_periods", []))
            said.append(f"{name}: {survey['responses']} responses of {gone} deleted, their figures kept")
        if survey.get("waiting_periods"):
            held = _periods_words(survey["waiting_periods"])
            said.append(f"{name}: {held} wait for responses still held")
    return "; ".join(said) or "nothing was due"


def _words(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return "none" if value is None else str(value)


def details(event: TrailEvent, surveys: dict[str, str]) -> str:
    """What happened, in words: an export's format, period and grouping, a rename's names, and so on."""
    detail = event.detail
    match event.action:
        case "export":
            return _export(detail)
        case "audit_exported":
            return _export({"group_by": None, **detail}).replace(", not grouped", "")
        case "responses_released":
            return f"{detail.get('responses', 0)} responses released"
        case "site_settings_changed":
            survey = detail.get("survey_id")
            runs = f"runs {surveys.get(str(survey), f'survey {survey}')}" if survey else "runs no survey"
            written = detail.get("resources")
            return f"{runs}; resources in {_words(written)}" if written is not None else runs
        case "site_renamed" | "kiosk_renamed":
            return f"from {detail.get('from')!r} to {detail.get('to')!r}"
        case "account_roles_changed":
            return f"roles {_words(detail.get('before'))} → {_words(detail.get('after'))}"
        case "survey_published":
            return f"version {detail.get('version')} ({detail.get('basis')})"
        case "survey_retention_set":
            return _retention_set(detail)
        case "retention_run":
            return _retention_run(detail)
        case "survey_language_added" | "survey_language_retired":
            return str(detail.get("name", detail.get("language", "")))
    if event.action.startswith("kiosk_") and "label" in detail:
        return f"tablet “{detail['label']}”"
    return "; ".join(f"{key.replace('_', ' ')}: {_words(value)}" for key, value in sorted(detail.items()))


def about(event: TrailEvent, surveys: dict[str, str]) -> str:
    """What an event is about: a survey by its name rather than its number, else the subject as stored."""
    if event.action.startswith("survey_") or event.action == "export":
        return surveys.get(event.subject, event.subject)
    return event.subject


def line(event: TrailEvent, surveys: dict[str, str]) -> TrailLine:
    """An event as the trail shows it."""
    return TrailLine(
        when=event.occurred_at.strftime("%Y-%m-%d %H:%M"),
        who=who(event),
        what=event.action.replace("_", " "),
        about=about(event, surveys),
        details=details(event, surveys),
    )


def safe_cell(text: str) -> str:
    """A cell no spreadsheet runs: text starting like a formula gets a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def as_csv(lines: list[TrailLine]) -> str:
    """The lines as CSV with a header row, every cell neutralised by :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when (UTC)", "who", "what", "about", "details"])
    for item in lines:
        writer.writerow(
            [safe_cell(cell) for cell in (item.when, item.who, item.what, item.about, item.details)]
        )
    return out.getvalue()
