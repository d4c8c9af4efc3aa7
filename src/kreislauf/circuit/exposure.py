"""Vendor-financed revenue and backlog concentration.

Definitions
-----------
Committed inflows of a vendor ``v``: the disclosed amounts of the sales relations
(purchase commitments, supply deals, revenue shares) in which ``v`` is paid.

A customer ``c`` is **vendor-financed directly** when ``v`` has an equity investment, vendor
financing, loan, backstop or warrant running from ``v`` to ``c``. It is **vendor-financed
through a chain of length k** when ``c`` can be reached from ``v`` by a path of at most ``k``
money flows whose first step is such a financing relation (``v`` invests in ``x``, ``x``
pays ``c``, ...). The vendor-financed share is the part of the committed inflows that comes
from such customers. It measures exposure to circular financing; it does not prove that the
same dollars go round (money is fungible).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from kreislauf.circuit.graph import FINANCING_TYPES, SALES_TYPES


def financed_customers(
    relations: pd.DataFrame, flows: pd.DataFrame, vendor: str, max_chain: int
) -> dict[str, int]:
    """Customers reachable from ``vendor`` by financing then flows, with the shortest chain."""
    fin = relations[(relations["from_id"] == vendor) & relations["type"].isin(FINANCING_TYPES)]
    g = nx.DiGraph()
    g.add_edges_from(zip(flows["src"], flows["dst"], strict=True))
    found: dict[str, int] = {}
    for first in set(fin["to_id"]):
        found[first] = 1
        if first in g and max_chain > 1:
            lengths = nx.single_source_shortest_path_length(g, first, cutoff=max_chain - 1)
            for node, d in lengths.items():
                if node != vendor and d > 0:
                    found[node] = min(found.get(node, d + 1), d + 1)
    return found


def vendor_financed_share(
    relations: pd.DataFrame, flows: pd.DataFrame, max_chain: int = 2
) -> pd.DataFrame:
    """For each vendor with disclosed committed inflows: direct and chain-financed shares.

    Parameters
    ----------
    relations : DataFrame
        The selected relations (with ``flow_usd_bn``), including financing types.
    flows : DataFrame
        The aggregated flow edges used for chains.
    max_chain : int
        Longest chain counted (1 = direct only).
    """
    sales = relations[relations["type"].isin(SALES_TYPES)]
    rows = []
    for vendor, g in sales.groupby("to_id"):
        disclosed = g.dropna(subset=["flow_usd_bn"])
        total = float(disclosed["flow_usd_bn"].sum())
        if total <= 0:
            continue
        reach = financed_customers(relations, flows, vendor, max_chain)
        direct_ids = {c for c, d in reach.items() if d == 1}
        direct = disclosed[disclosed["from_id"].isin(direct_ids)]
        chain = disclosed[disclosed["from_id"].isin(reach)]
        rows.append(
            {
                "vendor": vendor,
                "committed_inflows_usd_bn": total,
                "undisclosed_inflows": int(g["flow_usd_bn"].isna().sum()),
                "direct_financed_usd_bn": float(direct["flow_usd_bn"].sum()),
                "direct_share": float(direct["flow_usd_bn"].sum()) / total,
                "chain_financed_usd_bn": float(chain["flow_usd_bn"].sum()),
                "chain_share": float(chain["flow_usd_bn"].sum()) / total,
                "financed_customers": tuple(sorted(set(chain["from_id"]))),
                "relation_ids": tuple(chain["id"]),
            }
        )
    cols = [
        "vendor",
        "committed_inflows_usd_bn",
        "undisclosed_inflows",
        "direct_financed_usd_bn",
        "direct_share",
        "chain_financed_usd_bn",
        "chain_share",
        "financed_customers",
        "relation_ids",
    ]
    return pd.DataFrame(rows, columns=cols).sort_values(
        "chain_share", ascending=False, ignore_index=True
    )


def backlog_concentration(relations: pd.DataFrame) -> pd.DataFrame:
    """For each seller: its disclosed commitment backlog, largest counterparty share and HHI.

    Backlog = disclosed purchase commitments and supply deals owed to the seller. HHI is the
    sum of squared counterparty shares (1 = a single customer).
    """
    sales = relations[relations["type"].isin(("purchase_commitment", "supply_deal"))]
    rows = []
    for seller, g in sales.groupby("to_id"):
        by_buyer = g.groupby("from_id")["flow_usd_bn"].sum(min_count=1).dropna()
        total = float(by_buyer.sum())
        if total <= 0:
            continue
        shares = by_buyer / total
        top = shares.idxmax()
        rows.append(
            {
                "seller": seller,
                "backlog_usd_bn": total,
                "counterparties": len(by_buyer),
                "undisclosed_commitments": int(g["flow_usd_bn"].isna().sum()),
                "largest_counterparty": top,
                "largest_share": float(shares.max()),
                "hhi": float(np.sum(shares.to_numpy() ** 2)),
            }
        )
    cols = [
        "seller",
        "backlog_usd_bn",
        "counterparties",
        "undisclosed_commitments",
        "largest_counterparty",
        "largest_share",
        "hhi",
    ]
    return pd.DataFrame(rows, columns=cols).sort_values(
        "backlog_usd_bn", ascending=False, ignore_index=True
    )
