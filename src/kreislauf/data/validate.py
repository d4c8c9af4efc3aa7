"""Checks shared by the market-data loaders; every problem names file, row and field."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kreislauf.errors import InputError, Problem


def require_columns(frame: pd.DataFrame, columns: list[str], file: str) -> None:
    """Raise if any required column is missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            [
                Problem(f"missing required column; found {list(frame.columns)}", file, 0, c)
                for c in missing
            ]
        )


def parse_dates(values: pd.Series, file: str, field: str, fmt: str | None = None) -> pd.Series:
    """Parse dates; unparseable values are errors naming their row (1-based data row)."""
    parsed = pd.to_datetime(values, errors="coerce", format=fmt)
    bad = parsed.isna() & values.notna()
    bad |= values.isna()
    if bad.any():
        rows = np.nonzero(bad.to_numpy())[0][:20]
        raise InputError(
            [
                Problem(f"expected a date, got {values.iloc[i]!r}", file, int(i) + 1, field)
                for i in rows
            ]
        )
    return parsed


def check_sorted_unique(
    dates: pd.Series, file: str, field: str, by: pd.Series | None = None
) -> None:
    """Dates must be strictly increasing (within each ``by`` group)."""
    frame = pd.DataFrame({"d": dates.to_numpy(), "g": by.to_numpy() if by is not None else 0})
    problems = []
    for _, grp in frame.groupby("g", sort=False):
        d = grp["d"]
        dup = d.duplicated()
        for i in grp.index[dup.to_numpy()][:10]:
            problems.append(
                Problem(f"duplicated date {frame.loc[i, 'd'].date()}", file, int(i) + 1, field)
            )
        back = d.diff() < pd.Timedelta(0)
        for i in grp.index[back.to_numpy()][:10]:
            problems.append(
                Problem(
                    f"date {frame.loc[i, 'd'].date()} is earlier than the row "
                    "before (expected increasing dates)",
                    file,
                    int(i) + 1,
                    field,
                )
            )
    if problems:
        raise InputError(problems)


def check_prices(values: pd.Series, file: str, field: str, allow_missing: bool = False) -> None:
    """Prices must be finite and positive (missing only where ``allow_missing``)."""
    num = pd.to_numeric(values, errors="coerce")
    nonnum = num.isna() & values.notna() & (values.astype(str).str.strip() != "")
    missing = values.isna() | (values.astype(str).str.strip() == "")
    bad = nonnum | (~missing & (~np.isfinite(num) | (num <= 0)))
    if not allow_missing:
        bad |= missing
    if bad.any():
        rows = np.nonzero(bad.to_numpy())[0][:20]
        raise InputError(
            [
                Problem(
                    f"expected a finite positive price, got {values.iloc[i]!r}",
                    file,
                    int(i) + 1,
                    field,
                )
                for i in rows
            ]
        )
