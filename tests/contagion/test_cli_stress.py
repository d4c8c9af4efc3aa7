"""``kreislauf stress`` end to end: atlas and network inputs, JSON, exports, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
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
    assert s["nodes_with_balance_sheet"] >= 10  # the shipped, sourced balance sheets
    assert "microsoft" not in s["unresolved"]  # loses, and its balance sheet decides
    outcomes = {r["node"]: r for r in s["outcomes"]}
    assert outcomes["microsoft"]["outcome"] in ("survives", "defaults")
    assert outcomes["microsoft"]["balance_sheet_as_of"]
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


GOOD_NODES = "id,external_assets,external_liabilities\nA,4,0\nB,3,0\n"


def _network_files(tmp_path: Path, edges: str, nodes: str = GOOD_NODES) -> tuple[Path, Path]:
    e, n = tmp_path / "edges.csv", tmp_path / "nodes.csv"
    e.write_text(edges)
    n.write_text(nodes)
    return e, n


@pytest.mark.parametrize(
    ("edges", "nodes", "where", "field"),
    [
        # negative amount
        ("debtor,creditor,amount\nA,B,1\nB,A,-3\n", GOOD_NODES, "edges.csv, row 2", "amount"),
        # self-loop
        ("debtor,creditor,amount\nA,B,1\nB,B,2\n", GOOD_NODES, "edges.csv, row 2", "creditor"),
        # unknown node id (creditor and debtor)
        ("debtor,creditor,amount\nA,Q,1\n", GOOD_NODES, "edges.csv, row 1", "creditor"),
        ("debtor,creditor,amount\nA,B,1\nQ,A,1\n", GOOD_NODES, "edges.csv, row 2", "debtor"),
        # NaN in the edge list and in the node table
        ("debtor,creditor,amount\nA,B,1\nB,A,nan\n", GOOD_NODES, "edges.csv, row 2", "amount"),
        (
            "debtor,creditor,amount\nA,B,1\n",
            "id,external_assets,external_liabilities\nA,4,0\nB,NaN,0\n",
            "nodes.csv, row 2",
            "external_assets",
        ),
        # a node table that breaks the balance-sheet identity the engines assume
        (
            "debtor,creditor,amount\nA,B,1\n",
            "id,external_assets,external_liabilities,equity\nA,4,0,3\nB,3,0,5\n",
            "nodes.csv, row 2",
            "equity",
        ),
        # ... or implies negative external assets under it
        (
            "debtor,creditor,amount\nA,B,5\n",
            "id,external_liabilities,equity\nA,0,1\nB,0,2\n",
            "nodes.csv, row 2",
            "equity",
        ),
        # a table that mixes seniority conventions
        (
            "debtor,creditor,amount\nA,B,1\n",
            "id,external_assets,external_liabilities,seniority\nA,4,0,senior\nB,3,0,pari_passu\n",
            "nodes.csv, row 2",
            "seniority",
        ),
    ],
)
def test_each_kind_of_bad_network_exits_2_naming_row_and_field(
    tmp_path: Path, edges: str, nodes: str, where: str, field: str
) -> None:
    e, n = _network_files(tmp_path, edges, nodes)
    out = tmp_path / "out.json"
    res = runner.invoke(
        app, ["stress", "--network", str(e), "--nodes", str(n), "--default", "A", "--out", str(out)]
    )
    assert res.exit_code == 2, res.output
    assert f"{where}, field '{field}'" in res.output, res.output
    assert not out.exists()


def test_stated_convention_must_fit_the_requested_one(tmp_path: Path) -> None:
    e, n = _network_files(
        tmp_path,
        "debtor,creditor,amount\nA,B,1\n",
        "id,external_assets,external_liabilities,seniority\nA,4,0,senior\nB,3,0,\n",
    )
    args = ["stress", "--network", str(e), "--nodes", str(n), "--default", "A", "--json"]
    res = runner.invoke(app, [*args, "--seniority", "pari_passu"])
    assert res.exit_code == 2
    assert "nodes.csv, row 1, field 'seniority'" in res.output
    assert "does not fit the stated convention" in res.output
    # without --seniority the stated convention is used, and named in the output
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["seniority"] == "senior"


def test_batched_scenarios_from_a_file(tmp_path: Path) -> None:
    # A owes B 1; A has 4 of external assets (equity 3), B has 3 (equity 4).
    # s1: both lose 1 -> A still pays, equity losses 1 + 1 = 2, no default.
    # s2: A loses all 4 -> pays nothing and defaults; A loses 3 (its equity), B loses 1.
    e, n = _network_files(tmp_path, "debtor,creditor,amount\nA,B,1\n")
    sh = tmp_path / "shocks.csv"
    sh.write_text("scenario,node,shock\ns1,A,1\ns1,B,1\ns2,A,4\n")
    res = runner.invoke(
        app, ["stress", "--network", str(e), "--nodes", str(n), "--shocks", str(sh), "--json"]
    )
    assert res.exit_code == 0, res.output
    rows = {r["scenario"]: r for r in json.loads(res.stdout)["table"]}
    assert rows["s1"]["defaults"] == 0 and rows["s1"]["equity_loss_total"] == 2.0
    assert rows["s2"]["defaults"] == 1 and rows["s2"]["equity_loss_total"] == 4.0
    sh.write_text("scenario,node,shock\ns1,A,1\ns1,Z,1\ns2,A,-4\n")
    res = runner.invoke(
        app, ["stress", "--network", str(e), "--nodes", str(n), "--shocks", str(sh)]
    )
    assert res.exit_code == 2
    assert "shocks.csv, row 2, field 'node'" in res.output
    assert "shocks.csv, row 3, field 'shock'" in res.output


def test_every_mapping_assumption_can_be_changed(tmp_path: Path, mini_atlas, mini_bs) -> None:
    base = ["stress", "--atlas", str(mini_atlas.source_dir), "--balance-sheets", str(mini_bs)]
    base += ["--default", "lab", "--json"]
    res = runner.invoke(app, base)
    default_loss = json.loads(res.stdout)["summary"]["realised_loss_usd_bn"]
    res = runner.invoke(
        app,
        [
            *base,
            "--assume",
            "horizon_years=2.5",
            "--assume",
            "sales_statuses=definitive,loi",
            "--assume",
            "stakes_from_investments=false",
        ],
    )
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["summary"]
    assert s["assumptions"]["horizon_years"] == 2.5
    assert s["assumptions"]["sales_statuses"] == ["definitive", "loi"]
    assert s["assumptions"]["stakes_from_investments"] is False
    assert s["realised_loss_usd_bn"] > default_loss  # more falls due within 2.5 years
    for bad in ("bogus=1", "up_to_haircut=abc", "up_to_haircut=2", "horizon_years"):
        assert runner.invoke(app, [*base, "--assume", bad]).exit_code == 2, bad
