"""A bounded load test on loopback: 50 concurrent clients for 30 seconds, no errors.

Latency is recorded by ``benchmarks/bench_web_load.py`` (docs/benchmarks.md), not asserted
here: timing assertions do not belong in tests.
"""

from __future__ import annotations

import pytest

from kreislauf.web.loadtest import run_load


def test_fifty_clients_thirty_seconds_without_errors(live_server: str) -> None:
    result = run_load(live_server, clients=50, seconds=30.0)
    assert result.requests > 50
    assert result.errors == 0, result.error_samples


def test_load_generator_refuses_other_hosts() -> None:
    with pytest.raises(ValueError, match="loopback only"):
        run_load("http://192.0.2.1:80", clients=1, seconds=0.1)
