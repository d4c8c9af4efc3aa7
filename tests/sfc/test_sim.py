"""Model SIM (Godley & Lavoie 2007, ch. 3) reproduces the book's numbers.

Published numbers: G&L (2007), *Monetary Economics*, Table 3.4 (p. 69), "the impact of $20
of government expenditures, with perfect foresight": alpha1 = 0.6, alpha2 = 0.4,
theta = 0.2, W = 1, G = 20 from period 2 on, nothing at the start. The book's period 1 is
the empty economy before G starts; its period 2 is our period 1 (the engine's period 0 holds
the initial values). The book prints one decimal.

Where the numbers were checked: the page (69) and the table's set-up from Zezza's EViews
replication notes (http://gennaro.zezza.it/software/eviews/glch03.php, "A guide to Table 3.4
on page 69"); Y = 38.5 in period 2 as quoted in the issue; the other cells are the table as
printed in the book, which could not be re-read from a stored copy here. The stationary state
(100 and 80) is also the analytic one, tested separately.
"""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.sfc import Shock, load_model, simulate

# G&L 2007, Table 3.4 (p. 69): book periods 2 and 3, and the stationary state ("infinity").
TABLE_3_4 = {
    #       period 2  period 3  stationary state
    "Y": (38.5, 47.9, 100.0),
    "Td": (7.7, 9.6, 20.0),
    "YD": (30.8, 38.3, 80.0),
    "Cd": (18.5, 27.9, 80.0),
    "Hh": (12.3, 22.7, 80.0),
}
DELTA_H = (12.3, 10.4, 0.0)  # the row "change in money stock" of the same table


@pytest.fixture(scope="module")
def sim():
    return simulate(load_model("sim"), periods=200)


@pytest.mark.parametrize("var", sorted(TABLE_3_4))
def test_table_3_4(sim, var):
    p2, p3, ss = TABLE_3_4[var]
    y = sim[var][0]
    assert y[0] == pytest.approx(p2, abs=0.05)
    assert y[1] == pytest.approx(p3, abs=0.05)
    assert y[-1] == pytest.approx(ss, abs=1e-6)


def test_table_3_4_change_in_money(sim):
    h = sim.path("Hh", with_initial=True)[0]
    dh = np.diff(h)
    assert dh[0] == pytest.approx(DELTA_H[0], abs=0.05)
    assert dh[1] == pytest.approx(DELTA_H[1], abs=0.05)
    assert abs(dh[-1]) < 1e-6


def test_steady_state_is_the_analytic_one(sim):
    # Y* = G / theta and H* = alpha3 * YD* with alpha3 = (1 - alpha1) / alpha2 (the stationary
    # state of eqs. 3.1-3.11, derived here): 100 and 80 with the book's values.
    G, theta, a1, a2 = 20, 0.2, 0.6, 0.4
    assert sim["Y"][0, -1] == pytest.approx(G / theta, abs=1e-6)
    assert sim["Hh"][0, -1] == pytest.approx((1 - a1) / a2 * (1 - theta) * G / theta, abs=1e-6)


def test_hidden_equation_holds_every_period(sim):
    # Hh = Hs is not one of the model's equations (G&L's "redundant equation"): it must hold anyway,
    # up to the solver's tolerance accumulated over 200 periods.
    np.testing.assert_allclose(sim["Hh"], sim["Hs"], rtol=1e-10, atol=1e-12)
    assert sim.converged.all()
    assert sim.residual.max() < 1e-10


def test_government_spending_shock_20_to_25():
    """G from 20 to 25 from the stationary state. The book shows such paths only as figures,
    so the test checks the analytic impact and the new stationary state."""
    m = load_model("sim")
    base = simulate(m, periods=120, initial={"Hh": 80.0, "Hs": 80.0})
    np.testing.assert_allclose(base["Y"], 100.0, atol=1e-9)  # the start is stationary
    res = simulate(
        m, periods=120, initial={"Hh": 80.0, "Hs": 80.0}, shocks=[Shock("Gd", 5, "set", 25.0)]
    )
    y = res["Y"][0]
    np.testing.assert_allclose(y[:4], 100.0, atol=1e-9)
    # impact: Y = (G + alpha2 * H[-1]) / (1 - alpha1 (1 - theta)) = (25 + 32) / 0.52
    assert y[4] == pytest.approx(57 / 0.52, abs=1e-9)
    assert np.all(np.diff(y[4:]) > -1e-12)  # monotone approach from below
    assert y[-1] == pytest.approx(25 / 0.2, abs=1e-6)  # Y* = G / theta = 125
    assert res["Hh"][0, -1] == pytest.approx(100.0, abs=1e-6)  # H* = alpha3 YD* = 100


