"""``kreislauf bubble metrics`` and ``required-revenue`` on the shared data; bad input exit 2."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from kreislauf.cli.bubble import app

runner = CliRunner()


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    monkeypatch.delenv("KREISLAUF_DATA_DIR", raising=False)
    monkeypatch.setenv("KREISLAUF_STORE", str(tmp_path / "absent.duckdb"))
    return tmp_path


def test_metrics_json(shared_data, no_env):
    res = runner.invoke(app, ["metrics", "--data-dir", str(shared_data), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    s = doc["summary"]
    assert s["index"]["cape_latest_month"] == "2026-04"
    assert s["index"]["cape_latest"] == pytest.approx(38.138, abs=1e-3)  # Shiller's CAPE column
    assert s["concentration"]["snapshots"]["mag7_share"] == pytest.approx(0.3482, abs=1e-4)
    assert s["capex"]["calendar_years"]["2025"]["capex_usd_bn"] == pytest.approx(411.528)
    table = pd.DataFrame(doc["table"])
    assert {"metric", "subject", "value", "date", "basis"} <= set(table.columns)
    assert (table["basis"].str.len() > 0).all()
    assert not (no_env / "absent.duckdb").exists()  # never creates a store


def test_metrics_export_and_ai_revenue(shared_data, no_env):
    out = no_env / "m.csv"
    res = runner.invoke(
        app,
        [
            "metrics",
            "--data-dir",
            str(shared_data),
            "--capex-symbols",
            "MSFT",
            "--ai-revenue",
            "MSFT:2025-01-01:2025-12-31:20:user test figure",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert f"wrote {out}" in res.output.replace("\n", "")
    assert pd.read_csv(out)["metric"].str.contains("CAPE").any()


@pytest.mark.parametrize(
    "args, message",
    [
        (["metrics", "--ai-revenue", "MSFT:2025"], "SYMBOL:START:END"),
        (["metrics", "--capex-symbols", "XYZ"], "no fundamentals"),
        (["metrics", "--out", "x.xyz"], "unsupported export suffix"),
    ],
)
def test_metrics_bad_input(shared_data, no_env, args, message):
    out = no_env / "x.xyz"
    args = [a if a != "x.xyz" else str(out) for a in args]
    res = runner.invoke(app, [*args, "--data-dir", str(shared_data)])
    assert res.exit_code == 2, res.output
    assert message in res.output.replace("\n", " ")
    assert not out.exists()


def test_metrics_without_data(no_env):
    """No directory and no store: the metrics run on the data bundled with the package."""
    res = runner.invoke(app, ["metrics", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["summary"]
    assert s["origin"].startswith("bundle shipped with kreislauf")
    assert s["index"]["cape_latest_month"] == "2026-04"
    assert s["unavailable"] == {}
    res = runner.invoke(app, ["metrics", "--data-dir", str(no_env / "missing")])
    assert res.exit_code == 2 and "not found" in res.output


def test_required_revenue_by_hand(no_env):
    # 400 bn x (0.10 + 1/5) / 0.5 = 240 bn a year; 240 bn / 1 bn payers / 12 = 20 USD a month
    res = runner.invoke(
        app,
        [
            "required-revenue",
            "--capital", "400", "--capital-source", "example",
            "--return", "0.1", "--life-years", "5", "--margin", "0.5",
            "--payers", "people=1e9=example", "--json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["summary"]
    assert s["required_revenue_usd_bn"] == pytest.approx(240.0)
    assert s["per_payer_monthly_usd"] == [{"payer": "people", "monthly_usd": pytest.approx(20.0)}]
    assert "depreciation_rate" in s["assumptions"] and "margin" in s["assumptions"]


def test_required_revenue_from_data(shared_data, no_env):
    res = runner.invoke(app, ["required-revenue", "--data-dir", str(shared_data), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    cap = doc["summary"]["capital_usd_bn"]
    # TTM capex to mid-2026 of MSFT GOOGL AMZN META ORCL: 115.948+132.402+173.028+89.325+55.663
    assert cap == pytest.approx(566.366, abs=1e-3)
    assert doc["summary"]["required_revenue_usd_bn"] == pytest.approx(cap * (0.1 + 1 / 6))


@pytest.mark.parametrize(
    "args, field",
    [
        (["--capital", "1", "--margin", "0"], "margin"),
        (["--capital", "1", "--payers", "nobody"], "--payers"),
        (["--capital", "1", "--payers", "x=0"], "x"),
    ],
)
def test_required_revenue_bad_input(no_env, args, field):
    res = runner.invoke(app, ["required-revenue", *args])
    assert res.exit_code == 2, res.output
    assert field in res.output


def test_metrics_from_the_store(shared_data, no_env):
    """Files cached by 'kreislauf data load' give the same figures as the directory itself."""
    from kreislauf.cli.main import app as main_app

    store = no_env / "s.duckdb"
    res = runner.invoke(
        main_app, ["data", "load", "--data-dir", str(shared_data), "--store", str(store)]
    )
    assert res.exit_code == 0, res.output
    a = runner.invoke(app, ["metrics", "--store", str(store), "--json"])
    b = runner.invoke(app, ["metrics", "--data-dir", str(shared_data), "--json"])
    assert a.exit_code == 0 and b.exit_code == 0, a.output
    sa, sb = json.loads(a.stdout)["summary"], json.loads(b.stdout)["summary"]
    assert sa["origin"].startswith("store")
    assert sa["index"]["cape_latest"] == pytest.approx(sb["index"]["cape_latest"])
    assert sa["concentration"]["snapshots"]["mag7_share"] == pytest.approx(
        sb["concentration"]["snapshots"]["mag7_share"]
    )
    assert sa["capex"]["calendar_years"] == sb["capex"]["calendar_years"]
    assert sa["stocks"]["latest"]["NVDA"]["trailing_pe"] == pytest.approx(
        sb["stocks"]["latest"]["NVDA"]["trailing_pe"]
    )
