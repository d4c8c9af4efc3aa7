"""A bounded load generator for the dashboard, for loopback use only.

``run_load`` opens ``clients`` concurrent HTTP clients against a server the caller
started on this machine and sends a fixed mix of requests for ``seconds`` seconds.
It refuses any host other than a loopback address.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import numpy as np

DEFAULT_MIX: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("GET", "/api/health", None),
    ("GET", "/", None),
    ("GET", "/api/memory/scenarios", None),
    ("POST", "/api/memory/run", {"hoard_share": 0.3}),
    ("GET", "/api/atlas/summary", None),
    ("GET", "/api/atlas/relations?type=purchase_commitment", None),
)


def _check_loopback(base_url: str) -> None:
    host = urlparse(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"load tests target loopback only, not {host!r}")


def wait_until_up(base_url: str, seconds: float = 60.0) -> None:
    """Poll ``/api/health`` of a server on this machine until it answers (or give up)."""
    import urllib.request

    _check_loopback(base_url)
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base_url + "/api/health", timeout=1)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer from {base_url} within {seconds:g} s") from None
            time.sleep(0.1)


@dataclass(frozen=True)
class LoadResult:
    """Outcome of a load run."""

    clients: int
    seconds: float
    requests: int
    errors: int
    error_samples: tuple[str, ...]
    latency_ms: dict[str, float]

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds


def run_load(
    base_url: str,
    clients: int = 50,
    seconds: float = 30.0,
    mix: tuple[tuple[str, str, dict[str, Any] | None], ...] = DEFAULT_MIX,
    timeout: float = 30.0,
) -> LoadResult:
    """Run ``clients`` concurrent clients for ``seconds`` seconds against ``base_url``.

    Raises
    ------
    ValueError
        If ``base_url`` is not a loopback address.
    """
    _check_loopback(base_url)
    return asyncio.run(_run(base_url, clients, seconds, mix, timeout))


async def _run(base_url, clients, seconds, mix, timeout) -> LoadResult:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    # Expire idle connections well before the server does (uvicorn: 5 s by default, 15 s in
    # kreislauf serve), so no request is sent on a socket the server is closing.
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0
    )

    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as http:

        async def client(i: int) -> None:
            k = i
            while time.perf_counter() < deadline:
                method, path, body = mix[k % len(mix)]
                k += 1
                t0 = time.perf_counter()
                try:
                    r = await http.request(method, path, json=body)
                    if r.status_code >= 400:
                        errors.append(f"{method} {path}: HTTP {r.status_code}")
                except httpx.HTTPError as err:
                    errors.append(f"{method} {path}: {type(err).__name__}")
                latencies.append(time.perf_counter() - t0)

        start = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        elapsed = time.perf_counter() - start
    lat = np.array(latencies) * 1000.0
    q = {
        "p50": float(np.percentile(lat, 50)) if lat.size else float("nan"),
        "p95": float(np.percentile(lat, 95)) if lat.size else float("nan"),
        "p99": float(np.percentile(lat, 99)) if lat.size else float("nan"),
        "max": float(lat.max()) if lat.size else float("nan"),
    }
    return LoadResult(clients, elapsed, len(latencies), len(errors), tuple(errors[:5]), q)
