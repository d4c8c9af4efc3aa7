"""Interactive views of the circuit: the network (clickable sources) and a Sankey of flows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from kreislauf.circuit.analysis import CircuitResult

TYPE_COLOURS = {
    "equity_investment": "#1f77b4",
    "purchase_commitment": "#ff7f0e",
    "supply_deal": "#9467bd",
    "vendor_financing": "#8c564b",
    "loan": "#7f7f7f",
    "revenue_share": "#17becf",
    "acquisition": "#bcbd22",
    "stake": "#aec7e8",
    "backstop": "#c49c94",
    "warrant": "#f7b6d2",
    "customer_share": "#dbdb8d",
}
TIER_DASH = {
    "filing": "solid",
    "company_release": "solid",
    "major_press": "solid",
    "secondary": "dash",
    "inferred": "dot",
}

# Clicking an edge's midpoint marker opens its source; registered on the figure's div.
CLICK_JS = """
var gd = document.getElementById('{plot_id}');
gd.on('plotly_click', function(ev) {
  var p = ev.points[0];
  if (p && p.customdata && String(p.customdata[0]).startsWith('http')) {
    window.open(p.customdata[0], '_blank', 'noopener');
  }
});
"""


def network_figure(result: CircuitResult, seed: int = 7) -> go.Figure:
    """Nodes sized by PageRank, edges coloured by type and dashed by tier, cycles in red.

    Each edge carries a marker at its midpoint whose hover text lists the relations and whose
    click opens the first source URL (see :func:`network_html`).
    """
    import plotly.graph_objects as go

    edges = result.edges
    g = nx.DiGraph()
    g.add_edges_from(zip(edges["src"], edges["dst"], strict=True))
    pos = (
        nx.kamada_kawai_layout(g.to_undirected()) if len(g) > 1 else nx.spring_layout(g, seed=seed)
    )
    cyc_edges = set()
    for nodes in result.cycles["nodes"]:
        for i in range(len(nodes)):
            cyc_edges.add((nodes[i], nodes[(i + 1) % len(nodes)]))
    fig = go.Figure()
    mid_x, mid_y, mid_text, mid_data = [], [], [], []
    for r in edges.to_dict(orient="records"):
        (x0, y0), (x1, y1) = pos[r["src"]], pos[r["dst"]]
        colour = TYPE_COLOURS.get(r["types"][0], "#555")
        in_cycle = (r["src"], r["dst"]) in cyc_edges
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                name=f"edge {r['src']}->{r['dst']}",
                line={
                    "color": "#d62728" if in_cycle else colour,
                    "width": 3.5 if in_cycle else 1.4,
                    "dash": TIER_DASH.get(r["weakest_tier"], "solid"),
                },
            )
        )
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowsize=1.2,
            arrowwidth=1,
            arrowcolor="#d62728" if in_cycle else colour,
            standoff=8,
            text="",
        )
        amount = "undisclosed" if not r["known"] else f"{r['amount']:,.1f} bn USD"
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        mid_text.append(
            f"{r['src']} → {r['dst']}: {amount}<br>{', '.join(r['relation_ids'])}"
            f" ({r['weakest_tier']})<br>click: open source"
        )
        mid_data.append([r["source_urls"][0], ",".join(r["relation_ids"])])
    fig.add_trace(
        go.Scatter(
            x=mid_x,
            y=mid_y,
            mode="markers",
            name="sources (click)",
            marker={"size": 9, "color": "rgba(0,0,0,0.35)", "symbol": "diamond"},
            hovertext=mid_text,
            hoverinfo="text",
            customdata=mid_data,
        )
    )
    cyc_nodes = {n for nodes in result.cycles["nodes"] for n in nodes}
    cyc_x = [v for a, b in cyc_edges for v in (pos[a][0], pos[b][0], None)]
    cyc_y = [v for a, b in cyc_edges for v in (pos[a][1], pos[b][1], None)]
    fig.add_trace(
        go.Scatter(
            x=cyc_x,
            y=cyc_y,
            mode="lines",
            name="cycle",
            line={"color": "#d62728", "width": 3.5},
            hoverinfo="skip",
        )
    )
    cen = result.centrality.set_index("entity")
    names = dict(zip(result.entities["id"], result.entities["name"], strict=True))
    nodes = sorted(g.nodes)
    pr = np.array([cen.loc[n, "pagerank_unweighted"] for n in nodes])
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers+text",
            name="entities",
            text=nodes,
            textposition="top center",
            marker={
                "size": 14 + 120 * pr / max(pr.max(), 1e-12),
                "color": ["#d62728" if n in cyc_nodes else "#2ca02c" for n in nodes],
                "line": {"width": 1, "color": "#333"},
            },
            hovertext=[
                f"{names.get(n, n)}<br>PageRank {cen.loc[n, 'pagerank_unweighted']:.3f}"
                f"<br>in {cen.loc[n, 'in_strength']:,.1f} / out "
                f"{cen.loc[n, 'out_strength']:,.1f} bn USD (disclosed)"
                for n in nodes
            ],
            hoverinfo="text",
            customdata=[[n] for n in nodes],
        )
    )
    fig.update_layout(
        title=f"The money circuit: {len(nodes)} entities, {len(edges)} flows, "
        f"{len(result.cycles)} cycles (red); dashed = secondary evidence",
        showlegend=True,
        hovermode="closest",
        height=760,
        xaxis={"visible": False},
        yaxis={"visible": False},
        plot_bgcolor="white",
    )
    return fig


def network_html(result: CircuitResult) -> str:
    """The network view as standalone offline HTML; clicking an edge opens its source."""
    fig = network_figure(result)
    return fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        div_id="circuit-network",
        post_script=CLICK_JS.replace("{plot_id}", "circuit-network"),
    )


def sankey_figure(result: CircuitResult) -> go.Figure:
    """A Sankey of the disclosed money flows (undisclosed flows cannot be drawn to scale)."""
    import plotly.graph_objects as go

    e = result.edges[result.edges["known"] & (result.edges["amount"] > 0)]
    nodes = sorted(set(e["src"]) | set(e["dst"]))
    idx = {n: i for i, n in enumerate(nodes)}
    colours = [TYPE_COLOURS.get(t[0], "#888") for t in e["types"]]
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 12},
            link={
                "source": e["src"].map(idx).tolist(),
                "target": e["dst"].map(idx).tolist(),
                "value": e["amount"].tolist(),
                "color": [c + "99" for c in colours],
                "customdata": [json.dumps(list(r)) for r in e["relation_ids"]],
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,.1f} bn USD"
                "<br>%{customdata}<extra></extra>",
            },
        )
    )
    undisclosed = int((~result.edges["known"]).sum())
    fig.update_layout(
        title=f"Disclosed money flows (USD bn); {undisclosed} flows without a "
        "disclosed amount are not drawn",
        height=720,
    )
    return fig
