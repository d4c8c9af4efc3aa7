"""``kreislauf bubble scan``: PSY and LPPLS over many series, locally or on a Dask cluster.

``--series`` takes symbols (``NVDA``, ``^GSPC``, ``BTC-USD``) and family names (``ai_stocks``
expands to every ticker of the AI-stocks file). PSY sees each series thinned to the last
close of each ``--freq`` period; LPPLS fits the last ``--lppls-last`` closes at
``--lppls-freq``. Locally the scan runs on a Dask LocalCluster with ``--workers`` processes;
with ``--scheduler tcp://host:8786`` on that cluster (its workers need kreislauf).
"""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import console, emit, frame_table, handle_errors, summary_table
from kreislauf.cli.bubble import app
from kreislauf.cli.bubble_metrics import DataDirOpt, StoreOpt, market_data

DEFAULT_SERIES = "ai_stocks,^GSPC,^IXIC,BTC-USD"


def resolve_series(data, spec: str) -> dict:
    """Names (symbols or families) -> price series; InputError names what is available."""
    from kreislauf.errors import InputError

    prices = data.prices()
    out = {}
    for token in [t.strip() for t in spec.split(",") if t.strip()]:
        fam = prices[prices["family"] == token]
        if len(fam):
            for sym in fam["symbol"].unique():
                out[sym] = data.series(sym)
        elif token in set(prices["symbol"]):
            out[token] = data.series(token)
        else:
            raise InputError.single(
                f"unknown series {token!r}; symbols: {sorted(prices['symbol'].unique())}, "
                f"families: {sorted(prices['family'].unique())}",
                field="--series",
            )
    if not out:
        raise InputError.single("no series given", field="--series")
    return out


@app.command("scan")
def scan_command(
    data_dir: Path | None = DataDirOpt,
    store: Path | None = StoreOpt,
    series: str = typer.Option(
        DEFAULT_SERIES, "--series", help="Comma-separated symbols or families (ai_stocks ...)."
    ),
    tests: str = typer.Option("psy,lppls", "--tests", help="Comma-separated: psy, lppls."),
    workers: int = typer.Option(2, "--workers", min=1, help="Local worker processes."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (tcp://host:8786) to run on."
    ),
    timeout: float = typer.Option(
        30.0, "--timeout", min=0.1, help="Seconds to wait for --scheduler."
    ),
    freq: str = typer.Option("M", "--freq", help="PSY: thin to the last close per M, W, Q or D."),
    lppls_freq: str = typer.Option("D", "--lppls-freq", help="LPPLS: M, W, Q or D (daily)."),
    lppls_last: int = typer.Option(
        620, "--lppls-last", min=20, help="LPPLS: fit the last this many observations."
    ),
    start: str | None = typer.Option(None, "--start", help="First date (inclusive)."),
    end: str | None = typer.Option(None, "--end", help="Last date (inclusive)."),
    reps: int = typer.Option(499, "--reps", min=10, help="PSY: Monte Carlo replications."),
    critical: str = typer.Option("mc", "--critical", help="PSY: mc or wild."),
    log: bool = typer.Option(True, "--log/--no-log", help="PSY: test log prices."),
    seed: int = typer.Option(0, "--seed", help="Seed of PSY and LPPLS."),
    window_size: int = typer.Option(120, "--window-size", min=10, help="LPPLS: largest window."),
    smallest_window: int = typer.Option(
        30, "--smallest-window", min=10, help="LPPLS: smallest window."
    ),
    outer_increment: int = typer.Option(
        2, "--outer-increment", min=1, help="LPPLS: step between end dates."
    ),
    inner_increment: int = typer.Option(
        5, "--inner-increment", min=1, help="LPPLS: step between window lengths."
    ),
    max_searches: int = typer.Option(25, "--max-searches", min=1, help="LPPLS: fits per window."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json/.html)."),
) -> None:
    """Run PSY and LPPLS over many series in parallel (local processes or a Dask cluster)."""
    with handle_errors():
        from kreislauf.bubble.inputs import PRICE_FAMILIES
        from kreislauf.bubble.scan import TESTS, prepare_series, scan
        from kreislauf.errors import InputError

        wanted = tuple(t.strip() for t in tests.split(",") if t.strip())
        bad = [t for t in wanted if t not in TESTS]
        if bad or not wanted:
            raise InputError.single(
                f"unknown test(s) {bad}; expected psy and/or lppls", field="--tests"
            )
        data = market_data(data_dir, store, PRICE_FAMILIES)
        raw = resolve_series(data, series)
        for bad_freq in {freq, lppls_freq}:  # fail before the cluster starts
            prepare_series(next(iter(raw.values())).head(3), freq=bad_freq)
        cut = {"start": start, "end": end}
        options = {
            "psy": {"reps": reps, "critical": critical, "log": log, "seed": seed, "freq": freq}
            | cut,
            "lppls": {
                "freq": lppls_freq,
                "last": lppls_last,
                **cut,
                "window_size": window_size,
                "smallest_window_size": smallest_window,
                "outer_increment": outer_increment,
                "inner_increment": inner_increment,
                "max_searches": max_searches,
                "seed": seed,
            },
        }
        err = console(stderr=True)
        with err.status("starting the cluster") as status:

            def progress(done: int, total: int, row: dict) -> None:
                status.update(
                    f"{done}/{total} done (last: {row['series']} {row['test']}: {row['status']})"
                )

            result = scan(
                raw,
                wanted,
                options={t: options[t] for t in wanted},
                workers=workers,
                scheduler=scheduler,
                timeout=timeout,
                progress=progress,
                sources=data.source(*sorted(data.sources)),
            )

        def render(con) -> None:
            f = result.to_frame()
            cols = [
                c
                for c in (
                    "series",
                    "test",
                    "status",
                    "n_obs",
                    "last",
                    "gsadf",
                    "gsadf_cv",
                    "gsadf_rejects",
                    "n_episodes",
                    "bubble_at_end",
                    "last_episode_start",
                    "error",
                    "seconds",
                )
                if c in f
            ]
            extra = [c for c in f.columns if c.startswith("latest_") or c.startswith("max_")]
            con.print(frame_table(f[cols + extra], title=f"scan on {result.cluster}", max_rows=80))
            s = result.summary()
            s.pop("options")
            s.pop("sources")
            con.print(summary_table(s))

        emit(result, as_json=as_json, out=out, render=render)
