"""Valuation: the S&P 500's CAPE and trailing P/E, and trailing P/E of single stocks.

Index (Shiller's monthly series)
    ``real price = P / CPI`` and ``real earnings = E / CPI`` (the CPI base cancels in the
    ratio); ``CAPE_t = real price_t / mean(real earnings_{t-L-W+1 .. t-L})`` with a window of
    ``W = 120`` months and a lag of ``L = 1`` month. That lag is what Shiller's own CAPE column
    uses: with it the recomputed CAPE matches his column to about 1e-8 over 1881-2026 (checked
    in ``tests/bubble/test_valuation.py``). The trailing P/E is ``P / E`` (E: Shiller's trailing
    twelve-month earnings per index share).

Single stocks
    ``trailing P/E = market cap / net income of the last four reported quarters``, where a
    quarter counts as reported ``report_lag_days`` (default 35) after its end. That is an
    assumption: the data hold no announcement dates; the companies announce two to six weeks
    after the quarter, ahead of the SEC deadlines for large accelerated filers (40 days for a
    10-Q, 60 for a 10-K).
    Market caps come from dated snapshots (the S&P 500 concentration snapshots and the
    constituents-financials snapshots); each row names the snapshot and the quarters used.
    A P/E is null where the cap or any of the four quarters is missing, or where trailing net
    income is not positive (a P/E is meaningless then).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

CAPE_WINDOW_MONTHS = 120  # Shiller's definition: ten years of monthly real earnings
CAPE_LAG_MONTHS = 1  # reproduces Shiller's CAPE column (see the module docstring)
# Assumption: results are known 35 days after the quarter ends (these companies announce
# 2-6 weeks after quarter end; ahead of the SEC deadlines of 40 days for a 10-Q and 60 for a
# 10-K). With 35 days, 24 of 27 P/Es on the three constituents snapshots lie within 5 % of the
# vendor's own Price/Earnings (tests/bubble/test_valuation.py).
REPORT_LAG_DAYS = 35
MAX_QUARTER_GAP_DAYS = 100  # four quarters are consecutive if no two period ends are further apart


def _require(frame: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputError.single(
            f"{what} needs columns {cols}; missing {missing} (found {list(frame.columns)})",
            field=missing[0],
        )


# ----------------------------------------------------------------------------- the index
@dataclass
class IndexValuation(Result):
    """CAPE and trailing P/E of the S&P 500, month by month.

    Attributes
    ----------
    frame : DataFrame
        ``date, price, earnings, cpi, trailing_pe, cape, cape_shiller`` (``cape_shiller`` is
        the file's own CAPE column where it has one, for comparison).
    window_months, lag_months : int
        The CAPE definition used.
    source : str
        The file the series came from.
    """

    frame: pd.DataFrame
    window_months: int
    lag_months: int
    source: str = ""

    def at(self, month: str | pd.Timestamp) -> dict[str, Any]:
        """The figures of one month (``"2025-11"``); InputError if it is not covered."""
        when = pd.Timestamp(month).to_period("M")
        rows = self.frame[self.frame["date"].dt.to_period("M") == when]
        if rows.empty:
            first, last = self.frame["date"].min(), self.frame["date"].max()
            raise InputError.single(
                f"month {when} is outside the series ({first:%Y-%m} .. {last:%Y-%m})",
                field="month",
            )
        r = rows.iloc[0]
        return {
            "month": str(when),
            "price": float(r["price"]),
            "earnings": _num(r["earnings"]),
            "trailing_pe": _num(r["trailing_pe"]),
            "cape": _num(r["cape"]),
            "cape_shiller": _num(r.get("cape_shiller")),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per month."""
        return self.frame.copy()

    def summary(self) -> dict[str, Any]:
        """Latest CAPE and P/E (with their months), dot-com peak, history quantiles."""
        f = self.frame
        cape = f.dropna(subset=["cape"])
        pe = f.dropna(subset=["trailing_pe"])
        out: dict[str, Any] = {
            "source": self.source,
            "first_month": f"{f['date'].min():%Y-%m}",
            "last_month": f"{f['date'].max():%Y-%m}",
            "cape_definition": (
                f"real price / mean real earnings of the {self.window_months} months ending "
                f"{self.lag_months} month(s) before"
            ),
        }
        if len(cape):
            last = cape.iloc[-1]
            pre = cape[cape["date"] <= "2001-12-31"]
            post = cape[cape["date"] > "2001-12-31"]
            out |= {
                "cape_latest": float(last["cape"]),
                "cape_latest_month": f"{last['date']:%Y-%m}",
                "cape_latest_percentile": float((cape["cape"] <= last["cape"]).mean()),
                "cape_median": float(cape["cape"].median()),
                "cape_q25": float(cape["cape"].quantile(0.25)),
                "cape_q75": float(cape["cape"].quantile(0.75)),
            }
            if len(pre):
                pk = pre.loc[pre["cape"].idxmax()]
                out |= {
                    "cape_peak_to_2001": float(pk["cape"]),
                    "cape_peak_month": f"{pk['date']:%Y-%m}",
                }
            if len(post):
                pk = post.loc[post["cape"].idxmax()]
                out |= {
                    "cape_max_since_2002": float(pk["cape"]),
                    "cape_max_since_2002_month": f"{pk['date']:%Y-%m}",
                }
        if len(pe):
            last = pe.iloc[-1]
            out |= {
                "trailing_pe_latest": float(last["trailing_pe"]),
                "trailing_pe_latest_month": f"{last['date']:%Y-%m}",
                "trailing_pe_median": float(pe["trailing_pe"].median()),
                "trailing_pe_q25": float(pe["trailing_pe"].quantile(0.25)),
                "trailing_pe_q75": float(pe["trailing_pe"].quantile(0.75)),
            }
        return out

    def plot(self) -> go.Figure:
        """CAPE and trailing P/E over time."""
        import plotly.graph_objects as go

        f = self.frame
        fig = go.Figure()
        fig.add_scatter(x=f["date"], y=f["cape"], name="CAPE (recomputed)", mode="lines")
        fig.add_scatter(
            x=f["date"], y=f["trailing_pe"], name="trailing P/E", mode="lines", opacity=0.6
        )
        top = f["cape"].max()
        fig.update_layout(
            title="S&P 500: CAPE and trailing P/E (Shiller's data)",
            yaxis_title="ratio",
            template="plotly_white",
            # the trailing P/E spikes above 100 when earnings collapse (2009); keep CAPE legible
            yaxis_range=[0, 1.15 * top] if np.isfinite(top) else None,
        )
        return fig


def index_valuation(
    shiller: pd.DataFrame,
    *,
    window_months: int = CAPE_WINDOW_MONTHS,
    lag_months: int = CAPE_LAG_MONTHS,
    source: str = "",
) -> IndexValuation:
    """CAPE and trailing P/E from Shiller's monthly price, earnings and CPI.

    Parameters
    ----------
    shiller : DataFrame
        Columns ``date, P, E, CPI`` (as :func:`kreislauf.data.loaders.load_shiller` returns);
        ``CAPE`` if present is kept as ``cape_shiller`` for comparison. One row per month,
        increasing.
    window_months : int
        Months of real earnings averaged (120 = ten years, Shiller's definition).
    lag_months : int
        Months between the last earnings averaged and the price month (1 reproduces
        Shiller's column). A CAPE needs all ``window_months`` earnings; it is null otherwise.
    source : str
        Where the series came from (carried into the summary).

    Returns
    -------
    IndexValuation
    """
    _require(shiller, ["date", "P", "E", "CPI"], "index_valuation")
    if window_months < 1 or lag_months < 0:
        raise InputError.single(
            f"expected window_months >= 1 and lag_months >= 0, got {window_months}, {lag_months}",
            field="window_months",
        )
    f = shiller.sort_values("date").reset_index(drop=True)
    price = pd.to_numeric(f["P"], errors="coerce")
    earn = pd.to_numeric(f["E"], errors="coerce")
    cpi = pd.to_numeric(f["CPI"], errors="coerce")
    bad = ~(cpi > 0) | ~(price > 0)
    if bad.any():
        i = int(np.nonzero(bad.to_numpy())[0][0])
        raise InputError.single(
            f"expected positive P and CPI, got P={f['P'].iloc[i]!r}, CPI={f['CPI'].iloc[i]!r}",
            file=source or None,
            row=i + 1,
            field="CPI" if not cpi.iloc[i] > 0 else "P",
        )
    real_e = (earn / cpi).shift(lag_months)
    avg = real_e.rolling(window_months, min_periods=window_months).mean()
    cape = (price / cpi) / avg
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(f["date"]),
            "price": price,
            "earnings": earn,
            "cpi": cpi,
            "trailing_pe": (price / earn).where(earn > 0),
            "cape": cape.where(avg > 0),
        }
    )
    if "CAPE" in f:
        out["cape_shiller"] = pd.to_numeric(f["CAPE"], errors="coerce")
    return IndexValuation(out, window_months, lag_months, source)


