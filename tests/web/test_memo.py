"""Expensive reads are computed once per atlas version and options and served from the
app's memory (issue 14, finding 7: ``GET /api/circuit?max_length=8`` took 1.9 s alone and
48.5 s a request with 20 clients, recomputed every time); refused jobs carry Retry-After."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient

from kreislauf.web.app import create_app
from kreislauf.web.memo import Memo


def _counting(monkeypatch, module, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def wrapped(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(module, name, wrapped)
    return calls


def test_circuit_is_computed_once_for_concurrent_clients(monkeypatch) -> None:
    import kreislauf.circuit.analysis as analysis

    calls = _counting(monkeypatch, analysis, "analyse")
    app = create_app()
    bodies: list[dict] = []

    def get() -> None:
        r = TestClient(app).get("/api/circuit", params={"max_length": 8})
        assert r.status_code == 200
        bodies.append(r.json())

    threads = [threading.Thread(target=get) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(bodies) == 6 and all(b == bodies[0] for b in bodies)
    assert len(calls) == 1
    c = TestClient(app)
    assert c.get("/api/circuit", params={"max_length": 8, "haircut": 0.5}).status_code == 200
    assert len(calls) == 2  # other options, another key
    # the key carries the atlas version: another app on the same atlas shares nothing
    assert ("circuit", app.state.ctx.atlas.version, False, 0.0, 8) in app.state.ctx.memo._values


def test_shipped_scenario_runs_are_computed_once(monkeypatch) -> None:
    import kreislauf.sfc as sfc

    calls = _counting(monkeypatch, sfc, "simulate")
    c = TestClient(create_app())
    body = {"scenario": "energy_ceiling", "variables": ["u", "VL"]}
    first = c.post("/api/scenarios/ai_circuit/run", json=body).json()
    for _ in range(3):
        assert c.post("/api/scenarios/ai_circuit/run", json=body).json() == first
    assert (
        first["scenario"]["ok"]
        and first["scenario"]["paths"]["u"] != first["baseline"]["paths"]["u"]
    )
    assert len(calls) == 2  # the baseline and the scenario, once each
    changed = {**body, "params": {"g0": 0.1}}
    assert c.post("/api/scenarios/ai_circuit/run", json=changed).status_code == 200
    assert len(calls) == 3  # changed values are computed


def test_refused_jobs_say_when_to_retry() -> None:
    with TestClient(create_app()) as c:
        body = {"draws": 10_000, "periods": 120, "declared": True}
        ids, refused = [], None
        for _ in range(4):
            r = c.post("/api/scenarios/ai_circuit/montecarlo", json=body)
            if r.status_code == 202:
                ids.append(r.json()["id"])
            else:
                refused = r
                break
        for i in ids:
            c.delete(f"/api/jobs/{i}")
    assert refused is not None and refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


def test_memo_is_bounded_and_does_not_store_failures() -> None:
    m = Memo(size=2)
    assert [m.get(k, lambda k=k: k * 10) for k in (1, 2, 3)] == [10, 20, 30]
    assert list(m._values) == [2, 3]

    def boom():
        raise ValueError("x")

    with pytest.raises(ValueError):
        m.get(4, boom)
    assert 4 not in m._values and m.get(4, lambda: 40) == 40
