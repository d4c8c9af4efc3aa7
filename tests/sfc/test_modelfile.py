"""Loading model and scenario files: structure, sources, line numbers, scenarios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kreislauf.errors import InputError
from kreislauf.sfc import Model, load_model, load_scenario, shipped_models, simulate


def test_shipped_models_are_listed_and_load():
    names = shipped_models()
    assert {"sim", "pc"} <= set(names)
    for n in ("sim", "pc"):
        m = load_model(n)
        assert isinstance(m, Model) and m.file.endswith(f"{n}.yaml")


@pytest.mark.parametrize("name", ["sim", "pc"])
def test_every_parameter_and_exogenous_value_has_a_source(name):
    m = load_model(name)
    for spec in list(m.parameters.values()) + list(m.exogenous.values()):
        assert spec.source and "G&L 2007" in spec.source


def test_sim_structure_and_lines():
    m = load_model("sim")
    assert m.sectors == ("households", "production", "government")
    assert m.endogenous[0] == "Cs" and len(m.endogenous) == 11
    text = Path(m.file).read_text(encoding="utf-8").splitlines()
    assert "Y = Cs + Gs" in text[m.line_of("Y") - 1]
    assert "alpha1:" in text[m.line_of("alpha1") - 1]
    (h,) = m.stocks
    assert [s for s, _ in h.holders] == ["households"] and [s for s, _ in h.issuers] == [
        "government"
    ]
    cons = m.transactions[0]
    assert [(s, sign, e.text) for s, sign, e in cons.entries] == [
        ("households", -1.0, "Cd"),
        ("production", 1.0, "Cs"),
    ]
    assert m.tolerance == 1e-9 and m.mode == "raise"


def test_pc_multi_holder_stock_and_signed_entries():
    m = load_model("pc")
    b = next(s for s in m.stocks if s.name == "B")
    assert [s for s, _ in b.holders] == ["households", "central_bank"]
    interest = next(t for t in m.transactions if t.name == "interest payments")
    assert {s for s, _, _ in interest.entries} == {"government", "households", "central_bank"}


def test_exogenous_path_list_is_held_at_its_last_value(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text(
        'name: P\nsource: test\nsectors: [a]\nequations:\n  - "y = 2 * g"\n'
        "exogenous:\n  g: {value: [1, 2, 3], source: test}\n",
        encoding="utf-8",
    )
    res = simulate(load_model(p), periods=5)
    np.testing.assert_array_equal(res["y"][0], [2, 4, 6, 6, 6])


def test_scenario_file(tmp_path):
    p = tmp_path / "rate.yaml"
    p.write_text(
        "name: rate_hike\ndescription: r up\nparams:\n  alpha2: 0.4\n"
        "shocks:\n  - {var: rbar, from: 5, set: 0.035}\n",
        encoding="utf-8",
    )
    sc = load_scenario(p)
    assert sc.name == "rate_hike" and sc.params == {"alpha2": 0.4}
    assert sc.shocks[0].var == "rbar" and sc.shocks[0].line == 6
    res = simulate(load_model("pc"), periods=8, scenario=sc)
    assert res["r"][0, 3] == 0.025 and res["r"][0, 4] == 0.035


def test_scenario_errors_have_lines(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(
        "name: x\nparams:\n  alpha2: lots\nshocks:\n  - {var: rbar, from: 5}\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as ei:
        load_scenario(p)
    rows = {pr.row for pr in ei.value.problems}
    assert rows == {3, 5}


def test_unknown_override_names_are_rejected():
    with pytest.raises(InputError, match="unknown parameter or exogenous variable 'alpha9'"):
        simulate(load_model("sim"), periods=2, params={"alpha9": 1.0})
    with pytest.raises(InputError, match="disagree on the number of scenarios"):
        simulate(
            load_model("sim"),
            periods=2,
            params={"alpha1": np.ones(3) * 0.6, "alpha2": np.ones(4) * 0.4},
        )
    with pytest.raises(InputError, match="non-finite"):
        simulate(load_model("sim"), periods=2, params={"alpha1": np.array([0.6, np.nan])})
    with pytest.raises(InputError, match="expected a number"):
        simulate(load_model("sim"), periods=2, params={"alpha1": "high"})
    with pytest.raises(InputError, match="periods"):
        simulate(load_model("sim"), periods=0)


def test_model_files_are_package_data():
    # hatchling packages everything under src/kreislauf (pyproject: packages = ["src/kreislauf"]);
    # the models are read through importlib.resources, as from an installed wheel
    from importlib import resources

    root = resources.files("kreislauf.sfc") / "models"
    assert (root / "sim.yaml").is_file() and (root / "pc.yaml").is_file()


def test_models_and_results_pickle(tmp_path):
    # Dask ships models to workers and results back: both must survive pickling
    import pickle

    from kreislauf.sfc import Shock

    m = load_model("pc")
    m2 = pickle.loads(pickle.dumps(m))
    res = simulate(m2, periods=6, shocks=[Shock("alpha1", 3, "set", 0.7)])
    back = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(back.cube.values, res.cube.values)
    assert back.flow_matrix(4).equals(res.flow_matrix(4))
    assert "alpha1" in back.variables


def test_scenario_file_initial_values(tmp_path):
    p = tmp_path / "start.yaml"
    p.write_text("name: from_80\ninitial:\n  Hh: 80\n  Hs: 80\n", encoding="utf-8")
    sc = load_scenario(p)
    assert sc.initial == {"Hh": 80.0, "Hs": 80.0}
    res = simulate(load_model("sim"), periods=5, scenario=sc)
    np.testing.assert_allclose(res["Y"][0], 100.0, atol=1e-9)  # starts in the stationary state
    res = simulate(load_model("sim"), periods=1, scenario=sc, initial={"Hh": 0.0, "Hs": 0.0})
    assert res["Y"][0, 0] == pytest.approx(20 / 0.52)  # the keyword wins


def test_exponent_numbers_without_a_dot(tmp_path):
    # YAML 1.1 (PyYAML) reads 1e-9 as a string; the loader accepts it as a number
    p = tmp_path / "m.yaml"
    p.write_text(
        'name: P\nsource: test\nsectors: [a]\nequations:\n  - "y = 2 * g"\n'
        "parameters:\n  g: {value: 5e-3, source: test}\nchecks: {tolerance: 1e-8, mode: warn}\n",
        encoding="utf-8",
    )
    m = load_model(p)
    assert m.parameters["g"].value == 5e-3 and m.tolerance == 1e-8 and m.mode == "warn"
