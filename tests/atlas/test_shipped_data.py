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
    assert len(REL) >= 150
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


def test_every_relation_states_how_binding_it_is() -> None:
    from kreislauf.atlas.schema import BINDING

    assert REL["binding"].isin(BINDING).all()
    stated = REL[REL["binding"] != "unknown"]
    assert stated["binding_evidence"].str.len().gt(0).all()
    # no letter of intent is counted as binding (some say nothing on it: unknown)
    assert REL.loc[REL["status"] == "loi", "binding"].isin(["non_binding", "unknown"]).all()


def test_the_debt_layer_has_one_row_per_facility() -> None:
    loans = REL[REL["type"] == "loan"]
    assert len(loans) >= 40
    assert loans["recourse"].notna().all()
    cw = loans[loans["to_id"] == "coreweave"]
    assert len(cw) >= 10  # DDTL 1.0-3.0, OEM financing, revolver, senior and convertible notes
    lenders = set(loans["from_id"])
    assert {"private_credit", "bank_lenders", "bond_investors"} <= lenders
    for borrower in ("oracle", "xai_spv", "iren", "nebius", "terawulf", "cipher_mining"):
        assert borrower in set(loans["to_id"]), borrower
    # Google's backstops of the former miners' data-centre leases
    back = REL[(REL["type"] == "backstop") & (REL["from_id"] == "google")]
    assert {"terawulf", "cipher_mining"} <= set(back["to_id"])


def test_supplier_layer_and_customer_concentration() -> None:
    ids = set(ATLAS.entities["id"])
    assert {"tsmc", "asml", "sk_hynix", "samsung", "micron"} <= ids
    shares = REL[REL["type"] == "customer_share"]
    assert shares["share_pct"].between(0, 100, inclusive="right").all()
    cw = shares[(shares["from_id"] == "microsoft") & (shares["to_id"] == "coreweave")]
    assert 62.0 in set(cw["share_pct"])  # CoreWeave's 2024 revenue (S-1)
    # filing-tier rows carry form, period and accession number
    filing = REL[REL["tier"] == "filing"]
    assert filing[["source_form", "source_period", "source_accession"]].notna().all().all()


def test_conflicting_nvidia_openai_rows_are_both_kept() -> None:
    rows = edge("nvidia", "openai", type="equity_investment").set_index("id")
    assert rows.loc["R001", "binding"] == "non_binding"  # the letter of intent
    assert rows.loc["R001", "superseded_by"] == "R002"  # not added to the $30bn
    assert "10-Q" in rows.loc["R001", "notes"]  # what the filing supports
    assert rows.loc["R002", "amount_usd_bn"] == 30
