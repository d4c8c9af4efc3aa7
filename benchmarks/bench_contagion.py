"""Benchmark: Eisenberg-Noe clearing on random sparse networks, kreislauf vs a dense reference.

Run: ``python benchmarks/bench_contagion.py [--sizes 10000 100000 1000000] [--repeats 3]``

Networks: every node owes 10 creditors drawn uniformly at random (average degree 10),
amounts uniform on [0.5, 1.5]; external debt half of network debt (pari passu); external
assets give every node an equity buffer of 4 % of its total obligations (at least what it
needs to be solvent). One large debtor owes an extra 2.0 to each of ``min(2000, n/10)``
random creditors and is wiped out (external assets lost in full).

Reference: a straightforward dense implementation of the fictitious-default algorithm
(NumPy arrays, ``numpy.linalg.solve`` on the default set) at 10^4 nodes, same answer
checked. Adversarial case: a ring of 10^5 nodes near full default (every node owes its
neighbour 1, external debt 1e-4, external assets 5e-5), whose exact clearing vector is the
constant ``eps (1 + d) / d``. With node ``i`` owing ``i-1`` each Gauss-Seidel sweep moves
information one node against the sweep order (contraction ``1/(1+d)`` per sweep), the
iteration stalls and the solver finishes with one sparse LU on the ring; the other
direction is reported too.

Beyond the issue: a heavy cascade, 5 % of the nodes wiped out at 10^5 and 10^6 nodes (a
default set of ~14 % of the network), timed and checked the same way.

Memory, in a fresh process per size: ``peak_mb`` is the ``tracemalloc`` peak (NumPy/SciPy
array allocations) over network construction and the first clearing; ``max_rss_mb`` is the
process's peak resident memory (includes the interpreter, imports and SuperLU's own buffers).
``first_call_s`` includes building the transposed matrix once per network (cached after).

Exactness, for every solve: ``fixed_point_residual`` is ``max |Phi(p) - p|`` with ``Phi`` the
clearing map written in plain NumPy (:func:`kreislauf.contagion.clearing.clearing_map`), and
``max_diff_vs_fictitious_default`` compares the default (Picard + exact finish) answer with the
pure fictitious-default algorithm started from full payment (``method="exact"``). Time growth
from the smallest to the largest size is reported as the slope of log(time) on log(n)
(1 = linear).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import scipy.sparse as sp

DEGREE = 10
SPEEDUP_TARGET = 100.0  # issue 5: at least 100x faster than a dense implementation at 10^4


def exactness(net, shock, r) -> dict:
    """Fixed-point residual of ``r`` and its distance to the pure fictitious-default answer."""
    from kreislauf.contagion import eisenberg_noe
    from kreislauf.contagion.clearing import clearing_map, prepare

    prep = prepare(net, r.seniority)
    e = net.external_assets - r.shock
    phi, _ = clearing_map(prep, e, r.payments, 1.0, 1.0)
    fd = eisenberg_noe(net, r.seniority, shock=shock, method="exact")
    return {
        "fixed_point_residual": float(np.max(np.abs(phi - r.payments), initial=0.0)),
        "max_diff_vs_fictitious_default": float(np.max(np.abs(fd.payments - r.payments))),
        "fictitious_default_exact_flag": fd.stats.exact,
    }


def random_network(n: int, seed: int = 0):
    """The benchmark network and the index of the large debtor."""
    from kreislauf.contagion import Network

    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n, dtype=np.int64), DEGREE)
    cols = rng.integers(0, n - 1, size=rows.size)
    cols = cols + (cols >= rows)  # no self-loops
    amt = rng.uniform(0.5, 1.5, size=rows.size)
    k = min(2000, n // 10)
    big_cols = rng.choice(np.arange(1, n), size=k, replace=False)
    rows = np.concatenate([rows, np.zeros(k, np.int64)])
    cols = np.concatenate([cols, big_cols])
    amt = np.concatenate([amt, np.full(k, 2.0)])
    L = sp.csr_matrix((amt, (rows, cols)), shape=(n, n))
    owes = np.asarray(L.sum(axis=1)).ravel()
    owed = np.asarray(L.sum(axis=0)).ravel()
    b = 0.5 * owes
    e = np.maximum(0.0, owes + b - owed) + 0.04 * (owes + b)
    return Network.from_arrays(L, e, b), 0


def dense_en(L: np.ndarray, e: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Straightforward dense Eisenberg-Noe (pari passu), fictitious default algorithm."""
    pbar = L.sum(axis=1) + b
    Pi = np.divide(L, pbar[:, None], out=np.zeros_like(L), where=pbar[:, None] > 0)
    p = pbar.copy()
    prev = None
    while True:
        v = e + Pi.T @ p
        D = v < pbar - 1e-10 * (pbar + 1)
        if prev is not None and np.array_equal(D, prev):
            return p
        S = ~D
        p = pbar.copy()
        if D.any():
            A = np.eye(int(D.sum())) - Pi[np.ix_(D, D)].T
            rhs = e[D] + Pi[np.ix_(S, D)].T @ pbar[S]
            p[D] = np.linalg.solve(A, rhs)
        prev = D


