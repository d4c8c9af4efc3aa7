"""Too short a sample for PSY is refused up front, stating the minimum (issue 14, finding 6),
in the library, the CLI and the API; a job is accepted (202) only after its inputs validate.

Before: the CLI ran PSY on an 8-row file without a word (min_window 5, r0 0.625), and the API
accepted ``{"series": "NVDA", "start": "2030-01"}`` (202) and the job then failed with a
ZeroDivisionError; ``start: "2026-06"`` failed on a min_window the user never set.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kreislauf.bubble.psy import MIN_OBS, psy
from kreislauf.errors import InputError


def _series(n: int) -> pd.Series:
    v = 50 + np.cumsum(np.random.default_rng(0).normal(size=n))
    return pd.Series(v, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


def test_library_states_the_minimum():
    with pytest.raises(InputError, match=f"needs at least {MIN_OBS}") as ei:
        psy(_series(8), reps=20)
    assert ei.value.problems[0].field == "series" and "8 observations" in str(ei.value)
    with pytest.raises(InputError, match="at least 40"):
        psy(_series(MIN_OBS - 1), reps=20)
    assert psy(_series(MIN_OBS), reps=20, seed=0).min_window == 11


def test_cli_refuses_an_8_row_file(tmp_path: Path):
    from kreislauf.cli.main import app

    s = _series(8)
    path = tmp_path / "s.csv"
    pd.DataFrame({"month": s.index.strftime("%Y-%m-%d"), "v": s.to_numpy()}).to_csv(
        path, index=False
    )
    r = CliRunner().invoke(
        app, ["bubble", "psy", "--file", str(path), "--column", "v", "--date-col", "month"]
    )
    assert r.exit_code == 2, r.output
    assert "at least 40" in r.output


@pytest.fixture(scope="module")
def client(shared_data: Path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from kreislauf.web.app import create_app

    with TestClient(create_app(data_dir=shared_data)) as c:
        yield c


@pytest.mark.parametrize(
    "path, body, field, words",
    [
        ("psy", {"series": "NVDA", "start": "2030-01"}, "start", "no observations"),
        ("psy", {"series": "NVDA", "start": "2026-06"}, "start", "at least 40"),
        ("psy", {"series": "NVDA", "end": "1990-01"}, "end", "no observations"),
        ("lppls", {"series": "NVDA", "start": "2030-01"}, "start", "no observations"),
    ],
)
def test_api_refuses_before_accepting_a_job(client, path, body, field, words):
    res = client.post(f"/api/bubble/{path}", json=body)
    assert res.status_code == 422, res.text
    detail = res.json()["detail"]
    assert any(field in [str(x) for x in d["loc"]] and words in d["msg"] for d in detail), detail
