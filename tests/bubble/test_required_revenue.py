"""Required-revenue arithmetic: hand-worked cases, monotonicity, the article's figures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kreislauf.bubble.required_revenue import (
    NETFLIX_MEMBERS,
    Param,
    RequiredRevenueInputs,
    article_check,
    implied_capital,
    implied_payers,
    required_revenue,
    required_revenue_usd_bn,
)
from kreislauf.errors import InputError


def test_by_hand():
    # 400 bn x (0.10 + 0.20) / 0.5 = 240 bn; per 1 bn payers: 240e9 / 1e9 / 12 = 20 USD a month
    inp = RequiredRevenueInputs(
        Param(400.0, "assumption: example"),
        Param(0.10, "assumption"),
        Param(0.20, "assumption"),
        Param(0.5, "assumption"),
        {"people": Param(1e9, "assumption")},
    )
    r = required_revenue(inp)
    assert r.revenue_usd_bn == pytest.approx(240.0)
    assert r.per_payer_monthly_usd["people"] == pytest.approx(20.0)
    assert set(r.summary()["assumptions"]) >= {"capital_usd_bn", "margin", "payers: people"}
    assert not r.summary()["lower_bound"]
    assert len(r.grid) == 36 and r.to_frame()["source"].str.len().gt(0).all()


def test_article_figures():
    """Seed 03 (J.P. Morgan, quoted): 650 bn a year = 35 USD a month per iPhone user or 180 USD
    per Netflix subscriber. Netflix reported 301.63 m paid memberships at end-2024 (Q4 2024
    shareholder letter): 650 bn / 301.63 m / 12 = 179.6 USD, so the 180 reproduces."""
    a = article_check().summary()
    assert a["implied Netflix subscribers (m)"] == pytest.approx(650e9 / 12 / 180 / 1e6)
    assert a["per Netflix membership per month, reported members (USD)"] == pytest.approx(
        179.58, abs=0.01
    )
    assert a["implied iPhone users (bn)"] == pytest.approx(1.5476, abs=1e-4)
    assert a["implied capital, no depreciation (perpetuity) (USD bn)"] == pytest.approx(6500.0)
    assert a["implied capital, 6-year life (USD bn)"] == pytest.approx(650 / (0.1 + 1 / 6))


@settings(max_examples=60, deadline=None)
@given(
    st.floats(1, 1e4),
    st.floats(1, 1e4),
    # no subnormal rates: below 2.2e-308, K (r + d) / m loses the digits the inversion needs
    st.floats(0, 0.3, allow_subnormal=False),
    st.floats(0, 0.3, allow_subnormal=False),
    st.floats(0, 0.5, allow_subnormal=False),
    st.floats(0.05, 1),
)
def test_monotone_in_return_and_capex(k1, k2, r1, r2, d, m):
    lo_k, hi_k = sorted((k1, k2))
    lo_r, hi_r = sorted((r1, r2))
    assert required_revenue_usd_bn(lo_k, lo_r, d, m) <= required_revenue_usd_bn(hi_k, lo_r, d, m)
    assert required_revenue_usd_bn(lo_k, lo_r, d, m) <= required_revenue_usd_bn(lo_k, hi_r, d, m)
    # a lower margin needs more revenue; inversion round-trips
    assert required_revenue_usd_bn(lo_k, lo_r, d, m) <= required_revenue_usd_bn(
        lo_k, lo_r, d, m / 2
    )
    if lo_r + d > 0:
        rev = required_revenue_usd_bn(lo_k, lo_r, d, m)
        assert implied_capital(rev, lo_r, d, m) == pytest.approx(lo_k, rel=1e-9)


def test_payers_round_trip():
    assert implied_payers(650.0, 180.0) * 180 * 12 == pytest.approx(650e9)
    assert NETFLIX_MEMBERS.source.startswith("Netflix")
    assert not NETFLIX_MEMBERS.is_assumption


def test_bad_inputs():
    with pytest.raises(InputError, match="source"):
        Param(1.0, "")
    with pytest.raises(InputError, match="margin"):
        RequiredRevenueInputs(Param(1.0, "assumption"), margin=Param(0.0, "assumption"))
    with pytest.raises(InputError, match="positive count"):
        RequiredRevenueInputs(Param(1.0, "assumption"), payers={"x": Param(0.0, "assumption")})
    with pytest.raises(InputError):
        implied_payers(1.0, 0.0)
    with pytest.raises(InputError):
        implied_capital(1.0, 0.0, 0.0, 1.0)
