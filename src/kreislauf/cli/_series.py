"""One price or ratio series for the bubble commands: from a table file or the market data.

``kreislauf bubble psy`` and ``kreislauf bubble lppls`` read their input the same way; the
checks that need the method (positive prices for logs, duplicated dates, minimum length) are
the engines' own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kreislauf.errors import InputError, Problem


def read_table_series(file: Path, column: str, date_col: str | None = None) -> pd.Series:
    """``column`` of a CSV or Parquet table as a float Series, indexed by ``date_col`` if given.

    Raises
    ------
    InputError
        Naming the file, and the row and field where a value is not a finite number or a date
        is not a date (1-based data rows), or the column that is missing.
    """
    if not file.is_file():
        raise InputError.single("file not found", file=str(file))
    try:
        if file.suffix.lower() == ".parquet":
            frame = pd.read_parquet(file)
        else:
            frame = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, OSError) as err:
        raise InputError.single(f"not a readable table: {err}", file=str(file)) from err
    for col in [column] + ([date_col] if date_col else []):
        if col not in frame.columns:
            raise InputError.single(
                f"column not found; the file has {list(frame.columns)}", file=str(file), field=col
            )
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~pd.notna(values) | (abs(values) == float("inf"))
    if bad.any():
        rows = [int(i) + 1 for i in bad.nonzero()[0][:20]]
        raise InputError(
            [
                Problem(
                    f"expected a finite number, got {frame[column].iloc[r - 1]!r}",
                    str(file), r, column,
                )
                for r in rows
            ]
        )  # fmt: skip
    if not date_col:
        return pd.Series(values, name=column)
    dates = pd.to_datetime(frame[date_col], errors="coerce")
    if dates.isna().any():
        r = int(dates.isna().to_numpy().nonzero()[0][0]) + 1
        raise InputError.single(
            f"expected a date, got {frame[date_col].iloc[r - 1]!r}",
            file=str(file),
            row=r,
            field=date_col,
        )
    return pd.Series(values, index=pd.DatetimeIndex(dates), name=column)


SHILLER_SERIES = {
    "shiller:pd": "S&P 500 price/dividend ratio (Shiller)",
    "shiller:cape": "S&P 500 CAPE (Shiller)",
}


def shiller_series(data_dir: Path | None, name: str) -> pd.Series:
    """A series of Shiller's monthly data: ``shiller:pd`` (P / D) or ``shiller:cape``.

    From the data directory's Shiller file if it has one, else from the data bundled with the
    package (:mod:`kreislauf.data.embedded`). Months without a dividend or CAPE are dropped
    (the latest months until Shiller publishes them).
    """
    from kreislauf.bubble.inputs import load_market_data

    key = name.lower()
    if key not in SHILLER_SERIES:
        raise InputError.single(
            f"unknown Shiller series {name!r}; expected one of {sorted(SHILLER_SERIES)}",
            field="--series",
        )
    f = load_market_data(data_dir, None, ("shiller",)).frames["shiller"]
    values = f["P"] / f["D"] if key == "shiller:pd" else f["CAPE"]
    s = pd.Series(values.to_numpy(float), index=pd.DatetimeIndex(f["date"]), name=key)
    return s[s.notna()]


def market_series(data_dir: Path | None, symbol: str) -> pd.Series:
    """Closes of ``symbol`` (case-insensitive) from the price families under ``data_dir``.

    ``shiller:pd`` and ``shiller:cape`` are :func:`shiller_series`. Dates stay as the files
    give them (sorted, stably): a date held twice, for example by two files of the same
    symbol, is left for the engine's duplicated-date check to report.
    """
    from kreislauf.data.directory import prices

    if symbol.lower().startswith("shiller:"):
        return shiller_series(data_dir, symbol)
    if data_dir is None:
        raise InputError.single("a price series needs --data-dir", field="--data-dir")

    table = prices(data_dir)
    sub = table[table["symbol"].astype(str).str.lower() == symbol.lower()]
    if sub.empty:
        known = sorted(table["symbol"].astype(str).unique().tolist())[:40]
        raise InputError.single(
            f"no price series {symbol!r} under this directory; found {known}",
            file=str(data_dir),
            field="--series",
        )
    sub = sub.sort_values("date", kind="stable")
    return pd.Series(
        sub["close"].to_numpy(dtype=float), index=pd.DatetimeIndex(sub["date"]), name=symbol
    )
