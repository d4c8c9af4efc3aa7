"""All valuation and concentration metrics at once, as one result with its data and dates.

:func:`bubble_metrics` runs each engine whose data is present and records, for every
headline figure, which file and which date it rests on; a metric without data is listed
under ``unavailable`` with the family it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kreislauf.bubble.capex import HYPERSCALERS, AIRevenue, CapexResult, capex_intensity
from kreislauf.bubble.concentration import ConcentrationResult, concentration
from kreislauf.bubble.inputs import MarketData
from kreislauf.bubble.required_revenue import (
    NETFLIX_MEMBERS,
    ArticleCheck,
    Param,
    RequiredRevenue,
    RequiredRevenueInputs,
    article_check,
    required_revenue,
)
from kreislauf.bubble.valuation import (
    REPORT_LAG_DAYS,
    IndexValuation,
    StockValuation,
    index_valuation,
    market_caps_from_snapshots,
    stock_valuation,
)
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

# The AI stocks of the shared price panel that also have quarterly fundamentals.
AI_STOCKS: tuple[str, ...] = (
    "NVDA",
    "MSFT",
    "ORCL",
    "AMD",
    "META",
    "GOOGL",
    "AMZN",
    "AAPL",
    "AVGO",
    "TSLA",
)


@dataclass
class BubbleMetrics(Result):
    """The metrics computed from one set of market data.

    Attributes
    ----------
    index : IndexValuation or None
    stocks : StockValuation or None
    concentration : ConcentrationResult or None
    capex : CapexResult or None
    required : RequiredRevenue or None
        Required revenue for the latest trailing-twelve-month capex of the hyperscalers.
    article : ArticleCheck
        The article's J.P. Morgan figures inverted (needs no data).
    unavailable : dict of str to str
        Metric -> what is missing.
    origin : str
        The data directory or store used.
    """

    index: IndexValuation | None
    stocks: StockValuation | None
    concentration: ConcentrationResult | None
    capex: CapexResult | None
    required: RequiredRevenue | None
    article: ArticleCheck
    unavailable: dict[str, str] = field(default_factory=dict)
    origin: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Headline figures: ``metric, subject, value, date, basis``."""
        rows: list[dict[str, Any]] = []

        def add(metric: str, subject: str, value: Any, date: Any, basis: str) -> None:
            rows.append(
                {
                    "metric": metric,
                    "subject": subject,
                    "value": value,
                    "date": str(date),
                    "basis": basis,
                }
            )

        if self.index is not None:
            s = self.index.summary()
            src = f"Shiller monthly series ({Path(s['source']).name})"
            if "cape_latest" in s:
                add("CAPE", "S&P 500", s["cape_latest"], s["cape_latest_month"], src)
                add(
                    "CAPE peak to 2001",
                    "S&P 500",
                    s["cape_peak_to_2001"],
                    s["cape_peak_month"],
                    src,
                )
                add(
                    "CAPE median",
                    "S&P 500",
                    s["cape_median"],
                    f"{s['first_month']}..{s['last_month']}",
                    src,
                )
            if "trailing_pe_latest" in s:
                add(
                    "trailing P/E",
                    "S&P 500",
                    s["trailing_pe_latest"],
                    s["trailing_pe_latest_month"],
                    src,
                )
        if self.stocks is not None:
            for sym, r in self.stocks.summary()["latest"].items():
                add(
                    "trailing P/E",
                    sym,
                    r["trailing_pe"],
                    r["date"],
                    f"{r['cap_source']} / net income of quarters {r['quarters_used'] or '(none)'}",
                )
                if r.get("snapshot_pe") is not None and pd.notna(r["snapshot_pe"]):
                    add(
                        "trailing P/E (data vendor)",
                        sym,
                        r["snapshot_pe"],
                        r["date"],
                        f"Price/Earnings column of {r['cap_source']}",
                    )
        if self.concentration is not None:
            c = self.concentration.summary()
            for key, label in (
                ("snapshots", "concentration snapshot"),
                ("constituents", "constituents financials"),
            ):
                if key in c:
                    x = c[key]
                    add(
                        "Magnificent-7 share",
                        "S&P 500",
                        x["mag7_share"],
                        x["last"],
                        f"{label}; removed {x['duplicates_removed']}",
                    )
                    add(
                        "largest-7 share",
                        "S&P 500",
                        x["top7_share"],
                        x["last"],
                        f"{label}: {x['top7_members']}",
                    )
                    if x["mag7_share_file"] is not None and pd.notna(x["mag7_share_file"]):
                        add(
                            "Magnificent-7 share as in file",
                            "S&P 500",
                            x["mag7_share_file"],
                            x["last"],
                            f"{label}; Alphabet counted twice",
                        )
        if self.capex is not None:
            cs = self.capex.summary()
            for year, y in cs["calendar_years"].items():
                if y["capex_usd_bn"] is not None:
                    add(
                        "capex (USD bn)",
                        "+".join(self.capex.symbols),
                        y["capex_usd_bn"],
                        year,
                        "quarters ending in the calendar year",
                    )
                    add(
                        "capex / revenue",
                        "+".join(self.capex.symbols),
                        y["capex_to_revenue"],
                        year,
                        "quarters ending in the calendar year",
                    )
            for sym, t in cs["ttm"].items():
                if t is not None:
                    add(
                        "capex / revenue (TTM)",
                        sym,
                        t["capex_to_revenue_ttm"],
                        t["period_end"],
                        "four quarters to the date",
                    )
        if self.required is not None:
            s = self.required.summary()
            add(
                "required revenue (USD bn a year)",
                f"capex {s['capital_usd_bn']:,.0f} bn",
                s["required_revenue_usd_bn"],
                "",
                f"return {s['target_return']:.0%}, depreciation {s['depreciation_rate']:.3f}, "
                f"margin {s['margin']:g}",
            )
        return pd.DataFrame(rows, columns=["metric", "subject", "value", "date", "basis"])

    def summary(self) -> dict[str, Any]:
        """Each metric's summary, the unavailable ones and the data used."""
        return {
            "origin": self.origin,
            "index": None if self.index is None else self.index.summary(),
            "stocks": None if self.stocks is None else self.stocks.summary(),
            "concentration": None if self.concentration is None else self.concentration.summary(),
            "capex": None if self.capex is None else self.capex.summary(),
            "required_revenue": None if self.required is None else self.required.summary(),
            "article_check": [{"item": k, "value": v} for k, v in self.article.summary().items()],
            "unavailable": self.unavailable,
        }

    def plot(self) -> go.Figure:
        """CAPE, concentration, capex intensity and stock P/Es in four panels."""
        from plotly.subplots import make_subplots

        fig = make_subplots(
            rows=2,
            cols=2,
            subplot_titles=(
                "S&P 500 CAPE",
                "Share of S&P 500 cap",
                "Capex / revenue (TTM)",
                "Trailing P/E",
            ),
        )
        for part, (r, c) in (
            (self.index, (1, 1)),
            (self.concentration, (1, 2)),
            (self.capex, (2, 1)),
            (self.stocks, (2, 2)),
        ):
            if part is None:
                continue
            sub = part.plot()
            for tr in sub.data:
                if part is self.capex and tr.type == "bar":
                    continue
                fig.add_trace(tr, row=r, col=c)
        fig.update_layout(template="plotly_white", height=700, title="Bubble metrics")
        return fig


