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
