"""Online parsers on small fixtures in the services' formats (no network)."""

from __future__ import annotations

import json
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
