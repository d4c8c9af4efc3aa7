"""Benchmark: a PSY or LPPLS scan over many series, serial in one process against Dask workers.

Run: ``python benchmarks/bench_bubble_scan.py [--test psy|lppls] [--reps 499] [--workers 2]``

Series: every price series of ``../shared/data`` (the eleven AI stocks, ^GSPC, ^IXIC, ^NDX,
^SOX, BTC-USD). PSY: month ends, ``reps`` Monte Carlo replications, log prices. LPPLS: the
confidence indicator on the last 620 daily closes (windows 30..120, step 5, end dates every 2
days, 25 searches), the ``kreislauf bubble scan`` defaults.

Reference: the same task function called in a plain loop in this process (numba on its
default threads; PSY's kernels are multi-threaded, LPPLS's are not). kreislauf:
``kreislauf.bubble.scan.scan`` on a ``LocalCluster`` of ``--workers`` single-threaded
processes; its wall time includes starting and stopping the cluster (reported separately).
Both runs must give identical headline figures (GSADF, or the largest LPPLS confidence).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numba

from kreislauf.bubble.inputs import PRICE_FAMILIES, load_market_data
from kreislauf.bubble.scan import lppls_task, psy_task, scan


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--test", choices=("psy", "lppls"), default="psy")
    ap.add_argument("--reps", type=int, default=499)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    a = ap.parse_args()
    data = load_market_data(a.data, families=PRICE_FAMILIES)
    syms = list(dict.fromkeys(data.prices()["symbol"]))
    series = {s: data.series(s) for s in syms}
    if a.test == "psy":
        task, key = psy_task, "gsadf"
        opts = {"reps": a.reps, "log": True, "seed": 0, "freq": "M"}
    else:
        task, key = lppls_task, "max_pos_conf"
        opts = {"last": 620, "window_size": 120, "smallest_window_size": 30,
                "outer_increment": 2, "inner_increment": 5, "max_searches": 25,
                "seed": 0}  # fmt: skip
    print(f"Python {platform.python_version()}, {len(series)} series, test {a.test}, {opts}")
    print(f"numba threads in this process: {numba.get_num_threads()}")
    task("warm-up", next(iter(series.values())), opts)  # JIT / cache load outside the timing

    t0 = time.perf_counter()
    serial = {n: task(n, s, opts) for n, s in series.items()}
    t_serial = time.perf_counter() - t0

    from dask.distributed import LocalCluster

    t0 = time.perf_counter()
    c = LocalCluster(n_workers=a.workers, threads_per_worker=1, dashboard_address=None)
    c.close()
    t_cluster = time.perf_counter() - t0

    t0 = time.perf_counter()
    res = scan(series, (a.test,), options={a.test: opts}, workers=a.workers)
    t_scan = time.perf_counter() - t0
    f = res.to_frame().set_index("series")
    for n, row in serial.items():
        assert row["status"] == f.loc[n, "status"]
        if row["status"] == "ok":
            assert abs(row[key] - f.loc[n, key]) < 1e-9, n
    print()
    print("| run | wall (s) | ratio to serial |")
    print("|---|---|---|")
    print(f"| serial loop, 1 process | {t_serial:.2f} | 1.00 |")
    print(
        f"| scan, LocalCluster {a.workers} workers (start included) | {t_scan:.2f} | "
        f"{t_scan / t_serial:.2f} |"
    )
    print(f"| of which cluster start/stop (measured apart) | {t_cluster:.2f} | |")
    print(f"| sum of task times on the workers | {f['seconds'].sum():.2f} | |")


if __name__ == "__main__":
    main()
