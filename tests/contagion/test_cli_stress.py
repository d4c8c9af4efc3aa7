"""``kreislauf stress`` end to end: atlas and network inputs, JSON, exports, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from kreislauf.cli.main import app

runner = CliRunner()


def test_shipped_atlas_default_json() -> None:
    res = runner.invoke(app, ["stress", "--default", "openai", "--demand-drop", "20", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    s = d["summary"]
    assert s["scenario"]["default_node"] == "openai" and s["scenario"]["demand_drop"] == 0.2
    assert s["model"] == "en" and s["seniority"] == "pari_passu"
    assert s["nodes_with_balance_sheet"] == 0  # shipped balance sheets are empty
    assert "microsoft" in s["unresolved"]  # loses, but no sourced balance sheet
    assert s["exposure_usd_bn"] >= s["realised_loss_usd_bn"] > 0
    rows = {r["node"]: r for r in d["table"]}
    assert rows["openai"]["outcome"] == "defaults (scenario)"


def test_atlas_with_balance_sheets_and_export(tmp_path: Path, mini_atlas, mini_bs) -> None:
    out = tmp_path / "r.csv"
    res = runner.invoke(
        app,
        [
            "stress",
            "--atlas",
            str(mini_atlas.source_dir),
            "--balance-sheets",
            str(mini_bs),
            "--default",
            "lab",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "who bears the losses" in res.stdout
    f = pd.read_csv(out).set_index("node")
    assert abs(f.loc["cloud", "realised_loss_usd_bn"] - 12.0) < 1e-9
    for model in ("rv", "debtrank", "furfine"):
        res = runner.invoke(
            app,
            [
                "stress",
                "--atlas",
                str(mini_atlas.source_dir),
                "--balance-sheets",
                str(mini_bs),
                "--default",
                "lab",
                "--model",
                model,
                "--alpha",
                "0.5",
                "--json",
            ],
        )
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["summary"]["model"] == model
    res = runner.invoke(
        app,
        [
            "stress",
            "--atlas",
            str(mini_atlas.source_dir),
            "--balance-sheets",
            str(mini_bs),
            "--chip-price-shock",
            "20",
            "--model",
            "firesale",
            "--price-impact",
            "0.01",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output


def test_network_input(tmp_path: Path) -> None:
    e, n = tmp_path / "e.csv", tmp_path / "n.csv"
    e.write_text("debtor,creditor,amount\nA,B,10\nB,C,10\n")
    n.write_text("id,external_assets,external_liabilities\nA,4,0\nB,3,0\nC,0,0\n")
    res = runner.invoke(
        app,
        [
            "stress",
            "--network",
            str(e),
            "--nodes",
            str(n),
            "--default",
            "A",
            "--seniority",
            "senior",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = {r["node"]: r for r in json.loads(res.stdout)["table"]}
    assert rows["B"]["payments"] == 3.0 and rows["B"]["default_round"] == 1
    res = runner.invoke(
        app, ["stress", "--network", str(e), "--nodes", str(n), "--model", "debtrank", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["scenarios"] == 3  # DebtRank of every node
    res = runner.invoke(
        app,
        [
            "stress",
            "--network",
            str(e),
            "--nodes",
            str(n),
            "--model",
            "furfine",
            "--default",
            "A",
            "--lgd",
            "0.5",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    e, n = tmp_path / "e.csv", tmp_path / "n.csv"
    e.write_text("debtor,creditor,amount\nA,B,-10\n")
    n.write_text("id,external_assets,external_liabilities\nA,4,0\nB,3,0\n")
    out = tmp_path / "o.json"
    res = runner.invoke(
        app, ["stress", "--network", str(e), "--nodes", str(n), "--default", "A", "--out", str(out)]
    )
    assert res.exit_code == 2
    assert "row 1" in res.output and "field 'amount'" in res.output
    assert not out.exists()
    cases = [
        ["stress"],  # stresses nothing
        ["stress", "--default", "nobody"],
        ["stress", "--default", "openai", "--seniority", "junior"],
        ["stress", "--default", "openai", "--model", "firesale"],
        ["stress", "--default", "openai", "--model", "magic"],
        ["stress", "--network", str(e)],
        ["stress", "--demand-drop", "120"],
    ]
    for args in cases:
        assert runner.invoke(app, args).exit_code == 2, args
