"""Loaders on the real files in ../shared/data, spot-checked against values read by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.conftest import shared_file

from kreislauf.data import discover, load_family, prices
from kreislauf.data.directory import FAMILIES


def test_every_family_is_found_in_shared_data(shared_data) -> None:
    found = discover(shared_data)
    assert all(found[f.name] for f in FAMILIES), {k: v for k, v in found.items() if not v}


def test_ai_stocks_wide_to_long(shared_data) -> None:
    d = load_family(shared_data, "ai_stocks")[0]
    f = d.frame
    assert set(f["symbol"]) >= {"NVDA", "MSFT", "ORCL", "AMD", "PLTR"}
    # First row of the file: 2000-01-03, NVDA 0.097526 (split-adjusted), MSFT 58.28125.
    first = f[f["date"] == "2000-01-03"].set_index("symbol")["close"]
    assert first["NVDA"] == pytest.approx(0.097526) and first["MSFT"] == pytest.approx(58.28125)
    assert "META" not in set(first.index)  # blank before its listing, not zero


def test_fred_blanks_are_dropped_and_counted(shared_data) -> None:
    d = load_family(shared_data, "nasdaq_composite")[0]
    assert d.notes and d.notes[0].startswith("dropped ")
    assert d.frame["close"].iloc[0] == 100.0  # 1971-02-05, the index base
    assert d.frame["date"].is_monotonic_increasing


def test_fundamentals_and_shiller_and_concentration(shared_data) -> None:
    fund = load_family(shared_data, "fundamentals")[0].frame
    nv = fund[(fund["symbol"] == "NVDA") & (fund["period_end"] == "2020-04-26")].iloc[0]
    assert nv["revenue"] == 3.08e9 and nv["capex"] == 1.55e8
    sh = load_family(shared_data, "shiller")[0].frame
    assert sh.loc[0, "date"] == pd.Timestamp("1871-01-01") and sh.loc[0, "P"] == 4.44
    conc = load_family(shared_data, "concentration")[0].frame
    assert len(conc) == 88 and conc["mag7_share"].between(0, 1).all()


def test_prices_combines_series(shared_data) -> None:
    p = prices(shared_data, ("sp500", "btc"))
    assert set(p["symbol"]) == {"^GSPC", "BTC-USD"}
    assert p.loc[p["symbol"] == "BTC-USD", "close"].iloc[0] == 4.58  # 2012-01-01


def test_single_file_helper_skips_with_reason_when_absent() -> None:
    path = shared_file("crypto/btc_usd_daily_2012_2026.csv")
    assert path.name.startswith("btc")
