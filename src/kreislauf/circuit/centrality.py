"""Centrality of the money graph: who holds the network together."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd


def centrality(edges: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """PageRank, eigenvector and betweenness centrality and in/out strength per entity.

    Weighted measures use disclosed amounts only (an undisclosed edge has no weight, not a
    guessed one); the unweighted PageRank uses every edge, so the two together show how much
    the ranking depends on what is disclosed.

    * ``pagerank`` — weighted by disclosed USD (damping 0.85);
    * ``pagerank_unweighted`` — topology only;
    * ``eigenvector`` — leading eigenvector of the symmetrised weighted adjacency matrix
      (directed money graphs are rarely strongly connected);
    * ``betweenness`` — share of shortest (unweighted) directed paths through the node;
    * ``in_strength`` / ``out_strength`` — disclosed USD bn received / paid; ``in_degree`` /
      ``out_degree`` count counterparties.
    """
    g = nx.DiGraph()
    for r in edges.to_dict(orient="records"):
        w = r["amount"] if r["known"] and not np.isnan(r["amount"]) else 0.0
        g.add_edge(r["src"], r["dst"], weight=float(w))
    nodes = sorted(g.nodes)
    if not nodes:
        return pd.DataFrame(columns=["entity"])
    total_w = sum(d["weight"] for *_, d in g.edges(data=True))
    pr_w = nx.pagerank(g, weight="weight") if total_w > 0 else dict.fromkeys(nodes, np.nan)
    pr_u = nx.pagerank(g, weight=None)
    und = nx.Graph()
    und.add_nodes_from(nodes)
    for u, v, d in g.edges(data=True):
        w = d["weight"] + (und[u][v]["weight"] if und.has_edge(u, v) else 0.0)
        und.add_edge(u, v, weight=w)
    a = nx.to_numpy_array(und, nodelist=nodes, weight="weight")
    vals, vecs = np.linalg.eigh(a)
    lead = np.abs(vecs[:, int(np.argmax(vals))])
    eig = lead / lead.sum() if lead.sum() > 0 else lead
    btw = nx.betweenness_centrality(g, normalized=True)
    return pd.DataFrame(
        {
            "entity": nodes,
            "pagerank": [pr_w[n] for n in nodes],
            "pagerank_unweighted": [pr_u[n] for n in nodes],
            "eigenvector": eig,
            "betweenness": [btw[n] for n in nodes],
            "in_strength": [g.in_degree(n, weight="weight") for n in nodes],
            "out_strength": [g.out_degree(n, weight="weight") for n in nodes],
            "in_degree": [g.in_degree(n) for n in nodes],
            "out_degree": [g.out_degree(n) for n in nodes],
        }
    ).sort_values("pagerank", ascending=False, ignore_index=True)
