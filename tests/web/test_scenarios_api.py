"""The scenarios page's API: models and their values, runs against the baseline, Monte Carlo."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient
from tests.web.conftest import wait_for_job

from kreislauf.sfc import load_model, load_scenario, simulate
from kreislauf.web.app import create_app
from kreislauf.web.scenarios_api import QUANTILES, slider_range


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def _models(client: TestClient) -> dict[str, dict]:
    return {m["name"]: m for m in client.get("/api/scenarios/models").json()["models"]}


def test_models_list_values_with_sources_ranges_and_scenario_files(client: TestClient) -> None:
    models = _models(client)
    assert list(models)[:3] == ["ai_circuit", "sim", "pc"]  # the AI circuit first (default)
    for m in models.values():
        for p in m["parameters"]:
            assert p["min"] <= p["value"] <= p["max"], p
            assert p["source"], f"{m['name']}.{p['name']} has no source"
    ai = models["ai_circuit"]
    assert {"ai_growth_shortfall", "energy_ceiling"} <= {s["id"] for s in ai["scenarios"]}
    assert models["sim"]["scenarios"] == []  # AI-circuit scenario files do not fit SIM
    g = {p["name"]: p for p in ai["parameters"]}
    assert g["g_shock"]["min"] <= -0.04  # the growth-shortfall scenario sets g_shock = -0.04
    assert "VL0" not in g  # derived from VL_OAI0 + VL_OTHER0, not set directly
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    assert spec["SimParams"]["additionalProperties"] is False
    assert spec["SimParams"]["properties"]["alpha1"]["anyOf"][0]["maximum"] == 1.0


def test_sim_baseline_reaches_the_published_steady_state(client: TestClient) -> None:
    # Godley & Lavoie (2007), Monetary Economics, ch. 3: with G = 20 and theta = 0.2 model SIM
    # converges to Y* = G / theta = 100 (their Table 3.4 / Figure 3.1).
    res = client.post("/api/scenarios/sim/run", json={"periods": 120}).json()
    assert res["baseline"]["paths"]["Y"][-1] == pytest.approx(100.0, abs=1e-3)


def test_sim_run_equals_the_engine_and_leaves_the_baseline(client: TestClient) -> None:
    body = {"periods": 30, "params": {"alpha1": 0.7, "Gd": 25.0}, "variables": ["Y", "Hh"]}
    res = client.post("/api/scenarios/sim/run", json=body).json()
    direct = simulate(load_model("sim"), 30, params={"alpha1": 0.7, "Gd": 25.0})
    base = simulate(load_model("sim"), 30)
    np.testing.assert_allclose(res["scenario"]["paths"]["Y"], direct.path("Y")[0], rtol=1e-12)
    np.testing.assert_allclose(res["baseline"]["paths"]["Hh"], base.path("Hh")[0], rtol=1e-12)
    assert res["scenario"]["ok"] and res["changed"] == {"alpha1": 0.7, "Gd": 25.0}
    bs = direct.balance_sheet(30)
    assert res["scenario"]["wealth"]["households"][-1] == pytest.approx(
        bs.loc["net worth", "households"]
    )


def test_ai_circuit_scenario_file_equals_the_engine(client: TestClient) -> None:
    from kreislauf.sfc.burst import shipped_scenarios

    path = shipped_scenarios()["energy_ceiling"]
    res = client.post(
        "/api/scenarios/ai_circuit/run",
        json={"scenario": "energy_ceiling", "variables": ["VL", "GWcap"]},
    ).json()
    direct = simulate(load_model("ai_circuit"), 40, scenario=load_scenario(path))
    np.testing.assert_allclose(res["scenario"]["paths"]["GWcap"], direct.path("GWcap")[0])
    base = simulate(load_model("ai_circuit"), 40)  # the app cuts it from a 120-quarter run
    np.testing.assert_allclose(res["baseline"]["paths"]["VL"], base.path("VL")[0], rtol=1e-12)
    assert res["scenario"]["paths"]["GWcap"] != res["baseline"]["paths"]["GWcap"]
    assert set(res["scenario"]["wealth"]) == {
        "households",
        "pensions",
        "funds_and_foreign",
        "corporate_stakes",
    }


def test_changed_ai_circuit_entries_are_recalibrated(client: TestClient) -> None:
    from kreislauf.sfc.ai_params import calibrated_overrides, load_calibration

    res = client.post(
        "/api/scenarios/ai_circuit/run", json={"params": {"VL_OTHER0": 800.0}, "variables": ["VL"]}
    ).json()
    params, initial = calibrated_overrides(
        list(load_calibration(periods=120).entries), {"VL_OTHER0": np.asarray(800.0)}
    )
    assert float(params["VL0"]) == pytest.approx(760.0 + 800.0)  # atlas R002 + the change
    direct = simulate(load_model("ai_circuit"), 40, params=params, initial=initial)
    np.testing.assert_allclose(res["scenario"]["paths"]["VL"], direct.path("VL")[0], rtol=1e-12)


@pytest.mark.parametrize(
    "model, body, field",
    [
        ("sim", {"params": {"alpha9": 0.5}}, "alpha9"),
        ("sim", {"params": {"alpha1": 1.5}}, "alpha1"),
        ("sim", {"params": {"alpha1": "0.5"}}, "alpha1"),
        ("sim", {"periods": 0}, "periods"),
        ("sim", {"periods": 121}, "periods"),
        ("sim", {"scenario": "energy_ceiling"}, "scenario"),
        ("sim", {"variables": ["nope"]}, "variables"),
        ("ai_circuit", {"scenario": "nope"}, "scenario"),
        ("ai_circuit", {"params": {"life_acc": 0.0}}, "life_acc"),
        ("ai_circuit", {"params": {"VL0": 1000.0}}, "VL0"),  # derived: change its inputs
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, model: str, body: dict, field: str
) -> None:
    res = client.post(f"/api/scenarios/{model}/run", json=body)
    assert res.status_code == 422, res.json()
    assert field in {str(loc) for err in res.json()["detail"] for loc in err["loc"]}


def test_monte_carlo_with_declared_distributions_equals_the_engine(client: TestClient) -> None:
    from kreislauf.sfc.ai_params import Recalibrate, load_calibration
    from kreislauf.sfc.montecarlo import read_distributions, run_monte_carlo

    body = {"draws": 300, "periods": 12, "seed": 3, "variables": ["VL", "VV"]}
    state = wait_for_job(
        client, client.post("/api/scenarios/ai_circuit/montecarlo", json=body).json()["id"]
    )
    assert state["status"] == "done", state["error"]
    out = state["result"]
    direct = run_monte_carlo(
        load_model("ai_circuit"),
        read_distributions(),
        300,
        3,
        12,
        prepare=Recalibrate(list(load_calibration(periods=120).entries)),
    )
    assert out["excluded"] == 0 and out["drawn"] == sorted(d.name for d in read_distributions())
    for v in ("VL", "VV"):
        q = np.nanquantile(direct.path(v), QUANTILES, axis=0)
        np.testing.assert_allclose(out["bands"][v]["p05"], q[0], rtol=1e-5)  # float32 storage
        np.testing.assert_allclose(out["bands"][v]["p50"], q[2], rtol=1e-5)
        np.testing.assert_allclose(out["bands"][v]["p95"], q[4], rtol=1e-5)


def test_uniform_monte_carlo_bands_are_ordered_and_bracket_the_median(client: TestClient) -> None:
    body = {"draws": 400, "periods": 20, "vary": ["alpha1", "theta"], "spread": 0.3}
    out = wait_for_job(client, client.post("/api/scenarios/sim/montecarlo", json=body).json()["id"])
    bands = out["result"]["bands"]["Y"]
    qs = np.array([bands[k] for k in ("p05", "p25", "p50", "p75", "p95")])
    assert np.all(np.diff(qs, axis=0) >= 0) and np.all(qs[4] - qs[0] > 0)
    body["vary"] = []  # SIM has no declared distributions: something must be drawn
    assert client.post("/api/scenarios/sim/montecarlo", json=body).status_code == 422


def test_monte_carlo_reports_progress_and_cancels(client: TestClient) -> None:
    body = {"draws": 10_000, "periods": 120}
    job = client.post("/api/scenarios/ai_circuit/montecarlo", json=body).json()
    deadline = time.time() + 30
    while client.get(f"/api/jobs/{job['id']}").json()["progress"] == 0 and time.time() < deadline:
        time.sleep(0.02)
    second = client.post("/api/scenarios/sim/montecarlo", json={**body, "vary": ["alpha1"]})
    third = client.post("/api/scenarios/pc/montecarlo", json={**body, "vary": ["alpha1"]})
    assert second.status_code == 202 and third.status_code == 429  # two at a time
    for j in (job, second.json()):
        assert client.delete(f"/api/jobs/{j['id']}").status_code == 200
    state = wait_for_job(client, job["id"], timeout=10)
    assert state["status"] == "cancelled" and 0 < state["progress"] < 1
    assert wait_for_job(client, second.json()["id"], timeout=10)["status"] == "cancelled"


@given(alpha1=st.floats(0.0, 1.0), theta=st.floats(0.0, 1.0))
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_value_in_range_runs_or_says_why(
    client: TestClient, alpha1: float, theta: float
) -> None:
    res = client.post(
        "/api/scenarios/sim/run", json={"periods": 10, "params": {"alpha1": alpha1, "theta": theta}}
    )
    assert res.status_code == 200
    out = res.json()["scenario"]
    assert out["ok"] or out["error"]


def test_slider_range_holds_the_value_and_the_scenario_values() -> None:
    assert slider_range(0.6) == (0.0, 1.0)
    assert slider_range(6.0) == (1.5, 24.0)  # a life in years never reaches zero
    assert slider_range(-2.0) == (-8.0, -0.5)
    assert slider_range(0.0, (-0.04, 2.5)) == (-1.0, 2.5)


def test_pages_in_both_languages(client: TestClient) -> None:
    en, de = client.get("/scenarios").text, client.get("/scenarios?lang=de").text
    assert "Monte Carlo" in en and "Szenariodatei" in de and "Schieberbereiche" in de
    assert 'href="/scenarios?lang=de"' in client.get("/?lang=de").text


def test_monte_carlo_keeps_the_scenario_files_calibration_values(client: TestClient) -> None:
    # energy_ceiling sets GW_ceiling0 = 25 (+ GWstep); the deterministic run caps GWcap at 45 GW
    # by period 40. Recalibrated draws must keep the file's value, not the calibration's 1e6.
    body = {"draws": 20, "scenario": "energy_ceiling", "variables": ["GWcap"]}
    out = wait_for_job(
        client, client.post("/api/scenarios/ai_circuit/montecarlo", json=body).json()["id"]
    )
    from kreislauf.sfc.burst import shipped_scenarios

    direct = simulate(
        load_model("ai_circuit"), 40, scenario=load_scenario(shipped_scenarios()["energy_ceiling"])
    )
    assert out["result"]["bands"]["GWcap"]["p95"][-1] == pytest.approx(direct.path("GWcap")[0, -1])
