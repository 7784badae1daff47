"""The reporting period is said in words in every export, never as a placeholder period."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

Client = AsyncTestClient[Litestar]

pytestmark = pytest.mark.demo_data(responses=300, seed=7, today=date(2026, 11, 21))


async def test_the_period_reads_in_words_in_every_export(evaluator_client: Client) -> None:
    csv_zip = await evaluator_client.get("/evaluate/export", params={"format": "zip"})
    json_export = await evaluator_client.get("/evaluate/export", params={"format": "json"})
    xlsx = await evaluator_client.get("/evaluate/export", params={"format": "xlsx"})
    assert [csv_zip.status_code, json_export.status_code, xlsx.status_code] == [200, 200, 200]
    with zipfile.ZipFile(io.BytesIO(csv_zip.content)) as archive:
        texts = {name: archive.read(name).decode() for name in archive.namelist()}
    texts["export.json"] = json_export.text
    readme = load_workbook(io.BytesIO(xlsx.content))["README"]
    texts["README sheet"] = " ".join(str(cell.value) for row in readme.iter_rows() for cell in row)
    assert "the whole survey" in texts["datapackage.json"]
    assert "the whole survey" in texts["README sheet"]
    quarter = await evaluator_client.get("/evaluate/export", params={"format": "json", "period": "2026-Q2"})
    assert quarter.json()["period"] == "2026-Q2"
    placeholders = [name for name, text in texts.items() if "0000" in text or "9999" in text]
    assert placeholders == []
