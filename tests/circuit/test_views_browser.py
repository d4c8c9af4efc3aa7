"""The network view opens in headless Chromium and shows the nodes and a highlighted cycle."""

from __future__ import annotations

from pathlib import Path

import pytest

from kreislauf.atlas import load_atlas
from kreislauf.circuit.analysis import analyse
from kreislauf.circuit.views import network_html

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from kreislauf.report.pdf import CHROMIUM_ARGS as ARGS  # noqa: E402


def test_network_view_in_chromium(tmp_path: Path, chromium_path: str, screenshot_dir: Path) -> None:
    atlas = load_atlas()
    result = analyse(atlas.relations, atlas.entities)
    html = tmp_path / "net.html"
    html.write_text(network_html(result), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 820})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.as_uri())
        page.wait_for_function("document.getElementById('circuit-network').data !== undefined")
        names = page.evaluate(
            "document.getElementById('circuit-network').data.find(t => t.name === 'entities').text"
        )
        cycle = page.evaluate(
            "document.getElementById('circuit-network').data.find(t => t.name === 'cycle')"
        )
        # Rendered SVG: one marker per entity in the scatter layer.
        drawn = page.locator("g.scatterlayer .trace").count()
        page.screenshot(path=str(screenshot_dir / "circuit-network.png"))
        browser.close()
    ids = set(result.centrality["entity"])
    assert set(names) == ids
    assert {"nvidia", "openai", "oracle"} <= set(names)
    assert cycle["line"]["color"] == "#d62728" and len(cycle["x"]) > 0
    assert drawn > len(result.edges)
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
