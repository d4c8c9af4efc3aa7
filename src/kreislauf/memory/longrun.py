"""The long-run memory price series: trend decline and historical spikes.

J. C. McCallum's series of memory prices (US$ per megabyte, 1957-2015; see
``../shared/data/MANIFEST.md``) puts the 2025-26 spike in context: the trend
decline of memory prices, and how large the biggest rises against that trend were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass
class LongRunResult(Result):
    """Log-linear trend of memory prices and deviations from it."""

    frame: pd.DataFrame
    annual_decline: float
    largest_rise: float
    largest_rise_years: tuple[float, float]
    source: str

    def to_frame(self) -> pd.DataFrame:
        """year, price, trend, log deviation from trend."""
        return self.frame.copy()

    def summary(self) -> dict[str, Any]:
        """Trend decline per year and the largest rise within a year, relative to trend."""
        return {
            "annual_decline": self.annual_decline,
            "largest_rise_vs_trend_within_1y": self.largest_rise,
            "largest_rise_from": self.largest_rise_years[0],
            "largest_rise_to": self.largest_rise_years[1],
            "observations": len(self.frame),
            "source": self.source,
        }

    def plot(self) -> go.Figure:
        """Price and trend on a log scale."""
        import plotly.graph_objects as go

        f = self.frame
        fig = go.Figure()
        fig.add_trace(go.Scatter(x=f["year"], y=f["price"], mode="markers", name="US$/MB"))
        fig.add_trace(go.Scatter(x=f["year"], y=f["trend"], name="log-linear trend"))
        fig.update_yaxes(type="log", title_text="US$ per MB")
        fig.update_layout(title="Memory prices 1957-2015 (McCallum)")
        return fig


def long_run_trend(frame: pd.DataFrame, source: str = "") -> LongRunResult:
    """Fit ``log price = a + b year`` and find the largest one-year rise against trend.

    Parameters
    ----------
    frame : DataFrame
        Columns ``date`` (fractional year) and ``price`` (> 0).
    source : str
        Where the series came from (recorded in the result).
    """
    missing = {"date", "price"} - set(frame.columns)
    if missing:
        raise InputError.single(f"missing column(s) {sorted(missing)}", file=source or None)
    f = frame[["date", "price"]].rename(columns={"date": "year"}).astype(float)
    bad = f.index[~np.isfinite(f["price"]) | (f["price"] <= 0)]
    if len(bad):
        raise InputError.single(
            "expected positive finite prices",
            file=source or None,
            row=int(bad[0]) + 1,
            field="price",
        )
    f = f.sort_values("year").reset_index(drop=True)
    x = f["year"].to_numpy()
    y = np.log(f["price"].to_numpy())
    b, a = np.polyfit(x, y, 1)
    f["trend"] = np.exp(a + b * x)
    f["log_deviation"] = y - (a + b * x)
    dev = f["log_deviation"].to_numpy()
    best, pair = -np.inf, (float("nan"), float("nan"))
    for i in range(len(x)):
        j = np.nonzero((x > x[i]) & (x <= x[i] + 1.0))[0]
        if j.size:
            k = j[np.argmax(dev[j])]
            if dev[k] - dev[i] > best:
                best, pair = dev[k] - dev[i], (float(x[i]), float(x[k]))
    return LongRunResult(f, float(1 - np.exp(b)), float(np.exp(best)), pair, source)
