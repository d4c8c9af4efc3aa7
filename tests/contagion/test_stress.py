"""The AI-circuit stress test on a hand-built atlas, numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kreislauf.contagion.balance_sheets import load_balance_sheets
from kreislauf.contagion.circuit_map import map_atlas
from kreislauf.contagion.stress import Scenario, StressOptions, stress_test
from kreislauf.errors import InputError


def run(atlas, bs_path, scenario, **opts):
    m = map_atlas(atlas)
    bs = load_balance_sheets(bs_path, m.nodes)
    kinds = dict(zip(atlas.entities["id"], atlas.entities["kind"], strict=True))
    return stress_test(m, bs, scenario, StressOptions(**opts), kinds=kinds)


def rows(result):
    return result.to_frame().set_index("node")


def test_lab_default_by_hand(mini_atlas, mini_bs):
    # lab pays nothing of the 20 it owes cloud this year. The backstop of chipco pays cloud
    # min(8, 20) = 8. Cloud: other assets 5 + 35 + 20 - 20 = 40, receives 8, owes 55 -> pays
    # 48 pro rata (chipco 48*25/55, investors 48*10/55, outsiders 48*20/55) and defaults;
    # its loss of net worth is 20 - 8 = 12 > equity 5. Chipco loses 25 - 21.818 + 8 = 11.18.
    # vc's stake of 40 in the defaulted lab is lost. Pari passu.
    r = run(mini_atlas, mini_bs, Scenario(default_node="lab"), model="en", seniority="pari_passu")
    f = rows(r)
    assert f.loc["cloud", "realised_loss_usd_bn"] == pytest.approx(12.0)
    assert f.loc["chipco", "realised_loss_usd_bn"] == pytest.approx(25 - 48 * 25 / 55 + 8)
    assert f.loc["investors", "realised_loss_usd_bn"] == pytest.approx(10 - 48 * 10 / 55)
    assert f.loc["vc", "realised_loss_usd_bn"] == pytest.approx(40.0)
    assert f.loc["vc", "stake_loss_realised_usd_bn"] == pytest.approx(40.0)
    assert f.loc["chipco", "backstop_owed_realised_usd_bn"] == pytest.approx(8.0)
    assert f.loc["lab", "outcome"] == "defaults (scenario)"
    assert f.loc["cloud", "outcome"] == "defaults"
    assert f.loc["chipco", "outcome"] == "survives"
    # no balance sheet, takes a loss: the data cannot say whether it absorbs it
    assert f.loc["investors", "outcome"] == "loss reaches sector"  # investors: a sector
    assert f.loc["vc", "outcome"] == "unresolved"
    assert "undisclosed" in f.loc["chipco", "reason"]  # lab's undisclosed chip commitment
    s = r.summary()
    assert set(s["defaults"]) == {"cloud", "lab"}
    assert set(s["unresolved"]) == {"vc"}
    holders = r.loss_by_holder().set_index("holder")
    assert holders.loc["shareholders of cloud", "realised_usd_bn"] == pytest.approx(5.0)
    ext = next(h for h in holders.index if h.startswith("creditors outside"))
    assert holders.loc[ext, "realised_usd_bn"] == pytest.approx(20 - 48 * 20 / 55)


def test_demand_drop_by_hand(mini_atlas, mini_bs):
    # AI demand -50 %: lab owes cloud 10 (not 20), cloud owes chipco 12.5 (not 25). Buyers
    # lose the revenue they cut, so only sellers lose: cloud 10, offset by the backstop
    # (min(8, 10)) -> 2; chipco 12.5 + 8 = 20.5. Everyone known survives.
    r = run(mini_atlas, mini_bs, Scenario(demand_drop=0.5), model="en", seniority="senior")
    f = rows(r)
    assert f.loc["cloud", "realised_loss_usd_bn"] == pytest.approx(2.0)
    assert f.loc["chipco", "realised_loss_usd_bn"] == pytest.approx(20.5)
    assert f.loc["lab", "realised_loss_usd_bn"] == pytest.approx(0.0)
    assert f.loc["cloud", "outcome"] == f.loc["chipco", "outcome"] == "survives"


def test_chip_price_shock_by_hand(mini_atlas, mini_bs):
    # chips -50 %: cloud's 12 of chips lose 6 > equity 5; cloud has 40 - 6 + 20 = 54 < 55
    # and pays 54 pro rata: chipco loses 25 - 54*25/55.
    r = run(mini_atlas, mini_bs, Scenario(chip_price_shock=0.5), model="en", seniority="pari_passu")
    f = rows(r)
    assert f.loc["cloud", "realised_loss_usd_bn"] == pytest.approx(6.0)
    assert f.loc["cloud", "outcome"] == "defaults"
    assert f.loc["chipco", "realised_loss_usd_bn"] == pytest.approx(25 - 54 * 25 / 55)


def test_unknown_balance_sheets_make_outcomes_unresolved(mini_atlas, write_bs):
    # no balance sheet at all: every loss-taking node is unresolved, and the exposure bound
    # (no buffers) lets cloud default and pass its losses on
    empty = write_bs([])
    r = run(mini_atlas, empty, Scenario(default_node="lab"), model="en", seniority="pari_passu")
    f = rows(r)
    assert set(f.loc[["cloud", "chipco", "vc"], "outcome"]) == {"unresolved"}
    assert f.loc["cloud", "realised_loss_usd_bn"] == pytest.approx(12.0)  # 20 lost, 8 backstop
    assert f.loc["chipco", "exposure_usd_bn"] > f.loc["chipco", "realised_loss_usd_bn"]
    assert r.summary()["nodes_with_balance_sheet"] == 0


def test_bounds_and_monotonicity(mini_atlas, mini_bs):
    prev = None
    for drop in (0.0, 0.2, 0.5, 0.9):
        r = run(
            mini_atlas,
            mini_bs,
            Scenario(default_node="lab", demand_drop=drop),
            model="en",
            seniority="pari_passu",
        )
        lo, up = r.lower.loss, r.upper.loss
        assert np.all(up >= lo - 1e-9)  # exposure bounds the realised loss
        total = r.summary()["exposure_usd_bn"]
        if prev is not None:
            assert total >= prev - 1e-9
        prev = total


@pytest.mark.parametrize("model", ["rv", "debtrank", "furfine"])
def test_other_models_run_with_bounds(mini_atlas, mini_bs, model):
    r = run(mini_atlas, mini_bs, Scenario(default_node="lab"), model=model, alpha=0.5, beta=0.5)
    f = rows(r)
    assert f.loc["lab", "outcome"] == "defaults (scenario)"
    assert np.all(r.upper.loss >= r.lower.loss - 1e-9)
    assert r.summary()["model"] == model
    assert len(r.plot().data) == 2
    if model == "debtrank":
        s = r.summary()
        assert 0.0 <= s["debtrank_realised"] <= s["debtrank_exposure"] <= 1.0
        assert s["debtrank_exposure"] > 0  # lab's default distresses its creditors


def test_firesale_needs_a_price_impact(mini_atlas, mini_bs):
    with pytest.raises(InputError, match="price impact"):
        StressOptions(model="firesale")
    r = run(
        mini_atlas, mini_bs, Scenario(chip_price_shock=0.2), model="firesale", price_impact=0.01
    )
    # cloud (leverage (20 + 35) / 5 = 11) loses 2.4 on its 12 of chips and sells 11 * 2.4
    # = 26.4, moving the price by 0.264: a further 12 * 0.264 of losses
    f = rows(r)
    assert f.loc["cloud", "realised_loss_usd_bn"] == pytest.approx(2.4 + 12 * 0.264)
    assert r.summary()["fire_sellers"] == ["cloud"]


def test_bad_scenarios_and_balance_sheets(mini_atlas, mini_bs, write_bs):
    with pytest.raises(InputError, match="stresses nothing"):
        Scenario()
    with pytest.raises(InputError, match="pay_fraction"):
        Scenario(default_node="lab", pay_fraction=1.5)
    with pytest.raises(InputError, match="unknown atlas entity"):
        run(mini_atlas, mini_bs, Scenario(default_node="nobody"))
    bad = write_bs([("cloud", 5, -1)])
    with pytest.raises(InputError) as info:
        load_balance_sheets(bad, ("cloud",))
    assert (info.value.problems[0].row, info.value.problems[0].field) == (2, "value")
    # cloud's balance sheet cannot hold the chips the atlas says it holds
    tight = write_bs([("cloud", -30, 0)])
    m = map_atlas(mini_atlas)
    with pytest.raises(InputError, match="does not fit"):
        stress_test(m, load_balance_sheets(tight, m.nodes), Scenario(default_node="lab"))


def test_a_private_company_s_reported_cash_is_its_buffer_flagged_as_an_estimate(
    mini_atlas, tmp_path
):
    from contagion.conftest import balance_sheet_rows

    # vc holds a 40 stake in lab and has no balance sheet, only press-reported cash of 50:
    # that cash is its buffer (an estimate), so losing the stake (40) it survives, and says
    # that the outcome rests on an estimate.
    figs = balance_sheet_rows([("cloud", 5, 20), ("chipco", 100, 10)])
    est = figs.iloc[[0]].assign(
        entity_id="vc",
        metric="cash",
        value=50,
        estimate="true",
        tier="major_press",
        source_outlet="Reuters",
        source_quote="cash of $50 billion",
        notes="press",
    )
    path = tmp_path / "bs_est.csv"
    pd.concat([figs, est]).to_csv(path, index=False)
    sheets = load_balance_sheets(path, ("cloud", "chipco", "vc"))
    vc = sheets.set_index("id").loc["vc"]
    assert vc["estimate"] and vc["equity_usd_bn"] == 50 and vc["external_liabilities_usd_bn"] == 0
    assert "estimate" in vc["basis"]
    r = run(mini_atlas, path, Scenario(default_node="lab"), model="en", seniority="pari_passu")
    f = rows(r)
    assert f.loc["vc", "outcome"] == "survives"
    assert f.loc["vc", "balance_sheet"] == "estimate"
    assert "rests on an estimate" in f.loc["vc", "reason"]
    assert r.summary()["nodes_on_estimates"] == ["vc"]
    # without estimates the same node is unknown, and its outcome unresolved
    assert "vc" not in set(
        load_balance_sheets(path, ("cloud", "chipco", "vc"), estimates=False)["id"]
    )


def test_balance_sheet_figures_follow_the_atlas_evidence_rules(tmp_path):
    from contagion.conftest import balance_sheet_rows

    figs = balance_sheet_rows([("cloud", 5, 20)])
    bad = figs.assign(tier="secondary", notes="")  # a secondary figure says what was searched
    bad.loc[1, ["tier", "source_quote"]] = ["filing", "total liabilities 20"]  # no form etc.
    path = tmp_path / "bad_ev.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        load_balance_sheets(path, ("cloud",))
    found = {(p.row, p.field) for p in info.value.problems}
    assert (1, "notes") in found
    assert {(2, "source_form"), (2, "source_period"), (2, "source_accession")} <= found
