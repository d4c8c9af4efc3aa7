"""One precedence rule: model file -> recalibration -> scenario file -> overrides -> draws.

Every shipped scenario keeps its own effect whether the AI circuit is recalibrated from the
shipped values or from a market-data directory (issue 14, finding 2: the recalibrated
parameter set used to override each scenario file's values, so ``energy_ceiling`` gave the
baseline's numbers and the backstop was stripped).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kreislauf.sfc import load_model, load_scenario, simulate
from kreislauf.sfc.burst import shipped_comparison, shipped_scenarios
from kreislauf.sfc.precedence import resolve

T = 24
# an endogenous outcome each scenario is meant to move
OUTCOME = {
    "ai_growth_shortfall": "AIS",
    "cost_of_capital": "VL",
    "energy_ceiling": "u",
    "memory_squeeze": "ICH",
    "government_backstop": "GB",
}


def _targets(scen) -> list[str]:
    return list(scen.params) + [s.var for s in scen.shocks]


def _check(cmp, name: str) -> None:
    base = cmp.runs["baseline"]
    scen = load_scenario(shipped_scenarios()[name])
    run = cmp.runs[name]
    for k, v in scen.params.items():  # the scenario's own value reached the engine
        want = np.asarray(v, dtype=float).ravel()
        got = run.path(k)[0, : want.size] if want.size > 1 else run.path(k)[0, :1]
        np.testing.assert_allclose(got, want, err_msg=f"{name}: {k}")
    for k in _targets(scen):
        assert not np.allclose(run.path(k)[0], base.path(k)[0]), f"{name}: {k} as baseline"
    out = OUTCOME[name]
    assert not np.allclose(run.path(out)[0], base.path(out)[0]), f"{name}: {out} unmoved"


@pytest.fixture(scope="module")
def shipped():
    return shipped_comparison(periods=T)


@pytest.fixture(scope="module")
def recalibrated(shared_data):
    return shipped_comparison(data_dir=shared_data, periods=T)


@pytest.fixture(scope="module")
def cli_recalibrated(shared_data):
    from kreislauf.cli.simulate import _run

    return _run("ai_circuit", None, True, None, 0, T, None, None, None, None, shared_data, True)


def test_every_shipped_scenario_is_checked() -> None:
    assert set(OUTCOME) == set(shipped_scenarios())


@pytest.mark.parametrize("name", list(OUTCOME))
def test_scenario_differs_from_baseline(shipped, name: str) -> None:
    _check(shipped, name)


@pytest.mark.parametrize("name", list(OUTCOME))
def test_scenario_differs_from_baseline_with_data_dir(recalibrated, name: str) -> None:
    _check(recalibrated, name)


@pytest.mark.parametrize("name", list(OUTCOME))
def test_cli_all_scenarios_with_data_dir_keeps_each_scenario(cli_recalibrated, name: str) -> None:
    _check(cli_recalibrated, name)


def test_order_of_the_layers() -> None:
    """Scenario over recalibration, overrides over scenario, draws over overrides."""
    from kreislauf.sfc.ai_params import load_calibration

    model = load_model("ai_circuit")
    cal = list(load_calibration(periods=T).entries)
    scen = load_scenario(shipped_scenarios()["energy_ceiling"])
    p, _ = resolve(model, calibration=cal, scenario=scen)
    assert p["GW_ceiling0"] == 25.0  # the scenario wins over the calibration
    p, _ = resolve(model, calibration=cal, scenario=scen, overrides={"GW_ceiling0": 30.0})
    assert p["GW_ceiling0"] == 30.0
    d = np.array([31.0, 32.0])
    p, _ = resolve(
        model, calibration=cal, scenario=scen, overrides={"GW_ceiling0": 30.0},
        draws={"GW_ceiling0": d},
    )  # fmt: skip
    np.testing.assert_array_equal(p["GW_ceiling0"], d)
    # a raw value set by a scenario is fed to the recalibration: derived values follow it
    p0, _ = resolve(model, calibration=cal)
    p1, _ = resolve(model, calibration=cal, overrides={"life_acc": 3.0})
    assert p1["life_acc"] == 3.0 and p1["mH"] != p0["mH"]


def test_simulate_with_calibration_equals_resolved_overrides() -> None:
    from kreislauf.sfc.ai_params import load_calibration

    model = load_model("ai_circuit")
    cal = list(load_calibration(periods=T).entries)
    scen = load_scenario(shipped_scenarios()["government_backstop"])
    a = simulate(model, T, scenario=scen, calibration=cal)
    p, i = resolve(model, calibration=cal, scenario=scen)
    b = simulate(model, T, params=p, scenario=scen, initial=i)
    np.testing.assert_array_equal(a.frame.V, b.frame.V)
    assert a.path("bsh")[0, 0] == 0.8


NAMES = ("alpha1", "alpha2", "theta", "W", "Gd")


@settings(max_examples=80, deadline=None)
@given(
    layers=st.lists(
        st.dictionaries(st.sampled_from(NAMES), st.floats(0.01, 0.99), max_size=5),
        min_size=3,
        max_size=3,
    )
)
def test_the_highest_layer_that_sets_a_name_wins(layers):
    """Property: scenario < overrides < draws, name by name (no calibration: SIM)."""
    from kreislauf.sfc import Scenario

    scen_p, over, draws = layers
    scen = Scenario(name="s", params=scen_p, shocks=())
    params, _ = resolve(load_model("sim"), scenario=scen, overrides=over, draws=draws)
    for n in NAMES:
        want = draws.get(n, over.get(n, scen_p.get(n)))
        assert params.get(n) == want


def test_draws_of_model_values_and_of_calibration_inputs() -> None:
    from kreislauf.errors import InputError
    from kreislauf.sfc.ai_params import load_calibration

    model = load_model("ai_circuit")
    cal = list(load_calibration(periods=T).entries)
    d = np.array([0.01, 0.02])
    p, _ = resolve(model, calibration=cal, draws={"dr": d, "life_acc": np.array([4.0, 6.0])})
    np.testing.assert_array_equal(p["dr"], d)  # an exogenous value: drawn as it stands
    assert p["mH"].shape == (2,)  # a raw input: the derived margin follows each draw
    with pytest.raises(InputError, match="cannot draw"):
        resolve(model, calibration=cal, draws={"nope": d})
