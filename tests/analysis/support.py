"""Helpers the analysis tests share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis import periods


class SpanAttack:
    """An attacker adding and subtracting the summary's rows, over the finest cells of the responses.

    Each cell is a tuple whose item 3 is its reporting period and whose last item is its count;
    ``position`` gives the item holding each grouping's value. A row is a 0/1 vector over the cells.
    """

    def __init__(self, cells: Sequence[tuple[Any, ...]], position: dict[str, int]) -> None:
        self.cells = cells
        self.position = position
        self.counts = np.array([float(cell[-1]) for cell in cells])
        self.shown: list[np.ndarray] = []
        self.small: list[np.ndarray] = []  # the rows hidden as fewer than k

    def view(self, period: str, group_by: str, row: dict[str, Any]) -> None:
        """Take one row of the summary of ``period`` grouped by ``group_by``; a shown n is the true count."""
        vector = np.array(
            [
                float(
                    periods.contains(period, cell[3])
                    and (not group_by or str(cell[self.position[group_by]]) == str(row[group_by]))
                )
                for cell in self.cells
            ]
        )
        if not row["suppressed"]:
            assert row["n"] == int(vector @ self.counts), "every shown n is the true count"
            self.shown.append(vector)
        elif row["hidden"] == "fewer than k":
            self.small.append(vector)

    def recovered(self, k: int = 11) -> list[np.ndarray]:
        """The small groups in the linear span of the shown rows: a sum or difference of them gives each.

        The small groups are the hidden rows' and each finest cell of 1 to ``k - 1`` responses.
        """
        small = self.small + [np.eye(len(self.cells))[i] for i, n in enumerate(self.counts) if 1 <= n < k]
        basis = np.array(self.shown)
        rank = np.linalg.matrix_rank(basis)
        return [target for target in small if np.linalg.matrix_rank(np.vstack([basis, target])) == rank]
