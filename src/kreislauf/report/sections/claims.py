"""Report section: the claims audit."""

from __future__ import annotations

from kreislauf.report.build import escape
from kreislauf.report.figures import readable
from kreislauf.report.model import KeyFigure, ReportContext, Section

VERDICT_DE = {
    "supported": "gestützt",
    "contradicted": "widerlegt",
    "not checkable": "nicht prüfbar",
}


def build(ctx: ReportContext) -> Section:
    """Run the audit with the report's atlas and data directory."""
    from kreislauf.claims.audit import run_audit

    t = ctx.t
    r = run_audit(ctx.atlas_dir, ctx.data_dir, memo=ctx.memo, bundle=ctx.bundle)
    s = r.summary()
    f = r.to_frame()
    if ctx.lang == "de":
        f = f.assign(verdict=f["verdict"].map(VERDICT_DE))
    table = f[
        [
            "id",
            "article",
            "quote_de" if ctx.lang == "de" else "text_en",
            "claimed",
            "unit",
            "verdict",
            "observed",
            "evidence",
        ]
    ].round(3)
    table = table.rename(
        columns={
            "id": t("claim", "Behauptung"),
            "article": t("article", "Artikel"),
            "quote_de": "Zitat",
            "text_en": "claim in the article",
            "claimed": t("claimed", "behauptet"),
            "unit": t("unit", "Einheit"),
            "verdict": t("verdict", "Urteil"),
            "observed": t("observed", "beobachtet"),
            "evidence": t("evidence", "Beleg"),
        }
    )
    bundled = sorted({src for x in r.findings for src in x.sources if "(bundled" in src})
    note = (
        t(
            " Families the data directory does not provide come from the data bundled with "
            "kreislauf (Shiller's monthly series, the companies' SEC-filed quarterly figures, "
            "the S&P 500 concentration snapshots); claims that need index or stock prices stay "
            "not checkable until a data directory (--data-dir) provides them.",
            " Was das Datenverzeichnis nicht liefert, stammt aus dem mit kreislauf ausgelieferten "
            "Datenpaket (Shillers Monatsreihen, die bei der SEC gemeldeten Quartalszahlen der "
            "Unternehmen, die Konzentrations-Stichtage des S&P 500); Behauptungen, die Index- oder "
            "Aktienkurse brauchen, bleiben nicht prüfbar, bis ein Datenverzeichnis (--data-dir) "
            "sie liefert.",
        )
        if bundled
        else ""
    )
    if not ctx.bundle and not ctx.data_dir:
        note = t(
            " Without market data (run with --data-dir) the valuation, concentration and capex "
            "claims are marked not checkable.",
            " Ohne Marktdaten (mit --data-dir aufrufen) gelten die Bewertungs-, Konzentrations- und "
            "Investitionsbehauptungen als nicht prüfbar.",
        )
    html = (
        "<p>"
        + escape(
            t(
                f"Each of the {s['claims']} quantitative claims of the five articles, checked against "
                f"the atlas, the market data and the models: {s['supported']} supported, "
                f"{s['contradicted']} contradicted, {s['not_checkable']} not checkable "
                "with the data at hand (the reason is given).",
                f"Jede der {s['claims']} quantitativen Behauptungen der fünf Artikel, geprüft an Atlas, "
                f"Marktdaten und Modellen: {s['supported']} gestützt, "
                f"{s['contradicted']} widerlegt, {s['not_checkable']} mit den vorhandenen "
                "Daten nicht prüfbar (mit Begründung).",
            )
            + note
        )
        + "</p>"
    )
    return Section(
        key="claims",
        title=t("Claims audit", "Prüfung der Behauptungen"),
        html=html,
        figures=[readable(r.plot(), ctx)],
        tables=[(t("Claims and verdicts", "Behauptungen und Urteile"), table)],
        key_figures={
            t(
                "article claims contradicted by the data", "von den Daten widerlegte Behauptungen"
            ): KeyFigure(
                f"{s['contradicted']} / {s['claims']}",
                t(
                    f"{s['supported']} supported, {s['not_checkable']} not checkable",
                    f"{s['supported']} gestützt, {s['not_checkable']} nicht prüfbar",
                ),
            )
        },
        sources=sorted({src for x in r.findings for src in x.sources})[:40],
        notes=[
            t(
                "Tolerances are stated per claim in claims.yaml; a snapshot more than 45 days "
                "from a claim's date does not check it.",
                "Toleranzen stehen je Behauptung in claims.yaml; ein Stichtag mehr als 45 Tage "
                "vom Datum der Behauptung entfernt prüft sie nicht.",
            )
        ],
    )
