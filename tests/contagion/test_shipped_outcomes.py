"""If OpenAI cannot pay: Oracle's, CoreWeave's and Microsoft's outcomes recomputed by hand.

Each figure is rebuilt from the atlas rows and the balance-sheet figures it names, with the
stress test's stated rules: one year's horizon, payments spread evenly over the term (the
median disclosed term, 5 years, where none is given), a stake lost with its defaulting
investee, a backstop paying its beneficiary's lost sales up to what falls due under it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kreislauf.atlas import load_atlas
from kreislauf.contagion.balance_sheets import load_balance_sheets, load_financials
from kreislauf.contagion.circuit_map import map_atlas
from kreislauf.contagion.stress import Scenario, stress_test

ATLAS = load_atlas()
REL = ATLAS.relations.set_index("id")
CMAP = map_atlas(ATLAS)
SHEETS = load_balance_sheets(None, CMAP.nodes, domains=ATLAS.party_domains())
FIGURES = load_financials(None, CMAP.nodes, domains=ATLAS.party_domains())
KINDS = dict(zip(ATLAS.entities["id"], ATLAS.entities["kind"], strict=True))
RESULT = stress_test(CMAP, SHEETS, Scenario(default_node="openai"), kinds=KINDS)
OUT = RESULT.to_frame().set_index("node")


def due(rid: str, default_term: float = 5.0) -> float:
    """One year's share of a relation's amount, its term as the stress test reads it."""
    r = REL.loc[rid]
    term = r["term_years"] if pd.notna(r["term_years"]) else default_term
    return float(r["amount_usd_bn"]) * min(1.0, 1.0 / term)


def figure(entity: str, metric: str, as_of: str) -> float:
    f = FIGURES[
        (FIGURES["entity_id"] == entity)
        & (FIGURES["metric"] == metric)
        & (FIGURES["as_of"] == as_of)
    ]
    assert len(f) == 1, (entity, metric, as_of)
    return float(f["value_usd"].iloc[0])


def test_the_default_term_is_five_years() -> None:
    assert CMAP.term_years_used == 5.0


def test_oracle_defaults() -> None:
    # R004: OpenAI's ~$300bn, 5-year Oracle contract; a fifth falls due within the year.
    assert REL.loc["R004", "term_years"] == 5.0
    lost = due("R004")
    assert lost == pytest.approx(60.0)
    # Oracle's book equity, 10-Q for the quarter ended 2025-08-31: $24,666m.
    equity = figure("oracle", "equity", "2025-08-31")
    assert equity == pytest.approx(24.666)
    assert OUT.loc["oracle", "realised_loss_usd_bn"] == pytest.approx(lost)
    assert OUT.loc["oracle", "equity_left_realised_usd_bn"] == pytest.approx(equity - lost)
    assert OUT.loc["oracle", "outcome"] == "defaults"  # 60 > 24.7


def test_coreweave_survives_on_nvidia_s_backstop() -> None:
    # OpenAI's three CoreWeave contracts: R012 ($11.9bn over 5 years), R014 ($4.0bn) and
    # R015 ($6.5bn), the last two without a stated term (default 5 years).
    receivables = due("R012") + due("R014") + due("R015")
    assert receivables == pytest.approx(2.38 + 0.8 + 1.3)
    # R013: $350m of OpenAI stock CoreWeave received, held at cost, lost with OpenAI.
    stake = float(REL.loc["R013", "amount_usd_bn"])
    # R016: NVIDIA's $6.3bn capacity backstop, no term stated: a fifth falls due, and it
    # pays CoreWeave's lost sales up to that.
    backstop = min(due("R016"), receivables)
    loss = receivables + stake - backstop
    assert loss == pytest.approx(3.57)
    equity = figure("coreweave", "equity", "2025-09-30")
    assert OUT.loc["coreweave", "realised_loss_usd_bn"] == pytest.approx(loss)
    assert OUT.loc["coreweave", "backstop_owed_realised_usd_bn"] == pytest.approx(0.0)
    assert OUT.loc["nvidia", "backstop_owed_realised_usd_bn"] == pytest.approx(backstop)
    assert OUT.loc["coreweave", "outcome"] == "survives"
    assert OUT.loc["coreweave", "equity_left_realised_usd_bn"] == pytest.approx(equity - loss)


def test_microsoft_survives_the_loss_of_its_stake() -> None:
    # R010: OpenAI's incremental $250bn Azure commitment (10-Q), no term: $50bn a year.
    # R410: the stake's reported value, $135bn (R009 gives the 27 %), lost with OpenAI.
    loss = due("R010") + float(REL.loc["R410", "amount_usd_bn"])
    assert loss == pytest.approx(185.0)
    assert REL.loc["R009", "stake_pct"] == 27.0
    assets = figure("microsoft", "total_assets", "2025-12-31")
    liabilities = figure("microsoft", "total_liabilities", "2025-12-31")
    equity = figure("microsoft", "equity", "2025-12-31")
    assert equity == pytest.approx(assets - liabilities)  # equity inferred as A - L
    assert OUT.loc["microsoft", "realised_loss_usd_bn"] == pytest.approx(loss)
    assert OUT.loc["microsoft", "outcome"] == "survives"
    assert OUT.loc["microsoft", "equity_left_realised_usd_bn"] == pytest.approx(equity - loss)


def test_every_listed_company_the_default_touches_is_resolved_or_says_why() -> None:
    listed = set(ATLAS.entities.loc[ATLAS.entities["ticker"].notna(), "id"])
    touched = OUT[(OUT["outcome"] != "unaffected") & OUT.index.isin(listed)]
    for node, row in touched.iterrows():
        if row["outcome"] == "unresolved":
            assert "no sourced balance sheet" in row["reason"], node
            assert node not in set(SHEETS["id"])
        else:
            assert row["outcome"] in ("defaults", "survives"), node
