"""Simple cycles of money and their circular dollars."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from kreislauf.atlas.schema import TIERS


def canonical(cycle: list[str]) -> list[str]:
    """Rotate a cycle so that it starts at its smallest node id (stable ordering)."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def find_cycles(edges: pd.DataFrame, max_length: int = 6) -> pd.DataFrame:
    """Every simple cycle of length ``2..max_length`` with its circular dollars.

    Parameters
    ----------
    edges : DataFrame
        Aggregated edges (:func:`kreislauf.circuit.graph.aggregate_edges`).
    max_length : int
        Longest cycle searched (number of edges).

    Returns
    -------
    DataFrame
        One row per cycle: ``cycle`` ("a -> b -> a"), ``nodes``, ``length``,
        ``relation_ids``, ``weakest_tier``, ``circular_usd_bn`` (the smallest flow on the
        loop: the conservative amount that can go round; null when a leg has no disclosed
        amount), ``lower_bound`` (a leg mixes disclosed and undisclosed relations, so the
        figure understates it) and the legs' amounts.
    """
    if max_length < 2:
        raise ValueError("max_length must be at least 2")
    g = nx.DiGraph()
    info = {}
    for r in edges.to_dict(orient="records"):
        g.add_edge(r["src"], r["dst"])
        info[(r["src"], r["dst"])] = r
    rows = []
    for raw in nx.simple_cycles(g, length_bound=max_length):
        cyc = canonical(list(raw))
        legs = [(cyc[i], cyc[(i + 1) % len(cyc)]) for i in range(len(cyc))]
        recs = [info[leg] for leg in legs]
        amounts = [r["amount"] for r in recs]
        known = all(r["known"] for r in recs)
        rows.append(
            {
                "cycle": " -> ".join([*cyc, cyc[0]]),
                "nodes": tuple(cyc),
                "length": len(cyc),
                "relation_ids": tuple(i for r in recs for i in r["relation_ids"]),
                "weakest_tier": TIERS[max(r["weakest_rank"] for r in recs)],
                "circular_usd_bn": float(min(amounts)) if known else np.nan,
                "lower_bound": bool(known and any(r["undisclosed"] > 0 for r in recs)),
                "leg_amounts": tuple(amounts),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "cycle",
            "nodes",
            "length",
            "relation_ids",
            "weakest_tier",
            "circular_usd_bn",
            "lower_bound",
            "leg_amounts",
        ],
    )
    return out.sort_values(["length", "cycle"]).reset_index(drop=True)


def totals_by_company(cycles: pd.DataFrame) -> pd.DataFrame:
    """Per company: cycles it sits on, and the circular dollars of those cycles (known only)."""
    rows: dict[str, dict[str, float]] = {}
    for c in cycles.itertuples(index=False):
        for n in c.nodes:
            r = rows.setdefault(
                n, {"cycles": 0, "cycles_with_known_dollars": 0, "circular_usd_bn": 0.0}
            )
            r["cycles"] += 1
            if not np.isnan(c.circular_usd_bn):
                r["cycles_with_known_dollars"] += 1
                r["circular_usd_bn"] += c.circular_usd_bn
    frame = pd.DataFrame.from_dict(rows, orient="index").rename_axis("entity").reset_index()
    if frame.empty:
        return pd.DataFrame(
            columns=["entity", "cycles", "cycles_with_known_dollars", "circular_usd_bn"]
        )
    return frame.sort_values(["circular_usd_bn", "cycles"], ascending=False, ignore_index=True)
