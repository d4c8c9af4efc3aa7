"""The result of a PSY test: statistics, critical values, date-stamped episodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.bubble.psy_critical import CriticalValues
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass(frozen=True)
class Episode:
    """One date-stamped explosive episode.

    ``start`` is the first observation whose BSADF exceeds its critical value, ``end`` the last
    one before it falls back below (inclusive); ``duration`` counts observations from start to
    end. ``ongoing`` is true when the episode is still running at the end of the sample.
    ``peak`` is the observation with the highest series value within the episode.
    """

    start: Any
    end: Any
    peak: Any
    start_index: int
    end_index: int
    duration: int
    ongoing: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "peak": self.peak,
            "duration": self.duration,
            "ongoing": self.ongoing,
        }


def stamp_episodes(
    index: pd.Index, values: np.ndarray, exceed: np.ndarray, min_duration: int
) -> list[Episode]:
    """Runs of ``exceed`` lasting at least ``min_duration`` observations."""
    out: list[Episode] = []
    t_len = len(exceed)
    t = 0
    while t < t_len:
        if not exceed[t]:
            t += 1
            continue
        s = t
        while t < t_len and exceed[t]:
            t += 1
        e = t - 1
        dur = e - s + 1
        if dur >= min_duration:
            pk = s + int(np.argmax(values[s : e + 1]))
            out.append(Episode(index[s], index[e], index[pk], s, e, dur, e == t_len - 1))
    return out


@dataclass
class PSYResult(Result):
    """SADF/GSADF tests and the BSADF date-stamping of one series (PSY 2015).

    Attributes
    ----------
    name : str
        Series name.
    index : pandas.Index
        Dates (or positions) of the observations.
    values : ndarray
        The series as tested (after the optional log).
    bsadf : ndarray
        BSADF statistic per observation; NaN before the first full minimum window.
    adf, sadf, gsadf : float
        Full-sample ADF, SADF and GSADF statistics.
    cv : CriticalValues
    significance : float
        Level at which episodes are stamped.
    min_window : int
    min_duration : int
        Observations an episode must last.
    episodes : list of Episode
    options : dict
        Every setting used (lags, ic, rule, method, reps, seed, r0, log ...).
    """

    name: str
    index: pd.Index
    values: np.ndarray
    bsadf: np.ndarray
    adf: float
    sadf: float
    gsadf: float
    cv: CriticalValues
    significance: float
    min_window: int
    min_duration: int
    episodes: list[Episode]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def cv_sequence(self) -> np.ndarray:
        """Critical-value sequence per observation (NaN before the first window), all levels."""
        out = np.full((len(self.values), len(self.cv.levels)), np.nan)
        out[self.min_window - 1 :] = self.cv.sequence
        return out

    @property
    def in_episode(self) -> np.ndarray:
        flag = np.zeros(len(self.values), dtype=bool)
        for ep in self.episodes:
            flag[ep.start_index : ep.end_index + 1] = True
        return flag

    def rejects(self, test: str = "gsadf", significance: float | None = None) -> bool:
        """Whether the ``"sadf"`` or ``"gsadf"`` test rejects the unit-root null."""
        k = self.cv.level_index(self.significance if significance is None else significance)
        stat = self.gsadf if test == "gsadf" else self.sadf
        crit = self.cv.gsadf if test == "gsadf" else self.cv.sadf
        return bool(stat > crit[k])

    def to_frame(self) -> pd.DataFrame:
        """One row per observation: date, series, bsadf, cv at each level, in_episode."""
        frame = pd.DataFrame({"date": self.index, "series": self.values, "bsadf": self.bsadf})
        seq = self.cv_sequence
        for k, lev in enumerate(self.cv.levels):
            frame[f"cv_{round(lev * 100)}"] = seq[:, k]
        frame["in_episode"] = self.in_episode
        return frame

    def summary(self) -> dict[str, Any]:
        """Headline statistics, critical values, episodes and every option used."""
        levels = [f"{round(v * 100)}%" for v in self.cv.levels]
        return {
            "series": self.name,
            "observations": len(self.values),
            "first": self.index[0],
            "last": self.index[-1],
            "adf": self.adf,
            "sadf": self.sadf,
            "gsadf": self.gsadf,
            "adf_cv": dict(zip(levels, self.cv.adf.tolist(), strict=True)),
            "sadf_cv": dict(zip(levels, self.cv.sadf.tolist(), strict=True)),
            "gsadf_cv": dict(zip(levels, self.cv.gsadf.tolist(), strict=True)),
            "sadf_rejects": self.rejects("sadf"),
            "gsadf_rejects": self.rejects("gsadf"),
            "significance": self.significance,
            "episodes": [ep.as_dict() for ep in self.episodes],
            "n_episodes": len(self.episodes),
            "min_window": self.min_window,
            "min_duration": self.min_duration,
            "options": dict(self.options),
        }

    def plot(self) -> go.Figure:
        """The series with shaded episodes, and the BSADF against its critical values."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            vertical_spacing=0.06,
            subplot_titles=(self.name, "BSADF and critical value"),
        )
        x = list(self.index)
        fig.add_trace(go.Scatter(x=x, y=self.values, name=self.name, mode="lines"), 1, 1)
        fig.add_trace(go.Scatter(x=x, y=self.bsadf, name="BSADF", mode="lines"), 2, 1)
        k = self.cv.level_index(self.significance)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=self.cv_sequence[:, k],
                name=f"{round(self.significance * 100)}% critical value ({self.cv.rule} rule)",
                mode="lines",
                line={"dash": "dash"},
            ),
            2,
            1,
        )
        for ep in self.episodes:
            for row in (1, 2):
                fig.add_vrect(
                    x0=ep.start,
                    x1=ep.end,
                    fillcolor="firebrick",
                    opacity=0.2,
                    line_width=0,
                    row=row,
                    col=1,
                )
        fig.update_layout(
            title=f"PSY date-stamping: GSADF {self.gsadf:.2f}, {len(self.episodes)} episodes",
            hovermode="x unified",
        )
        return fig
