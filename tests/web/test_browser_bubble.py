"""The bubble page used as a person would, in headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from tests.web.conftest import watched_page  # noqa: E402

from kreislauf.web.app import create_app  # noqa: E402
from kreislauf.web.bubble_api import SERVE_COMMAND  # noqa: E402


@pytest.fixture(scope="module")
def data_server(serve_app, shared_data: Path) -> Iterator[str]:
    """A dashboard with the real market data (``kreislauf serve --data-dir ../shared/data``)."""
    with serve_app(create_app(data_dir=shared_data)) as url:
        yield url


def _run_and_wait(page, timeout: float = 90_000) -> None:
    page.click("#run")
    page.wait_for_function(
        "!['', 'queued', 'running'].includes(document.getElementById('job-status').textContent)",
        timeout=timeout,
    )
    assert page.inner_text("#job-status") == "done"


def test_psy_on_two_series_shades_episodes_and_the_chart_changes(
    browser, data_server: str, screenshot_dir: Path
) -> None:
    page = watched_page(browser, data_server)
    page.goto(f"{data_server}/bubble")
    page.wait_for_function("document.getElementById('series').options.length > 10")
    page.select_option("#series", "shiller:pd")
    page.fill("#reps", "300")
    _run_and_wait(page)
    first = page.evaluate(
        "(() => { const g = document.getElementById('series-chart');"
        " return {name: g.data[0].name, n: g.data[0].y.length,"
        " shapes: (g.layout.shapes || []).length}; })()"
    )
    assert first["name"].startswith("S&P 500 price/dividend") and first["n"] > 1800
    assert first["shapes"] >= 1  # explosive episodes are shaded
    stat = page.evaluate("document.getElementById('stat-chart').data.map(t => t.name)")
    assert stat == ["BSADF", "95% critical value"]
    rows = page.eval_on_selector_all("#summary th", "ths => ths.map(t => t.textContent)")
    assert "GSADF" in rows and "episodes" in rows
    page.screenshot(path=str(screenshot_dir / "dashboard-bubble.png"), full_page=True)

    page.select_option("#series", "BTC-USD")
    page.check("#log")
    page.select_option("#frequency", "weekly")
    _run_and_wait(page)
    second = page.evaluate(
        "(() => { const g = document.getElementById('series-chart');"
        " return {name: g.data[0].name, n: g.data[0].y.length, log: g.layout.yaxis.type}; })()"
    )
    assert second["name"] == "Bitcoin (USD)" and second["n"] != first["n"]
    assert second["log"] == "log"
    assert page.external_requests == []


def test_lppls_run_shows_both_confidences(browser, data_server: str) -> None:
    page = watched_page(browser, data_server)
    page.goto(f"{data_server}/bubble?series=NVDA")
    page.wait_for_function("document.getElementById('series').value === 'NVDA'")
    page.fill("#start", "2025-01")
    page.select_option("#test", "lppls")
    assert page.is_hidden("#psy-opts") and page.is_visible("#lppls-opts")
    assert page.input_value("#frequency") == "native"  # LPPLS on the daily closes
    for field, value in (
        ("window_size", "60"),
        ("smallest_window_size", "40"),
        ("outer_increment", "10"),
        ("max_searches", "5"),
    ):
        page.fill(f"#{field}", value)
    _run_and_wait(page)
    lines = page.evaluate("document.getElementById('stat-chart').data.map(t => t.name)")
    assert lines == ["positive bubble confidence", "negative bubble confidence"]
    ys = page.evaluate("document.getElementById('stat-chart').data[0].y")
    assert all(0 <= y <= 1 for y in ys)


def test_a_long_psy_run_shows_progress_and_cancels(browser, data_server: str) -> None:
    page = watched_page(browser, data_server)
    page.goto(f"{data_server}/bubble?lang=de")
    page.wait_for_function("document.getElementById('series').options.length > 10")
    assert page.inner_text("#run") == "Rechnen" and page.inner_text("#cancel") == "Abbrechen"
    page.select_option("#series", "shiller:pd")
    page.fill("#reps", "5000")
    page.click("#run")
    page.wait_for_function("document.getElementById('progress').value > 0.05", timeout=60_000)
    page.click("#cancel")
    # the German page shows the job's state in German
    page.wait_for_function("document.getElementById('job-status').textContent === 'abgebrochen'")
    assert page.evaluate("document.getElementById('progress').value") < 1


def test_bad_input_is_explained_on_thewatched_page(browser, data_server: str) -> None:
    page = watched_page(browser, data_server)
    page.goto(f"{data_server}/bubble")
    page.wait_for_function("document.getElementById('series').options.length > 10")
    page.fill("#reps", "50")
    page.click("#run")
    page.wait_for_function("document.getElementById('job-status').textContent.includes('reps')")


@pytest.fixture(scope="module")
def bare_server(serve_app) -> Iterator[str]:
    """A dashboard without data: no directory and the bundled data switched off."""
    with serve_app(create_app(bundle=False)) as url:
        yield url


def test_the_page_defaults_run_and_list_dated_episodes(browser, data_server: str) -> None:
    """The first series (^GSPC, monthly to 1969 and daily after) on the page's defaults:
    resampled to months with that stated, episodes listed with their dates; an error then
    clears the result instead of leaving it on screen as if current."""
    page = watched_page(browser, data_server)
    page.goto(f"{data_server}/bubble")
    page.wait_for_function("document.getElementById('series').options.length > 10")
    assert page.input_value("#series") == "^GSPC" and page.input_value("#frequency") == "monthly"
    _run_and_wait(page, timeout=180_000)
    assert "daily 1970-01-02" in page.inner_text("#resampling")
    rows = page.eval_on_selector_all(
        "#episodes tbody tr", "trs => trs.map(r => r.cells[0].textContent)"
    )
    assert rows and all(len(r) == 10 and r[4] == "-" for r in rows)  # YYYY-MM-DD
    page.fill("#reps", "50")  # below the page's minimum: a 422
    page.click("#run")
    page.wait_for_function("document.getElementById('job-status').textContent.includes('reps')")
    assert page.is_hidden("#episodes") and page.inner_text("#resampling") == ""
    assert page.evaluate("(document.getElementById('series-chart').data || []).length") == 0


def test_without_data_the_page_names_the_command(browser, bare_server: str) -> None:
    page = watched_page(browser, bare_server)
    page.goto(f"{bare_server}/bubble?lang=de")
    page.wait_for_selector("#no-data", state="visible")
    assert SERVE_COMMAND in page.inner_text("#no-data")
    assert "kein Datenverzeichnis" in page.inner_text("#no-data")
    assert page.is_hidden("#controls")
    assert page.external_requests == []
