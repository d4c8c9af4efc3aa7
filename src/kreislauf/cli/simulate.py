"""``kreislauf simulate``: run an SFC model once, under scenarios, or as a Monte Carlo sweep.

Examples::

    kreislauf simulate sim --periods 60
    kreislauf simulate ai_circuit --scenario src/kreislauf/sfc/scenarios/energy_ceiling.yaml
    kreislauf simulate ai_circuit --all-scenarios --out paths.csv
    kreislauf simulate ai_circuit --draws 10000 --seed 1 --out cube.nc
    kreislauf simulate ai_circuit --draws 10000 --workers 2          # LocalCluster
    kreislauf simulate ai_circuit --draws 10000 --scheduler tcp://host:8786

``MODEL`` is ``sim``, ``pc``, ``ai_circuit`` or a model file. The AI circuit is calibrated from
its shipped, sourced parameter file; ``--data-dir`` recomputes the market-data values from the
fundamentals and S&P 500 snapshot files found there. ``--out`` writes ``.csv``, ``.parquet``,
``.json``, ``.html`` (a plot) or ``.nc`` (the scenario x period x variable cube as netCDF).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors, summary_table


def _progress_bar(enabled: bool):
    """A ``progress(done, total)`` callable drawing a Rich bar on stderr, and its closer."""
    if not enabled:
        return None, lambda: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from kreislauf.cli._common import console

    prog = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=False,
    )
    prog.start()
    task = prog.add_task("draws", total=None)

    def update(done: int, total: int) -> None:
        prog.update(task, completed=done, total=total)

    return update, prog.stop


def _write_netcdf(cube: Any, path: Path) -> Path:
    from kreislauf.errors import InputError
    from kreislauf.io import atomic_write_bytes

    try:
        data = cube.to_dataset(name="value").to_netcdf()
    except (ValueError, ImportError) as err:
        raise InputError.single(
            f"netCDF export is not available here ({err}); use .csv or .parquet", field="--out"
        ) from err
    return atomic_write_bytes(path, bytes(data))


def _cube_of(obj: Any) -> Any:
    from kreislauf.sfc.burst import ScenarioComparison
    from kreislauf.sfc.montecarlo import MonteCarloResult

    if isinstance(obj, MonteCarloResult):
        return obj.to_xarray()
    if isinstance(obj, ScenarioComparison):
        import xarray as xr

        cubes = [r.cube.assign_coords(scenario=[n]) for n, r in obj.runs.items()]
        return xr.concat(cubes, dim="scenario")
    return obj.cube


def app(
    model: str = typer.Argument(..., help="sim, pc, ai_circuit or a model file (.yaml)."),
    scenario: Path | None = typer.Option(None, "--scenario", help="Scenario file (YAML)."),
    all_scenarios: bool = typer.Option(
        False, "--all-scenarios", help="ai_circuit: baseline and the five shipped scenarios."
    ),
    draws: int | None = typer.Option(None, "--draws", help="Monte Carlo draws (batched run)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the Monte Carlo draws."),
    periods: int = typer.Option(
        40, "--periods", help="Periods to simulate (quarters for ai_circuit)."
    ),
    uncertainty: Path | None = typer.Option(
        None, "--uncertainty", help="Distribution file (default for ai_circuit: shipped)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address: run the draws there."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Run the draws on a Dask LocalCluster with N workers."
    ),
    chunk: int | None = typer.Option(None, "--chunk", help="Draws per Dask task."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="ai_circuit: market data to recalibrate from."
    ),
    flow_matrix: int | None = typer.Option(
        None, "--flow-matrix", help="Show the transaction-flow matrix of this period."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON on stdout."),
    out: Path | None = typer.Option(
        None, "--out", help="Export to PATH (.csv, .parquet, .json, .html or .nc)."
    ),
) -> None:
    """Simulate a stock-flow-consistent model (every period's books are checked)."""
    with handle_errors():
        from kreislauf.errors import InputError

        if periods < 1:
            raise InputError.single(f"expected periods >= 1, got {periods}", field="--periods")
        if draws is not None and draws < 1:
            raise InputError.single(f"expected draws >= 1, got {draws}", field="--draws")
        if workers is not None and workers < 1:
            raise InputError.single(f"expected workers >= 1, got {workers}", field="--workers")
        if out is not None and out.suffix.lower() not in (
            ".csv",
            ".parquet",
            ".json",
            ".html",
            ".nc",
        ):
            raise InputError.single(
                f"unsupported export suffix '{out.suffix}'; expected .csv, .parquet, .json, "
                ".html or .nc",
                file=str(out),
                field="--out",
            )
        obj = _run(
            model, scenario, all_scenarios, draws, seed, periods, uncertainty, scheduler,
            workers, chunk, data_dir, as_json,
        )  # fmt: skip
        if flow_matrix is not None:
            obj = _flow_matrix(obj, flow_matrix, periods)
        if out is not None and out.suffix.lower() == ".nc":
            emit(obj, as_json=as_json, out=None, render=_render(obj))
            from kreislauf.cli._common import console

            written = _write_netcdf(_cube_of(obj), out)
            console(stderr=as_json).print(f"wrote {written}", highlight=False)
            return
        emit(obj, as_json=as_json, out=out, render=None if as_json else _render(obj))


def _flow_matrix(obj: Any, period: int, periods: int) -> Any:
    """The flow matrix of ``period`` of a single run (first scenario), as a DataFrame."""
    from kreislauf.errors import InputError
    from kreislauf.sfc.burst import ScenarioComparison
    from kreislauf.sfc.montecarlo import MonteCarloResult

    if isinstance(obj, MonteCarloResult):
        raise InputError.single(
            "--flow-matrix shows a single run, not --draws", field="--flow-matrix"
        )
    if not 1 <= period <= periods:
        raise InputError.single(
            f"expected a period in 1..{periods}, got {period}", field="--flow-matrix"
        )
    run = next(iter(obj.runs.values())) if isinstance(obj, ScenarioComparison) else obj
    return run.flow_matrix(period).reset_index().rename(columns={"index": "row"})


def _render(obj: Any):
    import pandas as pd

    from kreislauf.sfc.burst import ScenarioComparison

    def render(con) -> None:
        if isinstance(obj, pd.DataFrame):
            con.print(frame_table(obj, title="transaction-flow matrix", max_rows=80))
        elif not isinstance(obj, ScenarioComparison):
            con.print(summary_table(obj.summary()))
        else:
            con.print(frame_table(obj.defaults(), title="lab defaults and loan losses"))
            cols = ["scenario", "households", "pensions", "funds_and_foreign", "total"]
            w = obj.wealth()
            con.print(frame_table(w[cols], title="wealth lost by holder, USD bn (max drawdown)"))
            con.print(
                f"the articles' claim (seed 03): up to USD {w['claim_total_usd_bn'].iloc[0]:,.0f}"
                f" bn worldwide, USD {w['claim_us_households_usd_bn'].iloc[0]:,.0f} bn of US"
                " households'"
            )

    return render


def _run(
    model_ref, scenario, all_scenarios, draws, seed, periods, uncertainty, scheduler, workers,
    chunk, data_dir, quiet,
):  # fmt: skip
    from kreislauf.errors import InputError
    from kreislauf.sfc import load_model, load_scenario, simulate
    from kreislauf.sfc.burst import ScenarioComparison, compare, shipped_scenarios

    m = load_model(model_ref)
    is_ai = m.name == "ai_circuit"
    scen = load_scenario(scenario) if scenario is not None else None
    if data_dir is not None and not is_ai:
        raise InputError.single(
            "--data-dir calibrates the ai_circuit model only", field="--data-dir"
        )
    if draws is None and (scheduler is not None or workers is not None):
        raise InputError.single("--scheduler and --workers run Monte Carlo draws: add --draws N")
    if all_scenarios and (not is_ai or scenario is not None or draws is not None):
        raise InputError.single(
            "--all-scenarios runs the ai_circuit model without --scenario and --draws",
            field="--all-scenarios",
        )
    prepare = None
    if is_ai and data_dir is not None:
        from kreislauf.sfc.ai_params import Recalibrate, load_calibration

        prepare = Recalibrate(list(load_calibration(data_dir, periods=max(periods, 40)).entries))
    if draws is None:
        if all_scenarios:
            runs = {"baseline": None} | {
                n: load_scenario(p) for n, p in shipped_scenarios().items()
            }
            return compare(m, runs, periods, calibration=prepare)
        res = simulate(m, periods, scenario=scen, calibration=prepare)
        return ScenarioComparison({scen.name if scen else "baseline": res}) if is_ai else res
    from kreislauf.sfc.montecarlo import read_distributions, run_monte_carlo

    if uncertainty is None and not is_ai:
        raise InputError.single(
            "--draws needs --uncertainty FILE (distributions) for this model", field="--uncertainty"
        )
    dists = read_distributions(uncertainty)
    if is_ai and prepare is None:
        from kreislauf.sfc.ai_params import Recalibrate, load_calibration

        prepare = Recalibrate(list(load_calibration(periods=max(periods, 40)).entries))
    update, close = _progress_bar(not quiet)
    try:
        if scheduler is not None or workers is not None:
            from kreislauf.sfc.sweep import run_sweep

            return run_sweep(
                model_ref, dists, draws, seed, periods, scenario, prepare, scheduler,
                workers or 2, chunk, update,
            )  # fmt: skip
        return run_monte_carlo(m, dists, draws, seed, periods, scen, prepare, update)
    finally:
        close()