def bubble_metrics(
    data: MarketData,
    *,
    stock_symbols: tuple[str, ...] = AI_STOCKS,
    capex_symbols: tuple[str, ...] = HYPERSCALERS,
    ai_revenue: tuple[AIRevenue, ...] = (),
    report_lag_days: int = REPORT_LAG_DAYS,
    required_inputs: RequiredRevenueInputs | None = None,
) -> BubbleMetrics:
    """Compute every metric whose data is present.

    Parameters
    ----------
    data : MarketData
        Frames by family (:func:`kreislauf.bubble.inputs.load_market_data`).
    stock_symbols : tuple of str
        Stocks whose trailing P/E is computed.
    capex_symbols : tuple of str
        Companies of the capex comparison.
    ai_revenue : tuple of AIRevenue
        Sourced AI-revenue figures (none by default).
    report_lag_days : int
        See :func:`kreislauf.bubble.valuation.stock_valuation`.
    required_inputs : RequiredRevenueInputs, optional
        Inputs of the required-revenue arithmetic; by default the capital is the latest
        trailing-twelve-month capex of ``capex_symbols`` (from the data), 10 % return
        (J.P. Morgan, seed 03), six-year life and margin 1 (labelled assumptions).
    """
    missing: dict[str, str] = {}
    sh = data.get("shiller")
    index = None
    if sh is not None:
        index = index_valuation(sh, source=", ".join(data.source("shiller")))
    else:
        missing["CAPE and index P/E"] = "Shiller's monthly series (shiller_ie_data_monthly.csv)"
    fund, conc, cons = data.get("fundamentals"), data.get("concentration"), data.get("constituents")
    stocks = None
    if fund is not None and (conc is not None or cons is not None):
        caps = market_caps_from_snapshots(conc, cons, list(stock_symbols))
        stocks = stock_valuation(
            fund,
            caps,
            report_lag_days=report_lag_days,
            sources=data.source("fundamentals", "concentration", "constituents"),
        )
    else:
        missing["stock P/E"] = "quarterly fundamentals and market-cap snapshots"
    conc_res = None
    if conc is not None or cons is not None:
        conc_res = concentration(conc, cons, sources=data.source("concentration", "constituents"))
    else:
        missing["concentration"] = "S&P 500 concentration or constituents snapshots"
    capex = None
    required = None
    if fund is not None:
        # the default set keeps the companies the data have; a set the user names must exist
        have = set(fund["symbol"])
        syms = (
            tuple(s for s in capex_symbols if s in have)
            if capex_symbols == HYPERSCALERS
            else capex_symbols
        )
        capex = capex_intensity(
            fund, symbols=syms, ai_revenue=ai_revenue, sources=data.source("fundamentals")
        )
        if required_inputs is None:
            ttm = capex.summary()["ttm"]
            if syms and all(ttm.get(s) for s in syms):
                total = sum(ttm[s]["capex_ttm_usd_bn"] for s in syms)
                ends = sorted({ttm[s]["period_end"] for s in syms})
                required_inputs = RequiredRevenueInputs(
                    Param(
                        total,
                        f"trailing-twelve-month capex of {'+'.join(syms)} to {ends[0]}..{ends[-1]} "
                        f"({', '.join(data.source('fundamentals'))})",
                    ),
                    payers={"Netflix membership": NETFLIX_MEMBERS},
                )
    else:
        missing["capex"] = (
            "quarterly fundamentals (bigtech_quarterly_revenue_netincome_capex_*.csv)"
        )
    if required_inputs is not None:
        required = required_revenue(required_inputs)
    else:
        missing["required revenue"] = "a capital figure: quarterly fundamentals or --capital"
    return BubbleMetrics(
        index, stocks, conc_res, capex, required, article_check(), missing, data.origin
    )
