"""The long-run memory price series (McCallum, via ../shared/data)."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.conftest import shared_file

from kreislauf.errors import InputError
from kreislauf.memory.longrun import long_run_trend


def test_mccallum_trend_and_the_1988_shortage() -> None:
    path = shared_file("memory/ram_price_usd_per_mbyte_1957_2015.csv")
    r = long_run_trend(pd.read_csv(path), source=str(path))
    s = r.summary()
    # Memory prices fell by roughly a third a year over six decades (log-linear fit).
    assert 0.25 < s["annual_decline"] < 0.45
    # The largest one-year rise against trend is the 1988 DRAM shortage.
    assert 1987 <= s["largest_rise_from"] <= 1988.5
    assert s["largest_rise_vs_trend_within_1y"] > 3


def test_bad_series_is_rejected() -> None:
    with pytest.raises(InputError, match="row 2, field 'price'"):
        long_run_trend(pd.DataFrame({"date": [1990.0, 1991.0], "price": [1.0, -1.0]}))
    with pytest.raises(InputError, match="missing column"):
        long_run_trend(pd.DataFrame({"year": [1990.0]}))
