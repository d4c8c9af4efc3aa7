"""Reliability load run of the dashboard on loopback (issue 14): 50 clients for 30 seconds on
a mix with the expensive reads and jobs: the circuit at max_length 8, AI-circuit runs of a
shipped scenario and of changed values, PSY jobs, Monte Carlo jobs, plus light reads.

Starts ``kreislauf serve`` (one uvicorn worker) on 127.0.0.1 with the data directory, then
counts every status: the run passes with 0 transport errors, 0 5xx, and every 429 carrying
``Retry-After``. Prints latency percentiles overall and per request kind. Usage::

    python benchmarks/bench_web_reliability.py --data-dir ../shared/data [--clients 50]
        [--seconds 30]
    python benchmarks/bench_web_reliability.py --mix circuit --clients 20 --seconds 20

``--mix circuit`` sends only ``GET /api/circuit?max_length=8`` (the server runs whatever
``kreislauf`` the environment's PYTHONPATH selects, so the same command times older code).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

MIX: tuple[tuple[str, str, str, dict | None], ...] = (
    ("circuit", "GET", "/api/circuit?max_length=8", None),
    ("ai_circuit shipped", "POST", "/api/scenarios/ai_circuit/run", {"scenario": "energy_ceiling"}),
    ("ai_circuit changed", "POST", "/api/scenarios/ai_circuit/run", {"params": {"g0": 0.1}}),
    ("psy job", "POST", "/api/bubble/psy", {"series": "NVDA", "reps": 200, "start": "2015-01"}),
    ("montecarlo job", "POST", "/api/scenarios/sim/montecarlo", {"draws": 200, "vary": ["alpha1"]}),
    ("health", "GET", "/api/health", None),
    ("atlas", "GET", "/api/atlas/summary", None),
    ("memory", "POST", "/api/memory/run", {"hoard_share": 0.3}),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(base: str, clients: int, seconds: float, mix: tuple = MIX) -> dict:
    import httpx

    lat: dict[str, list[float]] = defaultdict(list)
    status: Counter = Counter()
    by_kind: dict[str, Counter] = defaultdict(Counter)
    transport: list[str] = []
    no_retry_after = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(base_url=base, timeout=300.0, limits=limits) as http:

        async def client(i: int) -> None:
            nonlocal no_retry_after
            k = i
            while time.perf_counter() < deadline:
                kind, method, path, body = mix[k % len(mix)]
                k += 1
                t0 = time.perf_counter()
                try:
                    r = await http.request(method, path, json=body)
                except httpx.HTTPError as err:
                    transport.append(f"{kind}: {type(err).__name__}")
                    continue
                lat[kind].append(time.perf_counter() - t0)
                status[r.status_code] += 1
                by_kind[kind][r.status_code] += 1
                if r.status_code == 429 and "retry-after" not in r.headers:
                    no_retry_after += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        elapsed = time.perf_counter() - t0

    def pct(values: list[float]) -> dict[str, float]:
        a = np.array(values) * 1000.0
        return {f"p{q}": round(float(np.percentile(a, q)), 1) for q in (50, 95, 99)}

    every = [x for v in lat.values() for x in v]
    return {
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "throughput_rps": round(len(every) / elapsed, 1),
        "statuses": dict(sorted(status.items())),
        "5xx": sum(n for s, n in status.items() if s >= 500),
        "transport_errors": len(transport),
        "429_without_retry_after": no_retry_after,
        "latency_ms": pct(every),
        "by_kind": {
            k: {"requests": len(v), "statuses": dict(by_kind[k])} | pct(v) for k, v in lat.items()
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--mix", choices=("full", "circuit"), default="full")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    if args.mix == "full" and args.data_dir is None:
        ap.error("the full mix (PSY jobs) needs --data-dir")
    mix = MIX if args.mix == "full" else MIX[:1]
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kreislauf.cli.main", "serve", "--host", "127.0.0.1", "--port",
         str(port), *(["--data-dir", str(args.data_dir)] if args.data_dir else [])],
        env=os.environ.copy(),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        out = asyncio.run(_load(base, args.clients, args.seconds, mix))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    load1 = os.getloadavg()[0]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(json.dumps({"machine": machine, "load_average_1min_after": round(load1, 1)} | out,
                     indent=2))  # fmt: skip
    ok = out["5xx"] == 0 and out["transport_errors"] == 0 and out["429_without_retry_after"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
