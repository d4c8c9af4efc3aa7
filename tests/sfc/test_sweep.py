"""The Dask sweep equals the local batched run of the same seed, chunk by chunk."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.errors import InputError
from kreislauf.sfc import load_model
from kreislauf.sfc.ai_params import Recalibrate, load_calibration
from kreislauf.sfc.montecarlo import read_distributions, run_monte_carlo
from kreislauf.sfc.sweep import _chunks, run_sweep


def test_chunks_cover_every_draw_once() -> None:
    sl = _chunks(23, 5)
    assert [s.stop - s.start for s in sl] == [5, 5, 5, 5, 3]
    assert sl[0].start == 0 and sl[-1].stop == 23


def test_localcluster_sweep_equals_local_run() -> None:
    prep = Recalibrate(list(load_calibration().entries))
    dists = read_distributions()
    local = run_monte_carlo(load_model("ai_circuit"), dists, 45, 9, 16, prepare=prep)
    seen: list[tuple[int, int]] = []
    swept = run_sweep(
        "ai_circuit", dists, 45, 9, 16, prepare=prep, workers=2, chunk_size=10,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert swept.meta["chunks"] == 5
    assert swept.names == local.names
    assert np.array_equal(swept.values, local.values)
    assert all(np.array_equal(swept.draws[k], local.draws[k]) for k in local.draws)
    assert np.array_equal(swept.converged, local.converged)
    assert seen[0] == (0, 45) and seen[-1] == (45, 45)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="chunk size"):
        run_sweep("ai_circuit", read_distributions(), 4, 0, 4, chunk_size=0)
    with pytest.raises(InputError, match="workers"):
        run_sweep("ai_circuit", read_distributions(), 4, 0, 4, workers=0)
    with pytest.raises(InputError, match="scheduler"):
        run_sweep("ai_circuit", read_distributions(), 4, 0, 4, scheduler="tcp://127.0.0.1:9")
