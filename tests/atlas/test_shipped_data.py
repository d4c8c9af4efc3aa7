"""The atlas shipped in the package: coverage of the seed articles and the circuit."""

from __future__ import annotations

import pandas as pd

from kreislauf.atlas import load_atlas

ATLAS = load_atlas()
REL = ATLAS.relations


def edge(src: str, dst: str, **kw: str) -> pd.DataFrame:
    hit = REL[(REL["from_id"] == src) & (REL["to_id"] == dst)]
    for k, v in kw.items():
        hit = hit[hit[k] == v]
    return hit


def test_size_sources_and_nulls() -> None:
    assert len(REL) >= 60
    assert REL["source_url"].str.startswith("http").all()
    assert REL["source_quote"].str.len().min() > 10
    assert REL["tier"].notna().all()
    undisclosed = REL["amount_qualifier"] == "undisclosed"
    assert REL.loc[undisclosed, "amount_usd_bn"].isna().all()
    assert REL.loc[~undisclosed, "amount_usd_bn"].gt(0).all()


def test_every_seed_named_deal_is_present() -> None:
    # Seed 02: NVIDIA invests $100bn in OpenAI, which passes money to AMD and Oracle, which
    # buy NVIDIA chips; seed 05: Microsoft's $13bn+; seed 01: Samsung and SK Hynix letters.
    assert edge("nvidia", "openai", amount_qualifier="up_to")["amount_usd_bn"].iloc[0] == 100
    assert not edge("openai", "amd").empty and not edge("openai", "oracle").empty
    assert not edge("oracle", "nvidia").empty
    assert edge("microsoft", "openai", type="equity_investment")["amount_usd_bn"].iloc[0] == 13
    for maker in ("samsung", "sk_hynix"):
        row = edge("openai", maker).iloc[0]
        assert row["status"] == "loi" and "900,000" in row["schedule"]
    uk = REL[REL["to_id"] == "uk_ai_infrastructure"]
    assert {"microsoft", "google"} <= set(uk["from_id"])
    assert REL["seed_refs"].map(lambda r: "02" in r).sum() >= 8


def test_the_loops_of_the_articles_are_representable() -> None:
    # NVIDIA -> OpenAI -> (Oracle | Microsoft | CoreWeave) -> NVIDIA
    assert not edge("nvidia", "openai").empty
    for mid in ("oracle", "microsoft", "coreweave"):
        assert not edge("openai", mid).empty, mid
        assert not edge(mid, "nvidia").empty, mid


def test_superseded_rows_point_to_their_successor() -> None:
    sup = REL[REL["status"] == "superseded"]
    assert set(sup["superseded_by"]) <= set(REL["id"])
