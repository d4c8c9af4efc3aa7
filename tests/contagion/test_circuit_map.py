"""Mapping the atlas onto the engine: what becomes an obligation, holding, backstop, chip."""

from __future__ import annotations

import pytest

from kreislauf.atlas import load_atlas
from kreislauf.contagion.circuit_map import MappingAssumptions, map_atlas
from kreislauf.errors import InputError


def test_mini_atlas_mapping(mini_atlas):
    m = map_atlas(mini_atlas)
    ob = m.obligations.set_index("relation_id")
    assert set(ob.index) == {"R001", "R002", "R003"}
    assert ob.loc["R001", "due_usd_bn"] == pytest.approx(20.0)  # 100 over 5 years, 1-year horizon
    assert ob.loc["R002", "due_usd_bn"] == pytest.approx(25.0)
    # a loan's money flows lender -> borrower; the debt runs back
    assert (ob.loc["R003", "debtor"], ob.loc["R003", "creditor"]) == ("cloud", "investors")
    assert ob.loc["R003", "due_usd_bn"] == pytest.approx(10.0)
    assert ob.loc["R001", "ai_demand"] and not ob.loc["R003", "ai_demand"]
    assert m.holdings.iloc[0][["holder", "investee", "value_usd_bn"]].tolist() == ["vc", "lab", 40]
    assert m.backstops.iloc[0]["cap_due_usd_bn"] == pytest.approx(8.0)
    assert m.chip_holdings.iloc[0][["holder", "value_usd_bn"]].tolist() == ["cloud", 12]
    assert set(m.undisclosed["relation_id"]) == {"R006"}
    reasons = m.unmapped.set_index("relation_id")["reason"]
    assert "loi" in reasons["R008"]
    assert "R007" not in reasons.index  # performed chip purchase: a holding, not left out
    assert m.term_years_used == pytest.approx(3.0)  # median of the disclosed terms 5, 2, 3


def test_assumptions_change_the_mapping(mini_atlas):
    m = map_atlas(
        mini_atlas,
        MappingAssumptions(
            horizon_years=2.5, default_term_years=10, sales_statuses=("definitive", "loi")
        ),
    )
    ob = m.obligations.set_index("relation_id")
    assert ob.loc["R001", "due_usd_bn"] == pytest.approx(50.0)
    assert ob.loc["R002", "due_usd_bn"] == pytest.approx(50.0)  # capped at the full amount
    assert ob.loc["R008", "due_usd_bn"] == pytest.approx(2.5)  # LOI now counted, 10-year term
    assert m.assumptions.to_dict()["horizon_years"] == 2.5
    with pytest.raises(InputError, match="horizon_years"):
        MappingAssumptions(horizon_years=0)
    with pytest.raises(InputError, match="up_to_haircut"):
        MappingAssumptions(up_to_haircut=2)


def test_shipped_atlas_maps_without_guessing():
    atlas = load_atlas()
    m = map_atlas(atlas)
    assert len(m.obligations) > 0 and len(m.holdings) > 0
    # every mapped amount is a disclosed atlas amount (never a guess)
    rel = atlas.relations.set_index("id")
    assert rel.loc[m.obligations["relation_id"], "amount_usd_bn"].notna().all()
    # every undisclosed relation of a mapped type is listed, none silently dropped
    mapped = (
        set(m.obligations["relation_id"])
        | set(m.holdings["relation_id"])
        | set(m.backstops["relation_id"])
        | set(m.chip_holdings["relation_id"])
    )
    assert mapped | set(m.unmapped["relation_id"]) == set(atlas.relations["id"])


def test_binding_view_changes_which_legs_count_not_their_terms():
    from kreislauf.atlas import load_atlas
    from kreislauf.atlas.binding import BindingWeights
    from kreislauf.contagion.circuit_map import MappingAssumptions

    atlas = load_atlas()
    full = map_atlas(atlas)
    bind = map_atlas(atlas, MappingAssumptions(binding=BindingWeights.binding_only()))
    assert full.term_years_used == bind.term_years_used
    assert len(bind.obligations) < len(full.obligations)
    kept = bind.obligations.set_index("relation_id")["due_usd_bn"]
    head = full.obligations.set_index("relation_id")["due_usd_bn"]
    assert (kept <= head.loc[kept.index] + 1e-12).all()
    assert set(atlas.relations.set_index("id").loc[kept.index, "binding"]) <= {
        "non_cancellable",
        "funded",
    }
