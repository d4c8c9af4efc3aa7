"""Reading networks from CSV/Parquet: good files and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kreislauf.contagion.loaders import read_network
from kreislauf.errors import InputError


def write(tmp_path, edges: str, nodes: str):
    e = tmp_path / "edges.csv"
    n = tmp_path / "nodes.csv"
    e.write_text(edges)
    n.write_text(nodes)
    return e, n


GOOD_EDGES = "debtor,creditor,amount\nA,B,10\nB,C,10\nA,B,2\n"
GOOD_NODES = "id,external_assets,external_liabilities\nA,4,0\nB,3,1\nC,0,0\n"


def test_reads_csv_and_sums_duplicate_edges(tmp_path):
    net = read_network(*write(tmp_path, GOOD_EDGES, GOOD_NODES))
    assert net.node_ids == ("A", "B", "C")
    assert net.liabilities[0, 1] == 12
    np.testing.assert_allclose(net.equity, [4 - 12, 3 + 12 - 10 - 1, 10])


def test_reads_parquet_and_derives_external_assets_from_equity(tmp_path):
    pd.DataFrame({"debtor": ["A"], "creditor": ["B"], "amount": [5.0]}).to_parquet(
        tmp_path / "e.parquet"
    )
    pd.DataFrame(
        {"id": ["A", "B"], "equity": [1.0, 2.0], "external_liabilities": [0.0, 0.0]}
    ).to_parquet(tmp_path / "n.parquet")
    # B (owed 5, equity 2) would need external assets of -3: rejected, row and field named
    with pytest.raises(InputError, match="does not fit the stated convention") as info:
        read_network(tmp_path / "e.parquet", tmp_path / "n.parquet")
    assert info.value.problems[0].row == 2
    pd.DataFrame(
        {"id": ["A", "B"], "equity": [1.0, 9.0], "external_liabilities": [0.0, 0.0]}
    ).to_parquet(tmp_path / "n.parquet")
    net = read_network(tmp_path / "e.parquet", tmp_path / "n.parquet")
    np.testing.assert_allclose(net.external_assets, [6.0, 4.0])  # 1 = e - 5; 9 = e + 5


@pytest.mark.parametrize(
    ("edges", "nodes", "row", "field", "text"),
    [
        ("debtor,creditor,amount\nA,B,-1\n", GOOD_NODES, 1, "amount", "non-negative"),
        ("debtor,creditor,amount\nA,B,10\nA,A,1\n", GOOD_NODES, 2, "creditor", "self-loop"),
        ("debtor,creditor,amount\nA,Z,1\n", GOOD_NODES, 1, "creditor", "unknown node"),
        ("debtor,creditor,amount\nA,B,nan\n", GOOD_NODES, 1, "amount", "NaN"),
        ("debtor,creditor,amount\nA,B,ten\n", GOOD_NODES, 1, "amount", "expected a number"),
        (
            GOOD_EDGES,
            "id,external_assets,external_liabilities\nA,4,0\nA,3,1\nC,0,0\n",
            2,
            "id",
            "duplicate",
        ),
        (
            GOOD_EDGES,
            "id,external_assets,external_liabilities,equity\nA,4,0,-8\nB,3,1,4\nC,0,0,99\n",
            3,
            "equity",
            "does not fit",
        ),
        (
            GOOD_EDGES,
            "id,external_liabilities,equity\nA,0,-20\nB,1,4\nC,0,10\n",
            1,
            "equity",
            "does not fit the stated convention",
        ),
    ],
)
def test_bad_input_names_file_row_field(tmp_path, edges, nodes, row, field, text):
    e, n = write(tmp_path, edges, nodes)
    with pytest.raises(InputError) as info:
        read_network(e, n)
    hit = [p for p in info.value.problems if p.row == row and p.field == field]
    assert hit, str(info.value)
    assert text in hit[0].message
    assert hit[0].file in (str(e), str(n))


def test_missing_columns_and_files(tmp_path):
    e, n = write(tmp_path, "from,to,amount\nA,B,1\n", "id,equity\nA,1\n")
    with pytest.raises(InputError) as info:
        read_network(e, n)
    fields = {p.field for p in info.value.problems}
    assert {"debtor", "creditor", "columns"} <= fields
    with pytest.raises(InputError, match="not found"):
        read_network(tmp_path / "nope.csv", n)
    (tmp_path / "x.xlsx").write_text("")
    with pytest.raises(InputError, match="suffix"):
        read_network(tmp_path / "x.xlsx", n)


def test_parquet_nan_and_infinity_named(tmp_path):
    pd.DataFrame(
        {"debtor": ["A", "B"], "creditor": ["B", "A"], "amount": [1.0, np.nan]}
    ).to_parquet(tmp_path / "e.parquet")
    pd.DataFrame(
        {"id": ["A", "B"], "external_assets": [np.inf, 1.0], "external_liabilities": [0.0, 0.0]}
    ).to_parquet(tmp_path / "n.parquet")
    with pytest.raises(InputError) as info:
        read_network(tmp_path / "e.parquet", tmp_path / "n.parquet")
    where = {(p.row, p.field) for p in info.value.problems}
    assert {(2, "amount"), (1, "external_assets")} <= where


def test_seniority_column(tmp_path):
    from kreislauf.contagion.loaders import read_network_and_convention

    e, n = write(
        tmp_path,
        GOOD_EDGES,
        GOOD_NODES.replace("\n", ",senior\n").replace(
            "external_liabilities,senior", "external_liabilities,seniority"
        ),
    )
    net, stated = read_network_and_convention(e, n)
    assert stated == "senior" and net.n == 3
    with pytest.raises(InputError, match="does not fit the stated convention"):
        read_network(e, n, seniority="pari_passu")
    n.write_text(
        "id,external_assets,external_liabilities,seniority\nA,4,0,junior\nB,3,1,\nC,0,0,\n"
    )
    with pytest.raises(InputError) as info:
        read_network(e, n)
    assert (info.value.problems[0].row, info.value.problems[0].field) == (1, "seniority")
