"""Scans on a real two-worker LocalCluster over real series."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import cloudpickle
import numpy as np
import pandas as pd
import pytest
from tests.conftest import shared_file

from kreislauf.bubble.scan import prepare_series, scan
from kreislauf.data.loaders import load_price_table, load_wide_prices
from kreislauf.errors import InputError
from kreislauf.results import Result

# The worker processes cannot import this test module by name: ship its functions by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@dataclass
class _Stats(Result):
    peak: float
    n: int

    def to_frame(self):
        return pd.DataFrame({"peak": [self.peak]})

    def summary(self):
        return {"peak": self.peak, "n": self.n}

    def plot(self):  # pragma: no cover - not used
        raise NotImplementedError


def _stand_in(series: pd.Series, scale: float = 1.0) -> _Stats:
    """A stand-in diagnostic: the peak log price (fails on non-positive prices)."""
    if (series <= 0).any():
        raise InputError.single("prices must be positive", field="series")
    return _Stats(float(np.log(series).max()) * scale, len(series))


def _task(name, series, options):
    from kreislauf.bubble.scan import _run

    return _run("stand_in", _stand_in, name, series, options)


@pytest.fixture(scope="module")
def client():
    """One LocalCluster with 2 worker processes, shared by the tests of this module."""
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def real_series():
    px = load_wide_prices(shared_file("stocks/ai_stocks_daily_close_2000_2026.csv")).frame
    btc = load_price_table(
        shared_file("crypto/btc_usd_daily_2012_2026.csv"), "Date", "BTC_USD", symbol="BTC-USD"
    ).frame
    out = {}
    for sym in ("NVDA", "MSFT"):
        s = px[px["symbol"] == sym].set_index("date")["close"]
        out[sym] = prepare_series(s, freq="M", start="2015-01-01")
        out[sym].attrs["raw"] = s.rename(sym)
    raw = btc.set_index("date")["close"].rename("BTC-USD")
    out["BTC-USD"] = prepare_series(raw, freq="M")
    out["BTC-USD"].attrs["raw"] = raw
    return out


def test_local_cluster_two_workers(real_series):
    seen = []
    bad = real_series | {
        "BROKEN": pd.Series([1.0, -1.0], index=pd.date_range("2020-01-31", periods=2, freq="ME"))
    }
    r = scan(
        bad,
        ("stand_in",),
        tasks={"stand_in": _task},
        options={"stand_in": {"scale": 2.0}},
        workers=2,
        progress=lambda done, total, row: seen.append((done, total, row["series"])),
    )
    f = r.to_frame().set_index("series")
    assert r.cluster == "local (2 worker processes)"
    assert [d for d, _, _ in seen] == [1, 2, 3, 4] and {t for _, t, _ in seen} == {4}
    assert list(f.index) == ["NVDA", "MSFT", "BTC-USD", "BROKEN"]  # input order kept
    for name in ("NVDA", "MSFT", "BTC-USD"):
        expected = 2.0 * float(np.log(real_series[name]).max())
        assert f.loc[name, "status"] == "ok"
        assert f.loc[name, "peak"] == pytest.approx(expected)
        assert f.loc[name, "n_obs"] == len(real_series[name])
    assert f.loc["BROKEN", "status"] == "error" and "positive" in f.loc["BROKEN", "error"]
    s = r.summary()
    assert s["ok"] == 3 and list(s["errors"]) == ["BROKEN/stand_in"]


def test_prepare_series_month_ends(real_series):
    s = real_series["NVDA"]
    assert s.index.is_month_end.all() and s.index.to_period("M").is_unique
    assert s.index[0] == pd.Timestamp("2015-01-31")
    assert s.attrs["last_observation"] == "2026-08-21"  # the file's last close
    raw = load_wide_prices(shared_file("stocks/ai_stocks_daily_close_2000_2026.csv")).frame
    nv = raw[raw["symbol"] == "NVDA"].set_index("date")["close"]
    assert s.loc["2020-03-31"] == nv.loc["2020-03-31"]  # the month's last close
    with pytest.raises(InputError, match="frequency"):
        prepare_series(nv, freq="fortnight")


def test_bad_scan_input(real_series):
    with pytest.raises(InputError, match="unknown test"):
        scan(real_series, ("nope",))
    with pytest.raises(InputError, match="no series"):
        scan({}, ("psy",))
    with pytest.raises(InputError, match="worker"):
        scan(real_series, ("psy",), workers=0)
    with pytest.raises(InputError, match="scheduler"):
        scan(real_series, ("psy",), scheduler="tcp://127.0.0.1:9", timeout=1)


def test_real_psy_and_lppls_on_local_cluster(real_series, client):
    """The real PSY and LPPLS on 2 workers give the figures of a direct call (same seeds);
    each task thins the same daily series its own way (PSY monthly, LPPLS the last 200 days)."""
    from kreislauf.bubble.lppls_confidence import confidence
    from kreislauf.bubble.psy import psy

    psy_opts = {"reps": 99, "log": True, "seed": 3}
    lp_opts = {"window_size": 60, "smallest_window_size": 30, "outer_increment": 10,
               "inner_increment": 10, "max_searches": 5, "seed": 1}  # fmt: skip
    daily = {k: real_series[k].attrs["raw"] for k in ("NVDA", "BTC-USD")}
    # direct calls first: they compile the numba kernels into the on-disk cache once, so the
    # two workers load them instead of both compiling (tens of seconds on a cold cache)
    direct_lp = {n: confidence(raw.iloc[-200:], **lp_opts).summary() for n, raw in daily.items()}
    r = scan(
        daily,
        ("psy", "lppls"),
        options={
            "psy": psy_opts | {"freq": "M", "start": "2015-01-01"},
            "lppls": lp_opts | {"last": 200},
        },
        client=client,
    )
    assert len(client.scheduler_info()["workers"]) == 2 and r.cluster.startswith("client")
    f = r.to_frame()
    assert list(zip(f["series"], f["test"], strict=True)) == [
        ("NVDA", "psy"), ("NVDA", "lppls"), ("BTC-USD", "psy"), ("BTC-USD", "lppls")
    ]  # fmt: skip
    assert (f["status"] == "ok").all(), f["error"].tolist()
    p = f[f["test"] == "psy"].set_index("series")
    lp = f[f["test"] == "lppls"].set_index("series")
    for name, raw in daily.items():
        monthly = prepare_series(raw, freq="M", start="2015-01-01")
        direct = psy(monthly, **psy_opts)
        assert p.loc[name, "gsadf"] == pytest.approx(direct.gsadf)
        assert p.loc[name, "gsadf_cv"] == pytest.approx(direct.cv.gsadf[1])  # the 95 % level
        assert p.loc[name, "n_episodes"] == len(direct.episodes)
        assert p.loc[name, "last_observation"] == monthly.attrs["last_observation"]
        c = direct_lp[name]
        assert lp.loc[name, "n_obs"] == 200 and lp.loc[name, "n_end_dates"] == c["n_end_dates"]
        assert lp.loc[name, "max_pos_conf"] == pytest.approx(c["max_pos_conf"])
        assert 0 <= lp.loc[name, "latest_pos_conf"] <= 1
    assert r.summary()["options"]["psy"]["reps"] == 99
