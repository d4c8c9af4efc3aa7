"""Loaders for the market-data file families, each returning a :class:`Dataset`.

Tidy outputs:

* prices — long: ``date, symbol, close`` (and ``open``/``volume`` where the file has them);
* fundamentals — ``symbol, period_end, revenue, net_income, capex`` (USD; blank capex = NaN);
* concentration — one row per snapshot with total cap, each listed cap and the top-7 share;
* constituents — one row per company of a snapshot (price, P/E, market cap ...);
* shiller — monthly ``date, P, D, E, CPI, CAPE, ...``;
* owid — ``entity, year, value``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kreislauf.data.validate import check_prices, check_sorted_unique, parse_dates, require_columns
from kreislauf.errors import InputError


@dataclass(frozen=True)
class Dataset:
    """A loaded data file with its provenance."""

    family: str
    frame: pd.DataFrame
    source: str
    notes: tuple[str, ...] = field(default=())

    def coverage(self) -> dict[str, object]:
        """First and last date, rows and symbols."""
        f = self.frame
        dcol = next((c for c in ("date", "period_end", "snapshot_date", "year") if c in f), None)
        out: dict[str, object] = {"family": self.family, "source": self.source, "rows": len(f)}
        if dcol is not None and len(f):
            out["first"] = str(pd.Series(f[dcol]).min())[:10]
            out["last"] = str(pd.Series(f[dcol]).max())[:10]
        if "symbol" in f:
            out["symbols"] = int(f["symbol"].nunique())
        out["notes"] = "; ".join(self.notes)
        return out


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError.single("file not found", file=str(path))
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise InputError.single(f"not a readable table: {err}", file=str(path)) from err


def load_price_table(
    path: Path,
    date_col: str,
    close_col: str,
    symbol: str | None = None,
    symbol_col: str | None = None,
    family: str = "prices",
    drop_blank: bool = False,
) -> Dataset:
    """A generic long or single-series price file (also for users' own files).

    Parameters
    ----------
    path : Path
        CSV or Parquet file.
    date_col, close_col : str
        Column names of the date and the closing price.
    symbol : str, optional
        Symbol for a single-series file.
    symbol_col : str, optional
        Column holding the symbol in a long file.
    drop_blank : bool
        Treat blank prices as non-trading days (dropped and counted); otherwise an error.
    """
    f = _read(path)
    src = str(path)
    need = [date_col, close_col] + ([symbol_col] if symbol_col else [])
    require_columns(f, need, src)
    notes = []
    if drop_blank:
        blank = f[close_col].isna()
        if blank.any():
            notes.append(f"dropped {int(blank.sum())} blank rows (non-trading days)")
        f = f[~blank].reset_index(drop=True)
    dates = parse_dates(f[date_col], src, date_col)
    check_prices(f[close_col], src, close_col)
    sym = f[symbol_col] if symbol_col else pd.Series(symbol or path.stem, index=f.index)
    check_sorted_unique(dates, src, date_col, by=sym)
    out = pd.DataFrame(
        {"date": dates, "symbol": sym.astype(str), "close": pd.to_numeric(f[close_col])}
    )
    for extra in ("open", "Open", "volume", "Volume"):
        if extra in f and extra.lower() not in out:
            out[extra.lower()] = pd.to_numeric(f[extra], errors="coerce")
    return Dataset(family, out, src, tuple(notes))


def load_wide_prices(path: Path, date_col: str = "Date", family: str = "prices") -> Dataset:
    """A wide file (one column per ticker; blank before a listing) into long prices."""
    f = _read(path)
    src = str(path)
    require_columns(f, [date_col], src)
    dates = parse_dates(f[date_col], src, date_col)
    check_sorted_unique(dates, src, date_col)
    frames = []
    for col in [c for c in f.columns if c != date_col]:
        check_prices(f[col], src, col, allow_missing=True)
        v = pd.to_numeric(f[col])
        keep = v.notna()
        frames.append(pd.DataFrame({"date": dates[keep], "symbol": col, "close": v[keep]}))
    out = pd.concat(frames, ignore_index=True)
    return Dataset(family, out, src, ("blank cells are days before a listing",))


def load_fundamentals(path: Path) -> Dataset:
    """Quarterly revenue, net income and capex (USD)."""
    f = _read(path)
    src = str(path)
    require_columns(f, ["symbol", "period_end", "revenue", "net_income", "capex"], src)
    dates = parse_dates(f["period_end"], src, "period_end")
    check_sorted_unique(dates, src, "period_end", by=f["symbol"])
    out = pd.DataFrame({"symbol": f["symbol"], "period_end": dates})
    for col in ("revenue", "net_income", "capex"):
        v = pd.to_numeric(f[col], errors="coerce")
        bad = v.isna() & f[col].notna()
        bad |= ~np.isfinite(v.fillna(0))
        if col != "capex":
            bad |= v.isna()
        if bad.any():
            i = int(np.nonzero(bad.to_numpy())[0][0])
            raise InputError.single(
                f"expected a finite number, got {f[col].iloc[i]!r}", file=src, row=i + 1, field=col
            )
        out[col] = v
    if "fiscal_quarter" in f:
        out["fiscal_quarter"] = f["fiscal_quarter"]
    blank = int(out["capex"].isna().sum())
    return Dataset(
        "fundamentals",
        out,
        src,
        (f"{blank} quarters without reported capex stay blank",) if blank else (),
    )


def load_concentration(path: Path) -> Dataset:
    """S&P 500 market-cap concentration snapshots."""
    f = _read(path)
    src = str(path)
    require_columns(f, ["snapshot_date", "total_market_cap", "mag7_share"], src)
    dates = parse_dates(f["snapshot_date"], src, "snapshot_date")
    check_sorted_unique(dates, src, "snapshot_date")
    out = f.drop(columns=[c for c in ("commit",) if c in f]).copy()
    out["snapshot_date"] = dates
    for c in out.columns:
        if c != "snapshot_date":
            out[c] = pd.to_numeric(out[c], errors="coerce")
    check_prices(f["total_market_cap"], src, "total_market_cap")
    return Dataset("concentration", out, src)


def load_constituents(path: Path) -> Dataset:
    """One S&P 500 constituents-financials snapshot (the date comes from the file name)."""
    f = _read(path)
    src = str(path)
    require_columns(f, ["Symbol", "Price", "Price/Earnings", "Market Cap"], src)
    out = f.rename(
        columns={
            "Symbol": "symbol",
            "Price": "price",
            "Price/Earnings": "pe",
            "Market Cap": "market_cap",
            "Earnings/Share": "eps",
            "Name": "name",
            "Sector": "sector",
        }
    )
    for c in ("price", "pe", "market_cap", "eps"):
        if c in out:
            out[c] = pd.to_numeric(out[c], errors="coerce")
    stamp = path.stem.rsplit("_", 1)[-1]
    try:
        out["snapshot_date"] = pd.Timestamp(stamp)
    except ValueError:
        out["snapshot_date"] = pd.NaT
    return Dataset("constituents", out, src, (f"snapshot {stamp} (from the file name)",))


def load_shiller(path: Path) -> Dataset:
    """Shiller's monthly series (P, D, E, CPI, CAPE ...); ``date`` is the month's first day."""
    f = _read(path)
    src = str(path)
    require_columns(f, ["Date", "P", "D", "E", "CPI"], src)
    dates = parse_dates(f["Date"], src, "Date", fmt="%Y-%m")
    check_sorted_unique(dates, src, "Date")
    check_prices(f["P"], src, "P")
    out = f.drop(columns=["Date"]).apply(pd.to_numeric, errors="coerce")
    out.insert(0, "date", dates)
    return Dataset("shiller", out, src, ("E and D are blank after their last published month",))


def load_owid(path: Path) -> Dataset:
    """An Our World in Data series (Entity, Code, Year, value)."""
    f = _read(path)
    src = str(path)
    require_columns(f, ["Entity", "Year"], src)
    value_col = [c for c in f.columns if c not in ("Entity", "Code", "Year")]
    if len(value_col) != 1:
        raise InputError.single(f"expected one value column, found {value_col}", file=src, row=0)
    out = pd.DataFrame(
        {
            "entity": f["Entity"],
            "year": pd.to_numeric(f["Year"], errors="coerce"),
            "value": pd.to_numeric(f[value_col[0]], errors="coerce"),
        }
    )
    if out["year"].isna().any():
        i = int(np.nonzero(out["year"].isna().to_numpy())[0][0])
        raise InputError.single("expected a year", file=src, row=i + 1, field="Year")
    return Dataset("owid", out, src, (f"value column: {value_col[0]}",))