def time_it(fn, repeats: int) -> tuple[float, object]:
    """Median of ``repeats`` timed calls after one untimed warm-up call."""
    out = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def time_both(fn, repeats: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds of ``repeats`` calls after one untimed warm-up.

    CPU time (``time.process_time``) is less disturbed than wall time when other processes
    share the machine.
    """
    out = fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), out


def run_size(n: int, repeats: int) -> dict:
    """Time EN at one size (called in a fresh process for clean peak memory)."""
    from kreislauf.contagion import eisenberg_noe

    tracemalloc.start()
    t0 = time.perf_counter()
    net, big = random_network(n)
    build = time.perf_counter() - t0
    shock = np.zeros(n)
    shock[big] = net.external_assets[big]
    t1 = time.perf_counter()
    r = eisenberg_noe(net, "pari_passu", shock=shock)  # first call: builds L.T once
    first = time.perf_counter() - t1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    secs, cpu, r = time_both(lambda: eisenberg_noe(net, "pari_passu", shock=shock), repeats)
    s = r.summary()
    return {
        "n": n,
        "edges": int(net.liabilities.nnz),
        "build_s": round(build, 3),
        "first_call_s": round(first, 4),
        "clear_s_median": round(secs, 4),
        "clear_cpu_s_median": round(cpu, 4),
        "peak_mb": round(peak / 2**20, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "defaults": s["defaults"],
        "cascade_rounds": s["cascade_rounds"],
        "picard_iterations": s["picard_iterations"],
        "lu_solves": s["lu_solves"],
        "krylov_solves": s["krylov_solves"],
        "exact": s["exact"],
        **exactness(net, shock, r),
    }


def dense_comparison(n: int, repeats: int) -> dict:
    from kreislauf.contagion import eisenberg_noe

    net, big = random_network(n)
    shock = np.zeros(n)
    shock[big] = net.external_assets[big]
    e = net.external_assets - shock
    Ld = net.liabilities.toarray()
    t_sparse, r = time_it(lambda: eisenberg_noe(net, "pari_passu", shock=shock), repeats)
    t_dense, p_dense = time_it(lambda: dense_en(Ld, e, net.external_liabilities), repeats)
    diff = float(np.max(np.abs(r.payments - p_dense)))
    return {
        "n": n,
        "sparse_s_median": round(t_sparse, 4),
        "dense_s_median": round(t_dense, 3),
        "speedup": round(t_dense / t_sparse, 1),
        "target": SPEEDUP_TARGET,
        "max_abs_diff": diff,
        "defaults": int(r.defaulted.sum()),
    }


def ring(n: int, repeats: int, step: int = -1) -> dict:
    from kreislauf.contagion import Network, eisenberg_noe

    d, eps = 1e-4, 5e-5
    idx = np.arange(n)
    L = sp.csr_matrix((np.ones(n), (idx, (idx + step) % n)), shape=(n, n))
    net = Network.from_arrays(L, np.full(n, eps), np.full(n, d))
    secs, r = time_it(lambda: eisenberg_noe(net, "pari_passu"), repeats)
    exact = eps * (1 + d) / d
    s = r.summary()
    t_fd, _ = time_it(lambda: eisenberg_noe(net, "pari_passu", method="exact"), repeats)
    return {
        "n": n,
        "direction": "i owes i-1 (against the sweep order)" if step == -1 else "i owes i+1",
        "clear_s_median": round(secs, 4),
        "max_rel_err_vs_exact": float(np.max(np.abs(r.payments - exact)) / exact),
        "defaults": s["defaults"],
        "picard_iterations": s["picard_iterations"],
        "stalled": r.stats.stalled,
        "lu_solves": s["lu_solves"],
        "exact": s["exact"],
        "fictitious_default_s_median": round(t_fd, 4),
        **exactness(net, None, r),
    }


def heavy_cascade(n: int, repeats: int, compare_fd: bool) -> dict:
    """Beyond the issue's case: 5 % of the nodes (at random) lose all external assets.

    The default set is then a large random (expander-like) subgraph, where sparse LU fills in
    badly; the solver takes GMRES, checked by its residual. ``compare_fd`` also runs the pure
    fictitious-default algorithm with sparse LU throughout (slow: the reference).
    """
    from kreislauf.contagion import eisenberg_noe

    net, _ = random_network(n)
    rng = np.random.default_rng(1)
    shock = np.zeros(n)
    hit = rng.choice(n, n // 20, replace=False)
    shock[hit] = net.external_assets[hit]
    secs, r = time_it(lambda: eisenberg_noe(net, "pari_passu", shock=shock), repeats)
    s = r.summary()
    out = {
        "n": n,
        "case": "5 % of nodes wiped out",
        "clear_s_median": round(secs, 4),
        "defaults": s["defaults"],
        "picard_iterations": s["picard_iterations"],
        "lu_solves": s["lu_solves"],
        "krylov_solves": s["krylov_solves"],
        "exact": s["exact"],
    }
    if compare_fd:
        t0 = time.perf_counter()
        ex = exactness(net, shock, r)
        out["fictitious_default_lu_s"] = round(time.perf_counter() - t0, 2)
        out.update(ex)
    else:
        from kreislauf.contagion.clearing import clearing_map, prepare

        prep = prepare(net, r.seniority)
        phi, _ = clearing_map(prep, net.external_assets - r.shock, r.payments, 1.0, 1.0)
        out["fixed_point_residual"] = float(np.max(np.abs(phi - r.payments)))
    return out


def loglog_slope(rows: list[dict], key: str) -> float:
    """Least-squares slope of log(time) on log(n)."""
    x = np.log([r["n"] for r in rows])
    y = np.log([r[key] for r in rows])
    return float(np.polyfit(x, y, 1)[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--one-size", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--skip-heavy", action="store_true", help="skip the 5 %% wipe-out case")
    args = ap.parse_args()
    if args.one_size:
        print(json.dumps(run_size(args.one_size, args.repeats)))
        return
    print(
        f"machine: {platform.platform()}, python {platform.python_version()}, "
        f"cpus {os.cpu_count()}, load average {os.getloadavg()}"
    )
    rows = []
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one-size", str(n), "--repeats", str(args.repeats)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]))
    for a, b in itertools.pairwise(rows):
        print(
            f"n {a['n']:>9,} -> {b['n']:>9,}: size x{b['n'] / a['n']:.0f}, "
            f"time x{b['clear_s_median'] / a['clear_s_median']:.1f}, "
            f"memory x{b['peak_mb'] / a['peak_mb']:.1f}"
        )
    if len(rows) > 1:
        for key in ("clear_s_median", "clear_cpu_s_median", "first_call_s"):
            print(
                f"log-log slope of {key} from n={rows[0]['n']:,} to n={rows[-1]['n']:,}: "
                f"{loglog_slope(rows, key):.2f} (1 = linear)"
            )
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    print(
        f"peak RSS at n={rows[-1]['n']:,}: {rows[-1]['max_rss_mb']:,.0f} MB of "
        f"{total_mb:,.0f} MB physical memory"
    )
    dc = dense_comparison(10_000, args.repeats)
    print(json.dumps(dc))
    verdict = "meets" if dc["speedup"] >= SPEEDUP_TARGET else "MISSES"
    print(
        f"sparse vs dense at 10^4 nodes: {dc['speedup']}x faster ({verdict} the "
        f"{SPEEDUP_TARGET:.0f}x target), max |difference| {dc['max_abs_diff']:.2e}"
    )
    for step in (-1, 1):
        print(json.dumps(ring(100_000, args.repeats, step)))
    if not args.skip_heavy:
        for n in (100_000, 1_000_000):
            print(json.dumps(heavy_cascade(n, args.repeats, compare_fd=(n == 100_000))))


if __name__ == "__main__":
    main()
