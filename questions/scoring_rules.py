"""Scoring rules as data, frozen with a survey definition, and the "prefer not to say" answer value.

The arithmetic that applies a rule lives in ``analysis.scoring``; a rule here is only its description, so
what is asked (``questions``) never imports what it means (``analysis``).
"""

from __future__ import annotations

from typing import Literal

import msgspec

PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Band(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A labelled range of final scores, both ends included."""

    key: str
    label: str
    low: float
    high: float


class ScoringRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How one measure is computed from its items.

    The score is ``aggregate * scale + offset`` where the aggregate is the sum (``method="sum"``) or the
    mean (``method="mean"``) of the item values after reversing the ``reverse`` items
    (``item_min + item_max - value``). Up to ``max_missing`` items may be skipped or answered "prefer not
    to say": they are replaced by the mean of the answered items (prorating). With more missing, there is
    no score. ``max_missing = 0`` means "score only when complete".
    """

    measure: str
    version: str
    name: str
    items: list[str]
    item_min: int
    item_max: int
    method: Literal["sum", "mean"]
    scale: float = 1.0
    offset: float = 0.0
    reverse: list[str] = []
    max_missing: int = 0
    score_min: float
    score_max: float
    higher_is_better: bool
    bands: list[Band] = []
    meaningful_change: float | None = None
    source: str
    notes: str = ""

    def __post_init__(self) -> None:
        """Refuse rules that cannot work, naming the measure."""
        unknown = set(self.reverse) - set(self.items)
        if unknown:
            raise ValueError(f"{self.measure}: reverse items {sorted(unknown)} are not among its items")
        if not 0 <= self.max_missing < len(self.items):
            raise ValueError(f"{self.measure}: max_missing must be between 0 and {len(self.items) - 1}")
        if self.item_min >= self.item_max:
            raise ValueError(f"{self.measure}: item_min must be below item_max")
        gap = next((v for v in self.reachable_scores() if not self.banded(v)), None) if self.bands else None
        if gap is not None:
            raise ValueError(
                f"{self.measure}: a score of {gap:g} (possible when items are prorated) falls between its"
                " bands; make each band's low end meet the previous band's high end"
            )

    def reachable_scores(self) -> list[float]:
        """Every score the rule can give, prorated ones included, in order (as ``analysis.scoring``)."""
        found: set[float] = set()
        count = len(self.items)
        for answered in range(max(1, count - self.max_missing), count + 1):
            for total in range(answered * self.item_min, answered * self.item_max + 1):
                mean = total / answered
                aggregate = mean * count if self.method == "sum" else mean
                found.add(round(aggregate * self.scale + self.offset, 6))
        return sorted(found)

    def banded(self, value: float) -> bool:
        """Whether ``value`` lies in one of the rule's bands (both ends included)."""
        return any(band.low <= value <= band.high for band in self.bands)
