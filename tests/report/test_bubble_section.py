"""The bubble report section: real figures from the shared data, EN and DE, and no data."""

from __future__ import annotations

import pytest
from tests.conftest import shared_file

from kreislauf.bubble.concentration import concentration
from kreislauf.bubble.valuation import index_valuation
from kreislauf.data.loaders import load_concentration, load_shiller
from kreislauf.report.model import ReportContext
from kreislauf.report.sections.bubble import PSY_REPS, build


@pytest.fixture(scope="module")
def sections(shared_data):
    return {lang: build(ReportContext(lang=lang, data_dir=shared_data)) for lang in ("en", "de")}


def test_no_data_says_so_and_names_the_commands(tmp_path):
    """With the bundle switched off and no directory or store, nothing is shown."""
    for lang in ("en", "de"):
        s = build(
            ReportContext(
                lang=lang, data_dir=None, store_path=tmp_path / "absent.duckdb", bundle=False
            )
        )
        assert s.key == "bubble" and not s.available
        assert not s.figures and not s.tables and not s.key_figures
        assert "kreislauf report --data-dir" in s.html and "kreislauf data fetch" in s.html
    assert "No market data" in build(ReportContext(bundle=False)).html
    assert "keine Marktdaten" in build(ReportContext(lang="de", bundle=False)).html
    assert not (tmp_path / "absent.duckdb").exists()


def test_figures_come_from_the_data(sections):
    en = sections["en"]
    assert en.available
    sh = load_shiller(shared_file("shiller/shiller_ie_data_monthly.csv")).frame
    v = index_valuation(sh).summary()
    assert f"{v['cape_latest']:,.1f} in {v['cape_latest_month']}" in en.html  # 38.1 in 2026-04
    conc = load_concentration(
        shared_file("fundamentals/sp500_marketcap_concentration_snapshots.csv")
    )
    c = concentration(conc.frame).summary()["snapshots"]
    assert f"hold {c['mag7_share']:.1%}" in en.html  # 34.8 %, Alphabet once
    assert f"{c['mag7_share_file']:.1%}, counts Alphabet twice" in en.html  # the file's 38.6 %
    assert "411.5 bn USD in the quarters ending in 2025" in en.html
    assert str(PSY_REPS) in " ".join(en.notes)
    assert len(en.figures) >= 4 and len(en.key_figures) >= 4
    assert any("shiller_ie_data_monthly.csv" in s for s in en.sources)


def test_psy_dates_the_classic_episodes(sections):
    """PSY (2015, IER) date-stamp the 1929 boom and the dot-com bubble in the S&P 500's
    price-dividend ratio; the section's run (199 replications) finds both."""
    psy = dict(sections["en"].tables)["PSY date-stamping (monthly)"]
    pd_row = psy[psy["series"].str.contains("price/dividend")].iloc[0]
    spans = [e.split("..") for e in pd_row["episodes"].split("; ")]
    assert any(a <= "1929-06-30" <= b for a, b in spans)
    assert any(a <= "1999-12-31" <= b for a, b in spans)
    assert {"^GSPC", "^IXIC", "NVDA", "MSFT"} <= set(psy["series"])
    assert psy["error"].isna().all() if "error" in psy else True


def test_german_prose_and_tables(sections):
    en, de = sections["en"], sections["de"]
    assert "Konzentration" in de.html and "Alphabet doppelt" in de.html
    assert en.title != de.title and set(en.key_figures) != set(de.key_figures)
    assert len(en.tables) == len(de.tables)
    for (cap_en, t_en), (cap_de, t_de) in zip(en.tables, de.tables, strict=True):
        assert cap_en != cap_de and len(t_en) == len(t_de)
        if len(t_en.columns) > 1:
            assert list(t_en.columns) != list(t_de.columns)


def test_lppls_confidence_on_the_chosen_series(sections):
    """LPPLS confidence on NVDA and ^NDX equals a direct call with the section's settings."""
    from kreislauf.bubble.inputs import load_market_data
    from kreislauf.bubble.lppls_confidence import confidence
    from kreislauf.report.sections.bubble import LPPLS_DAYS, LPPLS_OPTIONS

    lp = dict(sections["en"].tables)["LPPLS confidence"].set_index("series")
    assert list(lp.index) == ["NVDA", "^NDX"]
    data = load_market_data(shared_file("stocks/ai_stocks_daily_close_2000_2026.csv").parent.parent)
    direct = confidence(
        data.series("NVDA").tail(LPPLS_DAYS), seed=ReportContext().seed, **LPPLS_OPTIONS
    ).summary()
    assert lp.loc["NVDA", "end dates"] == direct["n_end_dates"]
    assert lp.loc["NVDA", "highest bubble confidence"] == pytest.approx(
        direct["max_pos_conf"], abs=1e-3
    )
    assert (lp["bubble confidence now"].between(0, 1)).all()
    assert "620 daily closes" in " ".join(sections["en"].notes)
