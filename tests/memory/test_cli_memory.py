"""``kreislauf memory`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from kreislauf.cli.main import app

runner = CliRunner()


def test_memory_scenarios_json_and_export(tmp_path: Path) -> None:
    out = tmp_path / "scen.csv"
    res = runner.invoke(app, ["memory", "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout.split("\nwrote")[0])
    peaks = {r["scenario"]: r for r in payload["summary"]}  # records: names hold spaces
    assert peaks["hoard 50 %"]["peak_multiple"] > peaks["no hoarding"]["peak_multiple"]
    frame = pd.read_csv(out)
    assert {"scenario", "month", "price"} <= set(frame.columns)


def test_memory_single_scenario_and_sources() -> None:
    res = runner.invoke(app, ["memory", "--hoard-share", "0.3", "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["summary"]["scenario"] == "custom"
    res = runner.invoke(app, ["memory", "--sources", "--json"])
    assert res.exit_code == 0
    assert any(r["kind"] == "assumption" for r in json.loads(res.stdout))


def test_bad_parameter_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("start: 2025-01\nmonths: 0\n", encoding="utf-8")
    res = runner.invoke(app, ["memory", "--params", str(bad)])
    assert res.exit_code == 2
    assert "bad.yaml, row 2, field 'months'" in res.output
