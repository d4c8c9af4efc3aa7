"""``kreislauf bubble psy``: SADF/GSADF tests and BSADF date-stamping of one series.

The series comes from a table (``--file F --column C [--date-col D]``, CSV or Parquet) or
from the market data (``--data-dir DIR --series SYMBOL``: the close of that symbol among the
price files found by :mod:`kreislauf.data.directory`; ``--series shiller:pd`` is the S&P 500
price-dividend ratio of Shiller's data, from the directory or the data bundled with the
package). A dated series is brought to one frequency first (``--freq``, default ``auto``: as
loaded if evenly spaced, else its coarsest spacing; see :mod:`kreislauf.bubble.frequency`) and
the output states what was done. Bad input exits with code 2.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors, summary_table
from kreislauf.cli.bubble import app


@app.command("psy")
def psy_command(
    file: Path | None = typer.Option(None, "--file", help="CSV or Parquet table with the series."),
    column: str | None = typer.Option(None, "--column", help="Column of --file to test."),
    date_col: str | None = typer.Option(None, "--date-col", help="Date column of --file."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Market-data directory (or $KREISLAUF_DATA_DIR)."
    ),
    series: str | None = typer.Option(None, "--series", help="Symbol in the market data."),
    start: str | None = typer.Option(None, "--start", help="First date to use (inclusive)."),
    end: str | None = typer.Option(None, "--end", help="Last date to use (inclusive)."),
    freq: str = typer.Option(
        "auto",
        "--freq",
        help="auto (as loaded if evenly spaced, else its coarsest spacing), native, weekly, "
        "monthly or quarterly: the last value of each period.",
    ),
    log: bool = typer.Option(False, "--log", help="Test the log of the series (values > 0)."),
    min_window: int | None = typer.Option(
        None, "--min-window", help="Minimum window in observations (default PSY's r0 rule)."
    ),
    lags: str = typer.Option("0", "--lags", help="Lag order, or 'aic'/'bic' to choose it."),
    max_lags: int = typer.Option(6, "--max-lags", min=0, help="Largest lag tried by aic/bic."),
    critical: str = typer.Option("mc", "--critical", help="mc (PSY null) or wild (bootstrap)."),
    reps: int = typer.Option(2000, "--reps", min=10, help="Replications."),
    seed: int = typer.Option(0, "--seed", help="Seed of the critical values."),
    rule: str = typer.Option("psy", "--rule", help="Date-stamping cv rule: psy or exuber."),
    min_duration: str = typer.Option(
        "log", "--min-duration", help="'log' (round(delta*log T)), an integer, or 'none'."
    ),
    duration_delta: float = typer.Option(1.0, "--duration-delta", help="delta of 'log'."),
    significance: float = typer.Option(0.95, "--significance", help="0.90, 0.95 or 0.99."),
    fwer_window: int | None = typer.Option(
        None, "--fwer-window", min=1, help="Family-wise control over this many observations."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json/.html)."),
) -> None:
    """PSY (2015) SADF/GSADF tests and date-stamped explosive episodes of one series."""
    from kreislauf.cli._series import market_series, read_table_series

    with handle_errors():
        import pandas as pd

        from kreislauf.bubble.psy import psy
        from kreislauf.data.directory import resolve_data_dir
        from kreislauf.errors import InputError

        if (file is None) == (series is None):
            raise InputError.single(
                "give either --file F --column C or --data-dir DIR --series NAME", field="--file"
            )
        if file is not None:
            if column is None:
                raise InputError.single("--file needs --column", field="--column")
            s = read_table_series(file, column, date_col)
        else:
            ddir = resolve_data_dir(data_dir)
            if ddir is None and not series.lower().startswith("shiller:"):
                raise InputError.single(
                    "--series needs --data-dir or $KREISLAUF_DATA_DIR (or --series shiller:pd, "
                    "Shiller's price-dividend ratio, which the package ships)",
                    field="--data-dir",
                )
            s = market_series(ddir, series)
        if start or end:
            if not isinstance(s.index, pd.DatetimeIndex):
                raise InputError.single("--start/--end need --date-col", field="--start")
            try:
                s = s.loc[
                    pd.Timestamp(start) if start else None : pd.Timestamp(end) if end else None
                ]
            except ValueError as err:
                raise InputError.single(f"not a date: {err}", field="--start") from err
        resampled = None
        if isinstance(s.index, pd.DatetimeIndex):
            from kreislauf.bubble.frequency import auto_frequency, resample

            resampled = resample(s, auto_frequency(s.index) if freq == "auto" else freq)
            s = resampled.series
        lag_arg: int | str = lags.lower()
        if lag_arg not in ("aic", "bic"):
            try:
                lag_arg = int(lags)
            except ValueError as err:
                raise InputError.single(
                    f"--lags must be an integer, 'aic' or 'bic', got {lags!r}", field="--lags"
                ) from err
        dur: int | str | None
        if min_duration.lower() == "none":
            dur = None
        elif min_duration.lower() == "log":
            dur = "log"
        else:
            try:
                dur = int(min_duration)
            except ValueError as err:
                raise InputError.single(
                    f"--min-duration must be 'log', an integer or 'none', got {min_duration!r}",
                    field="--min-duration",
                ) from err
        result = psy(
            s,
            min_window=min_window,
            lags=lag_arg,
            max_lags=max_lags,
            critical=critical,
            reps=reps,
            seed=seed,
            rule=rule,
            min_duration=dur,
            significance=significance,
            log=log,
            duration_delta=duration_delta,
            fwer_window=fwer_window,
        )

        if resampled is not None:
            result.options["resampling"] = resampled.note()

        def render(con) -> None:
            summ = result.summary()
            episodes = summ.pop("episodes")
            con.print(summary_table(summ, title=f"PSY test: {result.name}"))
            con.print(frame_table(pd.DataFrame(episodes), title="date-stamped episodes"))

        emit(result, as_json=as_json, out=out, render=render)
