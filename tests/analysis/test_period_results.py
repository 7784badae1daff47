"""Reliability from per-period moments equals alpha on every complete response of the period."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import period_results, stats
from analysis.queries import ItemMoment
from questions.bank import shipped_instruments

WHO5 = next(rule for rule in shipped_instruments()["who5"].measures if rule.measure == "who5")


def moments(period: str, matrix: np.ndarray) -> list[ItemMoment]:
    """What ITEM_MOMENTS returns for one period's complete responses (rows) over the rule's items."""
    return [
        ItemMoment(period, a, b, len(matrix), float(matrix[:, i].sum()), float(matrix[:, i] @ matrix[:, j]))
        for i, a in enumerate(WHO5.items)
        for j, b in enumerate(WHO5.items)
    ]


def test_a_quarters_alpha_is_computed_exactly_from_its_months() -> None:
    rng = np.random.default_rng(3)
    months = {
        m: rng.integers(0, 6, size=(int(rng.integers(20, 60)), 5)).astype(float)
        for m in ("2026-01", "2026-02", "2026-03")
    }
    # Correlated items, so alpha is not near zero.
    months = {m: np.clip(x + rng.integers(0, 3, size=(len(x), 1)), 0, 5) for m, x in months.items()}
    kept = [moment for m, x in months.items() for moment in moments(m, x)]
    kept += moments("2026-04", rng.integers(0, 6, size=(30, 5)).astype(float))  # another quarter
    row = period_results.reliability_row(WHO5, "2026-Q1", kept, 11)
    expected = stats.cronbach_alpha(np.vstack(list(months.values())))
    assert row.alpha == pytest.approx(expected.alpha)
    assert row.ci_low == pytest.approx(expected.ci_low)
    assert row.ci_high == pytest.approx(expected.ci_high)


def test_too_few_complete_responses_give_no_alpha() -> None:
    rng = np.random.default_rng(1)
    row = period_results.reliability_row(
        WHO5, "2026-01", moments("2026-01", rng.integers(0, 6, size=(10, 5)).astype(float)), 11
    )
    assert row.alpha is None
    assert "Fewer than 11" in row.note
