"""``kreislauf bubble scan`` on a 2-worker LocalCluster with real series; bad input exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kreislauf.cli.bubble import app

runner = CliRunner()


def test_scan_psy_json(shared_data, tmp_path):
    import numpy as np
    import pandas as pd

    from kreislauf.bubble.lppls_confidence import confidence

    # compile LPPLS's numba kernels into the on-disk cache here, once, not in both workers
    warm = pd.Series(np.exp(np.linspace(0, 1, 80)), index=pd.bdate_range("2020-01-01", periods=80))
    confidence(warm, window_size=60, smallest_window_size=30, outer_increment=20, max_searches=1)
    out = tmp_path / "scan.csv"
    res = runner.invoke(
        app,
        [
            "scan", "--data-dir", str(shared_data), "--series", "NVDA,BTC-USD",
            "--tests", "psy,lppls", "--reps", "49", "--workers", "2", "--start", "2014-01-01",
            "--lppls-last", "150", "--window-size", "60", "--smallest-window", "30",
            "--outer-increment", "20", "--inner-increment", "15", "--max-searches", "3",
            "--json", "--out", str(out),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    rows = {(r["series"], r["test"]): r for r in doc["table"]}
    assert set(rows) == {(s, t) for s in ("NVDA", "BTC-USD") for t in ("psy", "lppls")}
    for (_, test), r in rows.items():
        assert r["status"] == "ok" and r["first"] >= "2014-01-01", r["error"]
        if test == "psy":
            assert r["gsadf"] >= r["sadf"] and r["reps"] == 49
        else:
            assert r["n_obs"] == 150 and 0 <= r["max_pos_conf"] <= 1
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
