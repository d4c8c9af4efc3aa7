"""Sentences saying where a figure's data came from and how recent it is.

Every figure in the bubble section rests on one data family; :func:`data_note` names the
family's origin (the data bundle shipped with the package, the user's data directory or the
store), its files (as package resources or relative to the data directory, never as absolute
paths) and its vintage.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kreislauf.report.model import ReportContext

DATE_COLUMNS = ("date", "period_end", "snapshot_date")


def coverage(frame: pd.DataFrame) -> tuple[str, str] | None:
    """First and last date of a family's frame (``YYYY-MM-DD``), or None without dates."""
    col = next((c for c in DATE_COLUMNS if c in frame), None)
    if col is None or frame.empty:
        return None
    d = pd.to_datetime(frame[col])
    return f"{d.min():%Y-%m-%d}", f"{d.max():%Y-%m-%d}"


def data_note(ctx: ReportContext, data: Any, family: str) -> str:
    """One sentence: the data behind a figure, where it came from and its vintage.

    Parameters
    ----------
    ctx : ReportContext
        For the language.
    data : MarketData
        The loaded market data (:func:`kreislauf.bubble.inputs.load_market_data`).
    family : str
        The family the figure rests on.

    Returns
    -------
    str
        Empty if the family was not loaded.
    """
    t = ctx.t
    origin = data.origin_of(family)
    if origin is None:
        return ""
    files = ", ".join(data.source(family))
    span = coverage(data.get(family))
    span_txt = t(f"{span[0]} to {span[1]}", f"{span[0]} bis {span[1]}") if span else "—"
    if origin == "bundle":
        from kreislauf.data.embedded import manifest, resource_name

        e = manifest()[family]
        return t(
            f"Data: {e['title']}, {e['vintage']}; from the data bundle shipped with kreislauf "
            f"({resource_name(family)}; source, vintage and licence in DATA-LICENSES.md beside "
            "it). A data directory (--data-dir) or the store's cache replaces it.",
            f"Daten: {e['title_de']}, {e['vintage_de']}; aus dem mit kreislauf ausgelieferten "
            f"Datenpaket ({resource_name(family)}; Quelle, Stand und Lizenz in DATA-LICENSES.md "
            "daneben). Ein Datenverzeichnis (--data-dir) oder der Zwischenspeicher ersetzt es.",
        )
    if origin == "store":
        return t(
            f"Data: {files}, {span_txt}; from the store's cache (kreislauf data load or fetch).",
            f"Daten: {files}, {span_txt}; aus dem Zwischenspeicher (kreislauf data load oder "
            "fetch).",
        )
    return t(
        f"Data: {files} in the data directory, {span_txt}.",
        f"Daten: {files} im Datenverzeichnis, {span_txt}.",
    )
