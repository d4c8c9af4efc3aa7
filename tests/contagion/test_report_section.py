"""The contagion report section, in English and German."""

from __future__ import annotations

from kreislauf.report.model import ReportContext
from kreislauf.report.sections.contagion import build


def test_section_en_and_de():
    en = build(ReportContext(lang="en"))
    de = build(ReportContext(lang="de"))
    assert en.key == de.key == "contagion"
    assert "OpenAI pays nothing" in en.html and "OpenAI nichts" in de.html
    assert "unresolved" in en.html and "ungeklärt" in de.html
    scen = en.tables[0][1]
    assert len(scen) == 3
    # exposure bounds the realised loss in every standard scenario
    assert (scen["exposure (USD bn)"] >= scen["realised loss (USD bn)"]).all()
    assert len(en.figures) == 1 and en.key_figures
    assert any("balance_sheets.csv" in s for s in en.sources)


def test_german_tables_and_figure_are_german():
    en = build(ReportContext(lang="en"))
    de = build(ReportContext(lang="de"))
    english_outcomes = {"defaults (scenario)", "defaults", "survives", "unresolved"}
    for (_, t_en), (_, t_de) in zip(en.tables, de.tables, strict=True):
        assert len(t_en) == len(t_de)
        assert not set(t_de.columns) & set(t_en.columns) - {"Exposure (Mrd. USD)"}
    nodes_de = de.tables[1][1]
    assert "Ergebnis" in nodes_de.columns
    assert not set(nodes_de["Ergebnis"]) & english_outcomes
    assert "ungeklärt" in set(nodes_de["Ergebnis"])
    assert "fällt aus (Szenario)" in set(nodes_de["Ergebnis"])  # OpenAI, by the scenario
    fig = de.figures[0]
    assert "Exposure je Knoten" in fig.layout.title.text
    assert not set(fig.data[1].text) & english_outcomes
