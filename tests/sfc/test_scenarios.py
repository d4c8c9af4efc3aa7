"""The AI-circuit scenario files: each runs with balanced books and moves what it says it moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kreislauf.errors import InputError
from kreislauf.sfc import load_model, load_scenario, simulate
from kreislauf.sfc.burst import (
    CLAIM_TOTAL_USD_BN,
    SCENARIO_ORDER,
    compare,
    shipped_scenarios,
)

T = 40


@pytest.fixture(scope="module")
def model():
    return load_model("ai_circuit")


@pytest.fixture(scope="module")
def cmp(model):
    scen = {"baseline": None} | {n: load_scenario(p) for n, p in shipped_scenarios().items()}
    return compare(model, scen, T)


def _v(cmp, scenario: str, var: str) -> np.ndarray:
    return cmp.runs[scenario].cube.sel(variable=var).values[0]


def test_five_scenarios_shipped_and_books_balance(model, cmp) -> None:
    assert tuple(shipped_scenarios()) == SCENARIO_ORDER
    for name, run in cmp.runs.items():
        assert run.converged.all(), name
        assert float(run.residual.max()) < model.tolerance, name


def test_growth_shortfall_defaults_and_loses_more(cmp) -> None:
    d = cmp.defaults().set_index("scenario")
    assert np.isnan(d.loc["baseline", "lab_default_period"])
    assert d.loc["ai_growth_shortfall", "lab_default_quarter"] is not None
    w = cmp.wealth().set_index("scenario")
    assert w.loc["ai_growth_shortfall", "total"] > w.loc["baseline", "total"]
    assert (w["claim_total_usd_bn"] == CLAIM_TOTAL_USD_BN).all()


def test_cost_of_capital_lowers_valuations(cmp) -> None:
    assert (_v(cmp, "cost_of_capital", "VL")[2:] < _v(cmp, "baseline", "VL")[2:]).all()
    assert (_v(cmp, "cost_of_capital", "INTC")[3:] > _v(cmp, "baseline", "INTC")[3:]).all()


def test_energy_ceiling_idles_capacity(cmp) -> None:
    u = _v(cmp, "energy_ceiling", "u")
    assert u.min() < 1.0 and (_v(cmp, "baseline", "u") == 1.0).all()
    # clouds are paid only for powered capacity
    assert (_v(cmp, "energy_ceiling", "CP") <= _v(cmp, "baseline", "CP") + 1e-9).all()


def test_memory_squeeze_raises_capex(cmp) -> None:
    ich_s, ich_b = _v(cmp, "memory_squeeze", "ICH"), _v(cmp, "baseline", "ICH")
    assert ich_s[0] > ich_b[0]
    # PI = 1 + mem_share * (pmem - 1): pmem 2 in period 1, mem_share 0.2 -> chips cost 20 % more
    assert ich_s[0] == pytest.approx(1.2 * ich_b[0], rel=1e-12)


def test_backstop_moves_losses_to_government(cmp) -> None:
    d = cmp.defaults().set_index("scenario")
    paid = d.loc["government_backstop", "backstop_paid_usd_bn"]
    wo = d.loc["government_backstop", "loan_losses_usd_bn"]
    assert paid == pytest.approx(0.8 * wo, rel=1e-12)
    w = cmp.wealth().set_index("scenario")
    assert w.loc["government_backstop", "pensions"] < w.loc["ai_growth_shortfall", "pensions"]
    assert w.loc["government_backstop", "government"] == pytest.approx(paid)


def test_paths_by_sector(cmp) -> None:
    f = cmp.to_frame()
    assert set(f["sector"]) >= {"labs", "cloud", "vendors", "hyper", "government"}
    assert f["quarter"].iloc[0] == "2026Q3"
    assert len(f[(f["scenario"] == "baseline") & (f["variable"] == "VL")]) == T


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("name: x\nshocks:\n  - {var: nope, from: 3, set: 1}\n", 3, "nope"),
        ("name: x\nparams:\n  g0: [1, 2\n", None, "YAML"),
        ("name: x\nshocks:\n  - {var: g_shock, from: 3}\n", 3, "set"),
    ],
)
def test_bad_scenario_files_name_file_and_line(model, tmp_path: Path, text, line, what) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(InputError) as err:
        simulate(model, 4, scenario=load_scenario(p))
    msg = str(err.value)
    assert str(p) in msg and what in msg
    if line is not None:
        assert f"row {line}" in msg


def test_memory_path_from_the_dram_model(model, cmp) -> None:
    from kreislauf.memory.market import Scenario
    from kreislauf.memory.market import simulate as simulate_memory
    from kreislauf.memory.params import load_params
    from kreislauf.sfc.memory_link import memory_price_path, memory_squeeze_from_model

    path = memory_price_path(periods=T)
    p = load_params()
    hoard = simulate_memory(p).to_frame().set_index("month")["price"]
    none = simulate_memory(p, Scenario("none", hoard_share=0.0)).to_frame().set_index("month")
    # 2026Q3 = July, August, September 2026 of the monthly DRAM model
    months = ["2026-07", "2026-08", "2026-09"]
    assert path[0] == pytest.approx(float((hoard[months] / none["price"][months]).mean()))
    assert (path > 1).all() and path[-1] == path[-2]  # held beyond the model's horizon
    run = simulate(model, T, scenario=memory_squeeze_from_model(T))
    ich = run.cube.sel(variable="ICH").values[0]
    assert (ich > _v(cmp, "baseline", "ICH")).all()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.sampled_from(SCENARIO_ORDER),
    g0=st.floats(0.0, 0.3),
    dil=st.floats(0.0, 0.1),
    restr=st.floats(0.0, 1.0),
    kap_u=st.floats(0.0, 2.0),
    lgd=st.floats(0.0, 1.0),
)
def test_books_balance_under_every_scenario_and_random_parameters(
    model, which, g0, dil, restr, kap_u, lgd
) -> None:
    scen = load_scenario(shipped_scenarios()[which])
    res = simulate(
        model, T, scenario=scen, strict="raise",
        params={"g0": g0, "dil": dil, "restr": restr, "kap_u": kap_u, "lgd": lgd},
    )  # fmt: skip
    assert float(res.residual.max()) < model.tolerance
    assert np.isfinite(res.cube.values).all()


def test_default_handed_to_the_contagion_engine(cmp) -> None:
    from kreislauf.atlas import load_atlas
    from kreislauf.contagion.balance_sheets import load_balance_sheets
    from kreislauf.contagion.circuit_map import map_atlas
    from kreislauf.contagion.stress import Scenario, StressOptions, stress_test
    from kreislauf.sfc.burst import default_cascade

    cm = map_atlas(load_atlas())
    bs = load_balance_sheets(None, cm.nodes)
    assert default_cascade(cmp.runs["baseline"], cm, bs) is None
    c = default_cascade(cmp.runs["ai_growth_shortfall"], cm, bs)
    d = cmp.defaults().set_index("scenario").loc["ai_growth_shortfall"]
    assert c.period == d["lab_default_period"] and c.quarter == d["lab_default_quarter"]
    t = c.period - 1
    paid, due = _v(cmp, "ai_growth_shortfall", "CP")[t], _v(cmp, "ai_growth_shortfall", "DUEd")[t]
    assert c.pay_fraction == pytest.approx(paid / due) and 0 <= c.pay_fraction < 1
    opts = StressOptions(model="en", seniority="pari_passu")
    direct = stress_test(cm, bs, Scenario("openai", c.pay_fraction), opts)
    assert c.stress.summary()["realised_loss_usd_bn"] == direct.summary()["realised_loss_usd_bn"]
    assert c.stress.summary()["defaults"] == ["openai"]
