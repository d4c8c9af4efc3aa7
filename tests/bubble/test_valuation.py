"""CAPE and trailing P/E: Shiller's own CAPE column, the data vendor's P/E, hand arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_file
from kreislauf.bubble.valuation import (
    index_valuation,
    market_caps_from_prices,
    market_caps_from_snapshots,
    stock_valuation,
)
from kreislauf.data.loaders import (
    load_concentration,
    load_constituents,
    load_fundamentals,
    load_shiller,
    load_wide_prices,
)
from kreislauf.errors import InputError

FIN = "fundamentals/sp500_constituents_financials_{}.csv"
SNAPS = ("2024-12-01", "2025-02-01", "2026-08-20")


@pytest.fixture(scope="module")
def shiller():
    return load_shiller(shared_file("shiller/shiller_ie_data_monthly.csv")).frame


@pytest.fixture(scope="module")
def fundamentals():
    path = shared_file("fundamentals/bigtech_quarterly_revenue_netincome_capex_2020_2026.csv")
    return load_fundamentals(path).frame


@pytest.fixture(scope="module")
def constituents():
    return pd.concat([load_constituents(shared_file(FIN.format(d))).frame for d in SNAPS])


def test_cape_reproduces_shillers_column(shiller):
    """Shiller's ie_data (July 2026 edition) CAPE column: recomputed to 1e-6 over 1881-2026."""
    v = index_valuation(shiller)
    f = v.frame.dropna(subset=["cape", "cape_shiller"])
    assert len(f) > 1700
    np.testing.assert_allclose(f["cape"], f["cape_shiller"], rtol=1e-6)
    # Shiller's column continues after E ends (2026-04); the strict 120-month window does not.
    assert v.frame.loc[v.frame["date"] == "2026-05-01", "cape"].isna().all()


def test_cape_november_2025_and_dotcom_peak(shiller):
    """Shiller's sheet: CAPE 39.15 in 2025-11; the dot-com peak 44.2 in 1999-12."""
    v = index_valuation(shiller)
    nov = v.at("2025-11")
    assert nov["cape"] == pytest.approx(39.1496, abs=1e-3)
    assert nov["trailing_pe"] == pytest.approx(6740.8858 / 238.8393, rel=1e-6)  # P / E of the row
    s = v.summary()
    assert s["cape_peak_month"] == "1999-12"
    assert s["cape_peak_to_2001"] == pytest.approx(44.198, abs=1e-2)
    assert s["cape_latest_month"] == "2026-04"
    with pytest.raises(InputError, match="outside the series"):
        v.at("1850-01")


def test_cape_by_hand():
    """Constant real earnings 2 and a price of 40 in the last month: CAPE = 40 / 2 = 20."""
    n = 14
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2000-01-01", periods=n, freq="MS"),
            "P": [10.0] * (n - 1) + [40.0],
            "E": [2.0] * n,
            "CPI": [1.0] * n,
        }
    )
    v = index_valuation(frame, window_months=12, lag_months=1)
    assert v.frame["cape"].iloc[-1] == pytest.approx(20.0)
    assert v.frame["cape"].iloc[:12].isna().all()  # fewer than 12 lagged months
    assert v.frame["trailing_pe"].iloc[-1] == pytest.approx(20.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(1, 1e4), min_size=30, max_size=30),
    st.lists(st.floats(0.1, 1e3), min_size=30, max_size=30),
    st.floats(0.5, 2.0),
)
def test_cape_positive_and_cpi_base_free(prices, earnings, base):
    frame = pd.DataFrame(
        {
            "date": pd.date_range("1990-01-01", periods=30, freq="MS"),
            "P": prices,
            "E": earnings,
            "CPI": np.linspace(100, 130, 30),
        }
    )
    a = index_valuation(frame, window_months=12).frame["cape"].dropna()
    b = index_valuation(frame.assign(CPI=frame["CPI"] * base), window_months=12).frame["cape"]
    assert (a > 0).all()
    np.testing.assert_allclose(a, b.dropna(), rtol=1e-9)


def test_bad_index_input():
    frame = pd.DataFrame(
        {"date": pd.to_datetime(["2000-01-01"]), "P": [1.0], "E": [1.0], "CPI": [0.0]}
    )
    with pytest.raises(InputError, match="CPI"):
        index_valuation(frame)
    with pytest.raises(InputError, match="missing"):
        index_valuation(frame.drop(columns=["E"]))


