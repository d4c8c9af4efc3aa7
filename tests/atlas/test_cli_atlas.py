"""``kreislauf atlas`` end to end: exit codes, exports, atomic additions, the store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from kreislauf.atlas import SHIPPED_DIR, load_atlas
from kreislauf.cli.main import app
from kreislauf.store import Store

runner = CliRunner()


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "atlas"
    shutil.copytree(SHIPPED_DIR, d)
    return d


def test_validate_shipped_atlas_json() -> None:
    res = runner.invoke(app, ["atlas", "validate", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert s["valid"] and s["relations"] >= 60
    assert s["with_amount"] + s["undisclosed"] == s["relations"]


def test_validate_bad_atlas_exits_2_naming_the_place(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    rel = pd.read_csv(d / "relations.csv", dtype=str, keep_default_na=False)
    rel.loc[3, "amount_usd_bn"] = "-4"
    rel.to_csv(d / "relations.csv", index=False)
    res = runner.invoke(app, ["atlas", "validate", str(d)])
    assert res.exit_code == 2
    assert "relations.csv, row 4, field 'amount_usd_bn'" in res.output


def test_show_filters_and_exports(tmp_path: Path) -> None:
    out = tmp_path / "oracle.csv"
    res = runner.invoke(app, ["atlas", "show", "--entity", "oracle", "--json", "--out", str(out)])
    assert res.exit_code == 0
    rows = json.loads(res.stdout.split("\nwrote")[0])
    assert rows and all("oracle" in (r["from_id"], r["to_id"]) for r in rows)
    assert len(pd.read_csv(out)) == len(rows)
    assert runner.invoke(app, ["atlas", "show", "--entity", "nobody"]).exit_code == 2
    assert runner.invoke(app, ["atlas", "show", "--type", "gift"]).exit_code == 2


def _flags(d: Path, **over: str) -> list[str]:
    base = {
        "--atlas": str(d),
        "--id": "R900",
        "--type": "purchase_commitment",
        "--from": "meta",
        "--to": "google",
        "--amount": "10",
        "--qualifier": "estimate",
        "--announced": "2025-08",
        "--tier": "secondary",
        "--source-url": "https://example.org/x",
        "--quote": "a quote",
        "--notes": "searched for a release; none found",
    }
    base.update(over)
    return ["atlas", "add", *[x for kv in base.items() for x in kv]]


def test_add_appends_a_valid_relation(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    res = runner.invoke(app, _flags(d))
    assert res.exit_code == 0, res.output
    assert "R900" in set(load_atlas(d).relations["id"])


def test_add_rejects_bad_rows_and_writes_nothing(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    before = (d / "relations.csv").read_bytes()
    res = runner.invoke(app, _flags(d, **{"--to": "nobody"}))
    assert res.exit_code == 2 and "field 'to_id': unknown entity 'nobody'" in res.output
    res = runner.invoke(app, _flags(d, **{"--id": "R001"}))
    assert res.exit_code == 2 and "duplicate id 'R001'" in res.output
    bad = tmp_path / "new.csv"
    pd.DataFrame(
        [
            {
                "id": "R901",
                "type": "loan",
                "from_id": "meta",
                "to_id": "google",
                "amount_usd_bn": "nan",
                "amount_qualifier": "firm",
                "announced": "2025-02-30",
                "status": "reported",
                "tier": "secondary",
                "source_url": "https://x.org",
                "source_quote": "q",
            }
        ]
    ).to_csv(bad, index=False)
    res = runner.invoke(app, ["atlas", "add", "--atlas", str(d), "--file", str(bad)])
    assert res.exit_code == 2
    assert "new.csv, row 1, field 'amount_usd_bn'" in res.output
    assert "new.csv, row 1, field 'announced'" in res.output
    assert (d / "relations.csv").read_bytes() == before


def test_load_into_store_and_rejected_atlas_leaves_store_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["atlas", "load", "--store", str(store)])
    assert res.exit_code == 0, res.output
    with Store(store) as s:
        n = len(s.read_table("atlas_relations"))
        assert n == len(load_atlas().relations)
    d = _copy(tmp_path)
    (d / "entities.csv").write_text("id,name\nx,X\n", encoding="utf-8")
    res = runner.invoke(app, ["atlas", "load", "--atlas", str(d), "--store", str(store)])
    assert res.exit_code == 2 and "missing required column" in res.output
    with Store(store) as s:
        assert len(s.read_table("atlas_relations")) == n
