"""JSON conversion of result objects."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kreislauf.results import Result, to_jsonable


class _Toy(Result):
    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"d": pd.to_datetime(["2025-01-01"]), "x": [np.nan]})

    def summary(self) -> dict:
        return {"n": np.int64(3), "inf": float("inf"), "arr": np.array([1.5, 2.0])}

    def plot(self) -> go.Figure:
        return go.Figure()


def test_to_jsonable_handles_numpy_nan_dates() -> None:
    out = to_jsonable({"a": np.float64(np.nan), "b": pd.Timestamp("2025-10-21"), "c": (1, 2)})
    assert out == {"a": None, "b": "2025-10-21T00:00:00", "c": [1, 2]}


def test_result_to_dict_is_valid_json() -> None:
    d = _Toy().to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text) == {
        "summary": {"n": 3, "inf": None, "arr": [1.5, 2.0]},
        "table": [{"d": "2025-01-01T00:00:00", "x": None}],
    }
