"""The Cournot solver against textbook closed forms, and its invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kreislauf.memory.cournot import cournot_equilibrium

BIG = np.full(3, 1e12)


def test_symmetric_cournot_closed_form() -> None:
    # Inverse demand P = a - bQ with a = 100, b = 1 (segment D = 100 - P); N = 3, c = 10:
    # P* = (a + N c) / (N + 1) = 32.5, q* = (a - c) / ((N + 1) b) = 22.5 (Tirole 1988, ch. 5).
    e = cournot_equilibrium(np.array([100.0]), np.array([1.0]), np.full(3, 10.0), BIG)
    assert e.price == pytest.approx(32.5)
    np.testing.assert_allclose(e.quantities, 22.5)


def test_asymmetric_costs_closed_form() -> None:
    # q_i = (a - (N+1) c_i + sum c) / ((N+1) b): costs 10, 20, 30 -> 30, 20, 10; P = 40.
    e = cournot_equilibrium(np.array([100.0]), np.array([1.0]), np.array([10.0, 20, 30]), BIG)
    np.testing.assert_allclose(e.quantities, [30.0, 20.0, 10.0])
    assert e.price == pytest.approx(40.0)


def test_binding_capacity_gives_inverse_demand_at_capacity() -> None:
    e = cournot_equilibrium(np.array([100.0]), np.array([1.0]), np.full(3, 10.0), np.full(3, 5.0))
    assert e.price == pytest.approx(85.0)
    np.testing.assert_allclose(e.quantities, 5.0)


def test_two_segments_with_kink() -> None:
    # Segments D1 = 10 - P (choke 10) and D2 = 40 - 2P (choke 20); monopoly, c = 0, no cap.
    # On P < 10: D = 50 - 3P, monopoly: q = P * 3 and q = 50 - 3P -> P = 25/3 = 8.33 < 10.
    e = cournot_equilibrium(np.array([10.0, 40]), np.array([1.0, 2]), np.zeros(1), np.full(1, 1e9))
    assert e.price == pytest.approx(25 / 3)
    np.testing.assert_allclose(e.demand, [10 - 25 / 3, 40 - 50 / 3])


def test_released_stock_lowers_price_and_glut() -> None:
    a, b, c, k = np.array([100.0]), np.array([1.0]), np.full(3, 10.0), np.full(3, 5.0)
    base = cournot_equilibrium(a, b, c, k)
    more = cournot_equilibrium(a, b, c, k, released=30.0)
    assert more.price == pytest.approx(55.0)  # 100 - (15 + 30)
    assert more.price < base.price
    glut = cournot_equilibrium(a, b, c, k, released=150.0)
    assert glut.glut and glut.price == 0.0


def test_rejects_invalid_inputs() -> None:
    with pytest.raises(ValueError):
        cournot_equilibrium(np.array([100.0]), np.array([0.0]), np.ones(1), np.ones(1))


market = st.tuples(
    st.lists(st.floats(1, 100), min_size=1, max_size=3),  # segment quantities at P = 1
    st.lists(st.floats(0.05, 2.0), min_size=3, max_size=3),  # elasticities
    st.lists(st.floats(0.0, 0.9), min_size=1, max_size=4),  # costs
    st.lists(st.floats(0.1, 100), min_size=4, max_size=4),  # capacities
)


def _solve(m, scale=1.0, released=0.0):
    q, e, c, k = m
    q = np.array(q)
    e = np.array(e[: len(q)])
    c = np.array(c)
    k = np.array(k[: len(c)]) * scale
    return cournot_equilibrium(q * (1 + e), e * q, c, k, released), q, e, c, k


@settings(max_examples=200, deadline=None)
@given(market)
def test_market_clears_and_respects_capacity(m) -> None:
    eq, q, e, c, k = _solve(m)
    assert np.all(eq.quantities <= k + 1e-9)
    assert np.all(eq.quantities >= 0)
    assert eq.quantities.sum() + eq.released == pytest.approx(eq.demand.sum(), rel=1e-9, abs=1e-9)
    # Every producer is at a best response: interior firms satisfy the first-order condition.
    active = q * (1 + e) - e * q * eq.price > 0
    slope = float((e * q)[active].sum())
    for qi, ci, ki in zip(eq.quantities, c, k, strict=True):
        if 1e-9 < qi < ki - 1e-9:
            assert eq.price - ci - qi / slope == pytest.approx(0.0, abs=1e-7)


@settings(max_examples=150, deadline=None)
@given(market, st.floats(1.05, 3.0))
def test_more_capacity_never_raises_the_price(m, factor) -> None:
    lo, *_ = _solve(m)
    hi, *_ = _solve(m, scale=factor)
    assert hi.price <= lo.price + 1e-9


@settings(max_examples=150, deadline=None)
@given(market, st.floats(0.1, 50.0))
def test_released_stock_never_raises_the_price(m, r) -> None:
    base, *_ = _solve(m)
    more, *_ = _solve(m, released=r)
    assert more.price <= base.price + 1e-9


def test_vanished_segment_is_ignored() -> None:
    # Found by fuzzing the API: an AI crash of 100 % leaves a segment with a = b = 0.
    e = cournot_equilibrium(
        np.array([100.0, 0.0]), np.array([1.0, 0.0]), np.full(3, 10.0), np.full(3, 5.0)
    )
    assert e.price == pytest.approx(85.0)
    np.testing.assert_allclose(e.demand, [15.0, 0.0])
