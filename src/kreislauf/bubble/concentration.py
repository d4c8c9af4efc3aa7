"""Concentration: the share of the S&P 500's market cap held by its largest companies.

Two measures, at every dated snapshot:

* ``mag7_share`` -- the fixed "Magnificent 7" set the articles name (Alphabet, Amazon, Apple,
  Meta, Microsoft, Nvidia, Tesla; seed articles 02 and 03);
* ``top7_share`` -- the seven largest companies on that date, whoever they are.

Both count each company once. The S&P 500 lists some companies twice, once per share class
(Alphabet as GOOGL and GOOG, Fox as FOXA and FOX, News Corp as NWSA and NWS), and the
snapshot files give every listing the *whole company's* market cap (GOOGL and GOOG each carry
about 4.2 tn USD on 2026-08-20). The file's own ``mag7_share`` column and its
``total_market_cap`` count Alphabet twice; here the second listing is dropped from numerator
and total (GOOG is dropped, GOOGL kept). In the concentration snapshots only Alphabet's second
listing can be removed (FOX and NWS caps are not listed there; together about 0.1 % of the
total); in the constituents snapshots every duplicate is removed.

Limits, stated in every result: caps are whole-company market caps, not S&P's float-adjusted
index weights; constituents without a market cap in a snapshot (15-18 of 503 since 2026,
Berkshire Hathaway among them) are missing from the total, which biases every share upward;
in the concentration snapshots only twelve tickers have caps, so ``top7_share`` there is the
largest seven of those eleven companies -- a lower bound, checked against the full
constituents list on the dates both exist (``top7_verified``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

# The fixed set named in seed articles 02 and 03; Alphabet by its Class A listing.
MAG7: tuple[str, ...] = ("AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA")
# Second share-class listings dropped so that each company counts once (the first is kept).
SECOND_LISTINGS: dict[str, str] = {"GOOG": "GOOGL", "FOX": "FOXA", "NWS": "NWSA"}
_CLASS = re.compile(r"\s*\(Class [A-Z]\)\s*$")


def company_key(name: str) -> str:
    """The company a listing belongs to: its name without a trailing ``(Class X)``."""
    return _CLASS.sub("", str(name)).strip()


@dataclass
class ConcentrationResult(Result):
    """Magnificent-7 and top-7 shares of the S&P 500 at each snapshot.

    Attributes
    ----------
    frame : DataFrame
        One row per snapshot and basis (``concentration snapshot`` or ``constituents
        financials``): ``date, basis, n_constituents, n_missing_cap, missing_cap_symbols,
        total_cap_file, total_cap, duplicates_removed, mag7_share_file, mag7_share,
        top7_share, top7_members, top7_verified``.
    sources : tuple of str
    """

    frame: pd.DataFrame
    sources: tuple[str, ...] = field(default=())

    def latest(self, basis: str = "concentration snapshot") -> dict[str, Any]:
        """The latest row of one basis as a dict."""
        f = self.frame[self.frame["basis"] == basis]
        if f.empty:
            raise InputError.single(f"no rows with basis {basis!r}", field="basis")
        return f.iloc[-1].to_dict()

    def to_frame(self) -> pd.DataFrame:
        """One row per snapshot and basis."""
        return self.frame.copy()

    def summary(self) -> dict[str, Any]:
        """Latest shares on both bases, and the range over the snapshots."""
        out: dict[str, Any] = {"sources": list(self.sources), "mag7": list(MAG7)}
        for basis, key in (
            ("concentration snapshot", "snapshots"),
            ("constituents financials", "constituents"),
        ):
            f = self.frame[self.frame["basis"] == basis]
            if f.empty:
                continue
            r = f.iloc[-1]
            out[key] = {
                "snapshots": len(f),
                "first": str(f["date"].min().date()),
                "last": str(r["date"].date()),
                "mag7_share": r["mag7_share"],
                "mag7_share_file": r["mag7_share_file"],
                "top7_share": r["top7_share"],
                "top7_members": r["top7_members"],
                "top7_verified": r["top7_verified"],
                "n_missing_cap": r["n_missing_cap"],
                "duplicates_removed": r["duplicates_removed"],
                "mag7_share_min": float(f["mag7_share"].min()),
                "mag7_share_max": float(f["mag7_share"].max()),
            }
        return out

    def plot(self) -> go.Figure:
        """Shares over time on the concentration snapshots (constituents dates as markers)."""
        import plotly.graph_objects as go

        fig = go.Figure()
        s = self.frame[self.frame["basis"] == "concentration snapshot"]
        c = self.frame[self.frame["basis"] == "constituents financials"]
        # break the lines where snapshots are missing for more than 45 days (2025-02 .. 2026-05)
        gaps = s["date"].diff() > pd.Timedelta(days=45)
        if gaps.any():
            holes = s.loc[gaps, ["date"]].assign(date=lambda x: x["date"] - pd.Timedelta(days=1))
            s = pd.concat([s, holes]).sort_values("date")
        fig.add_scatter(x=s["date"], y=s["mag7_share"], name="Magnificent 7 (Alphabet once)")
        fig.add_scatter(
            x=s["date"], y=s["top7_share"], name="largest 7 of the listed", line={"dash": "dot"}
        )
        fig.add_scatter(
            x=s["date"],
            y=s["mag7_share_file"],
            name="file's mag7_share (Alphabet twice)",
            line={"dash": "dash"},
            opacity=0.5,
        )
        fig.add_scatter(
            x=c["date"], y=c["top7_share"], name="largest 7, all constituents", mode="markers"
        )
        fig.update_layout(
            title="Share of the S&P 500's market cap",
            yaxis_tickformat=".0%",
            template="plotly_white",
        )
        return fig


def _top7(caps: pd.Series) -> tuple[float, list[str]]:
    top = caps.dropna().sort_values(ascending=False).head(7)
    return float(top.sum()), list(top.index)


def concentration(
    snapshots: pd.DataFrame | None = None,
    constituents: pd.DataFrame | None = None,
    *,
    mag7: tuple[str, ...] = MAG7,
    sources: tuple[str, ...] = (),
) -> ConcentrationResult:
    """Magnificent-7 and largest-7 shares, each company counted once.

    Parameters
    ----------
    snapshots : DataFrame, optional
        The concentration snapshots: ``snapshot_date, total_market_cap, mcap_<SYMBOL>...``
        (``mag7_share``, ``n_constituents``, ``n_missing_market_cap`` kept where present).
    constituents : DataFrame, optional
        Constituents-financials snapshots: ``symbol, name, market_cap, snapshot_date``.
    mag7 : tuple of str
        The fixed set (default :data:`MAG7`).
    sources : tuple of str
        Files used, for the summary.

    Returns
    -------
    ConcentrationResult
    """
    if snapshots is None and constituents is None:
        raise InputError.single("need concentration snapshots or constituents", field="snapshots")
    rows: list[dict[str, Any]] = []
    full_top7: dict[pd.Timestamp, set[str]] = {}
    if constituents is not None and len(constituents):
        need = ["symbol", "name", "market_cap", "snapshot_date"]
        missing = [c for c in need if c not in constituents.columns]
        if missing:
            raise InputError.single(f"constituents need columns {need}", field=missing[0])
        for date, g in constituents.groupby("snapshot_date"):
            g = g.assign(company=g["name"].map(company_key))
            dup = g["company"].duplicated(keep="first")
            removed = sorted(g.loc[dup, "symbol"])
            kept = g[~dup].set_index("symbol")["market_cap"].astype(float)
            total = float(kept.sum())
            t7, members = _top7(kept)
            full_top7[pd.Timestamp(date)] = set(members)
            m7 = kept.reindex(list(mag7))
            no_cap = sorted(g.loc[g["market_cap"].isna(), "symbol"])
            rows.append(
                {
                    "date": pd.Timestamp(date),
                    "basis": "constituents financials",
                    "n_constituents": len(g),
                    "n_missing_cap": len(no_cap),
                    "missing_cap_symbols": ", ".join(no_cap),
                    "total_cap_file": float(g["market_cap"].sum()),
                    "total_cap": total,
                    "duplicates_removed": ", ".join(removed),
                    "mag7_share_file": np.nan,
                    "mag7_share": float(m7.sum() / total) if m7.notna().all() else np.nan,
                    "top7_share": t7 / total,
                    "top7_members": ", ".join(members),
                    "top7_verified": True,
                }
            )
    if snapshots is not None and len(snapshots):
        for col in ("snapshot_date", "total_market_cap"):
            if col not in snapshots.columns:
                raise InputError.single("concentration snapshots need this column", field=col)
        caps_cols = {c.removeprefix("mcap_"): c for c in snapshots.columns if c.startswith("mcap_")}
        for i, r in enumerate(snapshots.itertuples(index=False)):
            rd = r._asdict()
            total_file = float(rd["total_market_cap"])
            if not total_file > 0:
                raise InputError.single(
                    f"expected a positive total market cap, got {total_file}",
                    row=i + 1,
                    field="total_market_cap",
                )
            caps = pd.Series({s: rd[c] for s, c in caps_cols.items()}, dtype=float)
            removed = [s for s in SECOND_LISTINGS if s in caps and np.isfinite(caps[s])]
            total = total_file - float(caps[removed].sum())
            kept = caps.drop(index=[s for s in SECOND_LISTINGS if s in caps])
            m7 = kept.reindex(list(mag7))
            t7, members = _top7(kept)
            date = pd.Timestamp(rd["snapshot_date"])
            verified: bool | None = None
            if date in full_top7:
                verified = set(members) == full_top7[date]
            rows.append(
                {
                    "date": date,
                    "basis": "concentration snapshot",
                    "n_constituents": rd.get("n_constituents", np.nan),
                    "n_missing_cap": rd.get("n_missing_market_cap", np.nan),
                    "missing_cap_symbols": "",
                    "total_cap_file": total_file,
                    "total_cap": total,
                    "duplicates_removed": ", ".join(removed),
                    "mag7_share_file": rd.get("mag7_share", np.nan),
                    "mag7_share": float(m7.sum() / total) if m7.notna().all() else np.nan,
                    "top7_share": t7 / total,
                    "top7_members": ", ".join(members),
                    "top7_verified": verified,
                }
            )
    frame = pd.DataFrame(rows).sort_values(["basis", "date"], ignore_index=True)
    frame["top7_verified"] = frame["top7_verified"].astype(object)
    return ConcentrationResult(frame, tuple(sources))