def test_stock_pe_matches_the_vendors_pe(fundamentals, constituents):
    """The constituents snapshots' own Price/Earnings (datasets/s-and-p-500-companies-financials):
    24 of 27 P/Es of the nine companies with fundamentals lie within 5 %, median gap < 2 %."""
    syms = ["NVDA", "MSFT", "GOOGL", "META", "AAPL", "AMZN", "ORCL", "AVGO", "AMD"]
    caps = market_caps_from_snapshots(None, constituents, syms)
    f = stock_valuation(fundamentals, caps).frame
    gap = (f["trailing_pe"] / f["snapshot_pe"] - 1).abs()
    assert len(f) == 27
    assert (gap < 0.05).sum() >= 24
    assert gap.median() < 0.02
    nv = f[(f["symbol"] == "NVDA") & (f["date"] == "2026-08-20")].iloc[0]
    # NVDA 2026-08-20: cap 5.2695 tn (snapshot) / net income of the four quarters to 2026-04-26.
    q = fundamentals[
        (fundamentals["symbol"] == "NVDA") & (fundamentals["period_end"] <= "2026-04-26")
    ]
    assert nv["trailing_pe"] == pytest.approx(5269520646144.0 / q["net_income"].tail(4).sum())
    assert nv["quarters_used"].endswith("2026-04-26")


def test_stock_pe_nulls_and_lag(fundamentals):
    caps = pd.DataFrame(
        {
            "symbol": ["TSLA", "NVDA", "NVDA"],
            "date": pd.to_datetime(["2026-08-20", "2020-06-01", "2026-08-20"]),
            "market_cap": [1e12, 1e12, 1e12],
            "cap_source": ["x", "x", "x"],
        }
    )
    f = stock_valuation(fundamentals, caps).frame.set_index(["symbol", "date"])
    assert np.isnan(f.loc[("TSLA", pd.Timestamp("2026-08-20")), "trailing_pe"])
    assert "no quarterly fundamentals" in f.loc[("TSLA", pd.Timestamp("2026-08-20")), "note"]
    assert "only" in f.loc[("NVDA", pd.Timestamp("2020-06-01")), "note"]
    # a longer reporting lag can only use older quarters
    late = stock_valuation(fundamentals, caps, report_lag_days=120).frame
    assert (
        late["quarters_used"].iloc[1]
        < stock_valuation(fundamentals, caps).frame["quarters_used"].iloc[1]
    )


def test_negative_earnings_give_null():
    fund = pd.DataFrame(
        {
            "symbol": ["X"] * 4,
            "period_end": pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]),
            "net_income": [1.0, -5.0, 1.0, 1.0],
        }
    )
    caps = pd.DataFrame(
        {
            "symbol": ["X"],
            "date": [pd.Timestamp("2025-06-01")],
            "market_cap": [100.0],
            "cap_source": ["hand"],
        }
    )
    f = stock_valuation(fund, caps).frame
    assert np.isnan(f["trailing_pe"].iloc[0]) and "not positive" in f["note"].iloc[0]
    ok = stock_valuation(fund.assign(net_income=[1.0, 2.0, 3.0, 4.0]), caps).frame
    assert ok["trailing_pe"].iloc[0] == pytest.approx(10.0)  # 100 / (1 + 2 + 3 + 4)


def test_caps_from_prices_nvidia_november_2025(fundamentals, constituents):
    """NVDA on 2025-11-17 (article 02's date): close x shares of the latest snapshot."""
    px = load_wide_prices(shared_file("stocks/ai_stocks_daily_close_2000_2026.csv")).frame
    caps = market_caps_from_prices(px, constituents, ["2025-11-17"], ["NVDA"])
    assert len(caps) == 1 and "2026-08-20" in caps["cap_source"].iloc[0]
    pe = stock_valuation(fundamentals, caps).frame["trailing_pe"].iloc[0]
    assert 30 < pe < 70


def test_concentration_snapshot_caps(constituents):
    conc = load_concentration(
        shared_file("fundamentals/sp500_marketcap_concentration_snapshots.csv")
    )
    caps = market_caps_from_snapshots(conc.frame, constituents, ["NVDA"])
    assert caps["date"].nunique() == 88  # every snapshot date has NVDA's cap
    assert caps.loc[caps["date"] == "2026-08-20", "cap_source"].iloc[0].startswith("constituents")
