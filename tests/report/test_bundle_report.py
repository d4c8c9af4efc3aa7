"""`kreislauf report` on a fresh machine: no data directory, an empty store, only the bundle."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kreislauf.cli.main import app
from kreislauf.report.model import ReportContext
from kreislauf.report.sections import bubble, claims

runner = CliRunner()


@pytest.fixture()
def fresh_home(tmp_path, monkeypatch) -> Path:
    """A clean home: no KREISLAUF_DATA_DIR, no store."""
    monkeypatch.delenv("KREISLAUF_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KREISLAUF_STORE", str(tmp_path / ".cache" / "store.duckdb"))
    return tmp_path


@pytest.fixture(scope="module")
def sections() -> dict[str, object]:
    return {lang: bubble.build(ReportContext(lang=lang)) for lang in ("en", "de")}


def test_bubble_section_runs_on_the_bundle(sections):
    en = sections["en"]
    assert en.available
    html = en.html
    # PSY on the price-dividend ratio with dated episodes: 1929 and the dot-com bubble
    spans = re.findall(r"(\d{4}-\d{2}) – (\d{4}-\d{2})", html)
    assert any(a <= "1929-06" <= b for a, b in spans), spans
    assert any(a <= "1999-12" <= b for a, b in spans), spans
    psy = dict(en.tables)["PSY date-stamping (monthly)"]
    assert "price/dividend" in psy["series"].iloc[0]
    # CAPE, trailing P/E, the largest-7 share and capex against revenue
    assert "38.1 in 2026-04" in html and "trailing twelve-month P/E" in html
    assert "the seven largest companies" in html
    assert "411.5 bn USD in the quarters ending in 2025" in html
    assert "Capex against revenue, last twelve months" in dict(en.tables)
    assert any("largest-7" in k for k in en.key_figures)


def test_each_figure_states_its_source_and_vintage(sections):
    en, de = sections["en"], sections["de"]
    for resource in (
        "kreislauf/data/bundle/shiller_ie_data_monthly.csv",
        "kreislauf/data/bundle/bigtech_quarterly_revenue_netincome_capex_2020_2026.csv",
        "kreislauf/data/bundle/sp500_marketcap_concentration_snapshots.csv",
    ):
        assert resource in en.html and resource in de.html
    assert "July 2026 edition" in en.html and "Ausgabe Juli 2026" in de.html
    assert "88 snapshots, 2024-10-10 .. 2026-08-20" in en.html
    assert "kreislauf data fetch ^GSPC" in en.html  # what the bundle cannot ship
    assert "aus dem mit kreislauf ausgelieferten Datenpaket" in de.html


def test_a_data_directory_replaces_the_bundle(shared_data):
    s = bubble.build(ReportContext(data_dir=shared_data))
    assert "kreislauf/data/bundle" not in s.html
    assert "shiller/shiller_ie_data_monthly.csv in the data directory" in s.html


def test_claims_audit_uses_the_bundle():
    with_bundle = claims.build(ReportContext())
    without = claims.build(ReportContext(bundle=False))
    t_with = dict(with_bundle.tables)["Claims and verdicts"]
    t_without = dict(without.tables)["Claims and verdicts"]
    n_with = int((t_with["verdict"] == "not checkable").sum())
    n_without = int((t_without["verdict"] == "not checkable").sum())
    assert n_with < n_without
    cape = t_with.set_index("claim").loc["C03"]
    assert cape["verdict"] != "not checkable"
    # the README's figures for the bundle alone
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    counts = t_with["verdict"].value_counts()
    settled = counts["supported"] + counts["contradicted"]
    assert (
        f"On the bundle alone the claims audit settles {settled}"
        f"\nclaims ({counts['supported']} supported, {counts['contradicted']} contradicted) and "
        f"leaves {n_with} not checkable, against {n_without} without it."
    ) in readme
    assert any("kreislauf/data/bundle" in s for s in with_bundle.sources)


def test_cli_report_on_a_fresh_machine(fresh_home):
    out = fresh_home / "r.html"
    res = runner.invoke(app, ["report", "--section", "bubble", "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "No market data was found" not in html
    assert "PSY episodes in the S&amp;P 500&#x27;s price-dividend ratio" in html
    assert not (fresh_home / ".cache").exists()  # the report never creates a store


def test_key_figure_cards_carry_a_line_of_context(sections, tmp_path):
    """Each of the bubble section's cards says what its number is measured against."""
    from kreislauf.report.build import render_html
    from kreislauf.report.model import KeyFigure

    en = sections["en"]
    assert all(isinstance(v, KeyFigure) and v.context for v in en.key_figures.values())
    cape = next(v for k, v in en.key_figures.items() if "CAPE" in k)
    assert str(cape) == "38.1 (2026-04)" and "median since 1881: 16.6" in cape.context
    html = render_html([en], ReportContext())
    assert '<span class="kfc">median since 1881: 16.6; dot-com peak 44.2</span>' in html
