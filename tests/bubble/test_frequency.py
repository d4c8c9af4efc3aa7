"""Spacing and resampling: a series that changes frequency is brought to one, stated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kreislauf.bubble.frequency import auto_frequency, resample, segments
from kreislauf.errors import InputError


def _mixed() -> pd.Series:
    """Monthly (dated the 1st) to 1969-12, then business days: like the S&P 500 file."""
    monthly = pd.date_range("1960-01-01", "1969-12-01", freq="MS")
    daily = pd.bdate_range("1970-01-02", "1975-12-31")
    idx = monthly.append(daily)
    return pd.Series(np.linspace(50.0, 100.0, len(idx)), index=idx)


def test_segments_of_a_mixed_series():
    segs = segments(_mixed().index)
    assert [g.spacing for g in segs] == ["monthly", "daily"]
    assert segs[0].last == pd.Timestamp("1969-12-01")
    assert segs[1].first == pd.Timestamp("1970-01-02")
    assert sum(g.observations for g in segs) == len(_mixed())
    assert segments(pd.bdate_range("2020-01-01", periods=300))[0].spacing == "daily"


def test_monthly_resampling_is_evenly_spaced_and_stated():
    s = _mixed()
    r = resample(s, "monthly")
    assert r.series.index[0] == pd.Timestamp("1960-01-31")  # dated at the month's end
    assert r.series.index[-1] == pd.Timestamp("1975-12-31")
    gaps = np.diff(r.series.index.values).astype("timedelta64[D]").astype(int)
    assert gaps.min() >= 28 and gaps.max() <= 31  # no 1969-12 -> 1970-01 gap left
    assert r.series.loc["1975-12-31"] == s.iloc[-1]  # the month's last value
    note = r.note()
    assert "monthly 1960-01-01 to 1969-12-01, daily 1970-01-02 to 1975-12-31" in note
    assert "täglich 1970-01-02 bis 1975-12-31" in r.note("de")
    assert auto_frequency(s.index) == "monthly"


def test_a_coarser_stretch_is_cut_not_filled():
    r = resample(_mixed(), "weekly")
    assert r.cut_before == pd.Timestamp("1970-01-02")
    assert r.series.index[0] >= pd.Timestamp("1970-01-02")
    assert "left out" in r.note() and "entfällt" in r.note("de")
    monthly_only = pd.Series(1.0, index=pd.date_range("2000-01-01", periods=40, freq="MS"))
    with pytest.raises(InputError, match="without inventing values"):
        resample(monthly_only, "weekly")


def test_native_keeps_the_series():
    s = _mixed()
    r = resample(s, "native")
    pd.testing.assert_series_equal(r.series, s)
    assert r.note().startswith("As loaded")
    assert auto_frequency(pd.date_range("2000-01-01", periods=40, freq="MS")) == "native"
    with pytest.raises(InputError, match="unknown frequency"):
        resample(s, "hourly")