# ----------------------------------------------------------------------------- single stocks
@dataclass
class StockValuation(Result):
    """Trailing P/E of single stocks at the dates a market cap is known.

    Attributes
    ----------
    frame : DataFrame
        One row per symbol and date: ``symbol, date, market_cap, cap_source,
        ttm_net_income, quarters_used, trailing_pe, snapshot_pe, note``. ``snapshot_pe`` is the
        Price/Earnings of a constituents-financials snapshot on that date (the data vendor's
        own figure) where there is one.
    report_lag_days : int
        A quarter counts as known this many days after its end.
    sources : tuple of str
    """

    frame: pd.DataFrame
    report_lag_days: int
    sources: tuple[str, ...] = field(default=())

    def latest(self, symbol: str) -> dict[str, Any]:
        """The latest row of ``symbol`` with a trailing P/E (or the latest row, P/E null)."""
        rows = self.frame[self.frame["symbol"] == symbol]
        if rows.empty:
            raise InputError.single(f"no market cap for {symbol!r}", field="symbol")
        ok = rows.dropna(subset=["trailing_pe"])
        r = (ok if len(ok) else rows).iloc[-1]
        return {k: _num(v) if isinstance(v, float) else v for k, v in r.to_dict().items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per symbol and date."""
        return self.frame.copy()

    def summary(self) -> dict[str, Any]:
        """Latest trailing P/E per symbol, with the date, cap source and quarters used."""
        out: dict[str, Any] = {
            "report_lag_days": self.report_lag_days,
            "sources": list(self.sources),
        }
        latest = {}
        for sym in sorted(self.frame["symbol"].unique()):
            r = self.latest(sym)
            latest[sym] = {
                "date": str(pd.Timestamp(r["date"]).date()),
                "trailing_pe": r["trailing_pe"],
                "snapshot_pe": r.get("snapshot_pe"),
                "cap_source": r["cap_source"],
                "quarters_used": r["quarters_used"],
            }
        out["latest"] = latest
        return out

    def plot(self) -> go.Figure:
        """Trailing P/E over the snapshot dates, one line per symbol."""
        import plotly.graph_objects as go

        fig = go.Figure()
        for sym, g in self.frame.groupby("symbol"):
            fig.add_scatter(x=g["date"], y=g["trailing_pe"], name=str(sym), mode="lines+markers")
        fig.update_layout(
            title="Trailing P/E (market cap / net income of the last four reported quarters)",
            yaxis_title="P/E",
            template="plotly_white",
        )
        return fig


def market_caps_from_snapshots(
    concentration: pd.DataFrame | None = None,
    constituents: pd.DataFrame | None = None,
    symbols: list[str] | None = None,
) -> pd.DataFrame:
    """Market caps at dated snapshots, long: ``symbol, date, market_cap, cap_source, snapshot_pe``.

    Parameters
    ----------
    concentration : DataFrame, optional
        The S&P 500 concentration snapshots (``snapshot_date`` and ``mcap_<SYMBOL>`` columns).
    constituents : DataFrame, optional
        Constituents-financials snapshots (``symbol, market_cap, pe, snapshot_date``). Where
        both have a cap for the same symbol and date, the constituents row is kept (it also
        carries the vendor's P/E).
    symbols : list of str, optional
        Keep only these.
    """
    frames = []
    if constituents is not None and len(constituents):
        _require(constituents, ["symbol", "market_cap", "snapshot_date"], "constituents")
        c = constituents.dropna(subset=["market_cap"])
        frames.append(
            pd.DataFrame(
                {
                    "symbol": c["symbol"].astype(str),
                    "date": pd.to_datetime(c["snapshot_date"]),
                    "market_cap": c["market_cap"].astype(float),
                    "cap_source": "constituents financials "
                    + pd.to_datetime(c["snapshot_date"]).dt.strftime("%Y-%m-%d"),
                    "snapshot_pe": c["pe"].astype(float) if "pe" in c else np.nan,
                }
            )
        )
    if concentration is not None and len(concentration):
        _require(concentration, ["snapshot_date"], "concentration")
        cols = [c for c in concentration.columns if c.startswith("mcap_")]
        long = concentration.melt(
            id_vars=["snapshot_date"], value_vars=cols, var_name="symbol", value_name="market_cap"
        ).dropna(subset=["market_cap"])
        frames.append(
            pd.DataFrame(
                {
                    "symbol": long["symbol"].str.removeprefix("mcap_"),
                    "date": pd.to_datetime(long["snapshot_date"]),
                    "market_cap": long["market_cap"].astype(float),
                    "cap_source": "concentration snapshot "
                    + pd.to_datetime(long["snapshot_date"]).dt.strftime("%Y-%m-%d"),
                    "snapshot_pe": np.nan,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["symbol", "date", "market_cap", "cap_source", "snapshot_pe"])
    out = pd.concat(frames, ignore_index=True)
    out = out.drop_duplicates(subset=["symbol", "date"], keep="first")
    if symbols is not None:
        out = out[out["symbol"].isin(symbols)]
    return out.sort_values(["symbol", "date"], ignore_index=True)


def market_caps_from_prices(
    prices: pd.DataFrame,
    constituents: pd.DataFrame,
    dates: list[str | pd.Timestamp],
    symbols: list[str],
) -> pd.DataFrame:
    """Market caps at arbitrary dates: the close that day times the share count of a snapshot.

    The share count is ``market cap / price`` of the *latest* constituents-financials snapshot
    of the symbol (prices in the shipped files are split-adjusted to their end, so the latest
    snapshot is the consistent one). Assumption: the share count is constant between the date
    and the snapshot (buybacks and issuance move it by a few per cent a year).

    Returns the same columns as :func:`market_caps_from_snapshots`.
    """
    _require(prices, ["date", "symbol", "close"], "prices")
    _require(constituents, ["symbol", "market_cap", "price", "snapshot_date"], "constituents")
    rows = []
    for sym in symbols:
        snap = constituents[(constituents["symbol"] == sym)].dropna(subset=["market_cap", "price"])
        px = prices[prices["symbol"] == sym].sort_values("date")
        if snap.empty or px.empty:
            continue
        s = snap.sort_values("snapshot_date").iloc[-1]
        shares = float(s["market_cap"]) / float(s["price"])
        for d in dates:
            when = pd.Timestamp(d)
            before = px[px["date"] <= when]
            if before.empty or (when - before["date"].iloc[-1]).days > 7:
                continue
            close = float(before["close"].iloc[-1])
            rows.append(
                {
                    "symbol": sym,
                    "date": when,
                    "market_cap": close * shares,
                    "cap_source": (
                        f"close {before['date'].iloc[-1]:%Y-%m-%d} x {shares / 1e9:.3f}bn shares "
                        f"(constituents financials {pd.Timestamp(s['snapshot_date']):%Y-%m-%d})"
                    ),
                    "snapshot_pe": np.nan,
                }
            )
    return pd.DataFrame(rows, columns=["symbol", "date", "market_cap", "cap_source", "snapshot_pe"])


def stock_valuation(
    fundamentals: pd.DataFrame,
    caps: pd.DataFrame,
    *,
    report_lag_days: int = REPORT_LAG_DAYS,
    sources: tuple[str, ...] = (),
) -> StockValuation:
    """Trailing P/E = market cap / net income of the four quarters last reported.

    Parameters
    ----------
    fundamentals : DataFrame
        Quarterly ``symbol, period_end, net_income`` (USD).
    caps : DataFrame
        ``symbol, date, market_cap, cap_source`` (and optionally ``snapshot_pe``), for
        example from :func:`market_caps_from_snapshots`.
    report_lag_days : int
        A quarter is counted from this many days after its end (assumption, see module).
    sources : tuple of str
        Files used, for the summary.

    Returns
    -------
    StockValuation
        Null P/E where the symbol has no fundamentals, fewer than four consecutive quarters
        were reported by the date, or trailing net income is not positive.
    """
    _require(fundamentals, ["symbol", "period_end", "net_income"], "stock_valuation")
    _require(caps, ["symbol", "date", "market_cap", "cap_source"], "stock_valuation")
    if report_lag_days < 0:
        raise InputError.single(
            f"expected report_lag_days >= 0, got {report_lag_days}", field="report_lag_days"
        )
    fund = fundamentals.sort_values(["symbol", "period_end"])
    by_sym = {
        sym: (
            g["period_end"].to_numpy("datetime64[ns]"),
            g["net_income"].to_numpy(float),
        )
        for sym, g in fund.groupby("symbol")
    }
    lag = np.timedelta64(report_lag_days, "D")
    rows = []
    for r in caps.sort_values(["symbol", "date"]).itertuples(index=False):
        ni, used, note = np.nan, "", ""
        if r.symbol not in by_sym:
            note = "no quarterly fundamentals for this symbol"
        else:
            ends, income = by_sym[r.symbol]
            k = int(np.searchsorted(ends + lag, np.datetime64(pd.Timestamp(r.date)), side="right"))
            sel = slice(max(0, k - 4), k)
            known_ends, known_ni = ends[sel], income[sel]
            gaps = np.diff(known_ends).astype("timedelta64[D]").astype(int)
            if len(known_ends) < 4:
                note = f"only {len(known_ends)} quarter(s) reported by this date"
            elif (gaps > MAX_QUARTER_GAP_DAYS).any():
                note = "the last four reported quarters are not consecutive"
            elif np.isnan(known_ni).any():
                note = "net income missing in one of the four quarters"
            else:
                ni = float(known_ni.sum())
                if ni <= 0:
                    note = "trailing net income not positive: P/E undefined"
            if len(known_ends):
                first, last = pd.Timestamp(known_ends[0]), pd.Timestamp(known_ends[-1])
                used = f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
        pe = r.market_cap / ni if np.isfinite(ni) and ni > 0 else np.nan
        rows.append(
            {
                "symbol": r.symbol,
                "date": r.date,
                "market_cap": float(r.market_cap),
                "cap_source": r.cap_source,
                "ttm_net_income": ni,
                "quarters_used": used,
                "trailing_pe": pe,
                "snapshot_pe": getattr(r, "snapshot_pe", np.nan),
                "note": note,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "symbol",
            "date",
            "market_cap",
            "cap_source",
            "ttm_net_income",
            "quarters_used",
            "trailing_pe",
            "snapshot_pe",
            "note",
        ],
    )
    return StockValuation(frame, report_lag_days, tuple(sources))


def _num(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None
