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
    # R002 ($30bn reported investment; R001's LOI is superseded), R004 ($300bn), R005 ($40bn)
    expected = min(
        _amount("nvidia", "openai"), _amount("openai", "oracle"), _amount("oracle", "nvidia")
    )
    assert expected == 30.0
    assert row["circular_usd_bn"] == expected
    assert set(row["relation_ids"]) == {"R002", "R004", "R005"}
    assert row["weakest_tier"] == "secondary"


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
    assert row["circular_usd_bn"] == 40.0  # 100 + 30 on the first leg; Oracle's 40 binds


def test_oracle_backlog_is_owed_to_openai() -> None:
    b = RESULT.backlog.set_index("seller").loc["oracle"]
    assert b["largest_counterparty"] == "openai"
    assert isinstance(RESULT.vendor_financing, pd.DataFrame)
