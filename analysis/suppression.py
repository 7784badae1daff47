"""Small-cell suppression: the one place every view, chart and export passes its figures through.

A group with 1 <= n < k shows nothing but "fewer than k". In a table of counts, any count from 1 to k-1
is hidden (zeros show: they point at nobody), and so is any row or column total below k. Then, wherever
subtraction within a row, a column or the margin of totals would recover a hidden entry, or hidden entries
adding up to fewer than k, the next smallest shown non-zero entry of that line is hidden too (a zero is
never the extra one: it may stand for a group that does not exist, and hides nothing); with none left,
the line's total goes. This repeats until no line exposes anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

MIN_K: Final = 5
"""The smallest k the platform accepts, whatever a setting says."""


class SuppressedTable(msgspec.Struct, frozen=True):
    """A table of counts with its margins; ``None`` wherever a figure is hidden."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def check_k(k: int) -> int:
    """``k`` itself, refusing any value below the platform's floor of 5.

    Raises:
        ValueError: k is below 5.
    """
    if k < MIN_K:
        raise ValueError(
            f"k must be at least {MIN_K}; {k} would show groups small enough to point at a person"
        )
    return k


def hides_group(n: int, k: int) -> bool:
    """Whether a group of ``n`` responses shows nothing but "fewer than k"."""
    return 1 <= n < check_k(k)


def _small(value: int, k: int) -> bool:
    return 1 <= value < k


def suppress_table(
    counts: Sequence[Sequence[int]], k: int, also_hide: Collection[tuple[int, int]] = ()
) -> SuppressedTable:
    """Suppress a rows x columns table of counts and its margins (totals computed from the full table).

    Args:
        counts: non-negative counts, every row the same length.
        k: the smallest figure shown (at least 5).
        also_hide: (row, column) cells to hide whatever their size (hidden elsewhere, e.g. in a period).

    Returns:
        The table, row totals, column totals and grand total, each ``None`` where hidden.
    """
    check_k(k)
    rows, columns = len(counts), len(counts[0]) if counts else 0
    # The grid holds cells plus a last column of row totals and a last row of column totals.
    grid = [[int(v) for v in row] + [sum(row)] for row in counts]
    grid.append([sum(counts[r][c] for r in range(rows)) for c in range(columns)] + [sum(map(sum, counts))])
    hidden = {(r, c) for r in range(rows + 1) for c in range(columns + 1) if _small(grid[r][c], k)}
    hidden |= set(also_hide)
    lines = [[(r, c) for c in range(columns + 1)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows + 1)] for c in range(columns + 1)]

    def exposed(line: list[tuple[int, int]]) -> bool:
        """Whether subtraction within the line reveals a hidden figure, or hidden figures adding to < k."""
        inner, total = line[:-1], line[-1]
        hidden_inner = [p for p in inner if p in hidden]
        if total in hidden:
            return len(hidden_inner) == 0  # the total alone is hidden: the shown cells add up to it
        return len(hidden_inner) == 1 or 0 < sum(grid[r][c] for r, c in hidden_inner) < k

    changed = True
    while changed:
        changed = False
        for line in lines:
            if not exposed(line):
                continue
            # Hide the smallest shown non-zero cell (a zero hides nothing: it may be a group that does not
            # exist); with none left, hide the line's total.
            candidates = [p for p in line[:-1] if p not in hidden and grid[p[0]][p[1]] > 0]
            if not candidates and line[-1] not in hidden:
                candidates = [line[-1]]
            if candidates:
                hidden.add(min(candidates, key=lambda place: grid[place[0]][place[1]]))
                changed = True

    def value(r: int, c: int) -> int | None:
        return None if (r, c) in hidden else grid[r][c]

    return SuppressedTable(
        cells=[[value(r, c) for c in range(columns)] for r in range(rows)],
        row_totals=[value(r, columns) for r in range(rows)],
        column_totals=[value(rows, c) for c in range(columns)],
        total=value(rows, columns),
    )
