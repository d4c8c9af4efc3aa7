"""No output names an absolute path of the machine: report HTML, CLI --json, exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kreislauf.cli.main import app
from kreislauf.paths import PACKAGE_ROOT, absolute_paths, scrub, shown_path

runner = CliRunner()


def _visible(html: str) -> str:
    """The report without its inlined scripts (Plotly's bundle holds regex literals)."""
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


def _assert_clean(text: str, *roots: Path) -> None:
    assert absolute_paths(text) == []
    for root in (PACKAGE_ROOT, *roots):
        assert str(root) not in text, f"{root} appears in the output"


def test_shown_path_and_scrub(tmp_path):
    assert shown_path(PACKAGE_ROOT / "atlas" / "data" / "relations.csv") == (
        "kreislauf/atlas/data/relations.csv"
    )
    assert shown_path(tmp_path / "d" / "x.csv", tmp_path) == "d/x.csv"
    assert shown_path("rel/x.csv") == "rel/x.csv"
    assert shown_path(Path("/nonexistent-root-xyz/a/b.csv")) == "…/b.csv"
    kept = "P/E and capex / revenue, /api/bubble/series, https://example.org/a/b"
    assert scrub(kept) == kept  # ratios, routes and URLs are not paths
    assert absolute_paths(f"see {tmp_path}/x.csv") == [f"{tmp_path}/x.csv"]
    assert scrub({"a": [f"{tmp_path}/x.csv"]}, tmp_path) == {"a": ["x.csv"]}


def test_report_html_has_no_absolute_paths(shared_data, tmp_path):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "--data-dir", str(shared_data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = _visible(out.read_text())
    _assert_clean(html, shared_data, tmp_path)
    assert "shiller/shiller_ie_data_monthly.csv" in html  # named relative to the data directory
    assert "kreislauf/atlas/data/relations.csv" in html  # shipped files as package resources


def test_report_on_the_bundle_has_no_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.delenv("KREISLAUF_DATA_DIR", raising=False)
    monkeypatch.setenv("KREISLAUF_STORE", str(tmp_path / "none.duckdb"))
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = _visible(out.read_text())
    _assert_clean(html, tmp_path)
    assert "kreislauf/data/bundle/shiller_ie_data_monthly.csv" in html


@pytest.mark.parametrize(
    "args",
    [
        ["data", "show", "--json"],
        ["data", "show", "shiller", "--json"],
        ["bubble", "metrics", "--json"],
        ["claims", "--json"],
        ["atlas", "validate", "--json"],
        ["circuit", "--json"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_cli_json_has_no_absolute_paths(shared_data, args, monkeypatch, tmp_path):
    monkeypatch.setenv("KREISLAUF_DATA_DIR", str(shared_data))
    monkeypatch.setenv("KREISLAUF_STORE", str(tmp_path / "none.duckdb"))
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)
    _assert_clean(res.stdout, shared_data, tmp_path)


def test_exports_have_no_absolute_paths(shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("KREISLAUF_STORE", str(tmp_path / "none.duckdb"))
    for suffix in (".json", ".csv"):
        out = tmp_path / f"claims{suffix}"
        res = runner.invoke(app, ["claims", "--data-dir", str(shared_data), "--out", str(out)])
        assert res.exit_code == 0, res.output
        _assert_clean(out.read_text(), shared_data, tmp_path)
