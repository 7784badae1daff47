"""The board's decision rule: how many approvals a proposal needs, and whether its votes decide it."""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

import msgspec

MINIMUM_APPROVALS: Final = 2
"""Never fewer: one person is not a board (DESIGN.md section 6: "at least two")."""

MAXIMUM_APPROVALS: Final = 100
"""The most an admin can ask for (the database holds the same bound)."""

Choice: TypeAlias = Literal["approve", "object", "abstain"]
Decision: TypeAlias = Literal["open", "accepted", "rejected"]


class Tally(msgspec.Struct, frozen=True, kw_only=True):
    """The standing votes of the active board members on one proposal."""

    approvals: int
    objections: int
    abstentions: int
    needed: int
    members: int

    @property
    def decision(self) -> Decision:
        """Accepted at the quorum with no standing objection; rejected once a quorum objects; else open."""
        if self.objections >= self.needed:
            return "rejected"
        if self.approvals >= self.needed and self.objections == 0:
            return "accepted"
        return "open"

    @property
    def reachable(self) -> bool:
        """Whether the board has enough active members for any proposal to reach the quorum."""
        return self.members >= self.needed


def approvals_needed(active_members: int, setting: int | None) -> int:
    """The quorum: the program's setting, or a majority of the active members; never below two.

    Args:
        active_members: board accounts that are active now.
        setting: the number an admin set, or ``None`` for the default.
    """
    if setting is not None:
        return max(MINIMUM_APPROVALS, setting)
    return max(MINIMUM_APPROVALS, active_members // 2 + 1)


def tally(standing: dict[int, Choice], active_members: set[int], setting: int | None) -> Tally:
    """Count the standing vote of each active member (a member no longer active no longer counts).

    Args:
        standing: each member's latest vote by account id (withdrawn votes left out).
        active_members: the ids of the active board members.
        setting: the quorum an admin set, or ``None``.
    """
    counted = [choice for member, choice in standing.items() if member in active_members]
    return Tally(
        approvals=counted.count("approve"),
        objections=counted.count("object"),
        abstentions=counted.count("abstain"),
        needed=approvals_needed(len(active_members), setting),
        members=len(active_members),
    )
