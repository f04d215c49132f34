"""Render a report in headless Chromium (Debian's `chromium`) and measure it.

No DevTools client is needed: the report is loaded in an iframe of the wanted width inside a
small wrapper page (headless Chromium will not make its window narrower than 500 px, but an
iframe can be 390 px wide, which is what a phone's viewport gives the page). A script in the
wrapper, never in the report, reads the report's document after it loaded and writes the
measurements as JSON into the wrapper, which `--dump-dom` prints. Console messages of the
report (Chromium logs them on stderr with `--enable-logging=stderr`) count as errors: the
report has no scripts, so any message is a failed load or a blocked resource.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--allow-file-access-from-files",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)

WRAPPER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>body{{margin:0}} iframe{{border:0;display:block}}
</style></head><body>
<iframe id="page" src="{src}" style="width:{width}px;height:{height}px"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById("page").addEventListener("load", function () {{
  var frame = document.getElementById("page");
  var doc = frame.contentDocument;
  var images = Array.prototype.slice.call(doc.images);
  var first = doc.body.firstElementChild;
  document.getElementById("result").textContent = JSON.stringify({{
    viewport: frame.clientWidth,
    scroll_width: doc.documentElement.scrollWidth,
    images: images.length,
    broken_images: images.filter(function (i) {{
      return !i.complete || i.naturalWidth === 0; }}).map(function (i) {{ return i.alt; }}),
    first_id: first ? first.id : null,
    has_viewport_meta: !!doc.querySelector('meta[name="viewport"]'),
    body_font_px: parseFloat(getComputedStyle(doc.body).fontSize)
  }});
}});
</script></body></html>
"""


def chromium() -> str | None:
    """Path of the chromium executable, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="npvi-chromium-") as profile:
        return subprocess.run(
            [chromium() or "chromium", *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "HOME": profile},
        )


def measure(report: Path, width: int, screenshot: Path | None = None, height: int = 900) -> dict:
    """Load `report` at `width` px; return the measurements plus `console` (the report's
    console messages). With `screenshot`, also save a PNG of the first screen there."""
    report = Path(report).resolve()
    with tempfile.TemporaryDirectory(prefix="npvi-wrapper-", dir=report.parent) as tmp:
        wrapper = Path(tmp) / "wrapper.html"
        wrapper.write_text(
            WRAPPER.format(src=html.escape(report.as_uri()), width=width, height=height)
        )
        window = f"--window-size={max(width, 500)},{height}"
        done = _run([window, "--virtual-time-budget=20000", "--dump-dom", wrapper.as_uri()])
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            _run([window, f"--screenshot={screenshot}", wrapper.as_uri()])
    match = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.S)
    if not match or match.group(1) == "pending":
        raise RuntimeError(f"chromium did not render {report}: {done.stderr[-2000:]}")
    result = json.loads(html.unescape(match.group(1)))
    result["console"] = [
        line for line in done.stderr.splitlines() if ":CONSOLE" in line and report.name in line
    ]
    return result
