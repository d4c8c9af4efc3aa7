"""Magnificent-7 and largest-7 shares: each company once, against the files' own figures."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import shared_file

from kreislauf.bubble.concentration import MAG7, company_key, concentration
from kreislauf.data.loaders import load_concentration, load_constituents
from kreislauf.errors import InputError

SNAPS = ("2024-12-01", "2025-02-01", "2026-08-20")


@pytest.fixture(scope="module")
def snaps():
    path = shared_file("fundamentals/sp500_marketcap_concentration_snapshots.csv")
    return load_concentration(path).frame


@pytest.fixture(scope="module")
def cons():
    return pd.concat(
        [
            load_constituents(
                shared_file(f"fundamentals/sp500_constituents_financials_{d}.csv")
            ).frame
            for d in SNAPS
        ]
    )


def test_file_share_counts_alphabet_twice(snaps):
    """The file's mag7_share (0.3865 on 2026-08-20) equals the eight listings AAPL MSFT NVDA
    AMZN GOOGL GOOG META TSLA over the total: Alphabet is in it twice."""
    r = snaps.iloc[-1]
    eight = sum(r[f"mcap_{s}"] for s in (*MAG7, "GOOG"))
    assert r["mag7_share"] == pytest.approx(eight / r["total_market_cap"], rel=1e-12)
    assert r["mag7_share"] == pytest.approx(0.386475, abs=1e-6)


def test_latest_shares_by_hand(snaps, cons):
    res = concentration(snaps, cons)
    s = res.latest("concentration snapshot")
    r = snaps.iloc[-1]
    total = r["total_market_cap"] - r["mcap_GOOG"]
    assert s["mag7_share"] == pytest.approx(sum(r[f"mcap_{x}"] for x in MAG7) / total)
    assert s["mag7_share"] == pytest.approx(0.3482, abs=1e-4)
    # 2026-08-20: Broadcom (1.72 tn) has passed Tesla and Meta into the largest seven.
    assert s["top7_members"] == "NVDA, AAPL, GOOGL, MSFT, AMZN, AVGO, META"
    assert s["top7_share"] == pytest.approx(0.3533, abs=1e-4)
    assert s["top7_verified"] is True
    c = res.latest("constituents financials")
    assert c["duplicates_removed"] == "FOX, GOOG, NWS"
    assert c["n_missing_cap"] == 17 and "BRK.B" in c["missing_cap_symbols"]
    assert abs(c["mag7_share"] - s["mag7_share"]) < 0.001  # FOX/NWS duplicates are small


def test_name_grouping_matches_cik(cons):
    """The constituents list (datasets/s-and-p-500-companies) gives one CIK per company: the
    listings sharing a CIK are exactly those sharing a name without '(Class X)'."""
    lst = pd.read_csv(shared_file("fundamentals/sp500_constituents_2026-08-08.csv"))
    by_cik = {tuple(sorted(g["Symbol"])) for _, g in lst.groupby("CIK") if len(g) > 1}
    lst["key"] = lst["Security"].map(company_key)
    by_name = {tuple(sorted(g["Symbol"])) for _, g in lst.groupby("key") if len(g) > 1}
    assert by_cik == by_name == {("GOOG", "GOOGL"), ("FOX", "FOXA"), ("NWS", "NWSA")}


def test_every_share_in_unit_interval_and_top7_at_least_mag7(snaps, cons):
    f = concentration(snaps, cons).frame
    for col in ("mag7_share", "top7_share"):
        assert f[col].between(0, 1).all()
    assert (f["top7_share"] >= f["mag7_share"] - 1e-12).all()
    assert (f["mag7_share"] < f["mag7_share_file"].fillna(1)).all()
    snap = f[f["basis"] == "concentration snapshot"]
    assert snap["top7_verified"].dropna().tolist() == [True, True, True]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(1e9, 5e12), min_size=9, max_size=9), st.floats(1.05, 5))
def test_share_properties(caps, rest):
    syms = [*MAG7, "AVGO", "GOOG"]
    d = dict(zip(syms, caps, strict=True))
    d["GOOG"] = d["GOOGL"]  # both listings carry the company's cap
    total = sum(d.values()) * rest  # the other constituents add (rest - 1) of it
    frame = pd.DataFrame(
        [
            {
                "snapshot_date": pd.Timestamp("2025-01-01"),
                "total_market_cap": total,
                **{f"mcap_{k}": v for k, v in d.items()},
            }
        ]
    )
    r = concentration(frame).frame.iloc[0]
    assert 0 < r["mag7_share"] <= r["top7_share"] * (1 + 1e-12) <= 1
    assert r["total_cap"] == pytest.approx(total - d["GOOG"])


def test_bad_input():
    with pytest.raises(InputError):
        concentration()
    bad = pd.DataFrame({"snapshot_date": [pd.Timestamp("2025-01-01")], "total_market_cap": [0.0]})
    with pytest.raises(InputError, match="positive total"):
        concentration(bad)
