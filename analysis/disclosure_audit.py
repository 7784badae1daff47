"""The disclosure audit: what an attacker can work out from a published table set, by integer LP.

A table set is a list of finest cells (site x period x language ...) with non-negative integer counts,
and aggregates: named sets of cells whose sum the set may publish (a total along a dimension, a margin,
a higher reporting period). Every cell and every aggregate is a *figure*. A publication shows some
figures and hides the rest; where per-cell sums of scores are given, every shown figure also publishes
its mean, so its sum of scores (mean x n).

The attacker knows every shown count and sum exactly (means are rounded when shown; assuming them exact
is the cautious side), that every cell count is an integer >= 0, that each response's score lies in
[low, high] (on a grid of ``step`` where given), and the labels: a hidden figure with 1 <= n < k says
"fewer than k" (1..k-1); one hidden to protect a smaller group says nothing (with ``strict_labels``, the
attacker also reads it as "not 1..k-1", as honest labels imply). For each hidden figure with 1 <= n < k,
``audit`` finds with ``scipy.optimize.milp`` (HiGHS) the least and greatest count over every integer
table consistent with all that. It is PROTECTED when the least is 1 or less and the greatest k-1 or more,
or as far as the "fewer than k" labels alone allow (a month total of 8 labelled "fewer than 11" holding
two small sites already caps each at 9; no publication can undo that, and none may narrow it further).
With scores, its mean must not be pinned: at the true mean m0 = t0/x0, the least and greatest of
x0 * sum - t0 * count over the feasible tables must not both be 0 (if they are, every table consistent
with what is shown gives the cell that same mean, whatever its count).

``protect`` (in :mod:`analysis.disclosure_protect`) chooses what to hide and uses this audit.
"""

from __future__ import annotations

import functools
import math
import time
from typing import TYPE_CHECKING, Final, Literal

import msgspec
import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis.suppression import check_k

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

FEWER_THAN_K: Final = "fewer than k"
PROTECTS: Final = "hidden to protect a smaller group"
Matrix = npt.NDArray[np.float64]


class Aggregate(msgspec.Struct, frozen=True):
    """A published sum: its name and the indices of the cells it adds up."""

    name: str
    cells: tuple[int, ...]


class Scores(msgspec.Struct, frozen=True):
    """Per-cell sums of scores and the range of one response's score (on a grid of ``step`` if given)."""

    sums: tuple[float, ...]
    low: float
    high: float
    step: float | None = None


class TableSet(msgspec.Struct, frozen=True):
    """Finest cells (names and counts), the aggregates the set may publish, and optionally scores."""

    names: tuple[str, ...]
    counts: tuple[int, ...]
    aggregates: tuple[Aggregate, ...]
    scores: Scores | None = None
    cells_published: bool = True
    """False when the finest cells are never shown (a site x language x month count no view publishes):
    they are then always hidden and carry no label. The audit bounds the published figures; a small
    unpublished cell is checked by ``determined_cells`` (no combination of shown figures gives it)."""

    def unpublished(self) -> frozenset[int]:
        """The figures no publication ever shows: the finest cells when they are not published."""
        return frozenset() if self.cells_published else frozenset(range(len(self.names)))

    def figures(self) -> list[tuple[str, tuple[int, ...]]]:
        """Every figure: the cells (one each), then the aggregates."""
        return [(name, (i,)) for i, name in enumerate(self.names)] + [
            (a.name, a.cells) for a in self.aggregates
        ]


class Failure(msgspec.Struct, frozen=True):
    """A figure the publication exposes: its count narrowed, its mean pinned, or shown though small."""

    figure: str
    what: Literal["count", "mean", "shown"]
    count: int
    low: float
    """The attacker's least count (for "mean": the pinned mean; for "shown": the count)."""
    high: float
    needed_low: int
    needed_high: int


