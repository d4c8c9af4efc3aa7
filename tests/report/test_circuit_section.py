"""The report's circuit section states the headline and the binding-only circular dollars."""

from __future__ import annotations

from kreislauf.atlas import load_atlas
from kreislauf.atlas.binding import BindingWeights
from kreislauf.circuit.analysis import analyse
from kreislauf.circuit.graph import FlowOptions
from kreislauf.report.model import ReportContext
from kreislauf.report.sections.circuit import build


def test_headline_and_binding_only_figures_in_both_languages() -> None:
    atlas = load_atlas()
    head = analyse(atlas.relations, atlas.entities).summary()
    bind = analyse(
        atlas.relations, atlas.entities, FlowOptions(binding=BindingWeights.binding_only())
    ).summary()
    assert bind["circular_usd_bn_total"] < head["circular_usd_bn_total"]
    en, de = build(ReportContext(lang="en")), build(ReportContext(lang="de"))
    shown = f"{head['circular_usd_bn_total']:,.0f} / {bind['circular_usd_bn_total']:,.0f}"
    assert shown in en.key_figures.values() and shown in de.key_figures.values()
    assert f"leaves {bind['cycles']} cycles" in en.html
    assert f"bleiben {bind['cycles']} Kreisläufe" in de.html
