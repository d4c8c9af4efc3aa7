"""The dashboard used as a person would, in headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(chromium_path: str, live_server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        external: list[str] = []
        pg.on(
            "request",
            lambda req: (
                external.append(req.url)
                if not req.url.startswith((live_server, "data:", "about:"))
                else None
            ),
        )
        pg.external_requests = external  # type: ignore[attr-defined]
        yield pg
        browser.close()


def _screenshot(page, name: str) -> None:
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / f"dashboard-{name}.png"))


def test_scarcity_page_runs_a_scenario_and_the_chart_changes(page, live_server: str) -> None:
    page.goto(f"{live_server}/scarcity")
    page.wait_for_function("document.getElementById('peak').textContent.endsWith('x')")
    first = page.inner_text("#peak")
    traces_before = page.evaluate("document.getElementById('chart').data.length")
    page.fill("#hoard", "0.1")
    page.click("#run")
    page.wait_for_function(f"document.getElementById('peak').textContent !== '{first}'")
    second = page.inner_text("#peak")
    assert float(second.rstrip("x")) < float(first.rstrip("x"))
    mine = page.evaluate("document.getElementById('chart').data.find(t => t.name === 'your run').y")
    assert max(mine) / 80 == pytest.approx(float(second.rstrip("x")), abs=0.01)
    assert page.evaluate("document.getElementById('chart').data.length") == traces_before
    _screenshot(page, "scarcity")
    assert page.external_requests == []


def test_scarcity_sweep_shows_progress_and_cancels(page, live_server: str) -> None:
    page.goto(f"{live_server}/scarcity?lang=de")
    assert page.inner_text("#sweep") == "Hortung 0-50 % durchrechnen"
    page.click("#sweep")
    page.wait_for_function("document.getElementById('progress').value > 0")
    page.click("#cancel")
    page.wait_for_function("document.getElementById('job-status').textContent === 'cancelled'")
    assert page.evaluate("document.getElementById('progress').value") < 1
