"""``kreislauf bubble scan`` on a 2-worker LocalCluster with real series; bad input exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kreislauf.cli.bubble import app

runner = CliRunner()


def test_scan_psy_json(shared_data, tmp_path):
    out = tmp_path / "scan.csv"
    res = runner.invoke(
        app,
        [
            "scan", "--data-dir", str(shared_data), "--series", "NVDA,BTC-USD",
            "--tests", "psy", "--reps", "49", "--workers", "2", "--start", "2014-01-01",
            "--json", "--out", str(out),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    rows = {r["series"]: r for r in doc["table"]}
    assert set(rows) == {"NVDA", "BTC-USD"}
    for r in rows.values():
        assert r["status"] == "ok" and r["first"] >= "2014-01-01"
        assert r["gsadf"] >= r["sadf"] and r["reps"] == 49
    assert doc["summary"]["cluster"] == "local (2 worker processes)"
    assert out.is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tests", "psy,garch"], "unknown test"),
        (["--series", "NOPE"], "unknown series"),
        (["--series", "NVDA", "--tests", "psy", "--freq", "fortnight"], "frequency"),
        (
            [
                "--series",
                "NVDA",
                "--tests",
                "psy",
                "--scheduler",
                "tcp://127.0.0.1:9",
                "--timeout",
                "1",
            ],
            "cannot reach the Dask scheduler",
        ),
    ],
)
def test_scan_bad_input(shared_data, args, message):
    res = runner.invoke(app, ["scan", "--data-dir", str(shared_data), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output.replace("\n", " ")
