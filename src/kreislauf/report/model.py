"""Typed pieces of the report: the context sections read and the section they return."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

Lang = Literal["en", "de"]


@dataclass(frozen=True)
class ReportContext:
    """What every section builder receives.

    Parameters
    ----------
    lang : {"en", "de"}
        Language of the prose.
    atlas_dir : Path or None
        Atlas source directory; ``None`` means the atlas shipped in the package.
    data_dir : Path or None
        Directory of local market-data files (see ``kreislauf.data``); ``None``
        means what the store has cached and, for the rest, the bundle.
    store_path : Path or None
        DuckDB store; ``None`` means none is used.
    seed : int
        Seed for every random draw a section makes.
    bundle : bool
        Use the data bundled with the package for the families that neither the data
        directory nor the store provides (:mod:`kreislauf.data.embedded`).
    params : dict
        Free-form run parameters recorded in the report for reproducibility.
    memo : dict
        Results computed once and shared between sections of this report (e.g. the
        AI-circuit scenarios, used by the burst section and the claims audit).
    """

    lang: Lang = "en"
    atlas_dir: Path | None = None
    data_dir: Path | None = None
    store_path: Path | None = None
    seed: int = 20251117
    bundle: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def t(self, en: str, de: str) -> str:
        """Pick the English or German text."""
        return de if self.lang == "de" else en


@dataclass(frozen=True)
class KeyFigure:
    """A headline number with one line of context (what it is measured against, or on).

    A section's ``key_figures`` map a label to a plain string or to a ``KeyFigure``.
    """

    value: str
    context: str = ""

    def __str__(self) -> str:
        return self.value


@dataclass
class Section:
    """One section of the report.

    Parameters
    ----------
    key : str
        Stable anchor id (``atlas``, ``circuit``, ``bubble`` ...).
    title : str
        Heading, already in the report's language.
    html : str
        Body HTML (trusted: built by kreislauf from escaped values).
    figures : list of plotly Figure
        Interactive charts, rendered after the body.
    tables : list of (caption, DataFrame)
        Tables rendered after the figures.
    key_figures : dict
        Headline numbers for the executive summary: label -> formatted value (a string, or
        a :class:`KeyFigure` with one line of context).
    sources : list of str
        Data files, atlas versions and URLs the section used.
    notes : list of str
        Method notes and assumptions.
    available : bool
        ``False`` when the section could not be computed (for example no market
        data); ``html`` then says why and which command gets the data.
    """

    key: str
    title: str
    html: str = ""
    figures: list[go.Figure] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    key_figures: dict[str, str | KeyFigure] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: bool = True
