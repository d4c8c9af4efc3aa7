"""The dashboard used as a person would, in headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _screenshot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"dashboard-{name}.png"))


def test_scarcity_page_runs_a_scenario_and_the_chart_changes(
    page, live_server: str, screenshot_dir: Path
) -> None:
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
    _screenshot(page, screenshot_dir, "scarcity")
    assert page.external_requests == []


def test_scarcity_sweep_shows_progress_and_cancels(page, live_server: str) -> None:
    page.goto(f"{live_server}/scarcity?lang=de")
    assert page.inner_text("#sweep") == "Hortung 0-50 % durchrechnen"
    page.click("#sweep")
    page.wait_for_function("document.getElementById('progress').value > 0")
    page.click("#cancel")
    page.wait_for_function("document.getElementById('job-status').textContent === 'abgebrochen'")
    assert page.evaluate("document.getElementById('progress').value") < 1


def test_network_page_filters_by_evidence(page, live_server: str, screenshot_dir: Path) -> None:
    page.goto(f"{live_server}/network")
    page.wait_for_function("document.getElementById('n-cycles').textContent !== '…'")
    all_cycles = int(page.inner_text("#n-cycles"))
    names = page.evaluate(
        "document.getElementById('network').data.find(t => t.name === 'entities').text"
    )
    assert {"nvidia", "openai", "oracle"} <= set(names)
    _screenshot(page, screenshot_dir, "network")
    page.check("#verified")
    page.wait_for_function(f"document.getElementById('n-cycles').textContent !== '{all_cycles}'")
    assert int(page.inner_text("#n-cycles")) < all_cycles
    assert page.external_requests == []


def test_claims_page_filters_by_verdict(page, live_server: str, screenshot_dir: Path) -> None:
    page.goto(f"{live_server}/claims?lang=de")
    page.wait_for_function("document.querySelectorAll('#claims tbody tr').length > 0")
    total = page.locator("#claims tbody tr").count()
    first = page.inner_text("#claims tbody tr td:nth-child(2)")
    assert "Prozent" in first or "%" in first or "Milliarden" in first  # German quotes
    page.select_option("#verdict", "contradicted")
    page.wait_for_function(f"document.querySelectorAll('#claims tbody tr').length !== {total}")
    verdicts = page.eval_on_selector_all(
        "#claims tbody tr", "rows => rows.map(r => r.dataset.verdict)"
    )
    assert verdicts and set(verdicts) == {"contradicted"}
    # the verdicts and their header are German on the German page
    shown = set(
        page.eval_on_selector_all(
            "#claims tbody tr td:nth-child(3)", "c => c.map(x => x.innerText)"
        )
    )
    assert shown == {"widerlegt"}
    assert page.inner_text("#claims thead th:nth-child(3)") == "Urteil"
    _screenshot(page, screenshot_dir, "claims")


def test_atlas_page_filter(page, live_server: str, screenshot_dir: Path) -> None:
    page.goto(f"{live_server}/atlas")
    page.wait_for_function("document.querySelectorAll('#relations tbody tr').length > 0")
    total = int(page.inner_text("#count"))
    page.fill("#entity", "oracle")
    page.wait_for_function(f"document.getElementById('count').textContent !== '{total}'")
    ids = page.eval_on_selector_all("#relations tbody tr", "rows => rows.map(r => r.dataset.id)")
    assert 0 < len(ids) < total and "R004" in ids
    _screenshot(page, screenshot_dir, "atlas")
