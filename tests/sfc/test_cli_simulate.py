"""``kreislauf simulate`` end to end: models, scenarios, Monte Carlo, exports, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kreislauf.cli.main import app
from kreislauf.sfc.burst import shipped_scenarios

runner = CliRunner()


def test_sim_json() -> None:
    res = runner.invoke(app, ["simulate", "sim", "--periods", "30", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert {"summary", "table"} <= set(d)
    y = [r["value"] for r in d["table"] if r["variable"] == "Y" and r["period"] == 30]
    assert y and y[0] == pytest.approx(100.0, rel=0.02)  # SIM's steady state G/theta = 20/0.2


def test_ai_circuit_all_scenarios_csv(tmp_path: Path) -> None:
    out = tmp_path / "paths.csv"
    res = runner.invoke(app, ["simulate", "ai_circuit", "--all-scenarios", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "wealth lost by holder" in res.stdout and "35,000" in res.stdout
    f = pd.read_csv(out)
    assert set(f["scenario"]) == {
        "baseline", "ai_growth_shortfall", "cost_of_capital", "energy_ceiling",
        "memory_squeeze", "government_backstop",
    }  # fmt: skip


def test_ai_circuit_scenario_json() -> None:
    scen = shipped_scenarios()["ai_growth_shortfall"]
    res = runner.invoke(app, ["simulate", "ai_circuit", "--scenario", str(scen), "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["summary"]
    assert s["ai_growth_shortfall"]["lab_default_quarter"] is not None


def test_monte_carlo_netcdf_and_seed(tmp_path: Path) -> None:
    xr = pytest.importorskip("xarray")
    out = tmp_path / "cube.nc"
    args = ["simulate", "ai_circuit", "--draws", "30", "--seed", "4", "--periods", "12"]
    res = runner.invoke(app, [*args, "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    cube = xr.open_dataset(out)["value"]
    assert cube.shape[:2] == (30, 12)
    again = runner.invoke(app, [*args, "--json"])
    assert json.loads(again.stdout)["summary"] == json.loads(res.stdout)["summary"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["simulate", "nope_model"], "no shipped model"),
        (["simulate", "sim", "--draws", "10"], "--uncertainty"),
        (["simulate", "sim", "--periods", "0"], "periods"),
        (["simulate", "sim", "--out", "x.xlsx"], "suffix"),
        (["simulate", "sim", "--all-scenarios"], "--all-scenarios"),
    ],
)
def test_bad_input_exit_2(args, needle) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert needle in res.output


def test_bad_scenario_file_exit_2_with_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("name: bad\nshocks:\n  - {var: g_shock, from: 3, sett: 1}\n")
    out = tmp_path / "never.csv"
    res = runner.invoke(app, ["simulate", "ai_circuit", "--scenario", str(p), "--out", str(out)])
    assert res.exit_code == 2
    assert str(p) in res.output and "row 3" in res.output
    assert not out.exists()


def test_flow_matrix_of_a_period(tmp_path: Path) -> None:
    out = tmp_path / "fm.csv"
    res = runner.invoke(app, ["simulate", "ai_circuit", "--flow-matrix", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    f = pd.read_csv(out).set_index("row")
    num = f.drop(columns="sum")
    assert abs(num.sum(axis=1)).max() < 1e-6 and abs(num.sum(axis=0)).max() < 1e-6
    assert f.loc["compute purchases", "labs"] < 0 < f.loc["compute purchases", "cloud"]
    bad = runner.invoke(app, ["simulate", "ai_circuit", "--flow-matrix", "99"])
    assert bad.exit_code == 2


def test_data_dir_recalibrates_to_the_same_run() -> None:
    from tests.conftest import shared_file

    data_dir = shared_file("fundamentals/bigtech_quarterly_revenue_netincome_capex_2020_2026.csv")
    args = ["simulate", "ai_circuit", "--periods", "8", "--json"]
    shipped = runner.invoke(app, args)
    recal = runner.invoke(app, [*args, "--data-dir", str(data_dir.parent.parent)])
    assert shipped.exit_code == recal.exit_code == 0, recal.output
    assert json.loads(shipped.stdout)["summary"] == json.loads(recal.stdout)["summary"]


def test_monte_carlo_on_a_local_cluster_equals_local() -> None:
    args = ["simulate", "ai_circuit", "--draws", "12", "--seed", "5", "--periods", "8", "--json"]
    local = runner.invoke(app, args)
    dask = runner.invoke(app, [*args, "--workers", "1", "--chunk", "5"])
    assert local.exit_code == dask.exit_code == 0, dask.output
    assert json.loads(local.stdout) == json.loads(dask.stdout)


def test_monte_carlo_of_a_textbook_model(tmp_path: Path) -> None:
    u = tmp_path / "u.yaml"
    u.write_text('parameters:\n  alpha1: {dist: uniform, low: 0.55, high: 0.65, source: "t"}\n')
    out = tmp_path / "fan.csv"
    args = ["simulate", "sim", "--draws", "40", "--uncertainty", str(u), "--periods", "20"]
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    q = pd.read_csv(out)
    y = q[(q["variable"] == "Y") & (q["period"] == 20)].iloc[0]
    assert y["q05"] <= y["q50"] <= y["q95"] and y["q05"] < y["q95"]
