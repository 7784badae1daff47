"""SQL runs only in query modules: no other module calls the connection's fetch, execute or copy methods."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DIRECT_CALL = re.compile(r"\b(conn|connection)\.(fetch|fetchrow|fetchval|execute|executemany|copy_\w+)\(")


def _may_query(path: Path) -> bool:
    """Query modules (``queries.py``, ``*_queries.py``) and survey/db.py, whose fetch helpers they use."""
    return path.name == "queries.py" or path.stem.endswith("_queries") or path == ROOT / "survey" / "db.py"


def _direct_calls(package: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if not _may_query(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIRECT_CALL.search(line)
    ]


@pytest.mark.parametrize("package", ["survey", "questions", "analysis"])
def test_only_query_modules_call_the_database(package: str) -> None:
    calls = _direct_calls(package)
    assert not calls, "Move these into a query module (queries.py or *_queries.py):\n" + "\n".join(calls)


def test_the_pattern_finds_direct_calls() -> None:
    found = [
        "rows = await conn.fetch(SQL)",
        "await connection.execute(CREATE_TABLE)",
        "await conn.executemany(INSERT, rows)",
        "count = await conn.fetchval(COUNT)",
        'await conn.copy_records_to_table("answer", records=rows)',
    ]
    missed = ["await conn.transaction()", "pool.fetch(SQL)", "await reconn.fetch(SQL)", "conn.fetch_all"]
    assert all(DIRECT_CALL.search(line) for line in found)
    assert not any(DIRECT_CALL.search(line) for line in missed)
