"""Report section: the DRAM market under oligopoly and hoarding."""

from __future__ import annotations

from kreislauf.report.build import escape
from kreislauf.report.figures import human_columns, readable
from kreislauf.report.model import KeyFigure, ReportContext, Section


def build(ctx: ReportContext) -> Section:
    """Run the standard scarcity scenarios on the shipped parameters."""
    from kreislauf.memory.params import SHIPPED, load_params
    from kreislauf.memory.scenarios import compare, standard_scenarios

    p = load_params()
    comp = compare(p, standard_scenarios(p))
    table = comp.table(brief=True).round(2)
    letters = next(n for n in comp.runs if "letters" in n)
    s_l = comp.runs[letters].summary()
    s_0 = comp.runs["no hoarding"].summary()
    s_r = comp.runs["crash, hoard released"].summary()
    t = ctx.t
    html = (
        "<p>"
        + escape(
            t(
                "A monthly model of the DRAM market: four producers (Samsung, SK Hynix, Micron, "
                "the rest) compete in quantities under capacity limits; new fabs arrive only "
                "after a multi-year build lag and only when expected prices beat full cost plus "
                "a bubble risk premium; a hoarding buyer locks in part of the output; other "
                "buyers build precautionary stocks as prices rise (the panic).",
                "Ein Monatsmodell des DRAM-Marktes: vier Hersteller (Samsung, SK Hynix, Micron, "
                "der Rest) konkurrieren mit Mengen unter Kapazitätsgrenzen; neue Fabriken kommen "
                "erst nach mehrjähriger Bauzeit und nur, wenn erwartete Preise die Vollkosten "
                "plus eine Blasen-Risikoprämie decken; ein hortender Käufer sichert sich einen "
                "Teil der Produktion; andere Käufer legen bei steigenden Preisen Vorräte an "
                "(die Panik).",
            )
        )
        + "</p><p>"
        + escape(
            t(
                f"With OpenAI's letters ({letters}) the kit price peaks at "
                f"{s_l['peak_multiple']:.1f}x its mid-2025 level in {s_l['peak_month']}; "
                f"without hoarding it peaks at {s_0['peak_multiple']:.2f}x. If the bubble "
                f"bursts and the hoard is sold, the price falls to "
                f"{s_r['min_price_eur'] / p.reference_price:.2f}x.",
                f"Mit OpenAIs Absichtserklärungen ({letters}) erreicht der Kit-Preis in "
                f"{s_l['peak_month']} das {s_l['peak_multiple']:.1f}-Fache des Niveaus von "
                f"Mitte 2025; ohne Horten höchstens das {s_0['peak_multiple']:.2f}-Fache. "
                f"Platzt die Blase und wird der Vorrat verkauft, fällt der Preis auf das "
                f"{s_r['min_price_eur'] / p.reference_price:.2f}-Fache.",
            )
        )
        + "</p>"
    )
    notes = [
        t(
            "Seed 01 reports DDR5 kits at about 80 EUR in mid-2025 and close to 400 EUR six "
            "months later (5x); the calibrated model reaches about 4x. Panic sensitivities are "
            "calibrated to that one episode and are not independent estimates.",
            "Artikel 01 nennt DDR5-Kits für rund 80 EUR Mitte 2025 und knapp 400 EUR ein halbes "
            "Jahr später (5-fach); das kalibrierte Modell erreicht etwa das 4-Fache. Die "
            "Panik-Parameter sind auf diese eine Episode kalibriert, keine unabhängigen "
            "Schätzungen.",
        ),
        t(
            "Prices are an index in EUR per 32 GB DDR5 kit anchored at the mid-2025 price; "
            "quantities are thousand wafer starts per month.",
            "Preise sind ein Index in EUR je 32-GB-DDR5-Kit, verankert am Preis von Mitte 2025; "
            "Mengen in tausend Wafer-Starts pro Monat.",
        ),
    ]
    sources = [f"{SHIPPED.name}: {k} — {v}" for k, v in list(p.sources.items())[:6]]
    sources.append(
        t(
            "All parameter sources: kreislauf memory --sources",
            "Alle Parameterquellen: kreislauf memory --sources",
        )
    )
    section = Section(
        key="memory",
        title=t("Scarcity: the DRAM market", "Knappheit: der DRAM-Markt"),
        html=html,
        figures=[readable(f, ctx) for f in (comp.plot(), comp.runs[letters].plot())],
        tables=[(t("Scenarios", "Szenarien"), table)],
        key_figures={
            t(
                "DRAM kit price peak with the letters (x mid-2025)",
                "DRAM-Kit-Preisspitze mit den Absichtserklärungen (x Mitte 2025)",
            ): KeyFigure(
                f"{s_l['peak_multiple']:.1f}x",
                t(
                    f"in {s_l['peak_month']}; without hoarding {s_0['peak_multiple']:.2f}x",
                    f"im {s_l['peak_month']}; ohne Horten {s_0['peak_multiple']:.2f}-fach",
                ),
            ),
        },
        sources=sources,
        notes=notes,
    )
    section.tables = [(cap, human_columns(df, ctx)) for cap, df in section.tables]
    return section
