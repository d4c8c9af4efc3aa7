"""The Monte Carlo sweep on a Dask cluster: chunks of draws per task, same answer as local.

All draws are made on the client with the seed (:func:`kreislauf.sfc.montecarlo.draw`), cut
into chunks, and each chunk runs as one batched engine call on a worker. The engine solves
each scenario of a batch independently (converged scenarios are frozen), so the concatenated
chunks equal the local batched run of the same draws exactly.

Cluster: ``dask.distributed.Client(address)`` when a scheduler address is given, else a
``LocalCluster`` with ``workers`` single-threaded worker processes (closed afterwards).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from kreislauf.errors import InputError
from kreislauf.sfc.montecarlo import (
    Distribution,
    MonteCarloResult,
    Prepare,
    draw,
    simulate_draws,
    start_quarter,
)


@lru_cache(maxsize=8)
def _model(ref: str) -> Any:
    from kreislauf.sfc import load_model

    return load_model(ref)


@lru_cache(maxsize=8)
def _scenario(ref: str | None) -> Any:
    from kreislauf.sfc import load_scenario

    return None if ref is None else load_scenario(ref)


def run_chunk(
    model_ref: str,
    draws: dict[str, np.ndarray],
    periods: int,
    scenario_ref: str | None = None,
    prepare: Prepare | None = None,
    keep: tuple[str, ...] | None = None,
) -> tuple[list[str], np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """One task: a chunk of draws through the engine (model and scenario cached per worker)."""
    scen = _scenario(scenario_ref)
    return simulate_draws(_model(model_ref), draws, periods, scen, prepare, keep)


def _chunks(n: int, size: int) -> list[slice]:
    return [slice(i, min(n, i + size)) for i in range(0, n, size)]


def run_sweep(
    model_ref: str | Path,
    dists: list[Distribution],
    draws: int,
    seed: int,
    periods: int = 40,
    scenario_ref: str | Path | None = None,
    prepare: Prepare | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep: tuple[str, ...] | None = None,
) -> MonteCarloResult:
    """Run a Monte Carlo sweep on Dask.

    Parameters
    ----------
    model_ref : str or Path
        Shipped model name or model file (loaded on each worker, cached).
    dists : list of Distribution
    draws : int
    seed : int
        Same seed, same draws, same result as :func:`kreislauf.sfc.montecarlo.run_monte_carlo`.
    periods : int
    scenario_ref : str or Path, optional
        Scenario file applied to every draw.
    prepare : callable, optional
        Draws -> ``(params, initial)``; must be picklable (e.g.
        :class:`kreislauf.sfc.ai_params.Recalibrate`).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); else a LocalCluster.
    workers : int
        Worker processes of the LocalCluster (ignored with ``scheduler``).
    chunk_size : int, optional
        Draws per task; default ``ceil(draws / (2 * workers))`` (two tasks per worker).
    progress : callable, optional
        ``progress(done_draws, total_draws)`` as chunks complete.
    keep : tuple of str, optional
        Variables each task sends back (default all).

    Returns
    -------
    MonteCarloResult
    """
    from dask.distributed import Client, LocalCluster, as_completed

    if type(workers) is not int or workers < 1:
        raise InputError.single(
            f"workers must be an integer >= 1, got {workers!r}", field="workers"
        )
    if chunk_size is not None and (type(chunk_size) is not int or chunk_size < 1):
        msg = f"chunk size must be an integer >= 1, got {chunk_size!r}"
        raise InputError.single(msg, field="chunk_size")
    x = draw(dists, draws, seed)
    size = chunk_size or max(1, math.ceil(draws / (2 * workers)))
    mref, sref = str(model_ref), None if scenario_ref is None else str(scenario_ref)
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="5s")
        except OSError as err:
            raise InputError.single(
                f"cannot reach the Dask scheduler: {err}", field="--scheduler"
            ) from err
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        slices = _chunks(draws, size)
        futures = {}
        for i, sl in enumerate(slices):
            part = {k: v[sl] for k, v in x.items()}
            fut = client.submit(run_chunk, mref, part, periods, sref, prepare, keep, pure=False)
            futures[fut] = i
        parts: list[Any] = [None] * len(slices)
        done = 0
        if progress:
            progress(0, draws)
        for fut in as_completed(futures):
            i = futures[fut]
            parts[i] = fut.result()
            done += slices[i].stop - slices[i].start
            if progress:
                progress(done, draws)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    names = parts[0][0]
    values = np.concatenate([p[1] for p in parts], axis=0)
    params = {k: np.concatenate([p[2][k] for p in parts]) for k in parts[0][2]}
    conv = np.concatenate([p[3] for p in parts], axis=0)
    failed = np.concatenate([p[4] for p in parts], axis=0)
    scen_name = _scenario(sref).name if sref else None
    return MonteCarloResult(
        names,
        values,
        x,
        params,
        conv,
        seed,
        scen_name,
        start_quarter(_model(mref)),
        {"chunks": len(slices), "chunk_size": size, "scheduler": scheduler or f"local:{workers}"},
        excluded=failed,
    )
