"""LPPLS confidence indicator: kreislauf against the ``lppls`` package, side by side.

Data: the Nasdaq Composite 1994-01-03 .. 2000-03-10 (``bubble_cases/
nasdaq_composite_1994_2000_peak.csv`` under ``../shared/data``, the file shipped with
``lppls``), log of ``Adj Close``, time as date ordinals for ``lppls`` (as in its README).

Settings: the ``lppls`` README's ``mp_compute_nested_fits(window_size=120,
smallest_window_size=30, outer_increment=1, inner_increment=5, max_searches=25)``; both run
on one core (``lppls`` with ``workers=1``). ``lppls`` is run on the last ``--ends`` end dates
(a contiguous subset ending at the peak; the full file is 1443 end dates x 18 windows), so
the speed ratio is per window; kreislauf also runs the full file.

SSE comparison: one common function (``common_sse``) prices both packages' ``(tc, m, w)``
on each window's own data (ordinal-day time, ``|tc - t| + 1e-8`` as ``lppls`` does, linear
parameters by ``numpy.linalg.lstsq``). ``lppls`` searches unboundedly (Nelder-Mead from a
random start), so most of its fits lie outside any LPPLS parameter range (m < 0 or > 1,
w ~ 0, tc far outside the window); kreislauf is run a second time with bounds equal to the
``lppls`` package's own filter box (tc within max(t2-60d, t2-dt/2) .. min(t2+252d,
t2+dt/2), m in [0.001, 0.999], w in [2, 15]) and compared on every window where the
``lppls`` fit lies in that box (the fits that can count in its indicator).

Timing: the two packages' subset runs alternate ``--repeat`` times (default 3), so both see
the same machine load; the best time of each is reported (timeit practice) together with the
ratio of every pair. ``lppls`` is re-seeded with ``random.seed(rep)`` each time; the SSE
comparison uses its first run.

Run: ``.venv/bin/python benchmarks/bench_lppls.py [--ends 60] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("KREISLAUF_SHARED_DATA", ROOT.parent / "shared" / "data"))
FILE = DATA / "bubble_cases" / "nasdaq_composite_1994_2000_peak.csv"
SETTINGS = {
    "window_size": 120,
    "smallest_window_size": 30,
    "outer_increment": 1,
    "inner_increment": 5,
    "max_searches": 25,
}

COMPILE_SNIPPET = """
import time, numpy as np, pandas as pd
t0 = time.perf_counter()
from kreislauf.bubble.lppls_confidence import confidence
from kreislauf.bubble.lppls import fit
idx = pd.bdate_range("2020-01-01", periods=130)
s = pd.Series(np.exp(np.linspace(0, 0.3, 130)), index=idx)
confidence(s, window_size=120, smallest_window_size=30, inner_increment=5)
fit(s)
print(time.perf_counter() - t0)
"""


def common_sse(t: np.ndarray, y: np.ndarray, tc: float, m: float, w: float) -> float:
    """SSE of the best linear parameters at ``(tc, m, w)`` on one window (lstsq)."""
    dt = np.abs(tc - t) + 1e-8
    f = dt**m
    lg = np.log(dt)
    x = np.column_stack([np.ones_like(t), f, f * np.cos(w * lg), f * np.sin(w * lg)])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    r = y - x @ beta
    return float(r @ r)


def compile_time() -> float:
    """First-call time with an empty numba cache (compilation), in a fresh process."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run(
            [sys.executable, "-c", COMPILE_SNIPPET], env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ends", type=int, default=60, help="end dates run with lppls")
    ap.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each package (the best is reported)"
    )
    args = ap.parse_args()
    from lppls import lppls

    from kreislauf.bubble.lppls import LPPLSBounds
    from kreislauf.bubble.lppls_confidence import confidence

    d = pd.read_csv(FILE)
    dates = pd.DatetimeIndex(pd.to_datetime(d["Date"]))
    ordinal = np.array([ts.toordinal() for ts in dates], dtype=float)
    logp = np.log(d["Adj Close"].to_numpy(dtype=float))
    series = pd.Series(d["Adj Close"].to_numpy(dtype=float), index=dates, name="^IXIC")
    w_size = SETTINGS["window_size"]
    n_end_all = len(series) - w_size + 1
    e0 = n_end_all - args.ends
    sub = slice(e0, len(series))
    n_win = len(range(0, w_size - SETTINGS["smallest_window_size"], SETTINGS["inner_increment"]))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()}")
    print(f"data: {FILE.name}, {len(series)} rows; subset end dates {dates[e0 + w_size - 1].date()}"
          f" .. {dates[-1].date()} ({args.ends} end dates x {n_win} windows)")  # fmt: skip

    ct = compile_time()
    print(f"kreislauf compile (fresh numba cache, first call): {ct:.1f} s")
    confidence(series.iloc[-130:], **SETTINGS)  # load the cached kernels

    # kreislauf, default bounds, full file
    t0 = time.perf_counter()
    full = confidence(series, **SETTINGS, seed=0)
    t_full = time.perf_counter() - t0
    n_full = n_end_all * n_win
    print(f"kreislauf full file: {t_full:.2f} s for {n_full} windows "
          f"({t_full / n_full * 1e3:.3f} ms/window)")  # fmt: skip

    # kreislauf, bounds = lppls filter box, subset (for the SSE comparison)
    box = LPPLSBounds(tc_before=0.5, tc_after=0.5, tc_before_days=60.0, tc_after_days=252.0,
                      m=(0.001, 0.999), w=(2.0, 15.0))  # fmt: skip
    t0 = time.perf_counter()
    kb = confidence(series.iloc[sub], **SETTINGS, seed=0, bounds=box)
    t_kb = time.perf_counter() - t0

    # lppls, same windows
    random.seed(0)  # lppls draws its starts from the global ``random`` module
    obs = np.array([ordinal[sub], logp[sub]])
    model = lppls.LPPLS(observations=obs)
    t0 = time.perf_counter()
    model.fit(1, obs=obs[:, :40])  # compile its numba functions here; the fork inherits them
    t_lc = time.perf_counter() - t0
    print(f"lppls compile (first fit, in the parent before forking): {t_lc:.1f} s")
    # timed runs, interleaved (kreislauf, lppls, kreislauf, lppls, ...) so that both see the
    # same machine load; the best time of each is reported, and the ratio of each pair
    t_ks: list[float] = []
    t_ls: list[float] = []
    for rep in range(args.repeat):
        t0 = time.perf_counter()
        confidence(series.iloc[sub], **SETTINGS, seed=0)
        t_ks.append(time.perf_counter() - t0)
        random.seed(rep)
        t0 = time.perf_counter()
        out = model.mp_compute_nested_fits(workers=1, **SETTINGS)
        t_ls.append(time.perf_counter() - t0)
        if rep == 0:
            res = out  # the SSE comparison uses the first run's fits
    t_k = min(t_ks)
    t_l = min(t_ls)
    pair = sorted(tl / tk for tl, tk in zip(t_ls, t_ks, strict=True))
    n_sub = args.ends * n_win

    # window-by-window SSE
    wins = kb.windows
    rows = []
    for e, r in enumerate(res):
        for j, f in enumerate(r["res"]):
            k = wins.iloc[e * n_win + j]
            i1 = e0 + e + j * SETTINGS["inner_increment"]
            i2 = e0 + e + w_size
            t, y = ordinal[i1:i2], logp[i1:i2]
            assert t[0] == f["t1"] and t[-1] == f["t2"]
            t2 = t[-1]
            ok_l = f["tc"] != 0
            sse_l = common_sse(t, y, f["tc"], f["m"], f["w"]) if ok_l else np.inf
            sse_k = common_sse(t, y, t2 + k["tc_years"] * 365.25, k["m"], k["w"])
            dt = t2 - t[0]
            inbox = (
                ok_l
                and box.m[0] <= f["m"] <= box.m[1]
                and box.w[0] <= f["w"] <= box.w[1]
                and t2 - min(0.5 * dt, 60.0) <= f["tc"] <= t2 + min(0.5 * dt, 252.0)
            )
            rows.append((sse_l, sse_k, inbox, str(dates[i2 - 1].date()), i2 - i1,
                         f["tc"] - t2, k["tc_years"] * 365.25))  # fmt: skip
    cols = ["sse_lppls", "sse_kreislauf", "lppls_in_box", "t2", "n_obs", "tc_lppls_days",
            "tc_kreislauf_days"]  # fmt: skip
    cmp = pd.DataFrame(rows, columns=cols)
    rel = (cmp["sse_kreislauf"] - cmp["sse_lppls"]) / cmp["sse_lppls"]
    inb = cmp["lppls_in_box"]
    worse = inb & (rel > 1e-9)
    print(f"timed runs (s): lppls {', '.join(f'{x:.2f}' for x in t_ls)}; kreislauf "
          f"{', '.join(f'{x:.3f}' for x in t_ks)} (interleaved; best of {args.repeat} reported); "
          f"ratio of each pair {', '.join(f'{x:.0f}x' for x in pair)}")  # fmt: skip
    print()
    print("| run | windows | time (s) | ms/window | ratio lppls/kreislauf |")
    print("|---|---|---|---|---|")
    print(f"| lppls 0.6.24 (workers=1) | {n_sub} | {t_l:.2f} | {t_l / n_sub * 1e3:.2f} | 1 |")
    print(f"| kreislauf, default bounds | {n_sub} | {t_k:.3f} | {t_k / n_sub * 1e3:.3f} | "
          f"{t_l / t_k:.0f}x |")  # fmt: skip
    print(f"| kreislauf, lppls filter box | {n_sub} | {t_kb:.3f} | {t_kb / n_sub * 1e3:.3f} | "
          f"{t_l / t_kb:.0f}x |")  # fmt: skip
    print(
        f"| kreislauf full file, default | {n_full} | {t_full:.2f} | "
        f"{t_full / n_full * 1e3:.3f} | {(t_l / n_sub) / (t_full / n_full):.0f}x per window |"
    )
    print()
    print(f"SSE, all {len(cmp)} windows run: lppls fit inside the lppls filter box on "
          f"{int(inb.sum())}; on those kreislauf (same box) lower or equal (rel. 1e-9) on "
          f"{int((inb & ~worse).sum())}, higher on {int(worse.sum())} "
          f"(max rel. excess {float(rel[inb].max()):.2e}); strictly lower (by > 1e-6) on "
          f"{int((inb & (rel < -1e-6)).sum())}.")  # fmt: skip
    if worse.any():
        print(cmp[worse].assign(rel_excess=rel[worse]).to_string())
    out_box = ~inb
    print(f"lppls fits outside the box: {int(out_box.sum())} (failed: "
          f"{int(np.isinf(cmp['sse_lppls']).sum())}); there lppls's unbounded SSE is lower on "
          f"{int((out_box & (rel > 1e-9)).sum())}, kreislauf lower or equal on "
          f"{int((out_box & (rel <= 1e-9)).sum())}.")  # fmt: skip
    last = full.to_frame().iloc[-1]
    print(
        f"kreislauf full-file indicator at {last['date'].date()}: pos_conf {last['pos_conf']:.3f}"
        f", neg_conf {last['neg_conf']:.3f}; max pos_conf "
        f"{full.summary()['max_pos_conf']:.3f} on {full.summary()['max_pos_conf_date'].date()}"
    )


if __name__ == "__main__":
    main()
