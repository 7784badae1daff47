"""Helpers for the browser tests."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


async def axe_violations(page: Page) -> list[str]:
    await page.evaluate(AXE.read_text())
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
