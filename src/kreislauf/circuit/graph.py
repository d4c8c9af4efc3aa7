"""The money-flow graph of the atlas, with every modelling choice an explicit option."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from kreislauf.atlas.binding import BindingWeights
from kreislauf.atlas.schema import TIER_RANK, TIERS, VERIFIED_TIERS, parse_date
from kreislauf.errors import InputError

FLOW_TYPES = (
    "equity_investment",
    "purchase_commitment",
    "supply_deal",
    "vendor_financing",
    "loan",
    "revenue_share",
    "acquisition",
)
FINANCING_TYPES = ("equity_investment", "vendor_financing", "loan", "backstop", "warrant")
SALES_TYPES = ("purchase_commitment", "supply_deal", "revenue_share")


@dataclass(frozen=True)
class FlowOptions:
    """Which relations count as money flows, and how.

    Parameters
    ----------
    types : tuple of str
        Relation types that count as flows (default: all flow types; stakes, backstops and
        warrants are stocks or contingent and are left out unless named).
    tiers : {"all", "verified"}
        ``verified`` keeps only filings, company releases and major press.
    up_to_haircut : float
        Share cut from "up to" amounts: 0 counts them in full, 0.5 at half.
    since, until : str or None
        Window on the announcement date (inclusive), ``YYYY[-MM[-DD]]``.
    include_superseded : bool
        Count relations that were superseded or cancelled (default ``False``).
    binding : BindingWeights
        Share of each binding class counted (default: all in full, the headline figures;
        ``BindingWeights.binding_only()`` keeps non-cancellable and funded legs). A class
        weighted 0 is left out, so its legs close no cycle.
    """

    types: tuple[str, ...] = FLOW_TYPES
    tiers: Literal["all", "verified"] = "all"
    up_to_haircut: float = 0.0
    since: str | None = None
    until: str | None = None
    include_superseded: bool = False
    binding: BindingWeights = field(default_factory=BindingWeights)
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.up_to_haircut <= 1.0:
            raise InputError.single(
                f"expected a haircut in [0, 1], got {self.up_to_haircut}", field="up_to_haircut"
            )
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                try:
                    parse_date(value)
                except ValueError as err:
                    raise InputError.single(str(err), field=name) from None
        if self.tiers not in ("all", "verified"):
            raise InputError.single(
                f"expected 'all' or 'verified', got {self.tiers!r}", field="tiers"
            )


def select_relations(relations: pd.DataFrame, options: FlowOptions) -> pd.DataFrame:
    """The relations that count under ``options``, with haircut amounts in ``flow_usd_bn``."""
    rel = relations[relations["type"].isin(options.types)]
    if options.tiers == "verified":
        rel = rel[rel["tier"].isin(VERIFIED_TIERS)]
    if not options.include_superseded:
        rel = rel[~rel["status"].isin(["superseded", "cancelled"])]
    if options.since:
        rel = rel[rel["announced_date"] >= pd.Timestamp(options.since)]
    if options.until:
        rel = rel[rel["announced_date"] <= pd.Timestamp(options.until)]
    weight = options.binding.factor(rel["binding"]) if "binding" in rel else np.ones(len(rel))
    rel, weight = rel[weight > 0], weight[weight > 0]
    factor = np.where(rel["amount_qualifier"] == "up_to", 1.0 - options.up_to_haircut, 1.0)
    return rel.assign(flow_usd_bn=rel["amount_usd_bn"].to_numpy() * factor * weight)


def aggregate_edges(selected: pd.DataFrame) -> pd.DataFrame:
    """One edge per (payer, payee): disclosed sum, undisclosed count, weakest tier, ids.

    ``amount`` is the sum of the disclosed flows (a lower bound when ``undisclosed > 0``);
    ``known`` is ``False`` when no relation on the edge discloses an amount.
    """
    if selected.empty:
        return pd.DataFrame(
            columns=[
                "src",
                "dst",
                "amount",
                "undisclosed",
                "known",
                "n_relations",
                "relation_ids",
                "types",
                "weakest_tier",
                "weakest_rank",
                "source_urls",
            ]
        )
    rows = []
    for (src, dst), g in selected.groupby(["from_id", "to_id"], sort=True):
        known = g["flow_usd_bn"].notna()
        rank = int(g["tier"].map(TIER_RANK).max())
        rows.append(
            {
                "src": src,
                "dst": dst,
                "amount": float(g.loc[known, "flow_usd_bn"].sum()) if known.any() else np.nan,
                "undisclosed": int((~known).sum()),
                "known": bool(known.any()),
                "n_relations": len(g),
                "relation_ids": tuple(g["id"]),
                "types": tuple(sorted(set(g["type"]))),
                "weakest_tier": TIERS[rank],
                "weakest_rank": rank,
                "source_urls": tuple(g["source_url"]),
            }
        )
    return pd.DataFrame(rows)


def to_digraph(edges: pd.DataFrame) -> nx.DiGraph:
    """A networkx DiGraph with the edge table's columns as attributes."""
    g = nx.DiGraph()
    for row in edges.to_dict(orient="records"):
        g.add_edge(
            row["src"], row["dst"], **{k: v for k, v in row.items() if k not in ("src", "dst")}
        )
    return g
