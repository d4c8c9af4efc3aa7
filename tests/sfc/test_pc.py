"""Model PC (Godley & Lavoie 2007, ch. 4): stationary state and the two experiments.

The book reports PC's experiments as figures (Fig. 4.3: shares of bills and money in
household wealth after r rises from 2.5 % to 3.5 %; Fig. 4.4: disposable income and
consumption), not as tables of numbers; no published table of PC values was found, so the
tests check the analytic stationary states of equations (4.1)-(4.11), the direction of the
paths shown in the figures and the accounting.

Closed form of the stationary state (derived here from 4.1-4.11 with V, Bh, r constant):
alpha3 = (1 - alpha1) / alpha2, V* = alpha3 YD*, Bh* = b YD* with
b = alpha3 (lambda0 + lambda1 r) - lambda2, and YD* = (1-theta) G / (1 - (1-theta)(1 + r b)).
"""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.sfc import Shock, load_model, simulate


def stationary(
    alpha1=0.6, alpha2=0.4, theta=0.2, lambda0=0.635, lambda1=5.0, lambda2=0.01, G=20.0, r=0.025
):
    a3 = (1 - alpha1) / alpha2
    b = a3 * (lambda0 + lambda1 * r) - lambda2
    yd = (1 - theta) * G / (1 - (1 - theta) * (1 + r * b))
    v, bh = a3 * yd, b * yd
    return {
        "YD": yd,
        "Y": yd + G,
        "C": yd,
        "V": v,
        "Bh": bh,
        "Hh": v - bh,
        "Bcb": v - bh,
        "Hs": v - bh,
        "Bs": v,
        "T": theta * (yd + G + r * bh),
    }


@pytest.fixture(scope="module")
def pc():
    return load_model("pc")


def test_shipped_initial_values_are_the_stationary_state(pc):
    ss = stationary()
    for name in ("V", "Bh", "Hh", "Bs", "Bcb", "Hs"):
        assert pc.initial[name].value == pytest.approx(ss[name], abs=1e-8), name
    # the book's r = 2.5 % gives YD* = 86.486... (Fig. 4.4 starts there)
    assert ss["YD"] == pytest.approx(86.4864864865, abs=1e-9)


def test_baseline_stays_stationary(pc):
    res = simulate(pc, periods=50)
    ss = stationary()
    for name in ("Y", "YD", "C", "V", "Bh", "Hh", "T"):
        np.testing.assert_allclose(res[name][0], ss[name], atol=1e-7)
    assert res.converged.all()


def test_interest_rate_rise_2_5_to_3_5_percent(pc):
    res = simulate(pc, periods=200, shocks=[Shock("rbar", 5, "set", 0.035)])
    ss0, ss1 = stationary(r=0.025), stationary(r=0.035)
    share = res["Bh"][0] / res["V"][0]
    # Fig. 4.3: the share of bills jumps up when r rises, then settles at a higher level
    assert share[3] == pytest.approx(ss0["Bh"] / ss0["V"], abs=1e-9)
    assert share[4] > share[3] + 0.04  # lambda1 * 0.01 = 0.05 less the YD/V effect
    assert share[-1] == pytest.approx(ss1["Bh"] / ss1["V"], abs=1e-7)
    # Fig. 4.4: disposable income and consumption rise to the new, higher stationary state;
    # interest is paid on last period's bills, so YD moves one period after r.
    yd, c = res["YD"][0], res["C"][0]
    assert yd[4] == pytest.approx(ss0["YD"], abs=1e-7)
    assert yd[5] > yd[4] + 0.5
    assert c[5] < yd[5]  # consumption lags income: wealth builds up
    assert yd[-1] == pytest.approx(ss1["YD"], abs=1e-6)
    assert c[-1] == pytest.approx(ss1["YD"], abs=1e-6)
    assert res["Y"][0, -1] == pytest.approx(ss1["Y"], abs=1e-6)
    assert ss1["YD"] == pytest.approx(90.0900900901, abs=1e-9)  # closed form, r = 3.5 %
    np.testing.assert_allclose(res["Hh"], res["Hs"], atol=1e-8)  # hidden equation
    assert res.converged.all() and res.residual.max() < 1e-9


