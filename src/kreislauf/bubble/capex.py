"""Hyperscaler capex against revenue, and against AI revenue where a sourced figure exists.

Capex is the reported "payments to acquire property, plant and equipment" of the quarterly
fundamentals file (SEC XBRL; the fourth fiscal quarter derived as the year minus three
quarters). Quarters are grouped by the calendar quarter and year their period *ends* in
(Oracle's fiscal quarters end in February, May, August and November; Microsoft's fiscal year
in June); a calendar-year total needs all four quarters of each company, else it is null and
the missing quarters are named.

No data file separates AI revenue from other revenue. An AI-revenue figure enters only as an
:class:`AIRevenue` the user supplies with its source; without one, capex per AI-revenue
dollar is an explicit null.
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

# The four US hyperscalers the articles name (seed 02: "Google, Meta, Microsoft und Amazon"),
# and Oracle, the fifth cloud builder of the circuit.
HYPERSCALERS: tuple[str, ...] = ("MSFT", "GOOGL", "AMZN", "META", "ORCL")


@dataclass(frozen=True)
class AIRevenue:
    """An AI-revenue figure with its source, supplied by the user.

    Parameters
    ----------
    symbol : str
        The company (``"MSFT"``); ``"+"``-joined for a group (``"MSFT+GOOGL+META"``).
    start, end : str
        The period the revenue covers (ISO dates, inclusive); capex over the same period is
        set against it.
    usd_bn : float
        Revenue in USD bn over the period (an annual run rate counts as a year ending ``end``).
    source : str
        Where the figure was published (document and date or URL); required.
    kind : str
        ``"revenue"`` or ``"annual run rate"``.
    """

    symbol: str
    start: str
    end: str
    usd_bn: float
    source: str
    kind: str = "revenue"

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InputError.single("an AI-revenue figure needs its source", field="source")
        if not (np.isfinite(self.usd_bn) and self.usd_bn > 0):
            raise InputError.single(
                f"expected a positive USD bn, got {self.usd_bn}", field="usd_bn"
            )
        if pd.Timestamp(self.start) > pd.Timestamp(self.end):
            raise InputError.single(f"start {self.start} is after end {self.end}", field="start")

    @classmethod
    def parse(cls, text: str) -> AIRevenue:
        """``SYMBOL:START:END:USD_BN:SOURCE`` (the CLI's ``--ai-revenue``)."""
        parts = text.split(":", 4)
        if len(parts) != 5:
            raise InputError.single(
                f"expected SYMBOL:START:END:USD_BN:SOURCE, got {text!r}", field="--ai-revenue"
            )
        sym, start, end, value, source = parts
        try:
            v = float(value)
            pd.Timestamp(start), pd.Timestamp(end)
        except ValueError as err:
            raise InputError.single(
                f"bad number or date in {text!r}: {err}", field="--ai-revenue"
            ) from err
        return cls(sym, start, end, v, source)


@dataclass
class CapexResult(Result):
    """Capex against revenue by company and quarter, calendar year, and AI revenue.

    Attributes
    ----------
    quarterly : DataFrame
        ``symbol, period_end, calendar_quarter, revenue, capex, capex_to_revenue,
        revenue_ttm, capex_ttm, capex_to_revenue_ttm`` (trailing twelve months: the four
        quarters ending there; null if one is missing).
    annual : DataFrame
        ``year, symbol, quarters, revenue, capex, capex_to_revenue, missing`` by calendar
        year, with a ``TOTAL`` row per year over the symbols (null where incomplete).
    ai : DataFrame
        One row per :class:`AIRevenue`: the figure, capex over the same period and their ratio.
    symbols : tuple of str
    sources : tuple of str
    """

    quarterly: pd.DataFrame
    annual: pd.DataFrame
    ai: pd.DataFrame
    symbols: tuple[str, ...]
    sources: tuple[str, ...] = field(default=())

    def year_total(self, year: int) -> dict[str, Any]:
        """Capex and revenue of the group in one calendar year (null if incomplete)."""
        r = self.annual[(self.annual["year"] == year) & (self.annual["symbol"] == "TOTAL")]
        if r.empty:
            raise InputError.single(f"no quarters in {year}", field="year")
        return r.iloc[0].to_dict()

    def to_frame(self) -> pd.DataFrame:
        """The quarterly table."""
        return self.quarterly.copy()

    def summary(self) -> dict[str, Any]:
        """Latest TTM figures per company and calendar-year totals of the group."""
        out: dict[str, Any] = {"symbols": list(self.symbols), "sources": list(self.sources)}
        ttm = {}
        for sym, g in self.quarterly.groupby("symbol"):
            ok = g.dropna(subset=["capex_ttm"])
            if ok.empty:
                ttm[sym] = None
                continue
            r = ok.iloc[-1]
            ttm[sym] = {
                "period_end": str(r["period_end"].date()),
                "capex_ttm_usd_bn": r["capex_ttm"] / 1e9,
                "revenue_ttm_usd_bn": r["revenue_ttm"] / 1e9,
                "capex_to_revenue_ttm": r["capex_to_revenue_ttm"],
            }
        out["ttm"] = ttm
        tot = self.annual[self.annual["symbol"] == "TOTAL"]
        out["calendar_years"] = {
            int(r.year): {
                "capex_usd_bn": None if pd.isna(r.capex) else r.capex / 1e9,
                "revenue_usd_bn": None if pd.isna(r.revenue) else r.revenue / 1e9,
                "capex_to_revenue": r.capex_to_revenue,
                "missing": r.missing,
            }
            for r in tot.itertuples(index=False)
        }
        out["ai_revenue"] = [
            {k: v for k, v in r.items()} for r in self.ai.to_dict(orient="records")
        ] or None
        return out

    def plot(self) -> go.Figure:
        """Quarterly capex per company (bars) and the TTM capex-to-revenue ratio (lines)."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        fig = make_subplots(specs=[[{"secondary_y": True}]])
        for sym, g in self.quarterly.groupby("symbol"):
            fig.add_bar(x=g["period_end"], y=g["capex"] / 1e9, name=f"{sym} capex")
            fig.add_trace(
                go.Scatter(
                    x=g["period_end"],
                    y=g["capex_to_revenue_ttm"],
                    name=f"{sym} capex/revenue TTM",
                    mode="lines",
                ),
                secondary_y=True,
            )
        fig.update_layout(
            barmode="stack",
            title="Hyperscaler capex (USD bn) and capex/revenue (TTM)",
            template="plotly_white",
        )
        fig.update_yaxes(title_text="USD bn a quarter", secondary_y=False)
        fig.update_yaxes(title_text="capex / revenue", tickformat=".0%", secondary_y=True)
        return fig


def capex_intensity(
    fundamentals: pd.DataFrame,
    *,
    symbols: tuple[str, ...] = HYPERSCALERS,
    ai_revenue: tuple[AIRevenue, ...] = (),
    sources: tuple[str, ...] = (),
) -> CapexResult:
    """Capex against revenue, quarterly and trailing twelve months, and against AI revenue.

    Parameters
    ----------
    fundamentals : DataFrame
        Quarterly ``symbol, period_end, revenue, capex`` (USD; blank capex = NaN).
    symbols : tuple of str
        Companies to include (default :data:`HYPERSCALERS`); a symbol absent from the data is
        an InputError.
    ai_revenue : tuple of AIRevenue
        Sourced AI-revenue figures (none by default: no data file has one).
    sources : tuple of str
        Files used, for the summary.
    """
    need = ["symbol", "period_end", "revenue", "capex"]
    missing = [c for c in need if c not in fundamentals.columns]
    if missing:
        raise InputError.single(f"fundamentals need columns {need}", field=missing[0])
    if not symbols:
        raise InputError.single("no companies to compare", field="symbols")
    absent = [s for s in symbols if s not in set(fundamentals["symbol"])]
    if absent:
        raise InputError.single(
            f"no fundamentals for {absent}; available: {sorted(set(fundamentals['symbol']))}",
            field="symbols",
        )
    f = fundamentals[fundamentals["symbol"].isin(symbols)].sort_values(["symbol", "period_end"])
    parts = []
    for _, g in f.groupby("symbol", sort=False):
        g = g.copy()
        consecutive = g["period_end"].diff(3).dt.days <= 3 * 100
        g["revenue_ttm"] = g["revenue"].rolling(4, min_periods=4).sum().where(consecutive)
        g["capex_ttm"] = g["capex"].rolling(4, min_periods=4).sum().where(consecutive)
        parts.append(g)
    q = pd.concat(parts, ignore_index=True)
    q["calendar_quarter"] = q["period_end"].dt.to_period("Q").astype(str)
    q["capex_to_revenue"] = q["capex"] / q["revenue"]
    q["capex_to_revenue_ttm"] = q["capex_ttm"] / q["revenue_ttm"]
    q = q[
        [
            "symbol",
            "period_end",
            "calendar_quarter",
            "revenue",
            "capex",
            "capex_to_revenue",
            "revenue_ttm",
            "capex_ttm",
            "capex_to_revenue_ttm",
        ]
    ]
    annual = _annual(q, symbols)
    ai = pd.DataFrame([_ai_row(q, a) for a in ai_revenue])
    return CapexResult(q, annual, ai, tuple(symbols), tuple(sources))


def _annual(q: pd.DataFrame, symbols: tuple[str, ...]) -> pd.DataFrame:
    q = q.assign(year=q["period_end"].dt.year)
    rows = []
    for year, gy in q.groupby("year"):
        tot_missing: list[str] = []
        tot_capex = tot_rev = 0.0
        for sym in symbols:
            g = gy[gy["symbol"] == sym]
            miss = [
                f"{sym} {d.date()}"
                for d, c in zip(g["period_end"], g["capex"], strict=True)
                if pd.isna(c)
            ]
            if len(g) < 4:
                miss.append(f"{sym}: {4 - len(g)} quarter(s) absent")
            complete = not miss
            capex = float(g["capex"].sum()) if complete else np.nan
            rev = float(g["revenue"].sum()) if len(g) == 4 else np.nan
            rows.append(
                {
                    "year": int(year),
                    "symbol": sym,
                    "quarters": len(g),
                    "revenue": rev,
                    "capex": capex,
                    "capex_to_revenue": capex / rev if complete and rev > 0 else np.nan,
                    "missing": "; ".join(miss),
                }
            )
            tot_missing += miss
            tot_capex += float(g["capex"].sum())
            tot_rev += float(g["revenue"].sum())
        ok = not tot_missing
        rows.append(
            {
                "year": int(year),
                "symbol": "TOTAL",
                "quarters": len(gy),
                "revenue": tot_rev if ok else np.nan,
                "capex": tot_capex if ok else np.nan,
                "capex_to_revenue": tot_capex / tot_rev if ok else np.nan,
                "missing": "; ".join(tot_missing),
            }
        )
    return pd.DataFrame(rows)


def _ai_row(q: pd.DataFrame, a: AIRevenue) -> dict[str, Any]:
    syms = a.symbol.split("+")
    start, end = pd.Timestamp(a.start), pd.Timestamp(a.end)
    if a.kind == "annual run rate":
        start = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    sel = q[q["symbol"].isin(syms) & (q["period_end"] >= start) & (q["period_end"] <= end)]
    n_expected = len(syms) * max(1, round((end - start).days / 91.3))
    complete = len(sel) >= n_expected and sel["capex"].notna().all()
    capex = float(sel["capex"].sum()) / 1e9 if complete else np.nan
    return {
        "symbol": a.symbol,
        "start": str(start.date()),
        "end": str(end.date()),
        "kind": a.kind,
        "ai_revenue_usd_bn": a.usd_bn,
        "capex_usd_bn": capex,
        "capex_per_ai_revenue": capex / a.usd_bn if complete else np.nan,
        "quarters_used": ", ".join(f"{r.symbol} {r.period_end.date()}" for r in sel.itertuples()),
        "source": a.source,
    }
