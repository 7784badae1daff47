"""Suppression: small groups and cells are hidden, and no hidden cell can be recovered by subtraction."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.suppression import SuppressedTable, check_k, hides_group, suppress_table


def grid(table: SuppressedTable) -> list[list[int | None]]:
    rows = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.column_totals, table.total]]


def test_groups_below_k_are_hidden_and_k_has_a_floor() -> None:
    assert (hides_group(0, 11), hides_group(1, 11), hides_group(10, 11), hides_group(11, 11)) == (
        False,
        True,
        True,
        False,
    )
    with pytest.raises(ValueError, match="at least 5"):
        check_k(4)


def test_a_single_small_cell_takes_its_smallest_sibling_with_it() -> None:
    # 3 is small; its row then hides 15 (3 + 15 = 18 >= 11), its column 25; 15's column then hides 40.
    table = suppress_table([[20, 3, 15], [30, 25, 40]], k=11)
    assert table.cells == [[20, None, None], [30, None, None]]
    assert table.row_totals == [38, 95]
    assert table.total == 133


def test_hidden_cells_must_add_up_to_at_least_k() -> None:
    # 3 and 4 are both small; their sum 7 would be 107 - 100, so 100 goes too.
    table = suppress_table([[100], [3], [4]], k=11)
    assert table.cells == [[None], [None], [None]]


def test_a_zero_is_never_the_extra_hidden_cell() -> None:
    table = suppress_table([[100, 5, 0]], k=11)
    assert table.cells == [[None, None, 0]]


def test_a_small_total_hides_its_whole_line() -> None:
    table = suppress_table([[2, 3], [30, 40]], k=11)
    assert table.row_totals[0] is None
    assert table.cells[0] == [None, None]


tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(0, 40), min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(counts=tables, k=st.integers(5, 15))
def test_no_hidden_figure_can_be_recovered_by_subtraction(counts: list[list[int]], k: int) -> None:
    shown = grid(suppress_table(counts, k))
    lines = list(shown) + [list(column) for column in zip(*shown, strict=True)]
    for line in lines:
        assert sum(value is None for value in line) != 1, f"one hidden entry in {line} could be recovered"


@settings(max_examples=400, deadline=None)
@given(counts=tables, k=st.integers(5, 15))
def test_every_shown_figure_is_zero_or_at_least_k_and_true(counts: list[list[int]], k: int) -> None:
    table = suppress_table(counts, k)
    full = [[*row, sum(row)] for row in counts]
    full.append([sum(column) for column in zip(*counts, strict=True)] + [sum(map(sum, counts))])
    for shown_row, true_row in zip(grid(table), full, strict=True):
        for shown, true in zip(shown_row, true_row, strict=True):
            assert shown is None or shown == true
            assert shown is None or shown == 0 or shown >= k


def test_a_cell_hidden_elsewhere_takes_a_sibling_with_it() -> None:
    table = suppress_table([[40, 30, 20]], k=11, also_hide={(0, 0)})
    assert table.cells == [[None, 30, None]]
