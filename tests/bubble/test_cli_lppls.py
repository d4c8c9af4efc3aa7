"""``kreislauf bubble lppls`` end to end: table and market-data inputs, JSON, exports, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kreislauf.bubble import lppls_kernels as K
from kreislauf.cli.main import app

runner = CliRunner()


def run(*args: str):
    """``kreislauf bubble lppls ARGS`` through the real entry point."""
    return runner.invoke(app, ["bubble", "lppls", *args])


DATES = pd.bdate_range("2021-01-04", periods=150)


def prices() -> np.ndarray:
    t = (DATES - DATES[0]).days.to_numpy() / 365.25
    y = K.lppls_curve(t, t[-1] + 0.05, 0.6, 8.0, 3.0, -0.7, 0.02, 0.01)
    return np.exp(y + np.random.default_rng(2).normal(0, 0.002, t.size))


@pytest.fixture(scope="module")
def csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lppls") / "p.csv"
    pd.DataFrame({"day": DATES.strftime("%Y-%m-%d"), "px": prices()}).to_csv(path, index=False)
    return path


def test_fit_json(csv: Path) -> None:
    res = run("--file", str(csv), "--column", "px", "--date-col", "day", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    s = doc["summary"]
    assert s["n_obs"] == 150 and s["bubble"] == "positive"
    assert 0.1 <= s["m"] <= 0.9 and 6 <= s["w"] <= 13
    assert abs(s["tc_years_after_t2"] - 0.05) < 0.02
    assert len(doc["table"]) == 150


def test_human_output(csv: Path) -> None:
    res = run("--file", str(csv), "--column", "px", "--date-col", "day")
    assert res.exit_code == 0, res.output
    assert "LPPLS fit" in res.stdout and "tc_date" in res.stdout


def test_confidence_exports(csv: Path, tmp_path: Path) -> None:
    args = ["--file", str(csv), "--column", "px", "--date-col", "day", "--confidence",
            "--window-size", "60", "--smallest-window-size", "30", "--inner-increment", "10",
            "--outer-increment", "10"]  # fmt: skip
    out = tmp_path / "c.csv"
    res = run(*args, "--out", str(out))
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out)
    assert list(frame.columns)[:4] == ["date", "price", "pos_conf", "neg_conf"]
    assert len(frame) == (150 - 60) // 10 + 1
    res = run(*args, "--json", "--out", str(tmp_path / "c.html"))
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["settings"]["window_size"] == 60
    assert "plotly" in (tmp_path / "c.html").read_text()[:5000].lower()


def test_market_data(tmp_path: Path) -> None:
    """--data-dir/--series reads the FRED Nasdaq family (observation_date, NASDAQCOM)."""
    d = tmp_path / "data"
    d.mkdir()
    pd.DataFrame({"observation_date": DATES.strftime("%Y-%m-%d"), "NASDAQCOM": prices()}).to_csv(
        d / "nasdaq_composite_daily_test.csv", index=False
    )
    res = run("--data-dir", str(d), "--series", "^IXIC", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["series"] == "^IXIC"
    res = run("--data-dir", str(d), "--series", "NOPE")
    assert res.exit_code == 2 and "no price series" in res.output


def write(tmp_path: Path, px, dates=None) -> Path:
    path = tmp_path / "bad.csv"
    dates = DATES.strftime("%Y-%m-%d") if dates is None else dates
    pd.DataFrame({"Date": dates, "Close": px}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda px, d: (np.where(np.arange(150) == 7, np.nan, px), d), "row 8"),
        (lambda px, d: (np.where(np.arange(150) == 9, -3.0, px), d), "not positive"),
        (lambda px, d: (px, np.where(np.arange(150) == 20, d[19], d)), "duplicated date"),
        (lambda px, d: (px[:12], d[:12]), "at least 20"),
        (lambda px, d: (px, np.where(np.arange(150) == 3, "soon", d)), "expected a date"),
    ],
)
def test_bad_input_exit_2(tmp_path: Path, change, message) -> None:
    px, d = change(prices(), DATES.strftime("%Y-%m-%d").to_numpy().astype(object))
    path = write(tmp_path, px, d)
    out = tmp_path / "never.json"
    res = run("--file", str(path), "--out", str(out))
    assert res.exit_code == 2, res.output
    assert message in res.output and "bad.csv" in res.output
    assert not out.exists()


def test_usage_errors(csv: Path, tmp_path: Path) -> None:
    assert run().exit_code == 2
    res = run("--file", str(csv), "--column", "nope", "--date-col", "day")
    assert res.exit_code == 2 and "column not found" in res.output
    res = run("--file", str(tmp_path / "missing.csv"))
    assert res.exit_code == 2 and "file not found" in res.output
    res = run("--file", str(csv), "--column", "px", "--date-col", "day", "--m-min", "0.95")
    assert res.exit_code == 2 and "m_min" in res.output
    res = run("--file", str(csv), "--column", "px", "--date-col", "day", "--filters", "x")
    assert res.exit_code == 2
