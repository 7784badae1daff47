"""What follows a proposal's outcome, in a sentence the proposal page shows, so a member knows what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from questions import translations
from questions.changes import PublishDraft

if TYPE_CHECKING:
    from questions.proposal_queries import Proposal
    from questions.schemas import SurveyDefinition


def after_decision(found: Proposal, after: SurveyDefinition) -> str:
    """The next step after a proposal on a survey is decided, taken back or overtaken ("" while open)."""
    publishing = isinstance(found.change, PublishDraft)
    match found.status, publishing:
        case "accepted", True:
            return (
                f"Version {found.published_version} is on the kiosks now. New proposals change the draft,"
                " and the board publishes again when it is ready."
            )
        case "accepted", False:
            waiting = len(translations.gaps(after))
            texts = f"{waiting} text{'s' if waiting != 1 else ''}"
            verb = "waits" if waiting == 1 else "wait"
            translate = (
                f" {texts} in the draft {verb} for a translation or a check:"
                " members who read those languages can propose them from the survey's page."
                if waiting
                else ""
            )
            return f"The change is in the draft. Propose publishing when the board is ready.{translate}"
        case "rejected", _:
            return "Nothing changed. The board can talk it over in the discussion and make a new proposal."
        case "outdated", _:
            return "Nothing changed. Read the draft as it is now and propose again if it is still needed."
        case "withdrawn", _:
            return "Nothing changed. Anyone on the board can make a new proposal."
    return ""


def while_open(approvals: int, needed: int, objections: int) -> str:
    """What the proposal needs before the board has decided it."""
    if objections:
        return (
            "An objection holds this proposal open: talk it over in the discussion. The proposer can revise"
            " it, or the member who objected can change their vote."
        )
    missing = max(needed - approvals, 0)
    return f"It needs {missing} more approval{'s' if missing != 1 else ''} to be accepted."
