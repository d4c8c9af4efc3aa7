"""``kreislauf bubble psy`` end to end: table and market-data inputs, JSON, exports, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kreislauf.cli.main import app

runner = CliRunner()


def run(*args: str):
    """``kreislauf bubble psy ARGS`` through the real entry point."""
    return runner.invoke(app, ["bubble", "psy", *args])


@pytest.fixture(scope="module")
def series_csv(tmp_path_factory) -> Path:
    rng = np.random.default_rng(0)
    y = np.empty(150)
    y[0] = 30.0
    for t in range(1, 150):
        y[t] = (1.05 * y[t - 1] if 70 <= t <= 95 else y[t - 1]) + rng.normal()
    path = tmp_path_factory.mktemp("psy") / "s.csv"
    pd.DataFrame(
        {"month": pd.date_range("2001-01-01", periods=150, freq="MS").strftime("%Y-%m"), "v": y}
    ).to_csv(path, index=False)
    return path


def test_file_json(series_csv: Path) -> None:
    res = run("--file", str(series_csv), "--column", "v", "--date-col", "month", "--reps", "50")
    assert res.exit_code == 0, res.output
    res = run(
        "--file", str(series_csv), "--column", "v", "--date-col", "month", "--reps", "50", "--json"
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    s = d["summary"]
    assert s["observations"] == 150 and s["options"]["reps"] == 50
    assert s["gsadf"] >= s["sadf"]
    assert len(d["table"]) == 150 and d["table"][0]["date"].startswith("2001-01-01")


def test_options_and_exports(series_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "psy.csv"
    res = run(
        *("--file", str(series_csv), "--column", "v", "--date-col", "month"),
        *("--reps", "40", "--rule", "exuber", "--lags", "bic", "--max-lags", "2"),
        *("--start", "2002-01", "--min-duration", "3", "--out", str(out)),
    )
    assert res.exit_code == 0, res.output
    f = pd.read_csv(out)
    assert len(f) == 138 and {"bsadf", "cv_95", "in_episode"} <= set(f.columns)
    html = tmp_path / "psy.html"
    res = run("--file", str(series_csv), "--column", "v", "--reps", "30", "--out", str(html))
    assert res.exit_code == 0, res.output
    assert "plotly" in html.read_text()[:5000].lower()


def test_market_data_series(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    dates = pd.bdate_range("2020-01-01", periods=120)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 120)))
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "close": close}).to_csv(
        tmp_path / "sox_semiconductor_daily_2020.csv", index=False
    )
    res = run("--data-dir", str(tmp_path), "--series", "^SOX", "--log", "--reps", "30", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["series"] == "^SOX"
    res = run("--data-dir", str(tmp_path), "--series", "NOPE", "--reps", "30")
    assert res.exit_code == 2 and "NOPE" in res.output


def test_bad_input_exits_2(series_csv: Path, tmp_path: Path) -> None:
    res = run("--file", str(series_csv), "--column", "nope")
    assert res.exit_code == 2 and "column not found" in res.output
    res = run("--file", str(tmp_path / "missing.csv"), "--column", "v")
    assert res.exit_code == 2
    bad = tmp_path / "bad.csv"
    f = pd.read_csv(series_csv)
    f.loc[40, "v"] = np.nan
    f.to_csv(bad, index=False)
    res = run("--file", str(bad), "--column", "v", "--date-col", "month")
    assert res.exit_code == 2 and "row 41" in res.output
    dup = tmp_path / "dup.csv"
    f = pd.read_csv(series_csv)
    f.loc[10, "month"] = f.loc[9, "month"]
    f.to_csv(dup, index=False)
    res = run("--file", str(dup), "--column", "v", "--date-col", "month", "--reps", "20")
    assert res.exit_code == 2 and "duplicated date" in res.output
    assert run("--file", str(series_csv), "--column", "v", "--lags", "x").exit_code == 2
    assert run("--file", str(series_csv), "--column", "v", "--rule", "x").exit_code == 2
    assert run("--column", "v").exit_code == 2  # no input at all
    out = tmp_path / "x.txt"
    res = run("--file", str(series_csv), "--column", "v", "--reps", "20", "--out", str(out))
    assert res.exit_code == 2 and not out.exists()


def test_sp500_defaults_resample_the_mixed_file(shared_data: Path) -> None:
    """The S&P 500 file is monthly to 1969 and daily after: the default (auto) makes it
    monthly and says so, where the test used to fail on the 1969-12 -> 1970-01 gap."""
    res = run("--data-dir", str(shared_data), "--series", "^GSPC", "--log", "--reps", "100",
              "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["summary"]
    assert s["observations"] > 1800
    assert "monthly 1871-01-01 to 1969-12-01, daily 1970-01-02" in s["options"]["resampling"]
    assert any(e["start"] <= "1929-01-01" <= e["end"] for e in s["episodes"])
    res = run("--data-dir", str(shared_data), "--series", "^GSPC", "--freq", "native",
              "--reps", "100")  # fmt: skip
    assert res.exit_code == 2 and "gap in the dates" in res.output


def test_shiller_ratio_from_the_bundle(monkeypatch) -> None:
    """Without a data directory, ``--series shiller:pd`` is the bundled price-dividend ratio."""
    monkeypatch.delenv("KREISLAUF_DATA_DIR", raising=False)
    res = run("--series", "shiller:pd", "--reps", "100", "--json")
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["summary"]
    assert s["first"].startswith("1871-01") and s["observations"] > 1800
    assert any(e["start"] <= "1999-12-31" <= e["end"] for e in s["episodes"])
    res = run("--series", "^GSPC", "--reps", "100")
    assert res.exit_code == 2 and "shiller:pd" in res.output
