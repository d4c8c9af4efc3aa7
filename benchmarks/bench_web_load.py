"""Load benchmark of the dashboard on loopback: 50 concurrent clients for 30 seconds.

Starts ``uvicorn`` in a subprocess on 127.0.0.1 (one worker, as ``kreislauf serve`` runs it),
drives it with :func:`kreislauf.web.loadtest.run_load` and prints throughput and latency
percentiles. Usage::

    python benchmarks/bench_web_load.py [--clients 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import subprocess
import sys

from kreislauf.web.loadtest import run_load, wait_until_up


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "kreislauf.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--timeout-keep-alive",
            "15",
        ],
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url)
        run_load(url, clients=5, seconds=2.0)  # warm-up: caches, imports
        r = run_load(url, clients=args.clients, seconds=args.seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "clients": r.clients,
                "seconds": round(r.seconds, 1),
                "requests": r.requests,
                "errors": r.errors,
                "throughput_rps": round(r.throughput, 1),
                "latency_ms": {k: round(v, 1) for k, v in r.latency_ms.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
