"""Report section: contagion -- who falls if a node of the AI circuit cannot pay.

It leads with the outcome of each listed company when OpenAI pays nothing of what falls due
within a year ("Oracle loses X against book equity Y: it defaults"), each traced to the
atlas rows and the balance-sheet figures it rests on, then what the lenders behind the debt
layer lose, then the standard scenarios with the headline and the binding-only figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
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
OUTCOME_DE = {
    "defaults (scenario)": "fällt aus (Szenario)",
    "defaults": "fällt aus",
    "survives": "übersteht",
    "unresolved": "ungeklärt",
    "unaffected": "nicht betroffen",
    "loss reaches sector": "Verlust erreicht Sektor",
}
SHEET_DE = {"sourced": "belegt", "estimate": "Schätzung", "unknown": "unbekannt"}


def _run_all(ctx: ReportContext) -> dict[str, Any]:
    """The scenarios under the headline and the binding-only mapping (memoised per report)."""
    key = ("contagion", str(ctx.atlas_dir))
    if key in ctx.memo:
        return ctx.memo[key]
    from kreislauf.atlas import load_atlas
    from kreislauf.atlas.binding import BindingWeights
    from kreislauf.contagion.balance_sheets import load_balance_sheets
    from kreislauf.contagion.circuit_map import MappingAssumptions, map_atlas
    from kreislauf.contagion.stress import Scenario, StressOptions, stress_test

    atlas = load_atlas(ctx.atlas_dir)
    names = dict(zip(atlas.entities["id"], atlas.entities["name"], strict=True))
    kinds = dict(zip(atlas.entities["id"], atlas.entities["kind"], strict=True))
    opts = StressOptions(model="en", seniority="pari_passu")
    out: dict[str, Any] = {"atlas": atlas}
    for view, weights in (
        ("headline", BindingWeights()),
        ("binding", BindingWeights.binding_only()),
    ):
        cmap = map_atlas(atlas, MappingAssumptions(binding=weights))
        bs = load_balance_sheets(None, cmap.nodes, domains=atlas.party_domains())
        out[view] = {
            k: stress_test(cmap, bs, Scenario(**args), opts, names, kinds)
            for k, args, _, _ in SCENARIOS
        }
        out[f"{view}_cmap"] = cmap
    out["sheets"] = bs
    ctx.memo[key] = out
    return out


def _money(x: float) -> str:
    return f"{x:,.1f}"


def outcome_sentences(ctx: ReportContext, result: Any, listed: set[str]) -> list[str]:
    """One sentence per listed company the scenario touches, largest realised loss first."""
    t = ctx.t
    f = result.to_frame()
    f = f[f["node"].isin(listed) & (f["outcome"] != "unaffected")]
    f = f.sort_values("realised_loss_usd_bn", ascending=False)
    out = []
    for r in f.itertuples(index=False):
        loss = max(r.realised_loss_usd_bn, 0.0)
        if r.outcome in ("defaults", "survives") and np.isfinite(r.equity_usd_bn):
            basis = t(
                f"book equity of {_money(r.equity_usd_bn)} bn ({r.balance_sheet_as_of})",
                f"ein Buch-Eigenkapital von {_money(r.equity_usd_bn)} Mrd. ({r.balance_sheet_as_of})",
            )
            if r.balance_sheet == "estimate":
                basis = t(
                    f"reported cash of {_money(r.equity_usd_bn)} bn (an estimate)",
                    f"gemeldete Barmittel von {_money(r.equity_usd_bn)} Mrd. (eine Schätzung)",
                )
            verdict = (
                t("it defaults", "es fällt aus")
                if r.outcome == "defaults"
                else t(
                    f"it survives with {_money(r.equity_left_realised_usd_bn)} bn left",
                    f"es übersteht mit {_money(r.equity_left_realised_usd_bn)} Mrd. Rest",
                )
            )
            out.append(
                t(
                    f"{r.name} loses {_money(loss)} bn USD within a year against {basis}: "
                    f"{verdict}.",
                    f"{r.name} verliert binnen eines Jahres {_money(loss)} Mrd. USD gegen "
                    f"{basis}: {verdict}.",
                )
            )
        else:
            exp = max(r.exposure_usd_bn, 0.0)
            amount = _money(loss) if abs(exp - loss) < 0.05 else f"{_money(loss)} to {_money(exp)}"
            if r.outcome == "unresolved" and r.balance_sheet == "unknown":
                why_en = "no balance sheet was found, so whether it absorbs the loss is unknown"
                why_de = "keine Bilanz gefunden, daher ist offen, ob es den Verlust trägt"
            else:
                why_en = why_de = r.reason
            out.append(
                t(
                    f"{r.name} loses {amount} bn USD within a year; {r.outcome}: {why_en}.",
                    f"{r.name} verliert binnen eines Jahres {amount} Mrd. USD; "
                    f"{OUTCOME_DE.get(r.outcome, r.outcome)}: {why_de}.",
                )
            )
    return out


def lender_losses(result: Any, lenders: set[str]) -> pd.DataFrame:
    """Realised losses of the lender nodes (banks, private credit, bond investors)."""
    f = result.to_frame()
    f = f[f["node"].isin(lenders)]
    return f[["node", "name", "realised_loss_usd_bn", "exposure_usd_bn", "outcome"]]


def build(ctx: ReportContext) -> Section:
    """Run the standard scenarios on the shipped atlas and balance sheets (EN clearing)."""
    t = ctx.t
    runs = _run_all(ctx)
    atlas = runs["atlas"]
    cmap = runs["headline_cmap"]
    ent = atlas.entities
    listed = set(ent.loc[ent["ticker"].notna(), "id"])
    lenders = set(ent.loc[ent["roles"].map(lambda r: "lender" in r), "id"])
    rows = []
    for key, _, en, de in SCENARIOS:
        s, b = runs["headline"][key].summary(), runs["binding"][key].summary()
        rows.append(
            {
                t("scenario", "Szenario"): t(en, de),
                t("realised loss (USD bn)", "realisierter Verlust (Mrd. USD)"): round(
                    s["realised_loss_usd_bn"], 1
                ),
                t("exposure (USD bn)", "Exposure (Mrd. USD)"): round(s["exposure_usd_bn"], 1),
                t("binding only: realised (USD bn)", "nur bindend: realisiert (Mrd. USD)"): round(
                    b["realised_loss_usd_bn"], 1
                ),
                t("defaults", "Ausfälle"): ", ".join(s["defaults"]) or "—",
                t("binding only: defaults", "nur bindend: Ausfälle"): ", ".join(b["defaults"])
                or "—",
                t("unresolved nodes", "ungeklärte Knoten"): len(s["unresolved"]),
            }
        )
    summary_table = pd.DataFrame(rows)
    o = runs["headline"]["openai"]
    so = o.summary()
    sentences = outcome_sentences(ctx, o, listed)
    sentences_b = outcome_sentences(ctx, runs["binding"]["openai"], listed)
    names = dict(zip(ent["id"], ent["name"], strict=True))
    unresolved_listed = [names.get(n, n) for n in so["unresolved"] if n in listed]
    top = pd.DataFrame(o.outcome_records()).drop(
        columns=["name", "reason", "equity_left_realised_share"]
    )
    num = top.select_dtypes("number").columns
    top[num] = top[num].round(2)
    top["outcome"] = [t(x, OUTCOME_DE.get(x, x)) for x in top["outcome"]]
    top["balance_sheet"] = [t(x, SHEET_DE.get(x, x)) for x in top["balance_sheet"]]
    top = top.rename(
        columns={
            "node": t("node", "Knoten"),
            "balance_sheet": t("balance sheet", "Bilanz"),
            "balance_sheet_as_of": t("as of", "Stichtag"),
            "equity_usd_bn": t("book equity (USD bn)", "Buch-Eigenkapital (Mrd. USD)"),
            "realised_loss_usd_bn": t("realised loss (USD bn)", "realisierter Verlust (Mrd. USD)"),
            "exposure_usd_bn": t("exposure (USD bn)", "Exposure (Mrd. USD)"),
            "equity_left_realised_usd_bn": t(
                "equity left (USD bn)", "verbleibendes Eigenkapital (Mrd. USD)"
            ),
            "outcome": t("outcome", "Ergebnis"),
        }
    )
    lend = lender_losses(o, lenders).round(2)
    lend["outcome"] = [t(x, OUTCOME_DE.get(x, x)) for x in lend["outcome"]]
    lend = lend.rename(
        columns={
            "node": t("lender", "Kreditgeber"),
            "name": t("name", "Name"),
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
        t(x, OUTCOME_DE.get(x, x))
        for x in (fig.data[1].text if fig.data[1].text is not None else ())
    ]
    a = cmap.assumptions
    sheets = runs["sheets"]
    n_est = int(sheets["estimate"].sum())
    lead = "".join(f"<li>{escape(x)}</li>" for x in sentences)
    lead_b = "".join(f"<li>{escape(x)}</li>" for x in sentences_b)
    unresolved_text = (
        t(
            "Every listed company in the circuit is resolved.",
            "Jedes börsennotierte Unternehmen im Kreislauf ist geklärt.",
        )
        if not unresolved_listed
        else t(
            f"Listed companies still unresolved: {', '.join(unresolved_listed)}.",
            f"Noch ungeklärte börsennotierte Unternehmen: {', '.join(unresolved_listed)}.",
        )
    )
    html = (
        "<p>"
        + escape(
            t(
                "If OpenAI pays nothing of what falls due within a year (Eisenberg-Noe clearing, "
                "every commitment in the atlas counted):",
                "Zahlt OpenAI nichts von dem, was binnen eines Jahres fällig wird "
                "(Eisenberg-Noe-Clearing, jede Zusage im Atlas gezählt):",
            )
        )
        + f"</p><ul>{lead}</ul><p>"
        + escape(
            t(
                "Counting only binding legs (non-cancellable contracts and funded or delivered "
                "amounts; letters of intent, cancellable and unknown commitments left out):",
                "Nur bindende Zusagen gezählt (unkündbare Verträge, ausgezahlte oder gelieferte "
                "Beträge; Absichtserklärungen, kündbare und unbekannte Zusagen nicht):",
            )
        )
        + f"</p><ul>{lead_b or '<li>—</li>'}</ul><p>"
        + escape(
            t(
                f"Losses in total: at least {so['realised_loss_usd_bn']:,.0f} bn USD realised and up "
                f"to {so['exposure_usd_bn']:,.0f} bn USD if no node without a sourced balance sheet "
                f"had a buffer (losses counted at every node they reach). {unresolved_text} "
                f"{int(sheets.shape[0])} nodes have balance sheets from their filings or press "
                f"({n_est} of them estimates: a private company's reported cash as its buffer).",
                f"Verluste insgesamt: mindestens {so['realised_loss_usd_bn']:,.0f} Mrd. USD "
                f"realisiert und bis zu {so['exposure_usd_bn']:,.0f} Mrd. USD, wenn kein Knoten "
                "ohne belegte Bilanz einen Puffer hätte (Verluste an jedem Knoten gezählt, den "
                f"sie erreichen). {unresolved_text} {int(sheets.shape[0])} Knoten haben Bilanzen "
                f"aus Berichten oder Presse ({n_est} davon Schätzungen: die gemeldeten Barmittel "
                "eines privaten Unternehmens als Puffer).",
            )
        )
        + "</p><p>"
        + escape(
            t(
                f"The atlas is mapped onto an obligation network: {len(cmap.obligations)} purchase "
                f"commitments and loans with disclosed amounts become what the buyer (borrower) owes "
                f"within a {a.horizon_years:g}-year horizon, spread evenly over each term (where no "
                f"term is disclosed: {cmap.term_years_used:g} years, the median of the disclosed "
                f"terms); {len(cmap.holdings)} stakes are valued off the investee's equity; "
                f"{len(cmap.backstops)} backstops pay their beneficiary's lost sales up to their "
                f"cap. {len(cmap.undisclosed)} relations that would belong in the network have no "
                "disclosed amount and cannot be counted.",
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
        + "</p>"
    )
    # the listed company hit hardest against its own buffer (loss over book equity)
    hit = [
        r
        for r in o.outcome_records()
        if r["node"] in listed and r["equity_usd_bn"] and r["equity_usd_bn"] > 0
    ]
    worst = max(hit, key=lambda r: r["realised_loss_usd_bn"] / r["equity_usd_bn"], default=None)
    key_figures = {
        t(
            "realised loss if OpenAI pays nothing due this year (USD bn)",
            "realisierter Verlust, wenn OpenAI nichts zahlt (Mrd. USD)",
        ): f"{so['realised_loss_usd_bn']:,.0f}",
        t(
            "the same, binding commitments only (USD bn)",
            "dasselbe, nur bindende Zusagen (Mrd. USD)",
        ): f"{runs['binding']['openai'].summary()['realised_loss_usd_bn']:,.0f}",
    }
    if worst is not None:
        verdict = t(worst["outcome"], OUTCOME_DE.get(worst["outcome"], worst["outcome"]))
        key_figures[
            t(
                f"{worst['name']}: loss if OpenAI pays nothing / book equity (USD bn): {verdict}",
                f"{worst['name']}: Verlust, wenn OpenAI nichts zahlt / Buch-Eigenkapital "
                f"(Mrd. USD): {verdict}",
            )
        ] = f"{worst['realised_loss_usd_bn']:,.1f} / {worst['equity_usd_bn']:,.1f}"
    return Section(
        key="contagion",
        title=t(
            "Contagion: who falls if OpenAI cannot pay",
            "Ansteckung: wer fällt, wenn OpenAI nicht zahlt",
        ),
        html=html,
        figures=[fig],
        tables=[
            (
                t(
                    "Scenarios (Eisenberg-Noe clearing, external debt pari passu): headline and "
                    "binding only",
                    "Szenarien (Eisenberg-Noe-Clearing, externe Schulden gleichrangig): alle "
                    "Zusagen und nur bindende",
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
                t(
                    "OpenAI pays nothing due this year: what the lenders lose",
                    "OpenAI zahlt nichts: was die Kreditgeber verlieren",
                ),
                lend,
            ),
            (
                t("Relations the data cannot size", "Beziehungen ohne Betrag"),
                undisclosed,
            ),
        ],
        key_figures=key_figures,
        sources=[
            f"atlas {atlas.version} (relations.csv)",
            "kreislauf/contagion/data/balance_sheets.csv",
        ],
        notes=[
            t(
                "Eisenberg & Noe (2001) greatest clearing vector, found exactly; external debt "
                "pari passu with obligations inside the network. A company's buffer is its book "
                "equity and its external liabilities its total liabilities, from the latest "
                "balance sheet in kreislauf/contagion/data/balance_sheets.csv (each figure with "
                "its document). Every mapping assumption (horizon, term, statuses, haircuts, "
                "binding classes, backstop trigger, demand pass-through) is a field of "
                "MappingAssumptions and can be changed with kreislauf stress --assume "
                "FIELD=VALUE or --binding.",
                "Größter Clearing-Vektor nach Eisenberg & Noe (2001), exakt berechnet; externe "
                "Schulden gleichrangig mit denen im Netz. Puffer eines Unternehmens ist sein "
                "Buch-Eigenkapital, seine externen Verbindlichkeiten sind die gesamten "
                "Verbindlichkeiten der letzten Bilanz in kreislauf/contagion/data/"
                "balance_sheets.csv (jede Zahl mit ihrem Dokument). Jede Annahme der Abbildung "
                "(Horizont, Laufzeit, Status, Abschläge, Bindungsklassen, Garantie-Auslöser, "
                "Weitergabe der Nachfrage) ist ein Feld von MappingAssumptions und lässt sich mit "
                "kreislauf stress --assume FELD=WERT oder --binding ändern.",
            ),
            t(
                "Realised loss, exposure and unresolved outcomes are kept apart: a node without "
                "a balance sheet that takes a loss is unresolved, never assumed to survive or "
                "fail.",
                "Realisierter Verlust, Exposure und ungeklärte Ergebnisse bleiben getrennt: ein "
                "Knoten ohne Bilanz, der Verlust erleidet, bleibt ungeklärt; weder Überleben "
                "noch Ausfall werden unterstellt.",
            ),
        ],
    )
