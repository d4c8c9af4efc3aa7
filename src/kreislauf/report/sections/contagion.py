"""Report section: contagion -- who loses what if a node of the AI circuit cannot pay."""

from __future__ import annotations

import pandas as pd

from kreislauf.report.build import escape
from kreislauf.report.model import ReportContext, Section

# The standard scenarios of the section: (key, scenario arguments, English, German label).
SCENARIOS = [
    (
        "openai",
        {"default_node": "openai"},
        "OpenAI pays nothing due this year",
        "OpenAI zahlt nichts vom in diesem Jahr Fälligen",
    ),
    ("demand", {"demand_drop": 0.2}, "AI demand falls 20 %", "KI-Nachfrage sinkt um 20 %"),
    ("chips", {"chip_price_shock": 0.3}, "chip prices fall 30 %", "Chippreise fallen um 30 %"),
]


def build(ctx: ReportContext) -> Section:
    """Run the standard scenarios on the shipped atlas and balance-sheet file (EN clearing)."""
    from kreislauf.atlas import load_atlas
    from kreislauf.contagion.balance_sheets import SHIPPED_BALANCE_SHEETS, load_balance_sheets
    from kreislauf.contagion.circuit_map import map_atlas
    from kreislauf.contagion.stress import Scenario, StressOptions, stress_test

    t = ctx.t
    atlas = load_atlas(ctx.atlas_dir)
    cmap = map_atlas(atlas)
    bs = load_balance_sheets(None, cmap.nodes)
    names = dict(zip(atlas.entities["id"], atlas.entities["name"], strict=True))
    kinds = dict(zip(atlas.entities["id"], atlas.entities["kind"], strict=True))
    opts = StressOptions(model="en", seniority="pari_passu")
    results = {
        key: stress_test(cmap, bs, Scenario(**args), opts, names, kinds)
        for key, args, _, _ in SCENARIOS
    }
    rows = []
    for key, _, en, de in SCENARIOS:
        s = results[key].summary()
        rows.append(
            {
                t("scenario", "Szenario"): t(en, de),
                t("realised loss (USD bn)", "realisierter Verlust (Mrd. USD)"): round(
                    s["realised_loss_usd_bn"], 1
                ),
                t("exposure (USD bn)", "Exposure (Mrd. USD)"): round(s["exposure_usd_bn"], 1),
                t("defaults", "Ausfälle"): ", ".join(s["defaults"]) or "—",
                t("unresolved nodes", "ungeklärte Knoten"): len(s["unresolved"]),
            }
        )
    summary_table = pd.DataFrame(rows)
    o = results["openai"]
    so = o.summary()
    top = o.to_frame()
    top = top[top["outcome"] != "unaffected"][
        ["node", "balance_sheet", "realised_loss_usd_bn", "exposure_usd_bn", "outcome"]
    ].round(2)
    outcome_de = {
        "defaults (scenario)": "fällt aus (Szenario)",
        "defaults": "fällt aus",
        "survives": "übersteht",
        "unresolved": "ungeklärt",
        "unaffected": "nicht betroffen",
        "loss reaches sector": "Verlust erreicht Sektor",
    }
    top["outcome"] = [t(x, outcome_de.get(x, x)) for x in top["outcome"]]
    top["balance_sheet"] = [
        t(x, {"sourced": "belegt", "unknown": "unbekannt"}.get(x, x)) for x in top["balance_sheet"]
    ]
    top = top.rename(
        columns={
            "node": t("node", "Knoten"),
            "balance_sheet": t("balance sheet", "Bilanz"),
            "realised_loss_usd_bn": t("realised loss (USD bn)", "realisierter Verlust (Mrd. USD)"),
            "exposure_usd_bn": t("exposure (USD bn)", "Exposure (Mrd. USD)"),
            "outcome": t("outcome", "Ergebnis"),
        }
    )
    undisclosed = cmap.undisclosed[["relation_id", "type", "from_id", "to_id"]].rename(
        columns={
            "relation_id": t("relation", "Beziehung"),
            "type": t("type", "Art"),
            "from_id": t("from", "von"),
            "to_id": t("to", "an"),
        }
    )
    fig = o.plot()
    fig.update_layout(
        title=t(
            "OpenAI pays nothing due this year: realised loss and exposure by node",
            "OpenAI zahlt nichts vom in diesem Jahr Fälligen: realisierter Verlust und "
            "Exposure je Knoten",
        ),
        yaxis_title=t("USD bn", "Mrd. USD"),
    )
    fig.data[0].name = t("realised loss", "realisierter Verlust")
    fig.data[1].name = t("at risk (exposure - realised)", "gefährdet (Exposure - realisiert)")
    fig.data[1].text = [
        t(x, outcome_de.get(x, x))
        for x in (fig.data[1].text if fig.data[1].text is not None else ())
    ]
    a = cmap.assumptions
    html = (
        "<p>"
        + escape(
            t(
                f"The atlas is mapped onto an obligation network: {len(cmap.obligations)} purchase "
                f"commitments and loans with disclosed amounts become what the buyer (borrower) owes "
                f"within a {a.horizon_years:g}-year horizon, spreading each evenly over its term "
                f"(where no term is disclosed: {cmap.term_years_used:g} years, the median of the "
                f"disclosed terms); {len(cmap.holdings)} stakes are valued off the investee's "
                f"equity; {len(cmap.backstops)} backstops pay their beneficiary's lost sales up to "
                f"their cap. {len(cmap.undisclosed)} relations that would belong in the network "
                "have no disclosed amount and cannot be counted.",
                f"Der Atlas wird auf ein Netz von Verpflichtungen abgebildet: "
                f"{len(cmap.obligations)} bezifferte Abnahmezusagen und Kredite werden zu dem, was "
                f"der Käufer (Schuldner) innerhalb von {a.horizon_years:g} Jahr(en) schuldet, "
                f"gleichmäßig über die Laufzeit verteilt (ohne angegebene Laufzeit: "
                f"{cmap.term_years_used:g} Jahre, der Median der angegebenen); "
                f"{len(cmap.holdings)} Beteiligungen werden nach dem Eigenkapital des "
                f"Beteiligungsunternehmens bewertet; {len(cmap.backstops)} Garantien ersetzen dem "
                f"Begünstigten entgangene Umsätze bis zu ihrer Höhe. {len(cmap.undisclosed)} "
                "Beziehungen, die ins Netz gehörten, haben keinen veröffentlichten Betrag und "
                "können nicht gezählt werden.",
            )
        )
        + "</p><p>"
        + escape(
            t(
                f"If OpenAI pays nothing of what falls due this year, its counterparties lose at "
                f"least {so['realised_loss_usd_bn']:,.0f} bn USD (realised: losses that follow even "
                f"if every company without a sourced balance sheet absorbs them) and up to "
                f"{so['exposure_usd_bn']:,.0f} bn USD if none of them has a buffer (exposure; "
                "losses counted at every node they reach). Without sourced balance sheets -- the "
                "file shipped with kreislauf is empty on purpose -- the data cannot say who else "
                f"defaults: {len(so['unresolved'])} nodes are unresolved.",
                f"Zahlt OpenAI nichts vom in diesem Jahr Fälligen, verlieren die Gegenparteien "
                f"mindestens {so['realised_loss_usd_bn']:,.0f} Mrd. USD (realisiert: Verluste, die "
                f"auch dann eintreten, wenn jedes Unternehmen ohne belegte Bilanz sie auffängt) und "
                f"bis zu {so['exposure_usd_bn']:,.0f} Mrd. USD, wenn keines einen Puffer hat "
                "(Exposure; Verluste an jedem Knoten gezählt, den sie erreichen). Ohne belegte "
                "Bilanzen -- die mitgelieferte Datei ist absichtlich leer -- lässt sich nicht sagen, "
                f"wer sonst ausfällt: {len(so['unresolved'])} Knoten bleiben ungeklärt.",
            )
        )
        + "</p>"
    )
    return Section(
        key="contagion",
        title=t(
            "Contagion: who loses if a node cannot pay",
            "Ansteckung: wer verliert, wenn ein Knoten nicht zahlt",
        ),
        html=html,
        figures=[fig],
        tables=[
            (
                t(
                    "Scenarios (Eisenberg-Noe clearing, external debt pari passu)",
                    "Szenarien (Eisenberg-Noe-Clearing, externe Schulden gleichrangig)",
                ),
                summary_table,
            ),
            (
                t(
                    "OpenAI pays nothing due this year: losses by node",
                    "OpenAI zahlt nichts: Verluste je Knoten",
                ),
                top,
            ),
            (
                t("Relations the data cannot size", "Beziehungen ohne Betrag"),
                undisclosed,
            ),
        ],
        key_figures={
            t(
                "realised loss if OpenAI pays nothing due this year (USD bn)",
                "realisierter Verlust, wenn OpenAI nichts zahlt (Mrd. USD)",
            ): f"{so['realised_loss_usd_bn']:,.0f}",
            t(
                "exposure in the same scenario (USD bn)", "Exposure im selben Szenario (Mrd. USD)"
            ): f"{so['exposure_usd_bn']:,.0f}",
        },
        sources=[str(atlas.source_dir / "relations.csv"), str(SHIPPED_BALANCE_SHEETS)],
        notes=[
            t(
                "Eisenberg & Noe (2001) greatest clearing vector, found exactly; external debt "
                "pari passu with obligations inside the network. Every mapping assumption "
                "(horizon, term, statuses, haircuts, backstop trigger, demand pass-through) is a "
                "field of MappingAssumptions and can be changed with kreislauf stress "
                "--assume FIELD=VALUE.",
                "Größter Clearing-Vektor nach Eisenberg & Noe (2001), exakt berechnet; externe "
                "Schulden gleichrangig mit denen im Netz. Jede Annahme der Abbildung (Horizont, "
                "Laufzeit, Status, Abschläge, Garantie-Auslöser, Weitergabe der Nachfrage) ist "
                "ein Feld von MappingAssumptions und lässt sich mit kreislauf stress "
                "--assume FELD=WERT ändern.",
            ),
            t(
                "Realised loss, exposure and unresolved outcomes are kept apart: a node without "
                "a sourced balance sheet that takes a loss is unresolved, never assumed to "
                "survive or fail.",
                "Realisierter Verlust, Exposure und ungeklärte Ergebnisse bleiben getrennt: ein "
                "Knoten ohne belegte Bilanz, der Verlust erleidet, bleibt ungeklärt; weder "
                "Überleben noch Ausfall werden unterstellt.",
            ),
        ],
    )
