"""Finding the known file families in a data directory and loading them.

A data directory is given with ``--data-dir`` or ``$KREISLAUF_DATA_DIR``; files are found
by name pattern at any depth, so the layout of ``../shared/data`` works as it is.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kreislauf.data import loaders as L
from kreislauf.errors import InputError


@dataclass(frozen=True)
class Family:
    """A kind of file the loaders understand."""

    name: str
    pattern: str
    description: str
    load: Callable[[Path], L.Dataset]


FAMILIES: tuple[Family, ...] = (
    Family(
        "ai_stocks",
        "ai_stocks_daily_close_*.csv",
        "daily closes of AI stocks (wide)",
        lambda p: L.load_wide_prices(p, "Date"),
    ),
    Family(
        "tech_stocks",
        "tech_stocks_daily_open_close_*.csv",
        "daily open/close (long)",
        lambda p: L.load_price_table(p, "Date", "Close", symbol_col="Ticker"),
    ),
    Family(
        "sp500",
        "sp500_1871m_1970d_*.csv",
        "S&P 500 (monthly to 1969, then daily)",
        lambda p: L.load_price_table(p, "date", "close", symbol="^GSPC"),
    ),
    Family(
        "nasdaq100",
        "nasdaq100_daily_*.csv",
        "Nasdaq-100 daily",
        lambda p: L.load_price_table(p, "date", "close", symbol="^NDX"),
    ),
    Family(
        "nasdaq_composite",
        "nasdaq_composite_daily_*.csv",
        "FRED NASDAQCOM daily",
        lambda p: L.load_price_table(
            p, "observation_date", "NASDAQCOM", symbol="^IXIC", drop_blank=True
        ),
    ),
    Family(
        "sox",
        "sox_semiconductor_daily_*.csv",
        "PHLX semiconductor index daily",
        lambda p: L.load_price_table(p, "date", "close", symbol="^SOX"),
    ),
    Family(
        "btc",
        "btc_usd_daily_*.csv",
        "bitcoin in USD daily",
        lambda p: L.load_price_table(p, "Date", "BTC_USD", symbol="BTC-USD"),
    ),
    Family(
        "fundamentals",
        "bigtech_quarterly_revenue_netincome_capex_*.csv",
        "quarterly revenue, net income, capex",
        L.load_fundamentals,
    ),
    Family(
        "concentration",
        "sp500_marketcap_concentration_snapshots.csv",
        "S&P 500 market-cap concentration snapshots",
        L.load_concentration,
    ),
    Family(
        "constituents",
        "sp500_constituents_financials_*.csv",
        "S&P 500 constituents financials snapshots",
        L.load_constituents,
    ),
    Family("shiller", "shiller_ie_data_monthly.csv", "Shiller's monthly data", L.load_shiller),
    Family(
        "owid_ai_investment",
        "owid_private-investment-in-artificial-intelligence.csv",
        "private investment in AI (OWID)",
        L.load_owid,
    ),
    Family(
        "owid_genai_investment",
        "owid_global-investment-in-generative-ai.csv",
        "investment in generative AI (OWID)",
        L.load_owid,
    ),
)
BY_NAME = {f.name: f for f in FAMILIES}


def resolve_data_dir(cli_value: Path | None) -> Path | None:
    """``--data-dir`` if given, else ``$KREISLAUF_DATA_DIR``, else ``None``."""
    if cli_value is not None:
        return cli_value
    env = os.environ.get("KREISLAUF_DATA_DIR")
    return Path(env) if env else None


def discover(data_dir: Path) -> dict[str, list[Path]]:
    """Files of each family found under ``data_dir`` (empty list: family missing)."""
    if not data_dir.is_dir():
        raise InputError.single("data directory not found", file=str(data_dir))
    return {f.name: sorted(data_dir.rglob(f.pattern)) for f in FAMILIES}


def load_file(family: str, path: Path, root: Path) -> L.Dataset:
    """Load one file of ``family``; its ``source`` is named relative to the data directory."""
    from kreislauf.paths import shown_path

    ds = BY_NAME[family].load(path)
    return dataclasses.replace(ds, source=shown_path(path, root))


def load_family(data_dir: Path, family: str) -> list[L.Dataset]:
    """Load every file of ``family`` under ``data_dir``; InputError names a missing family."""
    if family not in BY_NAME:
        raise InputError.single(
            f"unknown family {family!r}; expected one of {list(BY_NAME)}", field="family"
        )
    paths = discover(data_dir)[family]
    if not paths:
        raise InputError.single(
            f"no {family} file ({BY_NAME[family].pattern}) under this directory", file=str(data_dir)
        )
    return [load_file(family, p, data_dir) for p in paths]


def prices(data_dir: Path, families: tuple[str, ...] | None = None) -> pd.DataFrame:
    """All long price series found under ``data_dir`` (date, symbol, close, source)."""
    names = families or ("ai_stocks", "sp500", "nasdaq100", "nasdaq_composite", "sox", "btc")
    found = discover(data_dir)
    frames = []
    for name in names:
        for path in found.get(name, []):
            d = load_file(name, path, data_dir)
            frames.append(d.frame[["date", "symbol", "close"]].assign(source=d.source))
    if not frames:
        return pd.DataFrame(columns=["date", "symbol", "close", "source"])
    return pd.concat(frames, ignore_index=True)
