"""Choosing what a table set hides, so that the disclosure audit passes and as little as possible is lost.

Primary suppression hides every figure (cell or aggregate) with 1 <= n < k: "fewer than k". Then the
audit of :mod:`analysis.disclosure_audit` runs; for each figure it exposes (a count narrowed at the top
or the bottom, or a mean pinned), one integer program finds the cheapest set of shown figures whose
hiding lets the attacker's tables reach the other end: it looks for a table y, consistent with every
shown figure that stays shown and with every label, where that figure's count is k-1 (or 1, or its mean
differs from the true one), and pays for each shown figure whose value y changes, which must then be
hidden ("hidden to protect a smaller group"). The price of hiding a figure of n is n + 1 for a cell and
2n + 1 for an aggregate: the smallest cells first, a small sibling before a large site, a cell before a
total a small program needs. A figure of 0 is never hidden to protect another (it may be a group that
does not exist and would hide nothing). Hiding only ever widens the attacker's ranges, so a figure once
fixed stays fixed; the audit runs again until it passes. Then each complementary figure, the most costly
first, is shown again wherever the audit still passes without it, so none is hidden for nothing.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import msgspec
import numpy as np

from analysis import disclosure_audit
from analysis.disclosure_audit import (
    FEWER_THAN_K,
    PROTECTS,
    Attacker,
    AuditReport,
    TableSet,
    audit,
    determined_cells,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from analysis.disclosure_audit import Matrix

EXCHANGES: Final = 3
"""How many of the costliest complementary figures ``exchange`` tries to swap (each try is a search)."""
AGGREGATE_FACTOR: Final = 2
"""An aggregate costs twice its count to hide: a total is what a small program reads first."""


class Protection(msgspec.Struct, frozen=True):
    """What a table set shows, what it hides and why, and the audit that passed."""

    shown: dict[str, int]
    hidden: dict[str, str]
    """Figure name -> "fewer than k" or "hidden to protect a smaller group"."""
    report: AuditReport
    rounds: int


def hiding_cost(n: float, members: int) -> float:
    """What hiding a figure of ``n`` loses: its count (twice for an aggregate), plus one per figure."""
    return (n if members == 1 else AGGREGATE_FACTOR * n) + 1.0


def _fix(
    table: TableSet,
    k: int,
    hidden: set[int],
    figure: int,
    target: tuple[Literal["count", "mean"], Literal["up", "down"], float],
    *,
    strict_labels: bool,
    zeros: bool = False,
    keep: frozenset[int] = frozenset(),
    weights: Sequence[float] | None = None,
) -> set[int] | None:
    """The cheapest shown figures to hide so that the attacker can reach ``target``; None if none can."""
    figures = table.figures()
    probe = Attacker(table, k, ())
    never = table.unpublished() | keep
    candidates = [
        g for g in range(len(figures)) if g not in hidden | never and (zeros or probe.values[g] > 0)
    ]
    attacker = Attacker(table, k, hidden | set(candidates), strict_labels=strict_labels)
    base = attacker.width + len(attacker.strict)
    width = base + len(candidates)
    scale = 1.0
    if table.scores is not None:
        step = table.scores.step or 1.0
        scale = max(abs(table.scores.low), abs(table.scores.high)) / step
    extra: list[tuple[Matrix, float, float]] = []
    for j, g in enumerate(candidates):
        size = len(figures[g][1])
        for sums in (False, True) if attacker.scored else (False,):
            row = np.pad(attacker.row_of(g, sums=sums), (0, width - attacker.width))
            value = float(attacker.incidence[g] @ attacker.sums) if sums else float(attacker.values[g])
            big = attacker.bound * size * (scale if sums else 1.0) + abs(value)
            below, above = row.copy(), row.copy()
            below[base + j], above[base + j] = -big, big
            extra += [(below, -math.inf, value), (above, value, math.inf)]
    what, direction, level = target
    goal = attacker.objective(figure, what)
    extra.append((goal, level, math.inf) if direction == "up" else (goal, -math.inf, level))
    objective = np.zeros(width)
    for j, g in enumerate(candidates):
        weight = 1.0 if weights is None else weights[g]
        objective[base + j] = hiding_cost(float(attacker.values[g]), len(figures[g][1])) * weight
    solution = attacker.minimize(objective, extra, columns=len(candidates))
    if solution is None:
        return None
    return {g for j, g in enumerate(candidates) if solution[base + j] > 0.5}


def _targets(
    table: TableSet, report: AuditReport, index: dict[str, int]
) -> list[tuple[int, list[tuple[Literal["count", "mean"], Literal["up", "down"], float]]]]:
    """For each failure, the ends the attacker must be able to reach (either one, for a mean)."""
    step = table.scores.step if table.scores is not None else None
    least = 1.0 if step is not None else 1e-3
    found: list[tuple[int, list[tuple[Literal["count", "mean"], Literal["up", "down"], float]]]] = []
    for failure in report.failures:
        f = index[failure.figure]
        if failure.what == "mean":
            found.append((f, [("mean", "up", least), ("mean", "down", -least)]))
            continue
        if failure.low > failure.needed_low:
            found.append((f, [("count", "down", float(failure.needed_low))]))
        if failure.high < failure.needed_high:
            found.append((f, [("count", "up", float(failure.needed_high))]))
    return found


class _Search:
    """The state of one ``protect``: figures, their costs, and the steps that choose what to hide."""

    def __init__(
        self,
        table: TableSet,
        k: int,
        *,
        strict_labels: bool,
        keep_shown: Collection[str],
        importance: Mapping[str, float] | None,
    ) -> None:
        self.table, self.k, self.strict_labels = table, k, strict_labels
        self.figures = table.figures()
        self.names = [name for name, _ in self.figures]
        self.index = {name: f for f, name in enumerate(self.names)}
        self.keep = frozenset(self.index[name] for name in keep_shown)
        self.weights = [1.0 if importance is None else importance.get(name, 1.0) for name in self.names]
        self.values = Attacker(table, k, ()).values
        self.never = table.unpublished()
        self.primary = {
            f for f in range(len(self.figures)) if 1 <= self.values[f] < k and f not in self.never
        }
        self.rounds = 0
        self.failed: list[str] = []
        """Figures that failed an audit, the latest first."""

    def cost(self, g: int) -> float:
        """What hiding figure ``g`` loses, weighted by its importance."""
        return hiding_cost(float(self.values[g]), len(self.figures[g][1])) * self.weights[g]

    def audit(self, hidden: set[int], *, first_failure: bool = False) -> AuditReport:
        """The audit of a publication hiding ``hidden`` (up to its first failure, if asked).

        The figures that failed lately are checked first: a trial that fails usually fails on one of
        them, so it stops after a few programs instead of bounding every figure that passes.
        """
        report = audit(
            self.table,
            self.k,
            [self.names[f] for f in hidden],
            strict_labels=self.strict_labels,
            first_failure=first_failure,
            first=self.failed,
        )
        for failure in report.failures:
            if failure.figure in self.failed:
                self.failed.remove(failure.figure)
            self.failed.insert(0, failure.figure)
        return report

    def complete(self, hidden: set[int], keep: frozenset[int]) -> tuple[set[int], AuditReport]:
        """Hide more (never a figure in ``keep``) until the audit passes."""
        hidden = set(hidden)
        rounds = 0
        while True:
            rounds += 1
            self.rounds += 1
            report = self.audit(hidden)
            if report.passed:
                return hidden, report
            if rounds > len(self.figures):
                raise RuntimeError("suppression did not converge")
            for f, options in _targets(self.table, report, self.index):
                choices = []
                for target in options:
                    for zeros in (False, True):
                        found = _fix(
                            self.table,
                            self.k,
                            hidden,
                            f,
                            target,
                            strict_labels=self.strict_labels,
                            zeros=zeros,
                            keep=keep,
                            weights=self.weights,
                        )
                        if found is not None:
                            choices.append(found)
                            break
                if not choices:
                    raise RuntimeError(f"no suppression protects {self.names[f]}")
                hidden |= min(choices, key=lambda c: sum(self.cost(g) for g in c))

    def prune(self, hidden: set[int], report: AuditReport) -> tuple[set[int], AuditReport]:
        """Show again each complementary figure, costliest first, wherever the audit passes without it."""
        hidden = set(hidden)
        for g in sorted(hidden - self.primary, key=lambda g: (self.cost(g), g), reverse=True):
            trial = self.audit(hidden - {g}, first_failure=True)
            if trial.passed:
                hidden.discard(g)
                report = trial
        return hidden, report

    def exchange(self, hidden: set[int], report: AuditReport) -> tuple[set[int], AuditReport]:
        """Swap each costly complementary figure for cheaper ones wherever that still passes.

        The greedy choice protects one exposure at a time, so an early choice (a large site's whole-survey
        figure) can be dearer than a later alternative (a smaller site's). For each complementary
        figure, costliest first: show it, protect again without it, and keep the result if it costs less.
        """
        costly = sorted(hidden - self.primary, key=lambda g: (self.cost(g), g), reverse=True)
        for g in costly[:EXCHANGES]:
            if g not in hidden:
                continue
            try:
                trial, trial_report = self.complete(hidden - {g}, self.keep | {g})
            except RuntimeError:
                continue
            trial, trial_report = self.prune(trial, trial_report)
            if sum(self.cost(f) for f in trial - self.primary) < sum(
                self.cost(f) for f in hidden - self.primary
            ):
                hidden, report = trial, trial_report
        return hidden, report


def protect(
    table: TableSet,
    k: int,
    *,
    strict_labels: bool = False,
    prune: bool = True,
    keep_shown: Collection[str] = (),
    importance: Mapping[str, float] | None = None,
    exchange: bool = True,
    decisions: Decisions | None = None,
) -> Protection:
    """Primary and complementary suppression of a table set, audited until nothing is exposed.

    Args:
        table: the table set with its true counts (and score sums).
        k: the smallest group shown.
        strict_labels: audit as if the attacker reads a complementary label as "not 1..k-1".
        prune: show again each complementary figure the audit does not need.
        keep_shown: figures another set already publishes: never chosen to protect (unless small).
        importance: a multiplier of each figure's hiding cost (default 1): a headline figure that readers
            need more than a month's costs more to hide.
        exchange: after pruning, try swapping the costliest complementary figures for cheaper ones.
        decisions: decisions already made, by shape (see ``Decisions``); one made here is added to it.

    Returns:
        The shown figures with their counts, the hidden ones with their labels, and the final audit.
    """
    search = _Search(table, k, strict_labels=strict_labels, keep_shown=keep_shown, importance=importance)
    names, values, never = search.names, search.values, search.never
    shape = _shape(table, k, search, strict_labels=strict_labels, prune=prune, exchange=exchange)
    known = decisions.get(shape) if decisions is not None else None
    if known is not None:
        hidden, report, rounds = set(known.hidden), known.report, known.rounds
    else:
        hidden, report = search.complete(set(search.primary), search.keep)
        if prune:
            hidden, report = search.prune(hidden, report)
            if exchange:
                hidden, report = search.exchange(hidden, report)
        determined = determined_cells(table, k, [names[f] for f in hidden])
        if determined:
            raise RuntimeError(
                f"unpublished small cells are given exactly by the shown figures: {determined}"
            )
        rounds = search.rounds
        if decisions is not None:
            decisions.add(shape, Decision(frozenset(hidden), report, rounds))
    return Protection(
        shown={names[f]: int(values[f]) for f in range(len(names)) if f not in hidden | never},
        hidden={names[f]: FEWER_THAN_K if f in search.primary else PROTECTS for f in sorted(hidden - never)},
        report=report,
        rounds=rounds,
    )


class Decision(msgspec.Struct, frozen=True):
    """What the search chose for one shape: the positions it hides, the audit that passed, its rounds."""

    hidden: frozenset[int]
    report: AuditReport
    rounds: int


class Decisions:
    """Decisions by the shape of the table set they were made for: a shape decided is never searched again.

    ``protect`` reads figures by position only, so the same shape always gets the same decision.
    ``analysis.protected_store`` fills one from the database before a build and keeps ``made`` after it.
    """

    def __init__(self, known: Mapping[bytes, Decision] | None = None) -> None:
        self.known = dict(known or {})
        self.made: dict[bytes, Decision] = {}

    def get(self, shape: bytes) -> Decision | None:
        """The decision made for ``shape``, if any."""
        return self.known.get(shape)

    def add(self, shape: bytes, decision: Decision) -> None:
        """Keep a decision just made."""
        self.known[shape] = decision
        self.made[shape] = decision


# A decision depends on the search and the audit as they are: a change to either is a new shape.
_CODE: Final = hashlib.sha256(
    Path(__file__).read_bytes() + Path(disclosure_audit.__file__).read_bytes()
).hexdigest()


def _shape(
    table: TableSet, k: int, search: _Search, *, strict_labels: bool, prune: bool, exchange: bool
) -> bytes:
    """Everything a decision depends on, without the figures' names: the same shape, the same choice.

    The search reads figures by position only (costs, order, audits), so a set whose site was renamed,
    or rebuilt from the same cells after retention, gets the decision already made for that shape; the
    hash of this module and of the audit is part of it, so a decision outlives no change to either.
    """
    given = (
        table.counts,
        [aggregate.cells for aggregate in table.aggregates],
        table.scores,
        table.cells_published,
        k,
        sorted(search.keep),
        search.weights,
        strict_labels,
        prune,
        exchange,
        _CODE,
    )
    return hashlib.sha256(msgspec.json.encode(given)).digest()
