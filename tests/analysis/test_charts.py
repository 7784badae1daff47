"""Chart downloads on synthetic responses: what they say, that they are safe, and the same every time."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from analysis import chart_render, charts
from questions.scoring_rules import Band, ScoringRule
from survey import synthetic

Client = AsyncTestClient[Litestar]
TODAY = date(2026, 11, 21)
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"

pytestmark = pytest.mark.demo_data(responses=2500, seed=5, today=TODAY)


def _texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 (our own server's output)
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


async def test_an_svg_download_has_title_axes_n_cutoffs_and_gaps(evaluator_client: Client) -> None:
    response = await evaluator_client.get("/evaluate/charts/who5-by-site.svg", params={"period": "2026-01"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert re.search(r'filename="[a-z0-9-]+-who5-by-site-2026-01\.svg"', disposition), disposition
    texts = _texts(response.content)
    root = ET.fromstring(response.content)  # noqa: S314 (our own server's output)
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text is not None
    assert "WHO-5" in title.text
    assert "by site" in title.text
    assert any(text.startswith("Mean score, 0 to 100") for text in texts), "the value axis has its range"
    assert any(text.startswith("Site (n:") for text in texts), "the other axis is named"
    shown = sum(1 for text in texts if re.fullmatch(r"n = \d+", text))
    hidden = sum(1 for text in texts if text == "not shown")
    assert shown >= 1, "n under each shown bar"
    assert hidden >= 1, "the small site says not shown under its slot"
    assert "28 or less: likely depression" in texts
    assert "50 or less: poor well-being" in texts
    assert "not shown: fewer than 11" in " ".join(texts), "the small site is a gap with its reason"
    description = root.find(f"{SVG}desc")
    assert description is not None
    assert f"{synthetic.SMALL_SITE}: not shown (fewer than 11)" in (description.text or "")
    described = (description.text or "").count("(95% interval") + (description.text or "").count(
        "not shown ("
    )
    assert shown + hidden == described, "every site of the description has its n or 'not shown' on the axis"


async def test_a_k6_chart_marks_serious_distress_at_13(evaluator_client: Client) -> None:
    response = await evaluator_client.get("/evaluate/charts/k6-by-period.svg")
    texts = _texts(response.content)
    assert "13 or more: serious psychological distress" in texts
    assert any("higher is worse" in text for text in texts)
    assert any(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", text.split("\n")[0]) for text in texts), "months named"


async def test_svg_carries_no_script_no_style_and_no_outside_reference(evaluator_client: Client) -> None:
    for chart in ("who5-by-period", "who5-by-site", "k6-by-period", "k6-by-site"):
        content = (await evaluator_client.get(f"/evaluate/charts/{chart}.svg")).content
        text = content.decode()
        assert "<!DOCTYPE" not in text
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        ), "no address but the two namespace names"
        assert "https://" not in text
        root = ET.fromstring(content)  # noqa: S314 (our own server's output)
        for node in root.iter():
            tag = node.tag.split("}")[-1]
            assert tag not in {"script", "foreignObject", "style", "iframe", "image", "a", "metadata"}, tag
            for name, value in node.attrib.items():
                local = name.split("}")[-1]
                assert not local.lower().startswith("on"), f"event handler {name} on {tag}"
                assert local != "style", f"inline style on {tag} (the CSP forbids it)"
                if name in {XLINK, "href"}:
                    assert value.startswith("#"), value
                for reference in re.findall(r"url\(([^)]*)\)", value):
                    assert reference.startswith("#"), reference


async def test_the_same_view_gives_the_same_bytes(evaluator_client: Client) -> None:
    for fmt in ("svg", "png"):
        first = (await evaluator_client.get(f"/evaluate/charts/who5-by-period.{fmt}")).content
        again = (await evaluator_client.get(f"/evaluate/charts/who5-by-period.{fmt}")).content
        assert first == again
    other = (
        await evaluator_client.get("/evaluate/charts/who5-by-period.svg", params={"period": "2026"})
    ).content
    assert other != first or fmt != "svg"


async def test_a_png_download_is_an_image_that_says_what_it_shows(evaluator_client: Client) -> None:
    response = await evaluator_client.get("/evaluate/charts/k6-by-site.png", params={"period": "2026-Q3"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert re.search(
        r'filename="[a-z0-9-]+-k6-by-site-2026-q3\.png"', response.headers["content-disposition"]
    )
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1600, 960)
    assert "K6" in image.info["Title"]
    assert "n = " in image.info["Description"]
    assert "Software" not in image.info, "no version in the file, so the bytes stay the same"
    grey = image.convert("L")
    darkest, _ = grey.crop((0, 0, 1600, 60)).getextrema()
    assert isinstance(darkest, int)
    assert darkest < 80, "the title is drawn"


async def test_unknown_charts_and_bad_filters_are_refused(evaluator_client: Client) -> None:
    assert (await evaluator_client.get("/evaluate/charts/who5-by-site.gif")).status_code == 404
    assert (await evaluator_client.get("/evaluate/charts/nothing-by-site.svg")).status_code == 404
    bad = await evaluator_client.get("/evaluate/charts/who5-by-site.svg", params={"period": "2026-13"})
    assert bad.status_code == 400


async def test_only_evaluators_get_charts(client: Client) -> None:
    response = await client.get("/evaluate/charts/who5-by-site.svg", follow_redirects=False)
    assert response.status_code in {302, 303, 401, 403}


RULE = ScoringRule(
    measure="m",
    version="1",
    name="Test measure",
    items=["a", "b"],
    item_min=0,
    item_max=4,
    method="sum",
    score_min=0,
    score_max=8,
    higher_is_better=False,
    bands=[Band("low", "Low (0 to 2)", 0, 2), Band("high", "High (3 or more)", 3, 8)],
    source="test",
)


def _chart(kind: str) -> charts.Chart:
    points = [
        charts.Point(label="Jan 2026", words="January 2026", n=40, mean=3.0, low=2.5, high=3.5),
        charts.Point(label="Feb 2026", words="February 2026", hidden="fewer than 11"),
        charts.Point(label="Mar 2026", words="March 2026", n=50, mean=4.0, low=3.5, high=4.5),
    ]
    return charts.Chart(
        key=f"m-{kind}",
        kind="line" if kind == "by-period" else "bar",
        measure="m",
        title="Test measure",
        subtitle="s",
        x_label="Month",
        y_label=charts.y_label(RULE),
        low=0,
        high=8,
        higher_is_better=False,
        points=points,
        cutoffs=charts.cutoffs(RULE),
    )


def test_a_hidden_point_is_a_gap_never_a_zero() -> None:
    chart = _chart("by-period")
    figure = chart_render._draw(chart)
    axes = figure.axes[0]
    mean = next(line for line in axes.get_lines() if line.get_label() == "Mean")
    ys = np.asarray(mean.get_ydata(), dtype=float).tolist()
    assert ys[0] == 3.0
    assert ys[2] == 4.0
    assert math.isnan(ys[1]), "the hidden month breaks the line instead of dropping to 0"
    texts = _texts(chart_render.render(chart, "svg"))
    assert "3 or more: high" in texts, "a cut-off where higher is worse marks the bottom of its band"
    assert any(text.startswith("not shown:") for text in texts)
    assert "February 2026: not shown (fewer than 11)" in charts.describe(chart)


def test_a_hidden_bar_is_not_drawn() -> None:
    figure = chart_render._draw(_chart("by-site"))
    bars = [patch for container in figure.axes[0].containers for patch in getattr(container, "patches", [])]
    centres = sorted(round(bar.get_x() + bar.get_width() / 2, 6) for bar in bars)
    assert centres == [0.0, 2.0], "only the two shown groups have bars"
