"""``kreislauf bubble lppls``: LPPLS fit of one price series, or its confidence indicator.

The series comes from a table (``--file F --column C --date-col D``, CSV or Parquet) or from
the market data (``--data-dir DIR --series SYMBOL``: the close of that symbol among the price
files found by :mod:`kreislauf.data.directory`). Without ``--confidence`` the whole series
(or its last ``--last N`` observations) is fitted once; with it, the multi-window
confidence indicator is computed. Bad input (missing column, NaN, non-positive price,
duplicated date, gap, too short a series) exits with code 2 and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors, summary_table
from kreislauf.cli.bubble import app


def _with_file(err, where: str):
    for p in err.problems:
        if p.file is None:
            p.file = where
    return err


@app.command("lppls")
def lppls_command(
    file: Path | None = typer.Option(None, "--file", help="Table with the prices (CSV/Parquet)."),
    column: str = typer.Option("Close", "--column", help="Price column of --file."),
    date_col: str = typer.Option("Date", "--date-col", help="Date column of --file."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Market-data directory (default $KREISLAUF_DATA_DIR)."
    ),
    series: str | None = typer.Option(None, "--series", help="Symbol in --data-dir, e.g. ^IXIC."),
    last: int | None = typer.Option(None, "--last", min=1, help="Use only the last N rows."),
    conf: bool = typer.Option(
        False, "--confidence", help="Multi-window confidence indicator instead of one fit."
    ),
    window_size: int = typer.Option(120, "--window-size", help="Largest window (observations)."),
    smallest_window_size: int = typer.Option(30, "--smallest-window-size"),
    outer_increment: int = typer.Option(1, "--outer-increment", help="Step of the end date."),
    inner_increment: int = typer.Option(5, "--inner-increment", help="Step of the window start."),
    max_searches: int = typer.Option(25, "--max-searches", help="Local searches per window cap."),
    starts: int = typer.Option(10, "--starts", help="Local searches of a single fit."),
    seed: int = typer.Option(0, "--seed", help="Seed of the search (results reproducible)."),
    m_min: float = typer.Option(0.1, "--m-min"),
    m_max: float = typer.Option(0.9, "--m-max"),
    w_min: float = typer.Option(6.0, "--w-min"),
    w_max: float = typer.Option(13.0, "--w-max"),
    tc_before: float = typer.Option(0.2, "--tc-before", help="tc >= t2 - this x window length."),
    tc_after: float = typer.Option(0.2, "--tc-after", help="tc <= t2 + this x window length."),
    filters_name: str = typer.Option(
        "sornette2015", "--filters", help="Qualification filter: sornette2015 or lppls."
    ),
    denominator: str | None = typer.Option(
        None, "--denominator", help="Confidence share of: windows, fits or sign."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON on stdout."),
    out: Path | None = typer.Option(
        None, "--out", help="Export to PATH (.csv, .parquet, .json or .html by suffix)."
    ),
) -> None:
    """Fit the LPPLS bubble model (Filimonov & Sornette 2013) or its FCO confidence."""
    from kreislauf.cli._series import market_series, read_table_series

    with handle_errors():
        from dataclasses import replace

        from kreislauf.bubble.lppls import LPPLSBounds, LPPLSFilters, fit
        from kreislauf.bubble.lppls_confidence import confidence
        from kreislauf.data.directory import resolve_data_dir
        from kreislauf.errors import InputError

        if (file is None) == (series is None):
            raise InputError.single(
                "give either --file (with --column/--date-col) or --series (with --data-dir)",
                field="--file/--series",
            )
        if file is not None:
            s = read_table_series(file, column, date_col)
            where = str(file)
        else:
            ddir = resolve_data_dir(data_dir)
            if ddir is None:
                raise InputError.single(
                    "--series needs --data-dir or $KREISLAUF_DATA_DIR", field="--data-dir"
                )
            s = market_series(ddir, series or "")
            where = f"{ddir} ({series})"
        if last is not None:
            s = s.iloc[-last:]
        if filters_name not in ("sornette2015", "lppls"):
            raise InputError.single(
                f"expected sornette2015 or lppls, got {filters_name!r}", field="--filters"
            )
        filters = LPPLSFilters() if filters_name == "sornette2015" else LPPLSFilters.lppls_package()
        if denominator is not None:
            filters = replace(filters, denominator=denominator)
        bounds = LPPLSBounds(
            tc_before=tc_before, tc_after=tc_after, m=(m_min, m_max), w=(w_min, w_max)
        )
        try:
            if conf:
                result = confidence(
                    s, window_size=window_size, smallest_window_size=smallest_window_size,
                    outer_increment=outer_increment, inner_increment=inner_increment,
                    max_searches=max_searches, filters=filters, seed=seed, bounds=bounds,
                )  # fmt: skip
            else:
                result = fit(s, starts=starts, seed=seed, bounds=bounds, filters=filters)
        except InputError as err:
            raise _with_file(err, where) from None

        def render(con) -> None:
            summ = result.summary()
            if conf:
                summ.pop("settings", None)
                con.print(summary_table(summ, title="LPPLS confidence indicator"))
                con.print(frame_table(result.to_frame().tail(10), title="last end dates"))
            else:
                summ.pop("bounds", None)
                summ.pop("filters", None)
                con.print(summary_table(summ, title="LPPLS fit"))

        emit(result, as_json=as_json, out=out, render=render)
