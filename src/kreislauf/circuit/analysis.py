"""One call from relations to the whole circuit analysis, as a result object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kreislauf.circuit.centrality import centrality
from kreislauf.circuit.cycles import find_cycles, totals_by_company
from kreislauf.circuit.exposure import backlog_concentration, vendor_financed_share
from kreislauf.circuit.graph import FINANCING_TYPES, FlowOptions, aggregate_edges, select_relations
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass
class CircuitResult(Result):
    """The circuit of one atlas under one set of options.

    Attributes
    ----------
    options : FlowOptions
    relations : DataFrame
        The relations that counted as flows (with ``flow_usd_bn``).
    edges : DataFrame
        Aggregated payer -> payee edges.
    cycles : DataFrame
        Simple cycles with circular dollars (:func:`~kreislauf.circuit.cycles.find_cycles`).
    by_company : DataFrame
        Cycles and circular dollars per company.
    vendor_financing : DataFrame
        Vendor-financed share of committed inflows.
    backlog : DataFrame
        Backlog concentration per seller.
    centrality : DataFrame
    entities : DataFrame
        Names of the entities, for display.
    """

    options: FlowOptions
    relations: pd.DataFrame
    edges: pd.DataFrame
    cycles: pd.DataFrame
    by_company: pd.DataFrame
    vendor_financing: pd.DataFrame
    backlog: pd.DataFrame
    centrality: pd.DataFrame
    entities: pd.DataFrame
    max_length: int

    def to_frame(self) -> pd.DataFrame:
        """The cycles (one row each)."""
        return self.cycles.assign(
            nodes=self.cycles["nodes"].map(" ".join),
            relation_ids=self.cycles["relation_ids"].map(" ".join),
            leg_amounts=self.cycles["leg_amounts"].map(lambda t: " ".join(f"{x:g}" for x in t)),
        )

    def summary(self) -> dict[str, Any]:
        """Headline figures of the circuit."""
        known = self.cycles["circular_usd_bn"].dropna()
        cen = self.centrality
        top = cen.iloc[0]["entity"] if not cen.empty else None
        top_u = (
            cen.sort_values("pagerank_unweighted", ascending=False).iloc[0]["entity"]
            if not cen.empty
            else None
        )
        return {
            "binding": self.options.binding.label(),
            "relations_counted": len(self.relations),
            "edges": len(self.edges),
            "cycles": len(self.cycles),
            "cycles_with_known_dollars": len(known),
            "circular_usd_bn_total": float(known.sum()),
            "largest_cycle": (self.cycles.loc[known.idxmax(), "cycle"] if len(known) else None),
            "largest_cycle_usd_bn": float(known.max()) if len(known) else None,
            "most_central_by_disclosed_dollars": top,
            "most_central_by_topology": top_u,
            "options": {
                "tiers": self.options.tiers,
                "up_to_haircut": self.options.up_to_haircut,
                "types": list(self.options.types),
                "since": self.options.since,
                "until": self.options.until,
                "max_length": self.max_length,
            },
        }

    def plot(self) -> go.Figure:
        """The interactive network view (see :func:`kreislauf.circuit.views.network_figure`)."""
        from kreislauf.circuit.views import network_figure

        return network_figure(self)


def analyse(
    relations: pd.DataFrame,
    entities: pd.DataFrame,
    options: FlowOptions | None = None,
    max_length: int = 6,
    max_chain: int = 2,
) -> CircuitResult:
    """Build the money graph and compute cycles, exposures and centrality.

    Parameters
    ----------
    relations, entities : DataFrame
        ``Atlas.relations`` and ``Atlas.entities`` (or frames with the same columns).
    options : FlowOptions, optional
        Which relations count and how (default: all flow types, all tiers, no haircut).
    max_length : int
        Longest cycle searched.
    max_chain : int
        Longest financing chain for the vendor-financed share.
    """
    options = options or FlowOptions()
    flows = select_relations(relations, options)
    edges = aggregate_edges(flows)
    cycles = find_cycles(edges, max_length)
    fin_opts = FlowOptions(
        types=tuple(sorted(set(options.types) | set(FINANCING_TYPES))),
        tiers=options.tiers,
        up_to_haircut=options.up_to_haircut,
        since=options.since,
        until=options.until,
        include_superseded=options.include_superseded,
    )
    with_financing = select_relations(relations, fin_opts)
    return CircuitResult(
        options=options,
        relations=flows,
        edges=edges,
        cycles=cycles,
        by_company=totals_by_company(cycles),
        vendor_financing=vendor_financed_share(with_financing, edges, max_chain),
        backlog=backlog_concentration(flows),
        centrality=centrality(edges),
        entities=entities,
        max_length=max_length,
    )


def cycles_through(result: CircuitResult, nodes: list[str]) -> pd.DataFrame:
    """Cycles that visit every node in ``nodes`` (in any order)."""
    want = set(nodes)
    return result.cycles[result.cycles["nodes"].map(lambda n: want <= set(n))]
