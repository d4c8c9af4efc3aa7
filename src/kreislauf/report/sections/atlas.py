"""Report section: the atlas — entities, relations, totals, largest commitments, evidence."""

from __future__ import annotations

import pandas as pd

from kreislauf.paths import shown_path
from kreislauf.report.build import escape
from kreislauf.report.figures import human_columns, readable
from kreislauf.report.model import ReportContext, Section

TIER_LABELS = {
    "filing": ("regulatory filing", "Pflichtveröffentlichung"),
    "company_release": ("company release", "Unternehmensmitteilung"),
    "major_press": ("major press", "große Presse"),
    "secondary": ("secondary report", "Sekundärbericht"),
    "inferred": ("inferred", "abgeleitet"),
}


def _link_table(rel: pd.DataFrame, ctx: ReportContext) -> str:
    t = ctx.t
    rows = []
    for r in rel.itertuples(index=False):
        amount = (
            t("undisclosed", "nicht offengelegt")
            if pd.isna(r.amount_usd_bn)
            else f"{r.amount_usd_bn:,.2f}"
        )
        rows.append(
            f"<tr><td>{escape(r.id)}</td><td>{escape(r.type)}</td>"
            f"<td>{escape(r.from_id)} → {escape(r.to_id)}</td><td>{escape(amount)}</td>"
            f"<td>{escape(r.amount_qualifier)}</td><td>{escape(r.announced)}</td>"
            f"<td>{escape(r.status)}</td><td>{escape(r.tier)}</td>"
            f'<td><a href="{escape(r.source_url)}">{t("source", "Quelle")}</a></td></tr>'
        )
    cols = [
        t("id", "Kennung"),
        t("type", "Art"),
        t("money flows", "Geldfluss"),
        t("USD bn", "Mrd. USD"),
        t("qualifier", "Art des Betrags"),
        t("announced", "angekündigt"),
        t("status", "Status"),
        t("tier", "Belegstufe"),
        t("evidence", "Beleg"),
    ]
    head = "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in cols) + "</tr>"
    return f'<div class="tablewrap"><table>{head}{"".join(rows)}</table></div>'


def build(ctx: ReportContext) -> Section:
    """Summarise the atlas the report was run on."""
    import plotly.express as px

    from kreislauf.atlas import load_atlas

    t = ctx.t
    atlas = load_atlas(ctx.atlas_dir)
    rel = atlas.relations
    cur = atlas.current()
    by_type = (
        cur.groupby("type")
        .agg(
            relations=("id", "size"),
            disclosed_usd_bn=("amount_usd_bn", "sum"),
            undisclosed=("amount_usd_bn", lambda s: int(s.isna().sum())),
        )
        .reset_index()
        .sort_values("disclosed_usd_bn", ascending=False)
    )
    by_year = atlas.totals_by_type_year()
    tiers = atlas.tier_counts().rename(index=lambda k: t(*TIER_LABELS[k])).reset_index()
    tiers.columns = ["tier", "relations"]
    largest = atlas.largest(
        15,
        types=(
            "purchase_commitment",
            "supply_deal",
            "equity_investment",
            "loan",
            "backstop",
            "vendor_financing",
        ),
    )
    commitments = cur.loc[cur["type"] == "purchase_commitment", "amount_usd_bn"].sum()

    fig_year = px.bar(
        by_year,
        x="year",
        y="amount_usd_bn",
        color="type",
        title=t(
            "Disclosed USD bn by announcement year and relation type",
            "Offengelegte Mrd. USD nach Ankündigungsjahr und Beziehungstyp",
        ),
    )
    fig_tier = px.bar(
        tiers,
        x="tier",
        y="relations",
        title=t("Relations by evidence tier", "Beziehungen nach Belegstufe"),
    )
    html = (
        "<p>"
        + escape(
            t(
                f"The atlas (version {atlas.version}) holds {len(atlas.entities)} entities and "
                f"{len(rel)} relations; {int(rel['amount_usd_bn'].isna().sum())} have no disclosed "
                "amount and stay empty rather than estimated. Money flows from the first party to "
                "the second. Superseded and cancelled relations are listed but not totalled.",
                f"Der Atlas (Version {atlas.version}) enthält {len(atlas.entities)} Akteure und "
                f"{len(rel)} Beziehungen; {int(rel['amount_usd_bn'].isna().sum())} ohne "
                "offengelegten Betrag bleiben leer statt geschätzt. Geld fließt von der ersten zur "
                "zweiten Partei. Ersetzte und stornierte Beziehungen werden gezeigt, aber nicht "
                "summiert.",
            )
        )
        + "</p><h3>"
        + escape(t("All relations with their evidence", "Alle Beziehungen mit ihren Belegen"))
        + "</h3>"
        + _link_table(rel, ctx)
    )
    ents = atlas.entities.assign(roles=atlas.entities["roles"].str.join(", "))
    section = Section(
        key="atlas",
        title=t("Atlas: the capital circuit's deals", "Atlas: die Geschäfte des Kapitalkreislaufs"),
        html=html,
        figures=[readable(f, ctx) for f in (fig_year, fig_tier)],
        tables=[
            (
                t(
                    "Totals by relation type (current relations)",
                    "Summen nach Beziehungstyp (aktuelle Beziehungen)",
                ),
                by_type.round(2),
            ),
            (
                t("The 15 largest disclosed flows", "Die 15 größten offengelegten Ströme"),
                largest[
                    [
                        "id",
                        "type",
                        "from_id",
                        "to_id",
                        "amount_usd_bn",
                        "amount_qualifier",
                        "announced",
                        "tier",
                    ]
                ],
            ),
            (t("Entities", "Akteure"), ents[["id", "name", "kind", "roles", "country", "ticker"]]),
        ],
        key_figures={
            t("relations in the atlas", "Beziehungen im Atlas"): str(len(rel)),
            t(
                "disclosed purchase commitments (USD bn)",
                "offengelegte Kaufverpflichtungen (Mrd. USD)",
            ): f"{commitments:,.0f}",
        },
        sources=[
            shown_path(atlas.source_dir / "relations.csv"),
            shown_path(atlas.source_dir / "entities.csv"),
        ],
        notes=[
            t(
                "Tiers: filing > company release > major press > secondary report > inferred. "
                "The tier describes the evidence kreislauf holds, not the deal's reputation.",
                "Stufen: Pflichtveröffentlichung > Unternehmensmitteilung > große Presse > "
                "Sekundärbericht > abgeleitet. Die Stufe beschreibt den vorliegenden Beleg, nicht "
                "den Ruf des Geschäfts.",
            ),
        ],
    )
    section.tables = [(cap, human_columns(df, ctx)) for cap, df in section.tables]
    return section
