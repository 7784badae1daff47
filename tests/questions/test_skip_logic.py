"""The Python skip-logic evaluator against the cases the kiosk's JavaScript evaluator passes too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from questions.skip_logic import evaluate, parse

CASES: list[dict[str, Any]] = json.loads((Path(__file__).parent / "skip_logic_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_shared_case(case: dict[str, Any]) -> None:
    assert evaluate(parse(case["expression"]), case["answers"]) is case["expected"]


def test_an_unknown_operator_is_refused_with_its_path() -> None:
    with pytest.raises(msgspec.ValidationError, match="near"):
        parse({"op": "near", "q": "a", "value": 1})


def test_a_malformed_nested_expression_names_where() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.of\[1\]"):
        parse({"op": "all", "of": [{"op": "answered", "q": "a"}, {"op": "eq", "q": "b"}]})
