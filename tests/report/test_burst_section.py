"""The burst report section (AI-circuit SFC model), in English and German."""

from __future__ import annotations

import pytest

from kreislauf.report.build import SECTIONS
from kreislauf.report.model import ReportContext
from kreislauf.report.sections.burst import MC_DRAWS, build


@pytest.fixture(scope="module")
def en():
    return build(ReportContext(lang="en"))


@pytest.fixture(scope="module")
def de():
    return build(ReportContext(lang="de"))


def test_registered() -> None:
    assert "burst" in SECTIONS


def test_section_content(en) -> None:
    assert en.key == "burst"
    defaults, wealth, calib = (t for _, t in en.tables)
    assert len(defaults) == len(wealth) == 6  # baseline and five scenarios
    assert "35,000" in en.html and "not tuned" in en.html
    assert "Handed to the contagion engine" in en.html and "one-way coupling" in en.html
    assert (wealth.filter(like="USD bn").to_numpy() >= 0).all()
    assert {"data", "atlas", "derived", "assumption"} <= set(calib["kind"])
    assert calib["source"].str.len().gt(0).all()
    assert len(en.figures) == 2
    assert f"{MC_DRAWS} draws" in en.figures[1].layout.title.text
    assert len(en.figures[0].data) == 6


def test_german_is_german(en, de) -> None:
    assert de.title != en.title and "Glaubensmaschine" in de.html
    for (_, t_en), (_, t_de) in zip(en.tables, de.tables, strict=True):
        assert len(t_en) == len(t_de)
        assert set(t_de.columns).isdisjoint(t_en.columns)
    assert "35.000" in de.html and "Ansteckungs-Engine" in de.html
    assert "Basisszenario" in set(de.tables[0][1].iloc[:, 0])
    assert set(de.key_figures).isdisjoint(en.key_figures)


def test_same_seed_same_numbers(en) -> None:
    again = build(ReportContext(lang="en"))
    assert again.key_figures == en.key_figures


def test_report_runs_the_ai_circuit_scenarios_once(monkeypatch) -> None:
    """The claims audit and the burst section share one run of the scenarios."""
    import kreislauf.sfc.burst as burst
    from kreislauf.report.build import build_sections

    calls = []
    real = burst.compare
    monkeypatch.setattr(burst, "compare", lambda *a, **k: calls.append(1) or real(*a, **k))
    ctx = ReportContext(lang="en")
    claims, section = build_sections(ctx, ["claims", "burst"])
    assert len(calls) == 1 and section.available and claims.available
