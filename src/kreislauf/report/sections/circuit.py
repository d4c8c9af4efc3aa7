"""Report section: the circuit — cycles, circular dollars, exposures, centrality."""

from __future__ import annotations

from kreislauf.paths import shown_path
from kreislauf.report.build import escape
from kreislauf.report.figures import human_columns, readable
from kreislauf.report.model import ReportContext, Section


def build(ctx: ReportContext) -> Section:
    """Analyse the atlas's money graph with the default options and a seeded null model."""
    from kreislauf.atlas import load_atlas
    from kreislauf.circuit.analysis import analyse
    from kreislauf.circuit.graph import FlowOptions
    from kreislauf.circuit.nullmodel import null_model
    from kreislauf.circuit.views import sankey_figure

    t = ctx.t
    atlas = load_atlas(ctx.atlas_dir)
    r = analyse(atlas.relations, atlas.entities)
    verified = analyse(atlas.relations, atlas.entities, FlowOptions(tiers="verified"))
    from kreislauf.atlas.binding import BindingWeights

    binding = analyse(
        atlas.relations, atlas.entities, FlowOptions(binding=BindingWeights.binding_only())
    )
    sb = binding.summary()
    nm = null_model(r.edges, draws=499, seed=ctx.seed, max_length=r.max_length)
    s = r.summary()
    known = r.cycles.dropna(subset=["circular_usd_bn"])
    html = (
        "<p>"
        + escape(
            t(
                f"Counting every flow relation of the atlas, the money graph has {s['edges']} flows "
                f"and {s['cycles']} cycles of up to {r.max_length} steps; {len(known)} of them have a "
                f"disclosed amount on every leg, worth {s['circular_usd_bn_total']:,.1f} bn USD of "
                "circular dollars in total (each cycle counted at its smallest leg). Cycles with an "
                "undisclosed leg are shown with an unknown amount, not zero. Counting only filings, "
                f"company releases and major press leaves {len(verified.cycles)} cycles.",
                f"Zählt man alle Geldströme des Atlas, hat der Geldgraph {s['edges']} Ströme und "
                f"{s['cycles']} Kreisläufe mit bis zu {r.max_length} Schritten; bei {len(known)} ist "
                f"jeder Schritt beziffert, zusammen {s['circular_usd_bn_total']:,.1f} Mrd. USD "
                "zirkulärer Dollar (jeder Kreislauf mit seinem kleinsten Schritt). Kreisläufe mit "
                "unbeziffertem Schritt stehen mit unbekanntem Betrag da, nicht mit null. Nur "
                f"Pflichtveröffentlichungen, Unternehmensmitteilungen und große Presse ergeben "
                f"{len(verified.cycles)} Kreisläufe.",
            )
        )
        + "</p><p>"
        + escape(
            t(
                f"Counting only binding legs -- non-cancellable contracts and funded or delivered "
                f"amounts, without letters of intent, cancellable and unknown commitments -- "
                f"leaves {sb['cycles']} cycles and {sb['circular_usd_bn_total']:,.1f} bn USD of "
                "circular dollars: most of the loop rests on deals whose bindingness the "
                "documents found do not state.",
                f"Zählt man nur bindende Schritte -- unkündbare Verträge, ausgezahlte oder "
                f"gelieferte Beträge, ohne Absichtserklärungen, kündbare und unbekannte Zusagen --, "
                f"bleiben {sb['cycles']} Kreisläufe und {sb['circular_usd_bn_total']:,.1f} Mrd. "
                "USD zirkulärer Dollar: der größte Teil des Kreislaufs ruht auf Geschäften, deren "
                "Verbindlichkeit die gefundenen Dokumente nicht angeben.",
            )
        )
        + "</p><p>"
        + escape(
            t(
                f"Against {len(nm.null)} rewired networks ({nm.preserves}), the empirical p-values are "
                f"{nm.p_values['cycles']:.3f} for the number of cycles and "
                f"{nm.p_values['circular_usd_bn']:.3f} for circular dollars (seed {ctx.seed}).",
                f"Gegen {len(nm.null)} umverdrahtete Netze ({nm.preserves}) betragen die empirischen "
                f"p-Werte {nm.p_values['cycles']:.3f} für die Zahl der Kreisläufe und "
                f"{nm.p_values['circular_usd_bn']:.3f} für zirkuläre Dollar (Seed {ctx.seed}).",
            )
        )
        + "</p>"
    )
    cyc = r.to_frame()[["cycle", "length", "weakest_tier", "circular_usd_bn", "relation_ids"]]
    section = Section(
        key="circuit",
        title=t("Circuit: money going round", "Kreislauf: Geld, das im Kreis läuft"),
        html=html,
        figures=[readable(f, ctx) for f in (r.plot(), sankey_figure(r), nm.plot())],
        tables=[
            (t("Cycles of money", "Geldkreisläufe"), cyc),
            (
                t(
                    "Vendor-financed share of committed inflows",
                    "Vom Lieferanten finanzierter Anteil der zugesagten Einnahmen",
                ),
                r.vendor_financing.drop(columns=["relation_ids"]).round(3),
            ),
            (t("Backlog concentration", "Konzentration der Auftragsbestände"), r.backlog.round(3)),
            (t("Centrality", "Zentralität"), r.centrality.round(4)),
            (t("Null model", "Nullmodell"), nm.to_frame().round(4)),
        ],
        key_figures={
            t("cycles of money in the atlas", "Geldkreisläufe im Atlas"): str(s["cycles"]),
            t(
                "circular dollars: all deals / binding only (USD bn)",
                "zirkuläre Dollar: alle Geschäfte / nur bindende (Mrd. USD)",
            ): f"{s['circular_usd_bn_total']:,.0f} / {sb['circular_usd_bn_total']:,.0f}",
            t(
                "largest fully disclosed cycle (USD bn)",
                "größter voll bezifferter Kreislauf (Mrd. USD)",
            ): (f"{s['largest_cycle_usd_bn']:,.0f}" if s["largest_cycle_usd_bn"] else "—"),
        },
        sources=[shown_path(atlas.source_dir / "relations.csv")],
        notes=[
            t(
                "Circular dollars are the smallest flow on a loop: the most that can go round "
                "in full. Vendor-financed shares measure exposure, not proof that the same "
                "dollars circulate (money is fungible).",
                "Zirkuläre Dollar sind der kleinste Strom eines Kreislaufs: das Höchste, was "
                "vollständig umlaufen kann. Lieferantenfinanzierte Anteile messen ein Risiko, "
                "keinen Beweis, dass dieselben Dollar kreisen (Geld ist fungibel).",
            ),
        ],
    )
    section.tables = [(cap, human_columns(df, ctx)) for cap, df in section.tables]
    return section
