"""Benchmark of the SFC engine: batched scenarios against one run per scenario.

Run: ``.venv/bin/python benchmarks/bench_sfc_engine.py [--draws 10000] [--periods 40]``

For the shipped models SIM and PC (Godley & Lavoie 2007) it times

* one batched run of S scenarios (random alpha1 and, for PC, the interest rate), and
* the same scenarios run one at a time (a sample of runs, extrapolated to S),

checks that both give the same numbers (bit for bit), and prints the speed-up. It also
prints the time per period of a batched run for S = 1, 10, ..., 10^4 to show that the cost
per period is nearly independent of S.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from kreislauf.sfc import load_model, simulate


def _draws(name: str, S: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = {"alpha1": rng.uniform(0.55, 0.65, S)}
    if name == "pc":
        p["rbar"] = rng.uniform(0.02, 0.04, S)
    return p


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--periods", type=int, default=40)
    ap.add_argument("--sample", type=int, default=200, help="single runs timed (extrapolated)")
    args = ap.parse_args()
    S, T = args.draws, args.periods
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"S = {S} scenarios x T = {T} periods\n")
    print(f"{'model':6} {'batched [s]':>12} {'one at a time [s]':>18} {'speed-up':>9} {'same':>5}")
    for name in ("sim", "pc"):
        model = load_model(name)
        p = _draws(name, S, seed=1)
        simulate(model, periods=T, params={k: v[:2] for k, v in p.items()})  # warm-up
        t_batch = _best(lambda m=model, p=p: simulate(m, periods=T, params=p), repeat=2)
        batch = simulate(model, periods=T, params=p)
        n = min(args.sample, S)
        t0 = time.perf_counter()
        same = True
        for s in range(n):
            one = simulate(model, periods=T, params={k: float(v[s]) for k, v in p.items()})
            same &= bool(np.array_equal(one.cube.values[0], batch.cube.values[s]))
        t_single = (time.perf_counter() - t0) / n * S
        print(f"{name:6} {t_batch:12.3f} {t_single:18.2f} {t_single / t_batch:8.0f}x {same!s:>5}")
    print("\nbatched time per period [ms] against the number of scenarios S")
    sizes = [1, 10, 100, 1000, 10_000]
    print(f"{'model':6} " + " ".join(f"{'S=' + str(k):>9}" for k in sizes))
    for name in ("sim", "pc"):
        model = load_model(name)
        row = []
        for k in sizes:
            p = _draws(name, k, seed=2)
            row.append(_best(lambda m=model, p=p: simulate(m, periods=T, params=p)) / T * 1e3)
        print(f"{name:6} " + " ".join(f"{v:9.2f}" for v in row))


if __name__ == "__main__":
    main()
