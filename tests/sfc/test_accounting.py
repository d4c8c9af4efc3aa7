"""Accounting checks: a breach stops the run with period, scenario, item and residual."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from kreislauf.errors import InputError
from kreislauf.sfc import AccountingError, AccountingWarning, Shock, load_model, simulate

SIM = (resources.files("kreislauf.sfc") / "models" / "sim.yaml").read_text(encoding="utf-8")


def _model(tmp_path: Path, text: str):
    p = tmp_path / "m.yaml"
    p.write_text(text, encoding="utf-8")
    return load_model(p)


def test_leaking_household_budget_is_caught_in_its_column(tmp_path):
    # households keep 0.1 more money than they saved: their column cannot sum to zero
    m = _model(tmp_path, SIM.replace('"Hh = Hh[-1] + YD - Cd"', '"Hh = Hh[-1] + YD - Cd + 0.1"'))
    with pytest.raises(AccountingError) as ei:
        simulate(m, periods=5)
    e = ei.value
    assert (e.period, e.scenario) == (1, 0)
    assert e.check in ("column", "row", "balance sheet")
    assert abs(e.residual) == pytest.approx(0.1, rel=1e-9)
    assert "period 1" in str(e) and "scenario 0" in str(e)
    # the run up to the breach comes with the error, to look at the books that failed
    assert e.result.periods == 1
    fm = e.result.flow_matrix(1)
    assert fm.loc["sum", "households"] == pytest.approx(-0.1, rel=1e-9)
    import pickle

    back = pickle.loads(pickle.dumps(e))
    assert (back.period, back.item, back.residual, str(back)) == (1, e.item, e.residual, str(e))
    assert back.result.periods == 1


def test_supply_not_equal_to_demand_breaks_the_row(tmp_path):
    m = _model(tmp_path, SIM.replace('"Cs = Cd"', '"Cs = 1.01 * Cd"'))
    with pytest.raises(AccountingError) as ei:
        simulate(m, periods=3)
    assert ei.value.item in ("consumption", "production", "wages")


def test_breach_only_from_the_shocked_period_and_in_the_right_scenario(tmp_path):
    text = SIM.replace('"Hh = Hh[-1] + YD - Cd"', '"Hh = Hh[-1] + YD - Cd + leak"').replace(
        "parameters:", "parameters:\n  leak: {value: 0, source: test}"
    )
    m = _model(tmp_path, text)
    leak = np.array([0.0, 0.0, 0.5])
    with pytest.raises(AccountingError) as ei:
        simulate(m, periods=10, shocks=[Shock("leak", 4, "set", leak)])
    assert (ei.value.period, ei.value.scenario) == (4, 2)


@pytest.mark.filterwarnings("ignore::kreislauf.sfc.AccountingWarning")
def test_warn_mode_warns_and_keeps_the_residuals(tmp_path):
    m = _model(tmp_path, SIM.replace('"Hh = Hh[-1] + YD - Cd"', '"Hh = Hh[-1] + YD - Cd + 0.1"'))
    with pytest.warns(AccountingWarning, match="period 1"):
        res = simulate(m, periods=3, strict="warn")
    assert (res.residual > res.tol).all()
    assert res.mode == "warn"


def test_checks_cannot_be_switched_off():
    for bad in ("off", False, "none"):
        with pytest.raises(InputError, match="never off"):
            simulate(load_model("sim"), periods=2, strict=bad)


def test_tolerance_is_scaled_to_the_size_of_the_inputs(tmp_path):
    # the scale is the run's inputs (period-0 stocks + exogenous values: Gd = 20 in SIM),
    # which a diverging output cannot inflate. A leak of 1e-7 a period drifts H by 5e-7 in
    # 5 periods, 2.5e-8 of the scale: it passes at tol 1e-7, fails at tol 1e-9
    m = _model(tmp_path, SIM.replace('"Hh = Hh[-1] + YD - Cd"', '"Hh = Hh[-1] + YD - Cd + 1e-7"'))
    res = simulate(m, periods=5, tol=1e-7)
    assert res.residual.max() == pytest.approx(5e-7 / 20, rel=1e-3)
    with pytest.raises(AccountingError):
        simulate(m, periods=5, tol=1e-9)
    # the same absolute leak in an economy 1e6 times smaller (scale 1) breaches at tol 1e-7
    with pytest.raises(AccountingError):
        simulate(m, periods=5, tol=1e-7, params={"Gd": 20e-6})


def test_a_small_leak_cannot_drift_unnoticed(tmp_path):
    # 1e-7 a period is within tolerance in the flows of each period, but the balance sheet
    # (Hh against Hs, levels) accumulates it: the run stops once the drift exceeds tol * scale
    # (scale 20, Gd: a flow residual of 5e-9 passes tol 1e-8, the drift breaches in period 2)
    m = _model(tmp_path, SIM.replace('"Hh = Hh[-1] + YD - Cd"', '"Hh = Hh[-1] + YD - Cd + 1e-7"'))
    with pytest.raises(AccountingError) as ei:
        simulate(m, periods=100, tol=1e-8)
    assert ei.value.period > 1
    assert (ei.value.check, ei.value.item) == ("balance sheet", "H")
    assert ei.value.residual == pytest.approx(1e-7 * ei.value.period, rel=1e-3)


def test_real_stock_must_move_by_its_declared_change(tmp_path):
    text = SIM.replace(
        "transactions:",
        "  K:\n    real: true\n    holder: production\n    asset: K\n    change: I\ntransactions:",
    ).replace('  - {eq: "Nd = Y / W"', '  - {eq: "K = K[-1] + I + kleak"}\n  - {eq: "Nd = Y / W"')
    text = text.replace(
        "exogenous:", "exogenous:\n  I: {value: 2, source: test}\n  kleak: {value: 0, source: test}"
    )
    text = text.replace("initial:", "initial:\n  K: 10")
    m = _model(tmp_path, text)
    res = simulate(m, periods=5)
    bs = res.balance_sheet(5)
    assert bs.loc["K", "production"] == pytest.approx(20.0)
    # net worth of the economy = its real stock
    assert bs.loc["net worth", "sum"] == pytest.approx(20.0, abs=1e-9)
    with pytest.raises(AccountingError) as ei:
        simulate(m, periods=5, params={"kleak": 0.5})
    assert (ei.value.check, ei.value.item) == ("stock change", "K")


def test_non_finite_values_are_an_error(tmp_path):
    # caught before the books (kreislauf.sfc.divergence), in either accounting mode
    from kreislauf.sfc.divergence import DivergenceError

    m = _model(tmp_path, SIM.replace('"Nd = Y / W"', '"Nd = Y / W + log(Gd - 19)"'))
    assert simulate(m, periods=2).converged.all()
    with pytest.raises(DivergenceError, match="not finite"):
        simulate(m, periods=2, params={"Gd": 19.0})
    with pytest.raises(DivergenceError, match="scenario 1"):
        simulate(m, periods=2, params={"Gd": np.array([20.0, 19.0])}, strict="warn")
    res = simulate(m, periods=2, params={"Gd": np.array([20.0, 19.0])}, exclude=True)
    assert res.converged[:, 0].tolist() == [True, False]
    assert res.failed.tolist() == [False, True]


EQUITY = """
name: EQ
source: test
sectors: [households, firms]
stocks:
  E:
    holder: households
    asset: e * pe
    issuer: firms
    liability: e * pe
{reval}
transactions:
  - {{name: wages, from: firms, to: households, value: W}}
  - {{name: consumption, from: households, to: firms, value: C}}
equations:
  - "C = c * W"
  - "e = e[-1] + (W - C) / pe"
parameters:
  c: {{value: 0.8, source: test}}
  W: {{value: 100, source: test}}
exogenous:
  pe: {{value: [1.0, 1.1, 1.3, 1.2, 1.5], source: test}}
initial:
  e: 10
"""


def test_revaluation_separates_capital_gains_from_transactions(tmp_path):
    reval = "    revaluation: e[-1] * (pe - pe[-1])"
    res = simulate(_model(tmp_path, EQUITY.format(reval=reval)), periods=5)
    assert res.residual.max() < 1e-12
    fm = res.flow_matrix(3)
    # the d(E) row holds the purchase of new shares only: pe * (e - e[-1]) = W - C = 20
    assert fm.loc["d(E)", "households"] == pytest.approx(-20.0)
    assert fm.loc["d(E)", "firms"] == pytest.approx(20.0)
    # without the revaluation the capital gains would show up as unexplained saving
    with pytest.raises(AccountingError) as ei:
        simulate(_model(tmp_path, EQUITY.format(reval="")), periods=5)
    assert ei.value.period == 2 and ei.value.check == "column"
