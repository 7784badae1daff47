"""Benchmark-style fuzzing: schemathesis against the live server's OpenAPI, asserting no 5xx.

Every operation in ``/schema/openapi.json`` gets a bounded number of generated requests (``FUZZ_EXAMPLES``
each, 50 by default, within ``FUZZ_SECONDS`` per run): the kiosk's operations with a kiosk token, the
others with an evaluator's API token. The only check is schemathesis's ``not_a_server_error``: any 4xx
is a fine answer to a crafted request, a 5xx never is. Prints one summary line per run. Run with
``make bench`` (not part of ``make test``: it takes a few minutes).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support import demo_kiosk, make_account, raw_token, start_live_server

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
SECONDS = int(os.environ.get("FUZZ_SECONDS", "240"))
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
PASSED = re.compile(r"(\d+) passed")


def fuzz(base_url: str, token: str, *, kiosk: bool, report: Path) -> tuple[int, str]:
    """One bounded schemathesis run over the kiosk's operations or all the others; exit code and output."""
    selection = "--include-path-regex" if kiosk else "--exclude-path-regex"
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{base_url}/schema/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(SECONDS),
        "--seed",
        "12",
        "--request-timeout",
        "20",
        "--workers",
        "1",
        "--generation-database",
        "none",
        selection,
        "^/api/kiosk/",
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    done = subprocess.run(  # in the report's folder: schemathesis keeps a .schemathesis/ where it runs
        command, capture_output=True, text=True, timeout=SECONDS + 120, check=False, cwd=report.parent
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.skipif(
    not SCHEMATHESIS.exists(), reason="schemathesis is in the dev extras: pip install -e '.[dev]'"
)
async def test_no_generated_request_gets_a_server_error(database_url: str, tmp_path: Path) -> None:
    kiosk_token = await demo_kiosk(database_url)
    evaluator = await make_account(database_url, "fuzz_evaluator", ["evaluator"])
    evaluator_token = await raw_token(database_url, evaluator.id)
    # The per-kiosk limit would answer most generated responses 429, which is no test of intake.
    server = start_live_server(database_url, tmp_path, extra_env={"SURVEY_KIOSK_RATE": "1000000"})
    try:
        runs = {
            "kiosk": fuzz(server.base_url, kiosk_token, kiosk=True, report=tmp_path / "kiosk.xml"),
            "evaluator": fuzz(
                server.base_url, evaluator_token, kiosk=False, report=tmp_path / "evaluator.xml"
            ),
        }
    finally:
        server.stop()
    for name, (code, output) in runs.items():
        suite = ElementTree.parse(tmp_path / f"{name}.xml").getroot()  # noqa: S314 - our own report
        cases = suite.findall(".//testcase")
        failing = [case.get("name") for case in cases if case.find("failure") is not None]
        passed = PASSED.findall(output)
        print(
            f"\nschemathesis, {name} token, {EXAMPLES} examples per operation: {len(cases)} operations,"
            f" {passed[-1] if passed else '?'} test cases passed, server errors on {failing or 'none'}"
            f" (exit {code})"
        )
    assert "Traceback" not in server.log(), "the server logged an unexpected error"
    failed = {name: output[-4000:] for name, (code, output) in runs.items() if code != 0}
    assert failed == {}
