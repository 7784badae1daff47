"""Per reporting period results that are not sums of cells (linked pairs, reliability), as kept rows."""

from __future__ import annotations

import msgspec


class LinkedRow(msgspec.Struct, frozen=True):
    """Linked pre/post pairs between the first and last month of a period, or why they are not shown."""

    measure: str
    before: str
    after: str
    pairs: int | None
    shift: float | None
    shift_ci_low: float | None
    shift_ci_high: float | None
    p: float | None
    share_improved: float | None
    share_improved_ci_low: float | None
    share_improved_ci_high: float | None
    note: str
    period: str = "all"


class ReliabilityRow(msgspec.Struct, frozen=True):
    """Cronbach's alpha of one measure's items with its Feldt interval, or why it is not shown.

    No count is shown: complete responses equal the measure's scores, whose count over a range could be
    subtracted from another range's.
    """

    measure: str
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    note: str
    period: str = "all"
