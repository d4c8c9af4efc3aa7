"""Invariants of the clearing engines (hypothesis), checked against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kreislauf.contagion import Network, clear_batch, eisenberg_noe, rogers_veraart
from kreislauf.contagion.clearing import prepare

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def networks(draw, max_n: int = 5):
    n = draw(st.integers(2, max_n))
    amounts = st.floats(0, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    mask = draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))
    vals = draw(st.lists(amounts, min_size=n * n, max_size=n * n))
    L = np.where(np.array(mask).reshape(n, n), np.array(vals).reshape(n, n), 0.0)
    np.fill_diagonal(L, 0.0)
    e = np.array(draw(st.lists(amounts, min_size=n, max_size=n)))
    b = np.array(draw(st.lists(amounts, min_size=n, max_size=n)))
    return Network.from_arrays(L, e, b)


def phi(net, sen, x, e, alpha=1.0, beta=1.0):
    """The clearing map written out densely from its definition."""
    prep = prepare(net, sen)
    pit = prep.pit.toarray()
    inflow = pit @ x
    s = 1.0 if sen == "senior" else 0.0
    solvent = e + inflow >= prep.threshold - prep.tol
    pay = np.minimum(
        prep.xbar, np.maximum(0.0, alpha * e - s * net.external_liabilities + beta * inflow)
    )
    return np.where(solvent, prep.xbar, pay)


def brute_force_fixed_points(net, sen, e, alpha=1.0, beta=1.0):
    """Every clearing vector, by trying each assignment of states (solvent, paying, zero)."""
    prep = prepare(net, sen)
    pit = prep.pit.toarray()
    n = net.n
    s = 1.0 if sen == "senior" else 0.0
    c = alpha * e - s * net.external_liabilities
    found = []
    for states in itertools.product((0, 1, 2), repeat=n):  # 0 solvent, 1 paying, 2 zero
        st_ = np.array(states)
        x = np.where(st_ == 0, prep.xbar, 0.0)
        A = np.flatnonzero(st_ == 1)
        if A.size:
            M = np.eye(A.size) - beta * pit[np.ix_(A, A)]
            rhs = c[A] + beta * pit[A] @ np.where(st_ == 0, prep.xbar, 0.0)
            try:
                x[A] = np.linalg.solve(M, rhs)
            except np.linalg.LinAlgError:
                continue
        if np.allclose(phi(net, sen, x, e, alpha, beta), x, rtol=0, atol=1e-10):
            found.append(x)
    return found


@SETTINGS
@given(net=networks(), sen=st.sampled_from(["senior", "pari_passu"]))
def test_en_is_the_greatest_fixed_point(net, sen):
    r = eisenberg_noe(net, sen, method="exact")
    p = r.payments
    np.testing.assert_allclose(phi(net, sen, p, net.external_assets), p, atol=1e-8)
    assert np.all(p >= -1e-12) and np.all(p <= r.obligations + 1e-12)
    for q in brute_force_fixed_points(net, sen, net.external_assets):
        assert np.all(p >= q - 1e-7)
    fast = eisenberg_noe(net, sen, method="auto")
    np.testing.assert_allclose(fast.payments, p, atol=1e-8)


@SETTINGS
@given(
    net=networks(max_n=4),
    sen=st.sampled_from(["senior", "pari_passu"]),
    alpha=st.floats(0, 1),
    beta=st.floats(0, 1),
)
def test_rv_is_the_greatest_fixed_point(net, sen, alpha, beta):
    r = rogers_veraart(net, sen, alpha, beta, method="exact")
    p = r.payments
    e = net.external_assets
    np.testing.assert_allclose(phi(net, sen, p, e, alpha, beta), p, atol=1e-8)
    for q in brute_force_fixed_points(net, sen, e, alpha, beta):
        assert np.all(p >= q - 1e-7)
    fast = rogers_veraart(net, sen, alpha, beta, method="auto")
    np.testing.assert_allclose(fast.payments, p, atol=1e-8)


@SETTINGS
@given(net=networks(max_n=6), sen=st.sampled_from(["senior", "pari_passu"]))
def test_zero_shock_zero_loss_when_solvent(net, sen):
    # Give every node enough external assets to be solvent before the shock.
    need = np.maximum(0.0, -net.equity)
    net = net.with_external_assets(net.external_assets + need)
    r = eisenberg_noe(net, sen)
    assert not r.defaulted.any()
    assert r.equity_loss.sum() == pytest.approx(0.0, abs=1e-9)
    assert r.credit_loss.sum() == pytest.approx(0.0, abs=1e-9)


@SETTINGS
@given(
    net=networks(max_n=6),
    sen=st.sampled_from(["senior", "pari_passu"]),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
)
def test_losses_rise_with_the_shock(net, sen, f1, f2):
    lo, hi = sorted((f1, f2))
    r_lo = eisenberg_noe(net, sen, shock=lo * net.external_assets)
    r_hi = eisenberg_noe(net, sen, shock=hi * net.external_assets)
    assert np.all(r_hi.payments <= r_lo.payments + 1e-9)
    assert np.all(r_hi.equity_loss >= r_lo.equity_loss - 1e-9)
    assert r_hi.defaulted.sum() >= r_lo.defaulted.sum()


@SETTINGS
@given(
    net=networks(max_n=6),
    sen=st.sampled_from(["senior", "pari_passu"]),
    alpha=st.floats(0, 1),
    beta=st.floats(0, 1),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
)
def test_rv_bounds_zero_shock_and_monotone_losses(net, sen, alpha, beta, f1, f2):
    # Rogers-Veraart: 0 <= p <= pbar; no shock on a solvent network -> no loss, no default
    # costs; a larger shock never raises payments or lowers losses.
    lo, hi = sorted((f1, f2))
    r_lo = rogers_veraart(net, sen, alpha, beta, shock=lo * net.external_assets)
    r_hi = rogers_veraart(net, sen, alpha, beta, shock=hi * net.external_assets)
    for r in (r_lo, r_hi):
        assert np.all(r.payments >= -1e-12) and np.all(r.payments <= r.obligations + 1e-12)
    assert np.all(r_hi.payments <= r_lo.payments + 1e-9)
    assert np.all(r_hi.equity_loss >= r_lo.equity_loss - 1e-9)
    assert r_hi.defaulted.sum() >= r_lo.defaulted.sum()
    solvent = net.with_external_assets(net.external_assets + np.maximum(0.0, -net.equity))
    r0 = rogers_veraart(solvent, sen, alpha, beta)
    assert not r0.defaulted.any()
    assert r0.equity_loss.sum() == pytest.approx(0.0, abs=1e-9)
    assert r0.default_costs.sum() == 0.0


@SETTINGS
@given(
    net=networks(max_n=5),
    sen=st.sampled_from(["senior", "pari_passu"]),
    alpha=st.floats(0, 1),
    beta=st.floats(0, 1),
    fracs=st.lists(st.floats(0, 1), min_size=1, max_size=4),
)
def test_batch_is_the_single_greatest_clearing_vector(net, sen, alpha, beta, fracs):
    shocks = np.array([f * net.external_assets for f in fracs])
    batch = clear_batch(net, shocks, sen, alpha, beta)
    for k, s in enumerate(shocks):
        one = rogers_veraart(net, sen, alpha, beta, shock=s, method="exact")
        np.testing.assert_allclose(batch.payments[k], one.payments, atol=1e-8)
        assert np.array_equal(batch.defaulted[k], one.defaulted)
