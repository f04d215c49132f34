"""The report in a real browser: headless Chromium at 1366 px (laptop) and 390 px (phone).

Asserts no console errors, no page-wide horizontal scroll at 390 px, every image loaded, and the
key messages as the first thing on the page. Screenshots of the first screen are saved in
`tests/artifacts/` (git-ignored). Chromium comes from Debian (`make browser`); without it the
test skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import chromium, measure
from fake_results import make_three_paths

from npvi_model.report import build_report

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    if chromium() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed: run `make browser` (CI must not skip this)")
        pytest.skip("chromium is not installed (make browser)")
    base = tmp_path_factory.mktemp("browser")
    folders = make_three_paths(base / "runs")
    return build_report(folders, base / "report")


@pytest.mark.parametrize("width", [1366, 390])
def test_report_renders_cleanly(report_html, width):
    shot = ARTIFACTS / f"report_{width}px.png"
    m = measure(report_html, width, screenshot=shot)
    assert m["console"] == [], m["console"]
    assert m["first_id"] == "key-messages"
    assert m["has_viewport_meta"]
    assert m["images"] > 0 and m["broken_images"] == []
    assert m["viewport"] == width
    assert m["scroll_width"] <= width, f"page scrolls sideways: {m['scroll_width']} > {width} px"
    assert m["body_font_px"] >= 14
    assert shot.is_file() and shot.stat().st_size > 1000
