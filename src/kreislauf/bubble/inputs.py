"""Gathering the market data the bubble diagnostics use: a data directory or the store.

This is the I/O edge of the package: the engines (:mod:`~kreislauf.bubble.valuation`,
:mod:`~kreislauf.bubble.concentration`, :mod:`~kreislauf.bubble.capex`, PSY, LPPLS) take the
frames held by :class:`MarketData`. Files are found and validated by :mod:`kreislauf.data`;
the store holds what ``kreislauf data load`` and ``kreislauf data fetch`` cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kreislauf.errors import InputError

FAMILIES_USED = (
    "shiller",
    "fundamentals",
    "concentration",
    "constituents",
    "ai_stocks",
    "sp500",
    "nasdaq100",
    "nasdaq_composite",
    "sox",
    "btc",
)
PRICE_FAMILIES = ("ai_stocks", "sp500", "nasdaq100", "nasdaq_composite", "sox", "btc")


@dataclass
class MarketData:
    """The frames found, by family (missing families are absent), and their sources."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    origin: str = ""
    origins: dict[str, str] = field(default_factory=dict)

    def origin_of(self, family: str) -> str | None:
        """Where a family came from: ``"data directory"``, ``"store"``, ``"bundle"`` or None."""
        return self.origins.get(family)

    def get(self, family: str) -> pd.DataFrame | None:
        """A family's frame, or ``None``."""
        return self.frames.get(family)

    def source(self, *families: str) -> tuple[str, ...]:
        """Sources of the named families."""
        return tuple(s for f in families for s in self.sources.get(f, ()))

    @property
    def empty(self) -> bool:
        """True if nothing was found."""
        return not self.frames

    def prices(self) -> pd.DataFrame:
        """Every price series found, long: ``date, symbol, close, family``."""
        parts = [
            self.frames[f][["date", "symbol", "close"]].assign(family=f)
            for f in (*PRICE_FAMILIES, "fetched_prices")
            if f in self.frames
        ]
        if not parts:
            return pd.DataFrame(columns=["date", "symbol", "close", "family"])
        return pd.concat(parts, ignore_index=True)

    def series(self, symbol: str) -> pd.Series:
        """One closing-price series by symbol (``NVDA``, ``^GSPC``, ``BTC-USD``), date-indexed.

        Where several families carry the symbol, the first in :data:`PRICE_FAMILIES` order is
        used. InputError names the symbols available.
        """
        p = self.prices()
        sel = p[p["symbol"] == symbol]
        if sel.empty:
            raise InputError.single(
                f"no price series {symbol!r}; available: {sorted(p['symbol'].unique())}",
                field="--series",
            )
        fam = sel["family"].iloc[0]
        sel = sel[sel["family"] == fam]
        s = pd.Series(
            sel["close"].to_numpy(float), index=pd.DatetimeIndex(sel["date"]), name=symbol
        )
        return s.sort_index()


def load_market_data(
    data_dir: Path | None = None,
    store_path: Path | None = None,
    families: tuple[str, ...] = FAMILIES_USED,
    bundle: bool = True,
) -> MarketData:
    """Load each family from ``data_dir`` (preferred) or an existing store, else the bundle.

    Parameters
    ----------
    data_dir : Path, optional
        A data directory (``--data-dir``); InputError if it does not exist. When given, the
        store is not read.
    store_path : Path, optional
        A DuckDB store; read only if the file exists (it is never created here).
    families : tuple of str
        Families to look for.
    bundle : bool
        Fill the families that neither provides from the data bundled with the package
        (:mod:`kreislauf.data.embedded`); a family found in the directory or the store always
        replaces the bundled one.

    Returns
    -------
    MarketData
        ``origins`` says, per family, which of the three it came from; sources never name an
        absolute path (files relative to the data directory, bundled files as package
        resources, store tables by name).
    """
    out = MarketData()
    parts: list[str] = []
    if data_dir is not None:
        from kreislauf.data.directory import discover, load_file
        from kreislauf.paths import shown_path

        found = discover(Path(data_dir))
        for fam in families:
            paths = found.get(fam, [])
            if not paths:
                continue
            sets = [load_file(fam, p, Path(data_dir)) for p in paths]
            out.frames[fam] = pd.concat([s.frame for s in sets], ignore_index=True)
            out.sources[fam] = tuple(s.source for s in sets)
            out.origins[fam] = "data directory"
        parts.append(f"data directory {shown_path(Path(data_dir))}")
    elif store_path is not None and Path(store_path).is_file():
        from kreislauf.paths import scrub
        from kreislauf.store import Store

        with Store(store_path) as st:
            tables = set(st.tables())
            prov = st.provenance().set_index("table_name")["source"].to_dict()
            for fam in (*families, "fetched_prices"):
                name = fam if fam == "fetched_prices" else f"data_{fam}"
                if name in tables:
                    frame = st.read_table(name)
                    for col in ("date", "period_end", "snapshot_date"):
                        if col in frame:
                            frame[col] = pd.to_datetime(frame[col])
                    out.frames[fam] = frame
                    origin = scrub(str(prov.get(name, "?")))  # the directory it was loaded from
                    out.sources[fam] = (f"store table {name} (from {origin})",)
                    out.origins[fam] = "store"
        if out.frames:
            parts.append("store")
    if bundle:
        from kreislauf.data.embedded import bundled_families, load_bundled

        used = [f for f in bundled_families() if f in families and f not in out.frames]
        for fam in used:
            ds = load_bundled(fam)
            if ds is None:  # bundled_families() lists only what the bundle holds
                raise RuntimeError(f"bundle manifest names {fam!r} but holds no file for it")
            out.frames[fam] = ds.frame
            out.sources[fam] = (ds.source,)
            out.origins[fam] = "bundle"
        if used:
            parts.append("bundle shipped with kreislauf (" + ", ".join(used) + ")")
    out.origin = "; ".join(parts)
    return out