class AuditReport(msgspec.Struct, frozen=True):
    """What the audit checked and what it found."""

    published_counts: int
    published_sums: int
    checked: int
    """Hidden figures with 1 <= n < k whose count (and mean) the audit bounded."""
    solves: int
    failures: tuple[Failure, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """Whether no figure is exposed."""
        return not self.failures


def two_way(
    counts: Sequence[Sequence[int]],
    rows: Sequence[str],
    columns: Sequence[str],
    scores: Scores | None = None,
) -> TableSet:
    """A rows x columns table with row totals "r|total", column totals "total|c" and "total"."""
    width = len(columns)
    names = tuple(f"{r}|{c}" for r in rows for c in columns)
    aggregates = [
        Aggregate(f"{r}|total", tuple(i * width + j for j in range(width))) for i, r in enumerate(rows)
    ]
    aggregates += [
        Aggregate(f"total|{c}", tuple(i * width + j for i in range(len(rows)))) for j, c in enumerate(columns)
    ]
    aggregates.append(Aggregate("total", tuple(range(len(names)))))
    flat = tuple(int(v) for row in counts for v in row)
    return TableSet(names, flat, tuple(aggregates), scores)


class Attacker:
    """The integer program of everything a publication tells: variables x (counts), t (score sums), z."""

    def __init__(
        self,
        table: TableSet,
        k: int,
        hidden: Collection[int],
        *,
        strict_labels: bool = False,
        labels_only: bool = False,
    ) -> None:
        figures = table.figures()
        cells = len(table.names)
        self.k = check_k(k)
        self.incidence = np.zeros((len(figures), cells))
        for f, (_, members) in enumerate(figures):
            self.incidence[f, list(members)] = 1.0
        self.counts = np.asarray(table.counts, dtype=np.float64)
        self.values = self.incidence @ self.counts
        self.bound = 2.0 * float(self.counts.sum()) + k
        self.scored = table.scores is not None
        self.hidden = set(hidden) | table.unpublished()
        unlabelled = table.unpublished()
        self.width = cells * (2 if self.scored else 1)
        self.sums = np.zeros(cells)
        self.rows: list[tuple[Matrix, float, float]] = []
        if table.scores is not None and not labels_only:
            step = table.scores.step or 1.0
            self.sums = np.asarray(table.scores.sums) / step
            if table.scores.step is not None:
                self.sums = np.round(self.sums)
            low, high = table.scores.low / step, table.scores.high / step
            for i in range(cells):  # low * x_i <= t_i and t_i <= high * x_i
                for on_x, on_t in ((low, -1.0), (-high, 1.0)):
                    row = np.zeros(self.width)
                    row[i], row[cells + i] = on_x, on_t
                    self.rows.append((row, -math.inf, 0.0))
        self.integer_sums = table.scores is not None and table.scores.step is not None
        self._program: tuple[Matrix, Matrix, Matrix, Matrix, Matrix, npt.NDArray[np.int64]] | None = None
        self.strict: list[int] = []
        for f in range(len(figures)):
            value = float(self.values[f])
            if f in unlabelled:
                continue
            if labels_only:
                if self.small(f):
                    self.rows.append((self.row_of(f), 1.0, k - 1.0))
            elif f not in self.hidden:
                self.rows.append((self.row_of(f), value, value))
                if self.scored:
                    total = float(self.incidence[f] @ self.sums)
                    self.rows.append((self.row_of(f, sums=True), total, total))
            elif self.small(f):
                self.rows.append((self.row_of(f), 1.0, k - 1.0))
            elif strict_labels:
                self.strict.append(f)

    def small(self, f: int) -> bool:
        """Whether figure ``f`` truly has 1 <= n < k (and so says "fewer than k" when hidden)."""
        return bool(1 <= self.values[f] < self.k)

    def row_of(self, f: int, *, sums: bool = False) -> Matrix:
        """Figure ``f``'s count (or sum of scores) as a row over the variables."""
        row = np.zeros(self.width)
        start = len(self.counts) if sums else 0
        row[start : start + len(self.counts)] = self.incidence[f]
        return row

    def objective(self, f: int, what: Literal["count", "mean"]) -> Matrix:
        """The count of figure ``f``, or x0 * t - t0 * x at its true count x0 and sum t0."""
        if what == "count":
            return self.row_of(f)
        x0, t0 = float(self.values[f]), float(self.incidence[f] @ self.sums)
        return x0 * self.row_of(f, sums=True) - t0 * self.row_of(f)

    def program(
        self, extra: Sequence[tuple[Matrix, float, float]] = (), columns: int = 0
    ) -> tuple[Matrix, Matrix, Matrix, Matrix, Matrix, npt.NDArray[np.int64]]:
        """Constraint matrix, its bounds, variable bounds and integrality, with ``columns`` more binaries."""
        if not extra and not columns and self._program is not None:
            return self._program
        built = self._build(extra, columns)
        if not extra and not columns:
            self._program = built
        return built

    def _build(
        self, extra: Sequence[tuple[Matrix, float, float]], columns: int
    ) -> tuple[Matrix, Matrix, Matrix, Matrix, Matrix, npt.NDArray[np.int64]]:
        strict = len(self.strict)
        width = self.width + strict + columns
        rows: list[tuple[Matrix, float, float]] = [
            (np.pad(r, (0, width - self.width)), lo, hi) for r, lo, hi in self.rows
        ]
        for j, f in enumerate(self.strict):  # z = 0 -> count 0; z = 1 -> count >= k
            for sign, lo, hi in ((1.0, -math.inf, 0.0), (-1.0, -math.inf, 0.0)):
                row = np.zeros(width)
                row[: len(self.counts)] = sign * self.incidence[f]
                row[self.width + j] = -self.bound * len(self.counts) if sign > 0 else self.k
                rows.append((row, lo, hi))
        rows += [(np.pad(r, (0, width - len(r))), lo, hi) for r, lo, hi in extra]
        matrix = np.array([r for r, _, _ in rows]).reshape(len(rows), width)
        cells = len(self.counts)
        upper = np.full(width, 1.0)
        upper[:cells] = self.bound
        lower = np.zeros(width)
        integrality = np.ones(width, dtype=np.int64)
        if self.scored:
            upper[cells : 2 * cells] = math.inf
            lower[cells : 2 * cells] = -math.inf
            integrality[cells : 2 * cells] = 1 if self.integer_sums else 0
        return (
            matrix,
            np.array([lo for _, lo, _ in rows]),
            np.array([hi for _, _, hi in rows]),
            lower,
            upper,
            integrality,
        )

    def minimize(
        self, objective: Matrix, extra: Sequence[tuple[Matrix, float, float]] = (), columns: int = 0
    ) -> Matrix | None:
        """A solution minimising ``objective`` (padded with zeros), or ``None`` when none is feasible."""
        matrix, lo, hi, lower, upper, integrality = self.program(extra, columns)
        result = milp(
            np.pad(objective, (0, matrix.shape[1] - len(objective))),
            constraints=LinearConstraint(matrix, lo, hi),
            integrality=integrality,
            bounds=Bounds(lower, upper),
        )
        if result.status == 2:  # infeasible
            return None
        if result.status != 0:
            raise RuntimeError(f"the attacker's program did not solve: {result.message}")
        solution: Matrix = result.x
        return solution

    def extreme(self, objective: Matrix, *, largest: bool) -> float:
        """The least (or greatest) value of ``objective`` over every table the attacker finds possible."""
        return float(objective @ self.extreme_table(objective, largest=largest))

    def extreme_table(self, objective: Matrix, *, largest: bool) -> Matrix:
        """A table (counts, then sums) the attacker finds possible where ``objective`` is least (greatest)."""
        solution = self.minimize(-objective if largest else objective)
        if solution is None:
            raise RuntimeError("the true table is not feasible: the program is wrong")
        table: Matrix = solution[: len(objective)]
        return table

    def true_table(self) -> Matrix:
        """The published table itself (counts, then sums): always one the attacker finds possible."""
        if self.scored:
            return np.concatenate([self.counts, self.sums])
        return self.counts.copy()


class _Witnesses:
    """Tables the attacker finds possible, found while auditing: each is a proof that a bound is loose.

    A figure's count can reach 1 when some possible table gives it 1 or less, whichever program found
    that table; so a check is solved only when no table found so far already answers it. The outcome is
    the one solving every check would give: a bound is taken from a table only in the direction that
    cannot make a figure fail, and a failing figure's range is always solved exactly.
    """

    def __init__(self, attacker: Attacker) -> None:
        self.attacker = attacker
        self.tables: list[Matrix] = [attacker.true_table()]
        self.solves = 0

    def solve(self, objective: Matrix, *, largest: bool) -> float:
        """The exact extreme of ``objective``, keeping the table that reaches it."""
        table = self.attacker.extreme_table(objective, largest=largest)
        self.tables.append(table)
        self.solves += 1
        return float(objective @ table)

    def seen(self, objective: Matrix) -> tuple[float, float]:
        """The least and greatest ``objective`` over the tables found so far."""
        values = np.array(self.tables) @ objective
        return float(values.min()), float(values.max())

    def spread(self, objective: Matrix, wanted: float) -> float:
        """The spread of ``objective`` if the tables found show at least ``wanted``, else the exact one."""
        low, high = self.seen(objective)
        if high - low >= wanted:
            return high - low
        return self.solve(objective, largest=True) - self.solve(objective, largest=False)


@functools.lru_cache(maxsize=65536)
def _needed(table: TableSet, k: int, f: int) -> tuple[int, int]:
    """The range the "fewer than k" labels alone leave figure ``f``, capped at 1..k-1."""
    labels_only = Attacker(table, k, (), labels_only=True)
    objective = labels_only.objective(f, "count")
    low = labels_only.extreme(objective, largest=False)
    high = labels_only.extreme(objective, largest=True)
    return max(1, round(low)), min(k - 1, round(high))


def determined_cells(table: TableSet, k: int, hidden: Collection[str]) -> list[str]:
    """Small unpublished cells that a linear combination of the shown figures gives exactly.

    A cell's count (and its sum of scores, which the same combination gives) is determined exactly when
    its indicator lies in the span of the shown figures' indicators: a rank test, no integer program.
    """
    figures = table.figures()
    hidden_set = set(hidden)
    shown = [members for name, members in figures[len(table.names) :] if name not in hidden_set]
    basis = np.zeros((len(shown), len(table.names)))
    for row, members in enumerate(shown):
        basis[row, list(members)] = 1.0
    rank = np.linalg.matrix_rank(basis) if shown else 0
    found = []
    for i, (name, n) in enumerate(zip(table.names, table.counts, strict=True)):
        if table.cells_published or not 1 <= n < k:
            continue
        target = np.zeros((1, len(table.names)))
        target[0, i] = 1.0
        if np.linalg.matrix_rank(np.vstack([basis, target])) == rank:
            found.append(name)
    return found


def audit(
    table: TableSet,
    k: int,
    hidden: Collection[str],
    *,
    strict_labels: bool = False,
    first_failure: bool = False,
    first: Sequence[str] = (),
) -> AuditReport:
    """Bound every hidden small figure's count (and mean) over all tables consistent with what is shown.

    Args:
        table: the table set with its true counts (and score sums).
        k: the smallest group shown.
        hidden: names of the hidden figures (cells or aggregates); every other figure is shown.
        strict_labels: the attacker reads "hidden to protect a smaller group" as "not 1..k-1".
        first_failure: stop at the first failure (to learn only whether the publication passes).
        first: figures to check before the others (those that failed before fail again soonest); the
            outcome does not depend on the order, only which failure a ``first_failure`` audit reports.

    Returns:
        How much was published and checked, every failure with the attacker's range, and the time.
    """
    started = time.perf_counter()
    names = [name for name, _ in table.figures()]
    if len(set(names)) != len(names):
        raise ValueError("figure names must be unique")
    unknown = set(hidden) - set(names)
    if unknown:
        raise ValueError(f"no such figures: {sorted(unknown)}")
    index = {name: f for f, name in enumerate(names)}
    attacker = Attacker(table, k, {index[name] for name in hidden}, strict_labels=strict_labels)
    failures: list[Failure] = []
    shown = [f for f in range(len(names)) if f not in attacker.hidden]
    for f in shown:
        if attacker.small(f):
            n = int(attacker.values[f])
            failures.append(Failure(names[f], "shown", n, n, n, 1, k - 1))
    checked = [f for f in sorted(attacker.hidden - table.unpublished()) if attacker.small(f)]
    ahead = {index[name]: place for place, name in enumerate(first) if name in index}
    checked.sort(key=lambda f: ahead.get(f, len(ahead)))
    found = _Witnesses(attacker)
    solves = 0
    if len(checked) > 1 and not first_failure:  # two programs that often answer most checks at once
        together = sum((attacker.objective(f, "count") for f in checked), np.zeros(attacker.width))
        found.solve(together, largest=False)
        found.solve(together, largest=True)
    for f in checked:
        if failures and first_failure:
            break
        n = int(attacker.values[f])
        count = attacker.objective(f, "count")
        low, high = found.seen(count)
        low = low if low <= 1.5 else found.solve(count, largest=False)
        high = high if high >= k - 1.5 else found.solve(count, largest=True)
        needed = (1, k - 1)
        if low > 1.5 or high < k - 1.5:
            needed = _needed(table, k, f)
            solves += 2
            if low > needed[0] + 0.5 or high < needed[1] - 0.5:
                exact = (found.solve(count, largest=False), found.solve(count, largest=True))
                failures.append(Failure(names[f], "count", n, round(exact[0]), round(exact[1]), *needed))
        if attacker.scored:
            mean = attacker.objective(f, "mean")
            wanted = 0.5 if attacker.integer_sums else 1e-6 * max(1.0, float(np.abs(mean).max()))
            spread = found.spread(mean, wanted)
            if spread < wanted:
                step = (table.scores.step or 1.0) if table.scores else 1.0
                pinned = float(attacker.incidence[f] @ attacker.sums) * step / n
                failures.append(Failure(names[f], "mean", n, pinned, pinned, *needed))
    scored = [f for f in shown if attacker.scored and attacker.values[f] > 0]
    return AuditReport(
        published_counts=len(shown),
        published_sums=len(scored),
        checked=len(checked),
        solves=solves + found.solves,
        failures=tuple(failures),
        seconds=time.perf_counter() - started,
    )
