"""The scenarios page used as a person would, in headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


CHART = "document.getElementById('chart')"


def _trace(page, name: str) -> list[float]:
    return page.evaluate(f"{CHART}.data.find(t => t.name === {name!r}).y")


def _rerun(page) -> None:
    page.evaluate("document.getElementById('run-status').textContent = ''")
    page.click("#run")
    page.wait_for_function("!['', '…'].includes(document.getElementById('run-status').textContent)")


def test_change_a_value_and_a_scenario_and_the_chart_changes(
    page, live_server: str, screenshot_dir: Path
) -> None:
    page.goto(f"{live_server}/scenarios")
    page.wait_for_function(f"{CHART}.data && {CHART}.data.length > 0")
    assert page.input_value("#model") == "ai_circuit"  # the default model
    keys = page.eval_on_selector_all(".var:checked", "boxes => boxes.map(b => b.value)")
    assert "VL" in keys and "DEFL" in keys
    assert page.evaluate(f"{CHART}.data.length") == 2 * len(keys)  # baseline + scenario each
    base = _trace(page, "VL baseline")
    assert _trace(page, "VL scenario") == base  # nothing changed yet
    src = page.get_attribute("#params tr[data-name='VL_OAI0'] td.src", "title")
    assert "R002" in src  # the atlas relation behind the OpenAI valuation

    page.fill("#p-g0", "0.05")  # slower AI spending growth at the start
    _rerun(page)
    assert page.inner_text("#run-status") == "ok"
    slow = _trace(page, "VL scenario")
    assert slow[-1] < base[-1] and _trace(page, "VL baseline") == base

    page.click("#reset")  # back to the file values (and no scenario file)
    page.wait_for_function("document.getElementById('run-status').textContent === 'ok'")
    assert page.input_value("#p-g0") == "0.15"
    page.select_option("#scenario", "ai_growth_shortfall")
    _rerun(page)
    assert max(_trace(page, "DEFL scenario")) == 1 and max(_trace(page, "DEFL baseline")) == 0
    assert _trace(page, "VL scenario")[-1] < base[-1]  # the labs default, their value falls
    worth = page.evaluate("document.getElementById('worth').data.map(t => t.name)")
    assert "households scenario" in worth and "pensions baseline" in worth
    page.fill("#draws", "200")
    page.click("#mc")
    page.wait_for_function(
        "document.getElementById('job-status').textContent.startsWith('done')", timeout=60_000
    )
    bands = page.evaluate("document.getElementById('mc-chart').data.map(t => t.name)")
    assert "VL median" in bands and "VL 25-75 %" in bands
    page.screenshot(path=str(screenshot_dir / "dashboard-scenarios.png"), full_page=True)
    assert page.external_requests == []


def test_sim_monte_carlo_draws_bands(page, live_server: str) -> None:
    page.goto(f"{live_server}/scenarios?model=sim")
    page.wait_for_function(f"{CHART}.data && {CHART}.data.length > 0")
    assert page.is_hidden("#declared-box")  # SIM declares no distributions
    assert page.is_checked("#params tr[data-name='alpha1'] .vary")
    page.fill("#draws", "300")
    page.click("#mc")
    page.wait_for_function(
        "document.getElementById('job-status').textContent.startsWith('done')", timeout=60_000
    )
    names = page.evaluate("document.getElementById('mc-chart').data.map(t => t.name)")
    assert "Y median" in names and "Y 5-95 %" in names and "Y baseline" in names


def test_a_long_monte_carlo_shows_progress_and_cancels(page, live_server: str) -> None:
    page.goto(f"{live_server}/scenarios?lang=de")
    page.wait_for_function(f"{CHART}.data && {CHART}.data.length > 0")
    assert page.inner_text("#mc") == "Monte Carlo" and page.inner_text("#cancel") == "Abbrechen"
    assert page.is_checked("#declared")  # the AI circuit's declared distributions
    page.fill("#periods", "120")
    page.fill("#draws", "10000")
    page.click("#mc")
    page.wait_for_function("document.getElementById('progress').value > 0", timeout=60_000)
    page.click("#cancel")
    page.wait_for_function("document.getElementById('job-status').textContent === 'abgebrochen'")
    assert page.evaluate("document.getElementById('progress').value") < 1


def test_out_of_range_values_are_explained(page, live_server: str) -> None:
    page.goto(f"{live_server}/scenarios?model=sim")
    page.wait_for_function(f"{CHART}.data && {CHART}.data.length > 0")
    page.fill("#p-alpha1", "1.5")
    _rerun(page)
    assert "alpha1" in page.inner_text("#run-status")
