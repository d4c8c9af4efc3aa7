"""``kreislauf circuit`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kreislauf.cli.main import app

runner = CliRunner()


def test_summary_json_with_null_model() -> None:
    res = runner.invoke(app, ["circuit", "--json", "--draws", "19", "--seed", "1"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["summary"]["cycles"] > 0
    assert any(r["cycle"] == "nvidia -> openai -> oracle -> nvidia" for r in d["table"])
    nm = d["null_model"]["summary"]
    assert nm["draws"] == 19 and nm["successful_draws"] + nm["failed_draws"] == 19


def test_verified_only_and_haircut_change_the_result() -> None:
    base = json.loads(runner.invoke(app, ["circuit", "--json"]).stdout)["summary"]
    ver = json.loads(runner.invoke(app, ["circuit", "--json", "--verified-only"]).stdout)
    assert ver["summary"]["cycles"] < base["cycles"]


def test_views_and_bad_input(tmp_path: Path) -> None:
    net, san = tmp_path / "net.html", tmp_path / "sankey.html"
    assert runner.invoke(app, ["circuit", "network", "--out", str(net)]).exit_code == 0
    assert runner.invoke(app, ["circuit", "sankey", "--out", str(san)]).exit_code == 0
    assert "circuit-network" in net.read_text() and "Sankey" in san.read_text()
    assert runner.invoke(app, ["circuit", "--haircut", "2"]).exit_code == 2
    res = runner.invoke(app, ["circuit", "--since", "someday"])
    assert res.exit_code == 2 and "field 'since'" in res.output
