"""The disclosure audit of a pick-any question's answerer counts together with its protected answer counts.

A share of a pick-any question ("services used") needs how many answered it, a figure the protected set
does not publish: the answers overlap, so their counts add up to more than the people. These counts are
protected like the set's own (``protected.build_items``: "fewer than k", then the fewest further figures
hidden along the period hierarchy) and then audited here *together with* the question's answer counts
the set publishes, over one integer program: per finest cell (site x language x version x stored period)
a variable for each answer's count x_o and one for the answerers y, every published figure a sum of them,
and what the question's shape tells anyone: each answerer picked at least one answer and no answer more
than once, so x_o <= y <= sum of x_o in every cell. Those inequalities are exact (any counts meeting them
come from some set of answers), so the attacker is the strongest one the figures allow. The attacker also
knows which finest cells are empty (they have no variable), as in the set's own audit. For every hidden
figure of 1..k-1 (an answer's or an answerer count's) the least and greatest count over all consistent
tables must reach what its "fewer than k" label alone leaves; no small finest cell may be determined.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import msgspec
import numpy as np

from analysis.disclosure_audit import Aggregate, Attacker, TableSet, determined_cells
from analysis.protected import STRICT_LABELS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from analysis.disclosure_audit import Matrix
    from analysis.protected import AnswerCell

Cell = tuple[str, str, int, str]
"""A finest cell: site, language, version, stored period."""
Published = tuple[str, tuple[Cell, ...], str | None]
"""A figure as published: its name, the finest cells it adds up, and why it is hidden (``None``: shown)."""


class JointFailure(msgspec.Struct, frozen=True):
    """A hidden small figure the joint publication narrows, or a small finest cell it determines."""

    figure: str
    count: int
    low: float
    high: float


class JointAudit(msgspec.Struct, frozen=True):
    """What the joint audit of one question checked, and what it found."""

    question: str
    variables: int
    published: int
    checked: int
    failures: tuple[JointFailure, ...]

    @property
    def passed(self) -> bool:
        """Whether no figure is narrowed and no small cell determined."""
        return not self.failures


NOT_PUBLISHED: Final = "too few responses to break down this way"
"""Figures of a level that is not broken down are not published at all (no count, no label)."""


def audit(
    question: str,
    options: Sequence[AnswerCell],
    answered: Sequence[AnswerCell],
    figures: Sequence[Published],
    k: int,
) -> JointAudit:
    """Audit a pick-any question's answer counts and answerer counts together.

    Args:
        question: the question's key.
        options: its answer counts per finest cell (the rows the protected set was built from; "prefer not
            to say" left out: it is never in a list, so it is neither an answer nor an answerer here).
        answered: its answerer counts per finest cell (option ``answered``).
        figures: every figure published about it: each answer's count per reporting period (named
            ``OPTION|PERIOD``) and each answerer count (``answered|PERIOD``), with their member cells and
            the reason each hidden one is hidden; figures of levels not broken down are left out.
        k: the smallest group shown.

    Returns:
        The variables and figures, the hidden small figures checked, and every failure.
    """
    variables: dict[tuple[str, Cell], int] = {}
    counts: list[int] = []
    for row in [*options, *answered]:
        key = (row.option, (row.site, row.language, row.version, row.period))
        if key not in variables:
            variables[key] = len(counts)
            counts.append(0)
        counts[variables[key]] += row.n
    aggregates: list[Aggregate] = []
    hidden: list[str] = []
    seen: set[tuple[int, ...]] = set()
    for name, cells, reason in figures:
        if reason == NOT_PUBLISHED:
            continue
        option = name.rsplit("|", 1)[0]
        members = tuple(sorted(variables[(option, cell)] for cell in cells if (option, cell) in variables))
        if not members or members in seen:
            continue
        seen.add(members)
        aggregates.append(Aggregate(name, members))
        if reason is not None:
            hidden.append(name)
    table = TableSet(
        names=tuple(f"{option}@{cell}" for (option, cell) in variables),
        counts=tuple(counts),
        aggregates=tuple(aggregates),
        cells_published=False,
    )
    extra = _shape(variables, len(counts))
    failures = [JointFailure(name, 0, 0.0, 0.0) for name in determined_cells(table, k, hidden)]
    attacker = Attacker(
        table,
        k,
        {len(counts) + i for i, a in enumerate(aggregates) if a.name in hidden},
        strict_labels=STRICT_LABELS,
    )
    labels_only = Attacker(table, k, (), labels_only=True)
    checked = 0
    for f, aggregate in enumerate(aggregates, start=len(counts)):
        n = int(attacker.values[f])
        if aggregate.name not in hidden:
            if 1 <= n < k:
                failures.append(JointFailure(aggregate.name, n, n, n))
            continue
        if not 1 <= n < k:
            continue
        checked += 1
        objective = attacker.objective(f, "count")
        low, high = (
            _extreme(attacker, objective, extra, largest=False),
            _extreme(attacker, objective, extra, largest=True),
        )
        if low < 1.5 and high > k - 1.5:
            continue  # the whole of 1..k-1 stays possible: nothing narrower to compare with
        needed_low = max(1.0, _extreme(labels_only, objective, extra, largest=False))
        needed_high = min(k - 1.0, _extreme(labels_only, objective, extra, largest=True))
        if low > needed_low + 0.5 or high < needed_high - 0.5:
            failures.append(JointFailure(aggregate.name, n, low, high))
    return JointAudit(question, len(counts), len(aggregates) - len(hidden), checked, tuple(failures))


def _shape(variables: dict[tuple[str, Cell], int], width: int) -> list[tuple[Matrix, float, float]]:
    """x_o <= y and y <= sum of x_o in every finest cell: what the question's shape tells anyone."""
    by_cell: dict[Cell, dict[str, int]] = {}
    for (option, cell), index in variables.items():
        by_cell.setdefault(cell, {})[option] = index
    rows: list[tuple[Matrix, float, float]] = []
    for members in by_cell.values():
        answerers = members.get("answered")
        picks = [index for option, index in members.items() if option != "answered"]
        for pick in picks:
            row = np.zeros(width)
            row[pick] = 1.0
            if answerers is not None:
                row[answerers] = -1.0
            rows.append((row, -math.inf, 0.0))
        if answerers is not None:
            row = np.zeros(width)
            row[answerers] = 1.0
            row[picks] = -1.0
            rows.append((row, -math.inf, 0.0))
    return rows


def _extreme(
    attacker: Attacker, objective: Matrix, extra: list[tuple[Matrix, float, float]], *, largest: bool
) -> float:
    solution = attacker.minimize(-objective if largest else objective, extra)
    if solution is None:
        raise RuntimeError("the true table is not feasible: the joint program is wrong")
    return float(objective @ solution[: len(objective)])
