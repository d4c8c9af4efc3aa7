"""The loops the articles describe, found on the shipped atlas and recomputed by hand."""

from __future__ import annotations

import math

import pandas as pd

from kreislauf.atlas import load_atlas
from kreislauf.circuit.analysis import analyse, cycles_through

ATLAS = load_atlas()
RESULT = analyse(ATLAS.relations, ATLAS.entities)


def _amount(src: str, dst: str) -> float:
    """The edge amount recomputed from the atlas rows (current flow relations only)."""
    rel = RESULT.relations
    rows = rel[(rel["from_id"] == src) & (rel["to_id"] == dst)]
    return float(rows["amount_usd_bn"].sum()) if rows["amount_usd_bn"].notna().any() else math.nan


def test_nvidia_openai_oracle_loop() -> None:
    row = RESULT.cycles.set_index("cycle").loc["nvidia -> openai -> oracle -> nvidia"]
    # NVIDIA -> OpenAI: the reported $30bn (R002; the $100bn letter of intent R001 is counted
    # as superseded by it) and any other current investment rows; OpenAI -> Oracle: the
    # reported $300bn contract (R004); Oracle -> NVIDIA: the reported $40bn of chips (R005).
    legs = [_amount("nvidia", "openai"), _amount("openai", "oracle"), _amount("oracle", "nvidia")]
    assert legs[1] == 300.0 and legs[2] == 40.0
    assert 30.0 <= legs[0] < 40.0
    assert row["circular_usd_bn"] == min(legs)
    assert {"R002", "R004", "R005"} <= set(row["relation_ids"])
    assert "R001" not in set(row["relation_ids"])


def test_binding_only_keeps_the_funded_microsoft_loop_and_drops_the_reported_ones() -> None:
    from kreislauf.atlas.binding import BindingWeights
    from kreislauf.circuit.graph import FlowOptions

    rel = ATLAS.relations.set_index("id")
    # Microsoft's funded $13bn (R008) and OpenAI's non-cancellable $250bn Azure commitment
    # (R010), both from Microsoft's 10-Q: the loop survives with 13 either way.
    assert (
        rel.loc["R008", "binding"] == "funded" and rel.loc["R010", "binding"] == "non_cancellable"
    )
    b = analyse(ATLAS.relations, ATLAS.entities, FlowOptions(binding=BindingWeights.binding_only()))
    loop = "microsoft -> openai -> microsoft"
    assert b.cycles.set_index("cycle").loc[loop, "circular_usd_bn"] == 13.0
    assert RESULT.cycles.set_index("cycle").loc[loop, "circular_usd_bn"] == 13.0
    # The NVIDIA -> OpenAI -> Oracle loop rests on reported deals of unknown bindingness.
    assert {rel.loc[i, "binding"] for i in ("R002", "R004", "R005")} == {"unknown"}
    assert "nvidia -> openai -> oracle -> nvidia" not in set(b.cycles["cycle"])
    assert b.summary()["circular_usd_bn_total"] < RESULT.summary()["circular_usd_bn_total"]
    assert b.summary()["binding"] == "binding"


def test_microsoft_and_coreweave_loops_exist_with_unknown_dollars() -> None:
    # NVIDIA -> OpenAI -> X -> NVIDIA, written from X, the smallest id (canonical rotation).
    for mid in ("microsoft", "coreweave"):
        text = f"{mid} -> nvidia -> openai -> {mid}"
        assert text in set(cycles_through(RESULT, ["nvidia", "openai", mid])["cycle"]), mid
        # The leg back to NVIDIA (GPU purchases) has no disclosed amount in the atlas.
        assert math.isnan(_amount(mid, "nvidia"))
        assert math.isnan(RESULT.cycles.set_index("cycle").loc[text, "circular_usd_bn"])


def test_including_superseded_counts_the_hundred_billion_letter() -> None:
    from kreislauf.circuit.graph import FlowOptions

    r = analyse(ATLAS.relations, ATLAS.entities, FlowOptions(include_superseded=True))
    row = r.cycles.set_index("cycle").loc["nvidia -> openai -> oracle -> nvidia"]
    assert "R001" in set(row["relation_ids"])
    assert row["circular_usd_bn"] == 40.0  # 100 + 30 + ... on the first leg; Oracle's 40 binds


def test_oracle_backlog_is_owed_to_openai() -> None:
    b = RESULT.backlog.set_index("seller").loc["oracle"]
    assert b["largest_counterparty"] == "openai"
    assert isinstance(RESULT.vendor_financing, pd.DataFrame)
