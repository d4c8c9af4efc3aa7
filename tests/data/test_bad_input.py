"""Bad data files: exit 2 with file, row and field; nothing written to the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kreislauf.cli.main import app
from kreislauf.data.loaders import load_fundamentals, load_price_table, load_wide_prices
from kreislauf.errors import InputError
from kreislauf.store import Store

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "body, expected",
    [
        ("date,close\n2024-01-02,10\n2024-01-03,nan\n", "row 2, field 'close'"),
        ("date,close\n2024-01-02,10\n2024-01-03,inf\n", "row 2, field 'close'"),
        ("date,close\n2024-01-02,10\n2024-01-03,-1\n", "row 2, field 'close'"),
        ("date,close\n2024-01-02,10\n2024-01-03,0\n", "row 2, field 'close'"),
        ("date,close\n2024-01-02,10\n2024-01-03,abc\n", "row 2, field 'close'"),
        ("date,close\n2024-01-02,10\n2024-01-02,11\n", "row 2, field 'date': duplicated"),
        ("date,close\n2024-01-03,10\n2024-01-02,11\n", "row 2, field 'date': date 2024-01-02"),
        ("date,close\n2024-01-02,10\n2024-13-40,11\n", "row 2, field 'date': expected a date"),
        ("day,close\n2024-01-02,10\n", "row 0, field 'date': missing required column"),
    ],
)
def test_price_file_problems(tmp_path: Path, body: str, expected: str) -> None:
    p = write(tmp_path, "px.csv", body)
    with pytest.raises(InputError) as err:
        load_price_table(p, "date", "close", symbol="X")
    assert f"px.csv, {expected}" in str(err.value)


def test_wide_file_allows_blanks_before_listing_but_not_zero(tmp_path: Path) -> None:
    ok = write(tmp_path, "w.csv", "Date,A,B\n2024-01-02,1,\n2024-01-03,2,5\n")
    assert len(load_wide_prices(ok).frame) == 3
    bad = write(tmp_path, "w2.csv", "Date,A,B\n2024-01-02,1,0\n")
    with pytest.raises(InputError, match=r"w2\.csv, row 1, field 'B'"):
        load_wide_prices(bad)


def test_fundamentals_need_numbers(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "f.csv",
        "symbol,period_end,revenue,net_income,capex\nX,2024-03-31,10,1,\nX,2024-06-30,lots,1,2\n",
    )
    with pytest.raises(InputError, match=r"f\.csv, row 2, field 'revenue'"):
        load_fundamentals(p)


def test_cli_load_rejects_bad_directory_and_leaves_store_unchanged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    write(data, "btc_usd_daily_2012_2026.csv", "Date,BTC_USD\n2012-01-01,4.58\n")
    store = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["data", "load", "--data-dir", str(data), "--store", str(store)])
    assert res.exit_code == 0, res.output
    with Store(store) as s:
        assert s.tables() == ["data_btc"]
    write(data, "btc_usd_daily_2012_2026.csv", "Date,BTC_USD\n2012-01-01,4.58\n2012-01-02,-1\n")
    res = runner.invoke(app, ["data", "load", "--data-dir", str(data), "--store", str(store)])
    assert res.exit_code == 2
    assert "btc_usd_daily_2012_2026.csv, row 2, field 'BTC_USD'" in res.output
    with Store(store) as s:
        assert len(s.read_table("data_btc")) == 1


def test_cli_without_data_dir_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KREISLAUF_DATA_DIR", raising=False)
    # (data show without a directory lists the bundled data: tests/data/test_bundle.py)
    res = runner.invoke(app, ["data", "load"])
    assert res.exit_code == 2 and "--data-dir" in res.output


def test_cli_show_coverage(shared_data) -> None:
    import json

    res = runner.invoke(app, ["data", "show", "--data-dir", str(shared_data), "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert {r["family"] for r in rows} >= {"shiller", "fundamentals", "ai_stocks"}
