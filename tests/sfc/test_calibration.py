"""Calibration of the AI circuit: commitment schedules, fundamentals, the sourced parameter file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import shared_file

from kreislauf.atlas import load_atlas
from kreislauf.data.loaders import load_concentration, load_fundamentals
from kreislauf.errors import InputError
from kreislauf.sfc import load_model, simulate
from kreislauf.sfc.ai_params import (
    calibrated_overrides,
    load_calibration,
    model_values,
    read_params,
)
from kreislauf.sfc.calibration import (
    CONCENTRATION_FILE,
    FUNDAMENTALS_FILE,
    HYPERSCALERS,
    VENDORS,
    ScheduleRules,
    commitment_schedules,
    fundamentals_at,
    market_caps_at,
)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def test_schedule_spreads_stated_terms(atlas) -> None:
    s = commitment_schedules(atlas.relations, atlas.entities, "2026Q3", 40)
    rows = s.rows.set_index("id")
    # R004 (atlas): OpenAI -> Oracle, $300bn over 5 years from 2027: 15 bn a quarter 2027Q1-2031Q4
    i = list(s.rows["id"]).index("R004")
    assert rows.loc["R004", "per_quarter_usd_bn"] == pytest.approx(15.0)
    assert s.matrix[i, :2].sum() == 0.0 and np.allclose(s.matrix[i, 2:22], 15.0)
    assert s.matrix[i, 22:].sum() == 0.0
    # R010: $250bn, no term or start in the atlas: default term (5 y), quarter after announcement
    assert rows.loc["R010", "term_rule"] == "default term"
    assert rows.loc["R010", "start_rule"] == "quarter after announcement"
    assert rows.loc["R010", "first_quarter"] == "2026Q1"
    assert rows.loc["R010", "per_quarter_usd_bn"] == pytest.approx(250 / 20)
    # R030: Cerebras, $10bn through 2028-12: the end date sets the term
    assert rows.loc["R030", "term_rule"] == "end date"


def test_undisclosed_amounts_stay_null_and_are_reported(atlas) -> None:
    s = commitment_schedules(atlas.relations, atlas.entities, "2026Q3", 40)
    und = set(s.undisclosed["id"])
    assert {"R040", "R043", "R066", "R100"} <= und  # no disclosed amount in the atlas
    assert und.isdisjoint(s.rows["id"])
    assert s.summary()["relations_undisclosed"] == len(und)


def test_whole_history_sums_to_the_atlas_amounts(atlas) -> None:
    # 2020Q1 + 80 quarters reaches 2039Q4, past the end of the longest term (ten years from 2026)
    s = commitment_schedules(atlas.relations, atlas.entities, "2020Q1", 80)
    amounts = atlas.relations.set_index("id").loc[list(s.rows["id"]), "amount_usd_bn"].to_numpy()
    assert np.allclose(s.matrix.sum(axis=1), amounts)


def test_verified_only_drops_weaker_tiers(atlas) -> None:
    s = commitment_schedules(
        atlas.relations, atlas.entities, "2026Q3", 40, ScheduleRules(verified_only=True)
    )
    assert "R044" not in set(s.rows["id"])  # secondary tier, marked low confidence


def test_fundamentals_at_the_start_quarter_equal_the_file() -> None:
    f = load_fundamentals(shared_file(FUNDAMENTALS_FILE)).frame
    h = fundamentals_at(f, "2026Q2", HYPERSCALERS).set_index("symbol")
    # figures of the fundamentals file (SEC filings), USD bn
    assert h.loc["MSFT", "revenue"] == pytest.approx(90.007)
    assert h.loc["GOOGL", "net_income"] == pytest.approx(112.193)
    assert h.loc["AMZN", "capex"] == pytest.approx(54.208)
    assert str(h.loc["ORCL", "period_end"].date()) == "2026-05-31"  # fiscal Q4 FY2026
    v = fundamentals_at(f, "2026Q2", VENDORS).set_index("symbol")
    assert v.loc["NVDA", "revenue"] == pytest.approx(81.615)
    assert str(v.loc["NVDA", "period_end"].date()) == "2026-04-26"


def test_market_caps_equal_the_snapshot() -> None:
    c = load_concentration(shared_file(CONCENTRATION_FILE)).frame
    date, caps = market_caps_at(c, "2026Q2", HYPERSCALERS + VENDORS)
    assert str(date.date()) == "2026-06-30"
    assert caps["NVDA"] == pytest.approx(4722.368446, rel=1e-9)
    assert caps["MSFT"] == pytest.approx(2737.898258, rel=1e-9)


def test_shipped_parameter_file_equals_the_data() -> None:
    data_dir = shared_file(FUNDAMENTALS_FILE).parent.parent
    cal = load_calibration(data_dir)
    assert cal.notes == ()  # no difference between the shipped values and the recomputation
    v = cal.values()
    assert v["REV_H0"] == pytest.approx(490.394)  # 90.007 + 119.796 + 200.606 + 60.801 + 19.184
    assert v["CAPEX_H0"] == pytest.approx(181.543)
    assert v["VV0"] == pytest.approx(7374.022, abs=1e-3)


def test_recalibration_notes_differences(tmp_path: Path) -> None:
    f = pd.read_csv(shared_file(FUNDAMENTALS_FILE))
    f.loc[(f["symbol"] == "MSFT") & (f["period_end"] == "2026-06-30"), "revenue"] += 1e9
    (tmp_path / "fundamentals").mkdir()
    f.to_csv(tmp_path / "fundamentals" / Path(FUNDAMENTALS_FILE).name, index=False)
    cal = load_calibration(tmp_path)
    assert any(n.startswith("REV_H0: shipped 490.394, recomputed 491.394") for n in cal.notes)


def test_every_entry_has_a_source_or_a_rationale() -> None:
    cal = load_calibration()
    t = cal.to_frame()
    assert t["source"].str.len().gt(0).all()
    assumptions = t[t["kind"] == "assumption"]
    assert assumptions["rationale"].str.len().gt(20).all()
    assert {"data", "atlas", "derived", "assumption"} <= set(t["kind"])


def test_shipped_model_file_equals_the_calibration() -> None:
    cal = load_calibration()
    params, initial = model_values(list(cal.entries))
    m = load_model("ai_circuit")
    for name, e in params.items():
        assert m.parameters[name].value == e.value, name
    for name, (val, _src) in initial.items():
        assert m.initial[name].value == val, name
    assert tuple(m.exogenous["COMMIT"].value) == tuple(cal.values()["COMMIT"])
    p, i = calibrated_overrides(list(cal.entries))
    assert np.array_equal(simulate(m, 12, params=p, initial=i).cube, simulate(m, 12).cube)


def test_draws_recalibrate_derived_values() -> None:
    cal = load_calibration()
    p, _ = calibrated_overrides(list(cal.entries), {"life_acc": np.array([4.0, 6.0, 8.0])})
    # longer life: less depreciation, so a lower margin on other business matches the same NI
    assert p["mH"][0] > p["mH"][1] > p["mH"][2]
    with pytest.raises(InputError, match="cannot draw"):
        calibrated_overrides(list(cal.entries), {"nope": np.array([1.0])})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("start: 2026Q3\nvalues:\n  a: {value: x, unit: u, source: s}\n", "finite number"),
        ("start: 2026Q3\nvalues:\n  a: {value: 1, unit: u}\n", "source"),
        ("start: 2026Q3\nvalues:\n  a: {value: 1, kind: assumption, source: s}\n", "rationale"),
        ("start: 2026Q3\nvalues:\n  a: {value: 1, source: s, colour: red}\n", "unknown keys"),
    ],
)
def test_bad_parameter_file_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "params.yaml"
    p.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        read_params(p)
    prob = err.value.problems[0]
    assert prob.file == str(p) and prob.row == 3 and prob.field == "a"


def test_model_file_is_what_the_calibration_renders(tmp_path: Path) -> None:
    from kreislauf.sfc.ai_params import refresh_model_file

    shipped = Path(load_model("ai_circuit").file)
    copy = tmp_path / "ai_circuit.yaml"
    copy.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    assert refresh_model_file(copy) == shipped.read_text(encoding="utf-8")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.floats(0.1, 500.0),
    term=st.one_of(st.none(), st.integers(1, 12)),
    start_year=st.integers(2024, 2030),
    start_q=st.integers(1, 4),
)
def test_schedule_conserves_each_amount(atlas, amount, term, start_year, start_q) -> None:
    rel = atlas.relations[atlas.relations["id"] == "R004"].copy()
    rel["amount_usd_bn"] = amount
    rel["term_years"] = np.nan if term is None else float(term)
    rel["start_date"] = pd.Period(f"{start_year}Q{start_q}", freq="Q").start_time
    rel["end_date"] = pd.NaT  # without term and end date the default 5-year term applies
    s = commitment_schedules(rel, atlas.entities, "2020Q1", 100)
    n_q = 20 if term is None else 4 * term
    assert s.matrix.sum() == pytest.approx(amount, rel=1e-12)
    assert (s.matrix > 0).sum() == n_q
