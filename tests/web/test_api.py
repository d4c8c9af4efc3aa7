"""The dashboard's JSON API: validation, results, jobs with progress and cancellation."""

from __future__ import annotations

import time
from typing import get_args

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient
from tests.web.conftest import wait_for_job

from kreislauf.web.app import create_app
from kreislauf.web.jobs import Status
from kreislauf.web.pages import JOB_STATUS


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/memory/run" in spec["paths"] and "/api/atlas/relations" in spec["paths"]


def test_memory_run_matches_the_engine(client: TestClient) -> None:
    from kreislauf.memory.market import Scenario, simulate
    from kreislauf.memory.params import load_params

    res = client.post("/api/memory/run", json={"hoard_share": 0.25})
    assert res.status_code == 200
    expected = simulate(load_params(), Scenario("custom", hoard_share=0.25)).summary()
    assert res.json()["summary"]["peak_multiple"] == pytest.approx(expected["peak_multiple"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"hoard_share": 1.5}, "hoard_share"),
        ({"hoard_share": "lots"}, "hoard_share"),
        ({"crash_month": -1}, "crash_month"),
        ({"release_months": 99}, "release_months"),
    ],
)
def test_bad_input_names_the_field(client: TestClient, body: dict, field: str) -> None:
    res = client.post("/api/memory/run", json=body)
    assert res.status_code == 422
    assert field in {str(loc) for err in res.json()["detail"] for loc in err["loc"]}


def test_sweep_job_reports_progress_and_completes(client: TestClient) -> None:
    job = client.post("/api/sweeps/memory", json={"steps": 3}).json()
    state = wait_for_job(client, job["id"], timeout=10)
    assert state["status"] == "done" and state["progress"] == 1.0
    peaks = [r["peak_multiple"] for r in state["result"]["rows"]]
    assert peaks == sorted(peaks) and len(peaks) == 3


def test_sweep_job_can_be_cancelled(client: TestClient) -> None:
    job = client.post("/api/sweeps/memory", json={"steps": 50, "step_delay": 0.2}).json()
    time.sleep(0.3)
    assert client.delete(f"/api/jobs/{job['id']}").status_code == 200
    state = wait_for_job(client, job["id"], timeout=5)
    assert state["status"] == "cancelled" and state["progress"] < 1.0
    assert client.get("/api/jobs/nope").status_code == 404


def test_pages_in_both_languages(client: TestClient) -> None:
    for path in ("/", "/scarcity", "/atlas"):
        en = client.get(path).text
        de = client.get(path + "?lang=de").text
        assert '<html lang="en">' in en and '<html lang="de">' in de
        assert 'src="/static/plotly.min.js"' in en  # served locally, no external requests
    assert client.get("/static/plotly.min.js").text.startswith("/**")
    assert client.get("/?lang=fr").status_code == 422


def test_job_states_are_named_in_both_languages(client: TestClient) -> None:
    """Every state a job can be in has an English and a German word on the pages."""
    assert set(JOB_STATUS) == set(get_args(Status))
    de = client.get("/scarcity?lang=de").text
    en = client.get("/scarcity").text
    assert '"cancelled": "abgebrochen"' in de and '"done": "fertig"' in de
    assert '"cancelled": "cancelled"' in en
