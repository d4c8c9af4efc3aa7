"""The circuit on hand-built networks: every expected number is computed by hand."""

from __future__ import annotations

import math

import pytest

from kreislauf.circuit.analysis import analyse, cycles_through
from kreislauf.circuit.graph import FlowOptions
from kreislauf.errors import InputError


def cycle(result, text: str):
    hit = result.cycles[result.cycles["cycle"] == text]
    assert len(hit) == 1, result.cycles["cycle"].tolist()
    return hit.iloc[0]


def test_cycles_and_circular_dollars(triangle) -> None:
    r = analyse(*triangle)
    assert len(r.cycles) == 2
    abc = cycle(r, "a -> b -> c -> a")
    assert abc["circular_usd_bn"] == 40  # min(100, 300, 40)
    assert abc["weakest_tier"] == "secondary"  # R2
    assert abc["relation_ids"] == ("R1", "R2", "R3")
    abd = cycle(r, "a -> b -> d -> a")
    assert math.isnan(abd["circular_usd_bn"])  # d -> a undisclosed: unknown, not zero
    assert r.summary()["circular_usd_bn_total"] == 40


def test_verified_only_removes_the_loop_with_a_secondary_leg(triangle) -> None:
    r = analyse(*triangle, FlowOptions(tiers="verified"))
    assert r.cycles.empty  # R2 (b -> c) and R5 (d -> a) are secondary
    assert set(r.relations["id"]) == {"R1", "R3", "R4", "R6"}


@pytest.mark.parametrize("haircut, expected", [(0.0, 40), (0.5, 40), (0.7, 30), (1.0, 0)])
def test_haircut_on_up_to_amounts(triangle, haircut: float, expected: float) -> None:
    r = analyse(*triangle, FlowOptions(up_to_haircut=haircut))
    assert cycle(r, "a -> b -> c -> a")["circular_usd_bn"] == pytest.approx(expected)


def test_time_window(triangle) -> None:
    r = analyse(*triangle, FlowOptions(since="2025-06"))
    assert r.cycles.empty  # R3 (2025-05) and R5 (2024-12) fall outside
    with pytest.raises(InputError, match="haircut"):
        FlowOptions(up_to_haircut=1.5)


def test_vendor_financed_share(triangle) -> None:
    r = analyse(*triangle)
    a = r.vendor_financing.set_index("vendor").loc["a"]
    # a's disclosed inflows: c's 40 (d's are undisclosed). a invests in b, which pays c:
    # c is vendor-financed through a chain of length 2, not directly.
    assert a["committed_inflows_usd_bn"] == 40 and a["undisclosed_inflows"] == 1
    assert a["direct_share"] == 0 and a["chain_share"] == 1.0
    direct_only = analyse(*triangle, max_chain=1).vendor_financing.set_index("vendor")
    assert direct_only.loc["a", "chain_share"] == 0


def test_backlog_concentration(triangle) -> None:
    r = analyse(*triangle)
    c = r.backlog.set_index("seller").loc["c"]
    assert c["backlog_usd_bn"] == 400 and c["largest_counterparty"] == "b"
    assert c["largest_share"] == 0.75
    assert c["hhi"] == pytest.approx(0.75**2 + 0.25**2)


def test_centrality_strengths(triangle) -> None:
    cen = analyse(*triangle).centrality.set_index("entity")
    assert cen.loc["c", "in_strength"] == 400 and cen.loc["c", "out_strength"] == 40
    assert cen.loc["a", "in_degree"] == 2
    assert cen["pagerank"].sum() == pytest.approx(1.0)
    assert cen["pagerank_unweighted"].sum() == pytest.approx(1.0)


def test_result_interface(triangle) -> None:
    r = analyse(*triangle)
    assert len(r.to_frame()) == 2
    assert len(cycles_through(r, ["b", "d"])) == 1
    fig = r.plot()
    names = [t.name for t in fig.data]
    assert "cycle" in names and "entities" in names
