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
    """The standing votes of the members who may vote on one proposal, against today's quorum."""

    approvals: int
    objections: int
    abstentions: int
    needed: int
    members: int
    """Active members today (accounts turned on, holding the board role): the majority is of these."""
    voters: int = 0
    """Of those, the members who may vote on this proposal: they joined before it opened."""

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
    """The quorum: the board's setting, or a majority of the active members; never below two.

    Args:
        active_members: members whose accounts are active now.
        setting: the number set, or ``None`` for the default.
    """
    if setting is not None:
        return max(MINIMUM_APPROVALS, setting)
    return max(MINIMUM_APPROVALS, active_members // 2 + 1)


def setting_up(members: int, needed: int) -> bool:
    """Whether the board is being set up: it has fewer members than the approvals a proposal needs.

    Only then may an admin add members or set the quorum (DESIGN.md: "the board governs itself").

    Args:
        members: every current membership, counting members whose account is turned off, so that turning
            accounts off never reopens setting up.
        needed: the approvals a proposal needs today.
    """
    return members < needed


def tally(standing: dict[int, Choice], voters: set[int], members: int, setting: int | None) -> Tally:
    """Count the standing vote of each member who may vote (anyone else's vote no longer counts).

    Args:
        standing: each account's latest vote by id (withdrawn votes left out).
        voters: the members who may vote on this proposal (active, and joined before it opened).
        members: how many active members the board has today.
        setting: the quorum the board (or, while setting up, an admin) set, or ``None``.
    """
    counted = [choice for member, choice in standing.items() if member in voters]
    return Tally(
        approvals=counted.count("approve"),
        objections=counted.count("object"),
        abstentions=counted.count("abstain"),
        needed=approvals_needed(members, setting),
        members=members,
        voters=len(voters),
    )
