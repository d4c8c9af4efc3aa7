"""Benchmark: the AI-circuit SFC model, 10,000 Monte Carlo draws x 40 quarters.

Run: ``python benchmarks/bench_sfc.py [--draws 10000] [--single 200] [--sweep-draws 20000]``

1. Batched: all draws through the engine in one call (the scenario axis), including the
   per-draw recalibration (:class:`kreislauf.sfc.ai_params.Recalibrate`).
2. Reference, one at a time: the first ``--single`` draws run one per engine call, the same
   way; time per draw extrapolated to all draws (stated in the output). Each single run is
   checked equal to its row of the batched run.
3. Dask: the same sweep on a LocalCluster with one worker and with two workers (single-
   threaded processes), cluster started and warmed up before timing (the model is loaded and
   cached on each worker); ``--sweep-draws`` draws in chunks of ``--chunk``. The result is
   checked equal to the local batched run. Tasks send back the variables needed for defaults
   and wealth lost (``kreislauf.sfc.burst.OUTCOME_VARS``), not all of them.

Batched and sweep timings are the best of ``--repeats`` runs (the machine may be shared);
the 1-minute load average is printed with each block.

Targets (issue 6): batched at least 100x faster than one at a time; two workers at least 1.6x
faster than one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

TARGET_BATCH = 100.0
TARGET_DASK = 1.6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--single", type=int, default=200)
    ap.add_argument("--periods", type=int, default=40)
    ap.add_argument("--sweep-draws", type=int, default=20_000)
    ap.add_argument("--chunk", type=int, default=2_500)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeats", type=int, default=3, help="batched and sweep timings: best of")
    args = ap.parse_args()

    from kreislauf.sfc import load_model, simulate
    from kreislauf.sfc.ai_params import Recalibrate, load_calibration
    from kreislauf.sfc.montecarlo import draw, read_distributions, run_monte_carlo

    model = load_model("ai_circuit")
    prep = Recalibrate(list(load_calibration().entries))
    dists = read_distributions()
    T = args.periods

    run_monte_carlo(model, dists, 50, 1, T, prepare=prep)  # warm-up
    t_batch = float("inf")
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        mc = run_monte_carlo(model, dists, args.draws, args.seed, T, prepare=prep)
        t_batch = min(t_batch, time.perf_counter() - t0)

    x = draw(dists, args.draws, args.seed)
    t0 = time.perf_counter()
    same = True
    for i in range(args.single):
        params, initial = prep({k: v[i : i + 1] for k, v in x.items()})
        r = simulate(model, T, params=params, initial=initial)
        same &= bool(np.array_equal(r.cube.values[0], mc.values[i]))
    t_single = (time.perf_counter() - t0) / args.single
    t_single_all = t_single * args.draws
    ratio = t_single_all / t_batch

    out = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "repeats_best_of": args.repeats,
        "draws": args.draws,
        "periods": T,
        "variables": len(mc.names),
        "batched_s": round(t_batch, 3),
        "batched_us_per_draw_quarter": round(t_batch / args.draws / T * 1e6, 2),
        "one_at_a_time_draws_timed": args.single,
        "one_at_a_time_s_per_draw": round(t_single, 5),
        "one_at_a_time_extrapolated_s": round(t_single_all, 1),
        "speedup_batched": round(ratio, 1),
        "single_runs_equal_batched_rows": same,
        "target_batched": TARGET_BATCH,
    }
    print(json.dumps(out, indent=2), flush=True)

    from dask.distributed import Client, LocalCluster

    from kreislauf.sfc.burst import OUTCOME_VARS
    from kreislauf.sfc.sweep import run_sweep

    keep = OUTCOME_VARS
    ref = run_monte_carlo(model, dists, args.sweep_draws, args.seed, T, prepare=prep, keep=keep)
    times = {}
    for n in (1, 2):
        with (
            LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster),
        ):
            addr = cluster.scheduler_address
            run_sweep("ai_circuit", dists, 4 * n, 0, T, prepare=prep, scheduler=addr, chunk_size=2)
            times[n] = float("inf")
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                res = run_sweep(
                    "ai_circuit", dists, args.sweep_draws, args.seed, T, prepare=prep,
                    scheduler=addr, chunk_size=args.chunk, keep=keep,
                )  # fmt: skip
                times[n] = min(times[n], time.perf_counter() - t0)
                assert np.array_equal(res.values, ref.values), "sweep differs from the local run"
    dask = {
        "sweep_draws": args.sweep_draws,
        "chunk": args.chunk,
        "tasks": -(-args.sweep_draws // args.chunk),
        "one_worker_s": round(times[1], 2),
        "two_workers_s": round(times[2], 2),
        "speedup_two_workers": round(times[1] / times[2], 2),
        "variables_returned": len(keep),
        "equal_to_local_batched_run": True,
        "target_two_workers": TARGET_DASK,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(dask, indent=2), flush=True)


if __name__ == "__main__":
    main()
