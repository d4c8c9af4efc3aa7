"""Online parsers on small fixtures in the services' formats (no network)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from kreislauf.data.online import parse_sec_companyfacts, parse_yfinance_history
from kreislauf.errors import InputError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "online"


def test_sec_companyfacts_quarters_and_derived_q4() -> None:
    payload = json.loads((FIX / "sec_companyfacts_nvda_fy2021.json").read_text())
    q = parse_sec_companyfacts(payload, "NVDA").set_index("period_end")
    # Q4 = FY - Q1 - Q2 - Q3 must give back the real file's fourth quarter (2021-01-31).
    assert q.loc["2021-01-31", "revenue"] == pytest.approx(5.003e9)
    assert q.loc["2021-01-31", "net_income"] == pytest.approx(1.457e9)
    assert q.loc["2020-04-26", "revenue"] == pytest.approx(3.080e9)
    # Capex year-to-date facts are differenced into quarters; no 10-K value, so no Q4.
    assert q.loc["2020-10-25", "capex"] == pytest.approx(8.45e8)
    assert q.loc["2020-07-26", "capex"] == pytest.approx(2.17e8)
    assert pd.isna(q.loc["2021-01-31", "capex"])


def test_sec_without_facts_is_an_error() -> None:
    with pytest.raises(InputError, match="no quarterly facts"):
        parse_sec_companyfacts({"facts": {}}, "X")


def test_yfinance_history() -> None:
    raw = pd.read_csv(FIX / "yfinance_history_nvda.csv")
    raw.index = pd.to_datetime(raw.pop("Date"), utc=True)
    p = parse_yfinance_history(raw, "NVDA")
    assert p["date"].iloc[-1] == pd.Timestamp("2026-08-21")
    assert p["close"].iloc[-1] == pytest.approx(214.720001)
    raw.loc[raw.index[0], "Close"] = -1.0
    with pytest.raises(InputError, match="non-positive"):
        parse_yfinance_history(raw, "NVDA")


def test_sec_balance_sheet_latest_date_with_its_filing() -> None:
    from kreislauf.contagion.balance_sheets import load_balance_sheets
    from kreislauf.data.online import parse_sec_balance_sheet

    payload = json.loads((FIX / "sec_companyfacts_orcl_balance_2025q1.json").read_text())
    rows = parse_sec_balance_sheet(payload, "oracle", 1341439).set_index("metric")
    # the latest date with equity; the duration fact (revenue) is not a balance-sheet figure
    assert set(rows.index) == {"total_assets", "equity", "cash"}
    assert set(rows["as_of"]) == {"2025-08-31"}
    assert rows.loc["equity", "value"] == pytest.approx(24.666)
    assert rows.loc["total_assets", "value"] == pytest.approx(180.449)
    assert set(rows["source_accession"]) == {"0001193125-25-200095"}
    assert rows.loc["equity", "source_url"] == (
        "https://www.sec.gov/Archives/edgar/data/1341439/000119312525200095/"
    )
    # the rows are a valid balance-sheet file: evidence rules hold (quote contains the figure,
    # filing on sec.gov with the URL's accession), and the stress inputs derive liabilities
    # as assets - equity because Oracle reports no total-liabilities line
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bs.csv"
        rows.reset_index().to_csv(path, index=False)
        sheet = load_balance_sheets(path, ("oracle",)).set_index("id")
    assert sheet.loc["oracle", "equity_usd_bn"] == pytest.approx(24.666)
    assert sheet.loc["oracle", "external_liabilities_usd_bn"] == pytest.approx(180.449 - 24.666)
    assert "assets - equity" in sheet.loc["oracle", "basis"]


def test_sec_balance_sheet_without_equity_is_an_input_error() -> None:
    from kreislauf.data.online import parse_sec_balance_sheet

    with pytest.raises(InputError, match="no stockholders' equity"):
        parse_sec_balance_sheet({"facts": {"us-gaap": {}}}, "x", 1)
