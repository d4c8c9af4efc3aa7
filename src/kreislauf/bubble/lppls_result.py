"""Result objects of the LPPLS fit and the multi-window confidence indicator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

TIME_UNIT = "calendar years (days / 365.25) from the first observation"


@dataclass
class LPPLSFit(Result):
    """One LPPLS calibration of a price series.

    Attributes
    ----------
    dates, price : the observations fitted (prices, not logs).
    fitted_log_price : ndarray
        The fitted ``ln p`` at each date.
    tc_years : float
        ``tc - t2`` in years (negative: ``tc`` inside the sample).
    tc_date : Timestamp
        The critical time as a date.
    m, w, a, b, c1, c2 : float
        Parameters of ``ln p = A + B f + C1 f cos(w ln|tc-t|) + C2 f sin(w ln|tc-t|)``.
    sse, r2 : float
        Sum of squared log-price residuals and the share of variance explained.
    oscillations, damping, rel_error : float
        The filter diagnostics (see :class:`~kreislauf.bubble.lppls.LPPLSFilters`).
    verdicts : dict
        Each filter condition's pass/fail and ``qualified``.
    """

    dates: pd.DatetimeIndex
    price: np.ndarray
    fitted_log_price: np.ndarray
    name: str
    tc_years: float
    tc_date: pd.Timestamp
    m: float
    w: float
    a: float
    b: float
    c1: float
    c2: float
    sse: float
    r2: float
    oscillations: float
    damping: float
    rel_error: float
    verdicts: dict[str, bool]
    bounds: Any
    filters: Any
    seed: int
    starts: int
    n_local: int

    @property
    def c(self) -> float:
        """Amplitude ``sqrt(C1^2 + C2^2)`` of the log-periodic term."""
        return float(np.hypot(self.c1, self.c2))

    @property
    def bubble(self) -> str:
        """``positive`` (B < 0, accelerating rise) or ``negative`` (B > 0)."""
        return "positive" if self.b < 0 else "negative" if self.b > 0 else "none"

    def to_frame(self) -> pd.DataFrame:
        """Date, price, log price, fitted log price and price, residual."""
        logp = np.log(self.price)
        return pd.DataFrame(
            {
                "date": self.dates,
                "price": self.price,
                "log_price": logp,
                "fitted_log_price": self.fitted_log_price,
                "fitted_price": np.exp(self.fitted_log_price),
                "residual": logp - self.fitted_log_price,
            }
        )

    def summary(self) -> dict[str, Any]:
        """Parameters, fit quality, diagnostics, verdicts and settings."""
        return {
            "series": self.name,
            "t1": self.dates[0],
            "t2": self.dates[-1],
            "n_obs": len(self.dates),
            "tc_date": self.tc_date,
            "tc_years_after_t2": self.tc_years,
            "tc_days_after_t2": self.tc_years * 365.25,
            "m": self.m,
            "w": self.w,
            "A": self.a,
            "B": self.b,
            "C1": self.c1,
            "C2": self.c2,
            "C": self.c,
            "bubble": self.bubble,
            "sse": self.sse,
            "r2": self.r2,
            "oscillations": self.oscillations,
            "damping": self.damping,
            "rel_error": self.rel_error,
            "qualified": self.verdicts.get("qualified"),
            "verdicts": dict(self.verdicts),
            "bounds": self.bounds.to_dict(),
            "filters": self.filters.to_dict(),
            "seed": self.seed,
            "starts": self.starts,
            "local_searches": self.n_local,
            "time_unit": TIME_UNIT,
        }

    def plot(self) -> go.Figure:
        """Price and fitted LPPLS curve (log scale) with ``tc`` marked."""
        import plotly.graph_objects as go

        fig = go.Figure()
        fig.add_trace(go.Scatter(x=self.dates, y=self.price, name="price", mode="lines"))
        fig.add_trace(
            go.Scatter(
                x=self.dates, y=np.exp(self.fitted_log_price), name="LPPLS fit", mode="lines"
            )
        )
        if not pd.isna(self.tc_date):
            fig.add_shape(
                type="line", x0=self.tc_date, x1=self.tc_date, y0=0, y1=1, yref="paper",
                line={"dash": "dash", "color": "firebrick"},
            )  # fmt: skip
            fig.add_annotation(
                x=self.tc_date, y=1, yref="paper", showarrow=False, yanchor="bottom",
                text=f"tc {self.tc_date.date()}",
            )  # fmt: skip
        fig.update_layout(
            title=f"LPPLS fit of {self.name}: m={self.m:.2f}, w={self.w:.2f}, R²={self.r2:.3f}",
            yaxis_type="log",
            yaxis_title="price",
        )
        return fig


@dataclass
class LPPLSConfidence(Result):
    """The multi-window LPPLS confidence indicator (ETH FCO style).

    Attributes
    ----------
    frame : DataFrame
        One row per end date ``t2``: ``date, price, pos_conf, neg_conf, n_windows, n_fits,
        n_pos, n_neg`` (``n_pos``/``n_neg``: qualified fits with ``B < 0`` / ``B > 0``).
    windows : DataFrame
        Every nested window's best fit (``t2, t1, n_obs, tc_date, tc_years, m, w, A, B, C1,
        C2, sse, oscillations, damping, rel_error, qualified``).
    settings : dict
        Window settings, bounds, filters, seed.
    """

    frame: pd.DataFrame
    windows: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Date, price, positive and negative confidence, window and fit counts."""
        return self.frame.copy()

    def summary(self) -> dict[str, Any]:
        """Latest and maximum confidences with their dates, and the settings."""
        f = self.frame
        out: dict[str, Any] = {"n_end_dates": len(f)}
        if len(f):
            last = f.iloc[-1]
            out["latest_date"] = last["date"]
            out["latest_pos_conf"] = float(last["pos_conf"])
            out["latest_neg_conf"] = float(last["neg_conf"])
            for col in ("pos_conf", "neg_conf"):
                i = int(np.argmax(f[col].to_numpy()))
                out[f"max_{col}"] = float(f[col].iloc[i])
                out[f"max_{col}_date"] = f["date"].iloc[i]
        out["settings"] = self.settings
        out["time_unit"] = TIME_UNIT
        return out

    def plot(self) -> go.Figure:
        """Price (top) and both confidences (bottom)."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        f = self.frame
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4])
        fig.add_trace(go.Scatter(x=f["date"], y=f["price"], name="price"), row=1, col=1)
        fig.add_trace(
            go.Scatter(x=f["date"], y=f["pos_conf"], name="positive bubble confidence",
                       line={"color": "firebrick"}),
            row=2, col=1,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(x=f["date"], y=f["neg_conf"], name="negative bubble confidence",
                       line={"color": "seagreen"}),
            row=2, col=1,
        )  # fmt: skip
        fig.update_yaxes(type="log", title_text="price", row=1, col=1)
        fig.update_yaxes(range=[0, 1], title_text="confidence", row=2, col=1)
        fig.update_layout(title="LPPLS confidence indicator")
        return fig
