"""`lakeline report`: the page renders its charts in a real browser (headless Chromium), offline."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .test_cli import demo_dir, lakeline

__all__ = ["demo_dir"]  # the module-scoped demo, shared with test_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs Chromium (.ci/run) and sets this, so that there the test can never be skipped.
REQUIRED = os.environ.get("LAKELINE_REQUIRE_BROWSER") == "1"
COLOURS = {"rows per day": (0x2F, 0x6F, 0xD6), "quarantine reasons": (0xE0, 0x7B, 0x24),
           "latency line": (0x2A, 0x9D, 0x6F), "freshness": (0x8E, 0x44, 0xAD)}  # fmt: skip


def screenshot(page: Path, out: Path) -> Path:
    assert CHROMIUM, "Chromium is not installed (apt-get install chromium)"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={out.parent / 'chromium-profile'}", "--hide-scrollbars",
             "--window-size=1200,1700", f"--screenshot={out}", page.as_uri()]  # fmt: skip
    subprocess.run([CHROMIUM, *flags], check=True, capture_output=True, timeout=120)
    return out


@pytest.mark.skipif(not CHROMIUM and not REQUIRED, reason="Chromium is not installed; CI installs it")
def test_the_report_page_renders_its_charts_in_chromium(demo_dir: tuple[Path, str], tmp_path: Path) -> None:
    from PIL import Image

    folder, _ = demo_dir
    page = tmp_path / "report.html"
    lakeline(folder, "report", "--out", str(page))
    html = page.read_text()
    assert "http://" not in html and "https://" not in html and "<script" not in html  # opens with no network

    image = Image.open(screenshot(page, tmp_path / "report.png")).convert("RGB")

    counts: dict[tuple[int, int, int], int] = {}
    for pixel in image.getdata():
        counts[pixel] = counts.get(pixel, 0) + 1
    for chart, colour in COLOURS.items():
        assert counts.get(colour, 0) > 300, f"the {chart} chart did not render"
    assert image.size == (1200, 1700)
