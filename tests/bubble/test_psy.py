"""psy(): detection on a known bubble, the result object, options and bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kreislauf.bubble.psy import (
    bsadf,
    default_min_window,
    gsadf,
    min_duration_obs,
    psy,
    sadf,
)
from kreislauf.errors import InputError
from kreislauf.results import to_jsonable


def one_bubble(n: int = 200, start: int = 80, end: int = 110, rho: float = 1.04, seed: int = 0):
    """PSY-style single bubble: random walk, explosive AR(ρ) on [start, end], collapse."""
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    y = np.empty(n)
    y[0] = 20.0
    for t in range(1, n):
        if start <= t <= end:
            y[t] = rho * y[t - 1] + e[t]
        elif t == end + 1:
            y[t] = y[start - 1] + e[t]
        else:
            y[t] = y[t - 1] + e[t]
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(y, index=idx, name="sim")


@pytest.fixture(scope="module")
def bubble_result():
    return psy(one_bubble(), reps=300, seed=1)


def test_detects_the_planted_bubble(bubble_result) -> None:
    r = bubble_result
    assert r.rejects("gsadf") and r.gsadf > r.cv.gsadf[2]
    starts = [ep.start_index for ep in r.episodes]
    hits = [ep for ep in r.episodes if ep.start_index <= 110 and ep.end_index >= 80]
    assert hits, starts
    # date-stamped origination lies inside the explosive stretch, not before it
    assert 80 <= hits[0].start_index <= 110


def test_statistics_and_identities(bubble_result) -> None:
    r = bubble_result
    y = r.values
    assert r.gsadf == np.nanmax(r.bsadf)  # GSADF = max BSADF
    assert r.gsadf >= r.sadf
    assert r.sadf == pytest.approx(sadf(y))
    assert r.gsadf == pytest.approx(gsadf(y))
    np.testing.assert_allclose(r.bsadf[r.min_window - 1 :], bsadf(y))
    assert r.min_window == default_min_window(200) == 27  # ⌊200·(0.01 + 1.8/√200)⌋ = ⌊27.46⌋
    assert r.min_duration == round(np.log(200))


def test_episodes_are_runs_of_exceedance(bubble_result) -> None:
    r = bubble_result
    f = r.to_frame()
    assert list(f.columns) == ["date", "series", "bsadf", "cv_90", "cv_95", "cv_99", "in_episode"]
    inside = f[f["in_episode"]]
    assert (inside["bsadf"] > inside["cv_95"]).all()
    for ep in r.episodes:
        assert ep.duration == ep.end_index - ep.start_index + 1 >= r.min_duration
        after = ep.end_index + 1
        if after < len(f):
            assert not f["bsadf"].iloc[after] > f["cv_95"].iloc[after]
    assert f["bsadf"].iloc[: r.min_window - 1].isna().all()


def test_summary_is_json_and_complete(bubble_result) -> None:
    s = bubble_result.summary()
    json.dumps(to_jsonable(s))
    for key in ("sadf", "gsadf", "sadf_cv", "gsadf_cv", "episodes", "options"):
        assert key in s
    assert set(s["gsadf_cv"]) == {"90%", "95%", "99%"}
    opts = s["options"]
    for key in ("rule", "lags", "r0", "reps", "seed", "critical", "min_duration", "drift_d"):
        assert key in opts
    assert opts["rule"] == "psy" and opts["reps"] == 300 and opts["seed"] == 1
    assert s["first"] == pd.Timestamp("2000-01-01")


def test_plot_has_two_panels_and_shaded_episodes(bubble_result) -> None:
    fig = bubble_result.plot()
    assert len(fig.data) == 3
    assert len(fig.layout.shapes) == 2 * len(bubble_result.episodes)
    assert fig.data[1].yaxis == "y2"


def test_min_duration_rules() -> None:
    s = one_bubble(seed=3)
    loose = psy(s, reps=100, seed=0, min_duration=None)
    strict = psy(s, reps=100, seed=0, min_duration=12)
    assert len(strict.episodes) <= len(loose.episodes)
    assert all(ep.duration >= 12 for ep in strict.episodes)
    assert min_duration_obs(1680, "log") == 7
    assert min_duration_obs(1680, "log", delta=2.0) == 15
    with pytest.raises(InputError):
        min_duration_obs(100, "sqrt")
    with pytest.raises(InputError):
        min_duration_obs(100, 0)


def test_plain_index_log_and_rule_options() -> None:
    s = one_bubble().reset_index(drop=True)
    r = psy(s, reps=60, seed=0, log=True, rule="exuber", significance=0.90)
    ref = psy(pd.Series(np.log(s.to_numpy())), reps=60, seed=0, rule="exuber", significance=0.9)
    assert r.gsadf == pytest.approx(ref.gsadf) and r.options["rule"] == "exuber"
    w = psy(s, reps=60, seed=0, critical="wild", lags="bic", max_lags=2)
    assert w.options["critical"] == "wild" and w.options["ic"] == "bic"


# ------------------------------------------------------------------ bad input
def _monthly(values) -> pd.Series:
    return pd.Series(values, index=pd.date_range("1990-01-01", periods=len(values), freq="MS"))


@pytest.mark.parametrize(
    "series, kwargs, match",
    [
        (_monthly(np.arange(5.0)), {}, "at least"),
        (_monthly(np.arange(40.0)), {}, "no window"),
        (_monthly(np.r_[np.arange(50.0), np.nan, np.arange(49.0)]), {}, "row 51"),
        (_monthly(np.r_[np.arange(50.0), np.inf, np.arange(49.0)]), {}, "finite"),
        (_monthly(np.r_[np.arange(1.0, 50.0), 0.0, np.arange(50.0)]), {"log": True}, "<= 0"),
        (_monthly(np.full(60, 3.0)), {}, "constant"),
        (_monthly(np.arange(60.0)), {"lags": -1}, "lags"),
        (_monthly(np.arange(60.0)), {"lags": "hqic"}, "lags"),
        (_monthly(np.arange(60.0)), {"rule": "pwy"}, "rule"),
        (_monthly(np.arange(60.0)), {"critical": "sieve"}, "critical"),
        (_monthly(np.arange(60.0)), {"significance": 0.975}, "significance"),
        (_monthly(np.arange(60.0)), {"min_window": 4, "lags": 2}, "too small"),
    ],
)
def test_bad_values_raise_input_error(series, kwargs, match) -> None:
    with pytest.raises(InputError, match=match):
        psy(series, reps=20, **kwargs)


def test_bad_dates_raise_input_error() -> None:
    v = np.cumsum(np.random.default_rng(0).normal(size=60)) + 50
    idx = pd.date_range("1990-01-01", periods=60, freq="MS")
    dup = idx.insert(30, idx[29]).delete(60)
    with pytest.raises(InputError, match="duplicated date"):
        psy(pd.Series(v, index=dup), reps=20)
    gap = idx.delete(30).append(pd.DatetimeIndex([idx[-1] + pd.offsets.MonthBegin()]))
    with pytest.raises(InputError, match="gap in the dates"):
        psy(pd.Series(v, index=gap), reps=20)
    with pytest.raises(InputError, match="not increasing"):
        psy(pd.Series(v, index=idx[::-1]), reps=20)
    # business days with weekends are not gaps
    bdays = pd.bdate_range("2020-01-01", periods=60)
    assert psy(pd.Series(v, index=bdays), reps=20).min_window > 0


def test_stamp_episodes_runs_filter_and_ongoing() -> None:
    from kreislauf.bubble.psy_result import stamp_episodes

    idx = pd.RangeIndex(12)
    values = np.arange(12.0)
    exceed = np.array([0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1], dtype=bool)
    eps = stamp_episodes(idx, values, exceed, 3)
    assert [(e.start, e.end, e.duration, e.ongoing) for e in eps] == [
        (1, 3, 3, False),
        (8, 11, 4, True),
    ]
    assert eps[1].peak == 11
    assert len(stamp_episodes(idx, values, exceed, 1)) == 3


def test_progress_reports_every_batch_of_replications() -> None:
    rng = np.random.default_rng(3)
    y = pd.Series(np.cumsum(rng.standard_normal(120)))
    calls: list[tuple[int, int]] = []
    with_progress = psy(y, reps=600, seed=1, progress=lambda d, r: calls.append((d, r)))
    without = psy(y, reps=600, seed=1)
    assert calls[-1] == (600, 600) and len(calls) >= 2
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert with_progress.summary()["gsadf_cv"] == without.summary()["gsadf_cv"]
