"""Hyperscaler capex against revenue on the shared quarterly fundamentals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import shared_file

from kreislauf.bubble.capex import AIRevenue, capex_intensity
from kreislauf.data.loaders import load_fundamentals
from kreislauf.errors import InputError


@pytest.fixture(scope="module")
def fund():
    path = shared_file("fundamentals/bigtech_quarterly_revenue_netincome_capex_2020_2026.csv")
    return load_fundamentals(path).frame


def test_calendar_2025_capex(fund):
    """Capex of MSFT, GOOGL, AMZN, META in the quarters ending in 2025, summed by hand from the
    file's rows (SEC XBRL PaymentsToAcquirePropertyPlantAndEquipment): 376.051 bn USD."""
    r = capex_intensity(fund, symbols=("MSFT", "GOOGL", "AMZN", "META"))
    sel = fund[
        fund["symbol"].isin(["MSFT", "GOOGL", "AMZN", "META"])
        & (fund["period_end"].dt.year == 2025)
    ]
    assert len(sel) == 16
    t = r.year_total(2025)
    assert t["capex"] == pytest.approx(sel["capex"].sum())
    assert t["capex"] / 1e9 == pytest.approx(376.051, abs=1e-3)
    assert t["capex_to_revenue"] == pytest.approx(sel["capex"].sum() / sel["revenue"].sum())


def test_gaps_are_named_not_filled(fund):
    r = capex_intensity(fund)
    t = r.year_total(2024)
    assert np.isnan(t["capex"])
    assert "MSFT 2024-03-31" in t["missing"]
    q = r.quarterly[(r.quarterly["symbol"] == "MSFT") & (r.quarterly["period_end"] == "2024-09-30")]
    assert np.isnan(q["capex_ttm"].iloc[0])  # the four quarters include the blank 2024-06-30


def test_ttm_by_hand(fund):
    r = capex_intensity(fund, symbols=("ORCL",))
    q = r.quarterly.set_index("period_end")
    four = fund[(fund["symbol"] == "ORCL") & (fund["period_end"] <= "2026-05-31")].tail(4)
    row = q.loc[pd.Timestamp("2026-05-31")]
    assert row["capex_ttm"] == pytest.approx(four["capex"].sum())  # 55.663 bn
    assert row["capex_ttm"] / 1e9 == pytest.approx(8.502 + 12.033 + 18.635 + 16.493)
    assert row["capex_to_revenue_ttm"] == pytest.approx(four["capex"].sum() / four["revenue"].sum())


def test_ai_revenue_is_null_without_a_sourced_figure(fund):
    r = capex_intensity(fund)
    assert r.summary()["ai_revenue"] is None
    ai = AIRevenue("MSFT", "2025-01-01", "2025-12-31", 20.0, "user-supplied test figure")
    row = capex_intensity(fund, ai_revenue=(ai,)).ai.iloc[0]
    assert row["capex_usd_bn"] == pytest.approx(83.094)  # MSFT's four 2025 quarters
    assert row["capex_per_ai_revenue"] == pytest.approx(83.094 / 20.0)
    with pytest.raises(InputError, match="source"):
        AIRevenue("MSFT", "2025-01-01", "2025-12-31", 20.0, " ")
    with pytest.raises(InputError, match="SYMBOL:START"):
        AIRevenue.parse("MSFT:2025")
    assert AIRevenue.parse("MSFT:2025-01-01:2025-12-31:13:call, 2025").source == "call, 2025"


def test_unknown_symbol(fund):
    with pytest.raises(InputError, match="no fundamentals"):
        capex_intensity(fund, symbols=("XYZ",))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(1, 100), min_size=8, max_size=8), st.floats(0.01, 0.9))
def test_ratio_is_share_of_revenue(revenue, share):
    dates = pd.date_range("2023-03-31", periods=8, freq="QE")
    f = pd.DataFrame(
        {
            "symbol": "X",
            "period_end": dates,
            "revenue": revenue,
            "capex": [v * share for v in revenue],
        }
    )
    q = capex_intensity(f, symbols=("X",)).quarterly
    np.testing.assert_allclose(q["capex_to_revenue"], share)
    np.testing.assert_allclose(q["capex_to_revenue_ttm"].dropna(), share)
    assert q["capex_ttm"].notna().sum() == 5