def test_flow_matrix_of_period_1(sim):
    fm = sim.flow_matrix(1)
    assert list(fm.columns) == ["households", "production", "government", "sum"]
    assert "d(H)" in fm.index
    # book period 2: consumption 18.5 paid by households to production
    assert fm.loc["consumption", "households"] == pytest.approx(-18.46, abs=0.01)
    assert fm.loc["consumption", "production"] == pytest.approx(18.46, abs=0.01)
    np.testing.assert_allclose(fm["sum"], 0.0, atol=1e-9)
    np.testing.assert_allclose(fm.loc["sum"], 0.0, atol=1e-9)
    bs = sim.balance_sheet(1)
    assert bs.loc["H", "households"] == pytest.approx(12.31, abs=0.01)
    assert bs.loc["net worth", "sum"] == pytest.approx(0.0, abs=1e-9)


def test_shock_windows_set_add_scale():
    m = load_model("sim")
    init = {"Hh": 80.0, "Hs": 80.0}
    res = simulate(m, periods=12, initial=init, shocks=[Shock("Gd", 3, "set", 25.0, until=5)])
    np.testing.assert_array_equal(res["Gd"][0], [20, 20, 25, 25, 25, 20, 20, 20, 20, 20, 20, 20])
    res = simulate(
        m,
        periods=6,
        initial=init,
        shocks=[Shock("Gd", 2, "add", 5.0), Shock("Gd", 4, "scale", 2.0)],
    )
    np.testing.assert_array_equal(res["Gd"][0], [20, 25, 25, 50, 50, 50])
    # a shocked parameter becomes a per-period variable of the result
    res = simulate(m, periods=4, shocks=[Shock("theta", 3, "set", 0.25)])
    np.testing.assert_array_equal(res["theta"][0], [0.2, 0.2, 0.25, 0.25])


def test_result_api():
    import json

    alpha1 = np.array([0.55, 0.6, 0.65, 0.7])
    res = simulate(load_model("sim"), periods=30, params={"alpha1": alpha1})
    cube = res.cube
    assert cube.dims == ("scenario", "period", "variable")
    assert cube.shape == (4, 30, len(res.variables))
    assert float(cube.sel(scenario=1, period=1, variable="Y")) == pytest.approx(20 / 0.52)
    df = res.to_frame()
    assert list(df.columns) == ["scenario", "period", "variable", "value"]
    assert len(df) == 4 * 30 * len(res.variables)
    row = df[(df.scenario == 2) & (df.period == 30) & (df.variable == "Y")]
    assert row.value.item() == res["Y"][2, -1]
    js = json.dumps(res.to_dict())
    assert '"model": "SIM"' in js
    summ = res.summary()
    assert summ["scenarios"] == 4 and summ["converged_share"] == 1.0
    np.testing.assert_array_equal(res.params["alpha1"], alpha1)
    fan = res.plot(variables=["Y"])
    assert any("median" in (t.name or "") for t in fan.data)
    assert any(t.fill == "tonexty" for t in fan.data)
    one = simulate(load_model("sim"), periods=5).plot(variables=["Y", "Hh"])
    assert [t.name for t in one.data] == ["Y", "Hh"]
    heat = res.plot_flow_matrix(3, scenario=1)
    assert heat.data[0].type == "heatmap"
    with pytest.raises(Exception, match="period must be"):
        res.flow_matrix(31)
    with pytest.raises(Exception, match="scenario must be"):
        res.balance_sheet(1, scenario=4)


def test_paths_per_scenario_and_tuple_paths():
    m = load_model("sim")
    theta = np.array([[0.2] * 6, [0.2, 0.2, 0.3, 0.3, 0.3, 0.3]])  # (S, T): one path each
    res = simulate(m, periods=6, params={"theta": theta, "Gd": (20, 20, 30)})
    np.testing.assert_array_equal(res["theta"], theta)
    np.testing.assert_array_equal(res["Gd"][1], [20, 20, 30, 30, 30, 30])
    assert res["Y"][0, 0] == res["Y"][1, 0] and res["Y"][0, 2] > res["Y"][1, 2]
    assert res.residual.max() < 1e-10
