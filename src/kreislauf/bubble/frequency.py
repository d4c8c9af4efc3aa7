"""A series' spacing, and resampling to one frequency with the treatment stated.

Some files change frequency: the S&P 500 file is monthly (Shiller's averages, dated the 1st)
to 1969 and daily from 1970. PSY needs evenly spaced observations, so a test first resamples
to a chosen frequency with :func:`kreislauf.bubble.scan.prepare_series` (the last value of
each period, dated at the period's end). A part of the series that is coarser than the
chosen frequency cannot be made finer without inventing values: it is cut off, and the note
says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kreislauf.errors import InputError

# Largest gap (days) of each spacing: weekends and holidays count as daily.
SPACINGS: tuple[tuple[str, int], ...] = (
    ("daily", 5),
    ("weekly", 10),
    ("monthly", 45),
    ("quarterly", 120),
    ("yearly", 400),
)
RANK = {name: i for i, (name, _) in enumerate(SPACINGS)}
ALIASES = {"weekly": "W", "monthly": "M", "quarterly": "Q"}
NAMES_DE = {
    "daily": "täglich",
    "weekly": "wöchentlich",
    "monthly": "monatlich",
    "quarterly": "vierteljährlich",
    "yearly": "jährlich",
    "irregular": "unregelmäßig",
}
PERIOD_DE = {"weekly": "jeder Woche", "monthly": "jedes Monats", "quarterly": "jedes Quartals"}
PERIOD_EN = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}


@dataclass(frozen=True)
class Segment:
    """A run of observations with one spacing."""

    spacing: str
    first: pd.Timestamp
    last: pd.Timestamp
    observations: int

    def text(self, lang: str = "en") -> str:
        """``monthly 1871-01-01 to 1969-12-01`` (or German)."""
        a, b = f"{self.first:%Y-%m-%d}", f"{self.last:%Y-%m-%d}"
        if lang == "de":
            return f"{NAMES_DE[self.spacing]} {a} bis {b}"
        return f"{self.spacing} {a} to {b}"


def _kind(days: float) -> str:
    for name, limit in SPACINGS:
        if days <= limit:
            return name
    return "irregular"


def segments(index: pd.DatetimeIndex) -> list[Segment]:
    """Runs of equal spacing in a sorted date index (a single date gives no segment).

    A run of fewer than three gaps inside a finer run (a holiday week in daily data) joins
    its neighbours' spacing.
    """
    if len(index) < 2:
        return []
    days = np.diff(index.values.astype("datetime64[D]").astype(np.int64)).astype(float)
    kinds = [_kind(d) for d in days]
    runs: list[list] = []  # [kind, start gap, end gap]
    for i, k in enumerate(kinds):
        if runs and runs[-1][0] == k:
            runs[-1][2] = i
        else:
            runs.append([k, i, i])
    merged: list[list] = []
    for run in runs:
        short = run[2] - run[1] < 2
        if merged and short and len(runs) > 1:
            merged[-1][2] = run[2]  # absorbed by the run before it
        elif merged and merged[-1][0] == run[0]:
            merged[-1][2] = run[2]
        else:
            merged.append(list(run))
    out = []
    for i, (k, a, b) in enumerate(merged):
        final = i == len(merged) - 1  # an inner run ends before the date the next run starts
        end = b + 1 if final else b
        out.append(Segment(k, index[a], index[end], end - a + 1))
    return out


def auto_frequency(index: pd.DatetimeIndex) -> str:
    """``native`` for an evenly spaced index, else its coarsest spacing (``monthly`` ...)."""
    segs = segments(pd.DatetimeIndex(index))
    kinds = {g.spacing for g in segs}
    if len(kinds) <= 1:
        return "native"
    known = [k for k in kinds if k in ALIASES]
    if not known:
        raise InputError.single(
            f"the series' spacing changes ({', '.join(sorted(kinds))}); choose a frequency",
            field="frequency",
        )
    return max(known, key=RANK.__getitem__)


@dataclass(frozen=True)
class Resampled:
    """A series brought to one frequency, and what was done to it."""

    series: pd.Series
    frequency: str
    loaded: tuple[Segment, ...]
    cut_before: pd.Timestamp | None = None

    def note(self, lang: str = "en") -> str:
        """One sentence stating the frequency, how it was made and the spacing as loaded."""
        parts = ", ".join(s.text(lang) for s in self.loaded) or "—"
        if self.frequency == "native":
            return (
                f"Wie geladen, ohne Umrechnung ({parts})."
                if lang == "de"
                else f"As loaded, not resampled ({parts})."
            )
        if lang == "de":
            out = (
                f"{NAMES_DE[self.frequency].capitalize()}: der letzte Wert "
                f"{PERIOD_DE[self.frequency]}, datiert auf das Ende des Zeitraums; die Reihe ist "
                f"geladen {parts}."
            )
            if self.cut_before is not None:
                out += (
                    f" Vor {self.cut_before:%Y-%m-%d} ist sie gröber als "
                    f"{NAMES_DE[self.frequency]} und wird nicht aufgefüllt: dieser Teil entfällt."
                )
            return out
        out = (
            f"{self.frequency.capitalize()}: the last value of each {PERIOD_EN[self.frequency]}, "
            f"dated at its end; the series as loaded is {parts}."
        )
        if self.cut_before is not None:
            out += (
                f" Before {self.cut_before:%Y-%m-%d} it is coarser than {self.frequency} and is "
                "not filled in: that part is left out."
            )
        return out


def resample(s: pd.Series, frequency: str) -> Resampled:
    """Bring ``s`` to ``frequency`` (``native``, ``weekly``, ``monthly`` or ``quarterly``).

    Parameters
    ----------
    s : pandas.Series
        Values on a sorted DatetimeIndex.
    frequency : str
        ``native`` keeps the series as it is; the others take the last value of each period,
        dated at the period's end (:func:`kreislauf.bubble.scan.prepare_series`).

    Returns
    -------
    Resampled
        The series, the frequency, the spacing as loaded and, where a coarser stretch was left
        out, the first date kept.
    """
    from kreislauf.bubble.scan import prepare_series

    if frequency != "native" and frequency not in ALIASES:
        raise InputError.single(
            f"unknown frequency {frequency!r}; expected native, {', '.join(ALIASES)}",
            field="frequency",
        )
    s = s.sort_index()
    loaded = tuple(segments(pd.DatetimeIndex(s.index)))
    if frequency == "native":
        return Resampled(s, frequency, loaded)
    coarser = [i for i, g in enumerate(loaded) if RANK.get(g.spacing, 99) > RANK[frequency]]
    cut = None
    if coarser and coarser[-1] + 1 < len(loaded):
        cut = loaded[coarser[-1] + 1].first
        s = s[s.index >= cut]
    elif coarser:
        raise InputError.single(
            f"the series is {loaded[-1].spacing} at its end; it cannot be made {frequency} "
            "without inventing values (choose a coarser frequency)",
            field="frequency",
        )
    out = prepare_series(s, freq=ALIASES[frequency])
    return Resampled(out, frequency, loaded, cut)
