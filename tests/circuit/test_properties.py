"""Invariants of cycles and circular dollars on random networks (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from kreislauf.circuit.analysis import analyse
from kreislauf.circuit.graph import FlowOptions

from .conftest import make_atlas

NODES = ["a", "b", "c", "d", "e"]
edge = st.tuples(
    st.sampled_from(NODES),
    st.sampled_from(NODES),
    st.one_of(st.none(), st.floats(0.1, 500)),
    st.booleans(),
)


def _rows(edges):
    rows = []
    for k, (s, d, amt, up) in enumerate(edges):
        if s == d:
            continue
        qual = "undisclosed" if amt is None else ("up_to" if up else "firm")
        rows.append(
            (
                f"R{k + 1}",
                "purchase_commitment",
                s,
                d,
                "" if amt is None else amt,
                qual,
                "secondary",
                "2025",
            )
        )
    return rows


@settings(max_examples=40, deadline=None)
@given(st.lists(edge, min_size=2, max_size=12), st.floats(0.0, 1.0))
def test_circular_dollars_bounded_by_every_leg_and_monotone_in_haircut(edges, h) -> None:
    rows = _rows(edges)
    if not rows:
        return
    with TemporaryDirectory() as tmp:
        rel, ent = make_atlas(Path(tmp), rows)
    full = analyse(rel, ent, max_length=5)
    cut = analyse(rel, ent, FlowOptions(up_to_haircut=h), max_length=5)
    legs = {(r["src"], r["dst"]): r for r in full.edges.to_dict(orient="records")}
    for c in full.cycles.itertuples(index=False):
        n = c.nodes
        amounts = [legs[(n[i], n[(i + 1) % len(n)])]["amount"] for i in range(len(n))]
        if math.isnan(c.circular_usd_bn):
            assert any(math.isnan(x) for x in amounts)
        else:
            assert all(c.circular_usd_bn <= x + 1e-9 for x in amounts)
    # A haircut never raises circular dollars and never changes which cycles exist.
    assert full.cycles["cycle"].tolist() == cut.cycles["cycle"].tolist()
    for a, b in zip(full.cycles["circular_usd_bn"], cut.cycles["circular_usd_bn"], strict=True):
        assert (math.isnan(a) and math.isnan(b)) or b <= a + 1e-9