def test_propensity_to_consume_rise(pc):
    """alpha1 from 0.6 to 0.7 (G&L 2007, section 4.6.2 discusses it with PCEX1/PCEX2): income
    rises on impact but the new stationary state is lower, since wealth falls (alpha3 falls
    from 1 to 0.75) and with it the interest income from bills."""
    res = simulate(pc, periods=300, shocks=[Shock("alpha1", 5, "set", 0.7)])
    ss0, ss1 = stationary(), stationary(alpha1=0.7)
    y = res["Y"][0]
    assert y[4] > ss0["Y"] + 1.0
    assert ss1["Y"] < ss0["Y"]
    assert y[-1] == pytest.approx(ss1["Y"], abs=1e-6)
    assert res["V"][0, -1] == pytest.approx(ss1["V"], abs=1e-6)
    assert res.residual.max() < 1e-9


def test_flow_matrix_and_balance_sheet(pc):
    res = simulate(pc, periods=10, shocks=[Shock("rbar", 3, "set", 0.035)])
    fm = res.flow_matrix(5)
    assert {"interest payments", "central bank profits", "d(H)", "d(B)"} <= set(fm.index)
    np.testing.assert_allclose(fm["sum"], 0.0, atol=1e-8)
    np.testing.assert_allclose(fm.loc["sum"], 0.0, atol=1e-8)
    bs = res.balance_sheet(5)
    assert bs.loc["B", "sum"] == pytest.approx(0.0, abs=1e-8)
    assert bs.loc["net worth", "households"] == pytest.approx(res["V"][0, 4], abs=1e-9)
    assert bs.loc["net worth", "government"] == pytest.approx(-res["Bs"][0, 4], abs=1e-9)


def pc_by_hand(rates, alpha1=0.6, alpha2=0.4, theta=0.2, l0=0.635, l1=5.0, l2=0.01, G=20.0):
    """Equations (4.1)-(4.11) solved period by period in closed form, independently of the engine.

    With z = r[-1] Bh[-1] known, (4.1)-(4.3) and (4.5) give
    Y = (alpha1 (1 - theta) z + alpha2 V[-1] + G) / (1 - alpha1 (1 - theta)); the rest follows
    in order. Starts from the stationary state at ``rates[0]``.
    """
    ss = stationary(alpha1, alpha2, theta, l0, l1, l2, G, rates[0])
    V, Bh, Bs, Bcb, Hs, r = ss["V"], ss["Bh"], ss["Bs"], ss["Bcb"], ss["Hs"], rates[0]
    out = {k: [] for k in ("Y", "YD", "T", "C", "V", "Bh", "Hh", "Bs", "Bcb", "Hs")}
    for r_now in rates[1:]:
        z = r * Bh
        Y = (alpha1 * (1 - theta) * z + alpha2 * V + G) / (1 - alpha1 * (1 - theta))
        T = theta * (Y + z)
        YD = Y - T + z
        C = alpha1 * YD + alpha2 * V
        Bs_new = Bs + G + r * Bs - T - r * Bcb
        V = V + YD - C
        Bh = V * (l0 + l1 * r_now) - l2 * YD
        Bcb_new = Bs_new - Bh
        Hs = Hs + Bcb_new - Bcb
        Bs, Bcb, r = Bs_new, Bcb_new, r_now
        for k, v in zip(out, (Y, YD, T, C, V, Bh, V - Bh, Bs, Bcb, Hs), strict=True):
            out[k].append(v)
    return {k: np.array(v) for k, v in out.items()}


def test_interest_rate_path_equals_the_equations_solved_by_hand(pc):
    """The whole adjustment path after r rises from 2.5 % to 3.5 % in period 5 (the experiment
    of G&L Figs. 4.3-4.4), every variable in every period, against the closed-form recursion."""
    periods = 60
    res = simulate(pc, periods=periods, shocks=[Shock("rbar", 5, "set", 0.035)])
    rates = [0.025] + [0.025 if t < 5 else 0.035 for t in range(1, periods + 1)]
    ref = pc_by_hand(rates)
    for name, path in ref.items():
        np.testing.assert_allclose(res[name][0], path, rtol=0, atol=1e-8, err_msg=name)
