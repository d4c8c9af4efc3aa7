"""The bubble page's API: the series catalogue, validation, PSY/LPPLS jobs and cancellation."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient
from tests.conftest import shared_file
from tests.web.conftest import wait_for_job

from kreislauf.errors import InputError
from kreislauf.web.app import create_app
from kreislauf.web.bubble_api import MAX_OBS_PSY, SERVE_COMMAND, window

SHILLER = "shiller/shiller_ie_data_monthly.csv"


@pytest.fixture(scope="module")
def client(shared_data: Path) -> TestClient:
    return TestClient(create_app(data_dir=shared_data))


@pytest.fixture(scope="module")
def bare() -> TestClient:
    return TestClient(create_app(bundle=False))


@pytest.fixture(scope="module")
def bundled() -> TestClient:
    """A fresh machine: no data directory, the data bundled with the package."""
    return TestClient(create_app())


def test_catalogue_lists_every_family_with_coverage(client: TestClient) -> None:
    cat = client.get("/api/bubble/series").json()
    assert cat["available"] and cat["problems"] == []
    by_id = {s["id"]: s for s in cat["series"]}
    assert {"^GSPC", "^NDX", "^IXIC", "^SOX", "BTC-USD", "NVDA", "MSFT", "shiller:pd"} <= set(by_id)
    assert (
        by_id["BTC-USD"]["frequency"] == "daily" and by_id["shiller:pd"]["frequency"] == "monthly"
    )
    assert by_id["BTC-USD"]["first"] == "2012-01-01"  # MANIFEST.md: 2012-01-01 .. 2026-08-22
    assert by_id["PLTR"]["first"] == "2020-09-30"  # listed 2020-09-30
    # the OpenAPI document lists the ids as the enum of the request bodies
    spec = client.get("/openapi.json").json()
    enum = spec["components"]["schemas"]["PsyRun"]["properties"]["series"]["enum"]
    assert set(enum) == set(by_id)


def test_shiller_pd_is_price_over_dividend_of_the_raw_file(client: TestClient) -> None:
    from kreislauf.web.bubble_api import SeriesCatalogue

    raw = pd.read_csv(shared_file(SHILLER), dtype=str)
    first = float(raw["P"].iloc[0]) / float(raw["D"].iloc[0])
    info = client.app.state.bubble_series.series["shiller:pd"]
    assert isinstance(client.app.state.bubble_series, SeriesCatalogue)
    assert info.values.index[0] == pd.Timestamp(raw["Date"].iloc[0] + "-01")
    assert info.values.iloc[0] == pytest.approx(first, rel=1e-12)
    assert not info.values.isna().any()  # months without a dividend are dropped, not filled


def test_without_a_data_directory_the_page_and_api_name_the_command(bare: TestClient) -> None:
    cat = bare.get("/api/bubble/series").json()
    assert cat == {**cat, "available": False, "series": [], "command": SERVE_COMMAND}
    res = bare.post("/api/bubble/psy", json={"series": "^GSPC"})
    assert res.status_code == 409 and SERVE_COMMAND in res.json()["detail"]
    for lang, words in (("en", "No data directory"), ("de", "kein Datenverzeichnis")):
        page = bare.get(f"/bubble?lang={lang}").text
        assert words in page and SERVE_COMMAND in page


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("psy", {"series": "NOPE"}, "series"),
        ("psy", {"series": "^GSPC", "reps": 50}, "reps"),
        ("psy", {"series": "^GSPC", "reps": 100_000}, "reps"),
        ("psy", {"series": "^GSPC", "lags": 13}, "lags"),
        ("psy", {"series": "^GSPC", "significance": 0.8}, "significance"),
        ("psy", {"series": "^GSPC", "start": "2020-13"}, "start"),
        ("psy", {"series": "^GSPC", "start": "2020-01", "end": "2019-12"}, "end"),
        ("psy", {"series": "^GSPC", "frequency": "native"}, "frequency"),  # 15,468 observations
        ("psy", {"series": "NVDA", "start": "2024-01", "min_window": 40}, "min_window"),
        ("psy", {"series": "^GSPC", "colour": "red"}, "colour"),
        ("lppls", {"series": "NVDA", "window_size": 20}, "window_size"),
        (
            "lppls",
            {"series": "NVDA", "window_size": 60, "smallest_window_size": 60},
            "smallest_window_size",
        ),
        ("lppls", {"series": "^GSPC", "start": "1990-01"}, "outer_increment"),  # too many fits
        ("lppls", {"series": "NVDA", "start": "2026-01", "window_size": 500}, "window_size"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, path: str, body: dict, field: str
) -> None:
    res = client.post(f"/api/bubble/{path}", json=body)
    assert res.status_code == 422, res.json()
    assert field in {str(loc) for err in res.json()["detail"] for loc in err["loc"]}


def test_window_cuts_and_takes_the_last_observation_of_each_month(client: TestClient) -> None:
    info = client.app.state.bubble_series.series["NVDA"]
    s = window(info, "monthly", "2024-01", "2024-03")
    raw = info.values["2024-01-01":"2024-03-31"]
    # dated at the month's end (an evenly spaced index), valued at the month's last close
    assert list(s.index) == list(pd.to_datetime(["2024-01-31", "2024-02-29", "2024-03-31"]))
    assert list(s) == [raw["2024-01"].iloc[-1], raw["2024-02"].iloc[-1], raw["2024-03"].iloc[-1]]
    assert len(window(info, "native", "2024-01", "2024-03")) == len(raw)


@given(
    start=st.integers(1990 * 12, 2026 * 12 + 7),
    months=st.integers(0, 60),
    frequency=st.sampled_from(["native", "weekly", "monthly"]),
)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_window_keeps_real_observations_in_range(
    client: TestClient, start: int, months: int, frequency: str
) -> None:
    info = client.app.state.bubble_series.series["^IXIC"]
    a = f"{start // 12}-{start % 12 + 1:02d}"
    end = min(start + months, 2026 * 12 + 7)
    b = f"{end // 12}-{end % 12 + 1:02d}"
    s = window(info, frequency, a, b)
    assert s.index.is_monotonic_increasing and s.index.is_unique
    cut = info.values[
        (info.values.index >= pd.Timestamp(a))
        & (info.values.index < pd.Timestamp(b) + pd.offsets.MonthBegin(1))
    ]
    if frequency == "native" or len(cut) < 2:
        pd.testing.assert_series_equal(s, cut, check_names=False)
        return
    # each value is the last observation of its period, dated at the period's end
    period = "M" if frequency == "monthly" else "W-FRI"
    last = cut.groupby(cut.index.to_period(period)).last()
    np.testing.assert_array_equal(s.to_numpy(), last.to_numpy())
    assert list(s.index) == list(last.index.to_timestamp(how="end").normalize())
    assert s.index.to_period(period).is_unique


def test_psy_job_equals_the_engine_run_directly(client: TestClient) -> None:
    from kreislauf.bubble.psy import psy

    body = {"series": "shiller:pd", "start": "1950-01", "end": "2010-12", "reps": 200, "seed": 7}
    job = client.post("/api/bubble/psy", json=body)
    assert job.status_code == 202
    state = wait_for_job(client, job.json()["id"])
    assert state["status"] == "done", state["error"]
    out = state["result"]
    info = client.app.state.bubble_series.series["shiller:pd"]
    direct = psy(window(info, "monthly", "1950-01", "2010-12"), reps=200, seed=7)
    assert out["summary"]["gsadf"] == pytest.approx(direct.gsadf, rel=1e-12)
    assert out["summary"]["gsadf_cv"]["95%"] == pytest.approx(direct.cv.gsadf[1], rel=1e-12)
    bsadf = np.array([np.nan if v is None else v for v in out["lines"][0]["y"]])
    np.testing.assert_allclose(bsadf, direct.bsadf, rtol=1e-12, equal_nan=True)
    assert [e["start"] for e in out["episodes"]] == [
        ep.start.strftime("%Y-%m-%d") for ep in direct.episodes
    ]
    assert len(out["dates"]) == len(out["values"]) == 732  # 61 years of months
    assert state["progress"] == 1.0


def test_sp500_on_the_page_defaults_is_resampled_and_dated(client: TestClient) -> None:
    """^GSPC at the page's default (monthly) used to fail on 1969-12-01 -> 1970-01-30; it is
    resampled to month ends, the result says so and lists the episodes with dates."""
    body = {"series": "^GSPC", "frequency": "monthly", "reps": 100, "log": True}
    job = client.post("/api/bubble/psy", json=body)
    assert job.status_code == 202, job.json()
    state = wait_for_job(client, job.json()["id"])
    assert state["status"] == "done", state["error"]
    out = state["result"]
    assert "monthly 1871-01-01 to 1969-12-01, daily 1970-01-02" in out["resampling"]["en"]
    assert "täglich 1970-01-02" in out["resampling"]["de"]
    assert out["episodes"] and all(
        e["start"] <= e["peak"] <= e["end"] and len(e["start"]) == 10 for e in out["episodes"]
    )
    weekly = client.post("/api/bubble/psy", json={**body, "frequency": "weekly"})
    assert weekly.status_code == 422  # weekly since 1970 is more than the page runs
    res = client.post("/api/bubble/psy", json={**body, "frequency": "weekly", "start": "2000-01"})
    assert res.status_code == 202
    state = wait_for_job(client, res.json()["id"])
    assert state["status"] == "done", state["error"]


def test_a_fresh_machine_gets_shillers_series_from_the_bundle(bundled: TestClient) -> None:
    cat = bundled.get("/api/bubble/series").json()
    assert cat["available"] and cat["data_dir"] is None
    by_id = {s["id"]: s for s in cat["series"]}
    assert set(by_id) == {"shiller:pd", "shiller:cape"}
    assert by_id["shiller:pd"]["source"].startswith("kreislauf/data/bundle/")
    job = bundled.post("/api/bubble/psy", json={"series": "shiller:pd", "reps": 100}).json()
    state = wait_for_job(bundled, job["id"])
    assert state["status"] == "done", state["error"]
    spans = [(e["start"], e["end"]) for e in state["result"]["episodes"]]
    assert any(a <= "1929-06-30" <= b for a, b in spans)


def test_pages_and_api_name_no_absolute_path(client: TestClient, shared_data: Path) -> None:
    """Every page and GET endpoint (without path parameters) of an app on ../shared/data."""
    import re

    from kreislauf.paths import absolute_paths

    urls = [
        r.path
        for r in client.app.routes
        if "GET" in getattr(r, "methods", set())
        and "{" not in r.path
        and not r.path.startswith(("/static", "/docs", "/redoc", "/openapi"))
    ]
    assert {"/", "/bubble", "/claims", "/api/bubble/series", "/api/claims"} <= set(urls)
    for url in urls:
        res = client.get(url)
        assert res.status_code == 200, url
        text = re.sub(r"<script.*?</script>", "", res.text, flags=re.S)
        assert absolute_paths(text) == [] and str(shared_data) not in text, url


def test_psy_job_reports_progress_and_cancels_its_worker_process(client: TestClient) -> None:
    job = client.post("/api/bubble/psy", json={"series": "shiller:pd", "reps": 5000}).json()
    seen = 0.0
    deadline = time.time() + 60
    while seen <= 0.1 and time.time() < deadline:  # progress counts Monte Carlo batches
        seen = client.get(f"/api/jobs/{job['id']}").json()["progress"]
        time.sleep(0.05)
    assert 0.1 < seen < 1.0
    assert client.delete(f"/api/jobs/{job['id']}").status_code == 200
    state = wait_for_job(client, job["id"], timeout=10)
    assert state["status"] == "cancelled" and state["progress"] < 1.0
    assert multiprocessing.active_children() == []  # the worker was terminated and reaped


def test_too_many_active_jobs_get_429(client: TestClient) -> None:
    body = {"series": "shiller:pd", "reps": 5000}
    ids = [client.post("/api/bubble/psy", json=body).json()["id"] for _ in range(4)]
    try:
        assert client.post("/api/bubble/psy", json=body).status_code == 429
    finally:
        for i in ids:
            client.delete(f"/api/jobs/{i}")
    for i in ids:
        assert wait_for_job(client, i, timeout=15)["status"] == "cancelled"


def test_lppls_job_equals_the_engine_run_directly(client: TestClient) -> None:
    from kreislauf.bubble.lppls_confidence import confidence

    body = {
        "series": "NVDA",
        "start": "2025-06",
        "window_size": 60,
        "smallest_window_size": 40,
        "outer_increment": 10,
        "inner_increment": 10,
        "max_searches": 5,
    }
    state = wait_for_job(client, client.post("/api/bubble/lppls", json=body).json()["id"])
    assert state["status"] == "done", state["error"]
    info = client.app.state.bubble_series.series["NVDA"]
    direct = confidence(
        window(info, "native", "2025-06", None),
        window_size=60,
        smallest_window_size=40,
        outer_increment=10,
        inner_increment=10,
        max_searches=5,
    ).to_frame()
    out = state["result"]
    assert out["stat_dates"] == [d.strftime("%Y-%m-%d") for d in direct["date"]]
    np.testing.assert_allclose(out["lines"][0]["y"], direct["pos_conf"], rtol=1e-12)
    np.testing.assert_allclose(out["lines"][1]["y"], direct["neg_conf"], rtol=1e-12)


def test_engine_input_errors_come_back_from_the_worker() -> None:
    from kreislauf.web.process_jobs import run_in_process

    gap = pd.Series(
        np.arange(1.0, 101.0), index=pd.date_range("2000-01-01", periods=100, freq="MS")
    )
    gap = gap.drop(gap.index[50:60])  # ten missing months: PSY needs an unbroken series
    opts = {
        "lags": 0,
        "lag_selection": "fixed",
        "reps": 100,
        "min_window": None,
        "critical": "mc",
        "seed": 0,
        "rule": "psy",
        "significance": 0.95,
        "log": False,
    }
    with pytest.raises(InputError) as err:
        run_in_process(
            "kreislauf.web.bubble_api:psy_payload",
            {"info": {"id": "x", "name": "x", "source": "test"}, "values": gap, "opts": opts},
            lambda f: None,
            lambda: False,
        )
    assert err.value.problems[0].field == "date" and "gap" in err.value.problems[0].message
    with pytest.raises(RuntimeError, match="KeyError"):
        run_in_process(
            "kreislauf.web.bubble_api:psy_payload",
            {"info": {"id": "x"}, "values": gap, "opts": {}},
            lambda f: None,
            lambda: False,
        )


def test_pages_in_both_languages(client: TestClient) -> None:
    en, de = client.get("/bubble").text, client.get("/bubble?lang=de").text
    assert "Monte Carlo replications" in en and "Monte-Carlo-Wiederholungen" in de
    assert 'href="/bubble?lang=de"' in client.get("/?lang=de").text  # nav and overview
    assert client.get("/static/bubble.js").status_code == 200
    assert MAX_OBS_PSY >= 1866  # the whole Shiller P/D series fits
