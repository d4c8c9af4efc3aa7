"""Report figures and tables a reader can read: human labels in the report's language.

The engines' ``plot()`` methods label their figures in English with the names their tables use
(``amount_usd_bn``, ``trailing P/E``). :func:`readable` gives a section's figure the report's
language and human names, and puts the legend below the plot area, where every trace's full
name fits at any window width (a legend beside the plot is cut to a few letters in a narrow
column).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kreislauf.report.model import ReportContext

if TYPE_CHECKING:
    import plotly.graph_objects as go

# A whole text -> (English, German): column names used as labels, and the engines' labels.
LABELS: dict[str, tuple[str, str]] = {
    "amount_usd_bn": ("disclosed amount (USD bn)", "offengelegter Betrag (Mrd. USD)"),
    "year": ("year announced", "Jahr der Ankündigung"),
    "type": ("relation type", "Art der Beziehung"),
    "tier": ("evidence tier", "Belegstufe"),
    "relations": ("relations", "Beziehungen"),
    "equity_investment": ("equity investment", "Beteiligung"),
    "stake": ("stake", "Anteil"),
    "purchase_commitment": ("purchase commitment", "Abnahmezusage"),
    "supply_deal": ("supply deal", "Liefervertrag"),
    "vendor_financing": ("vendor financing", "Lieferantenfinanzierung"),
    "backstop": ("backstop", "Absicherungszusage"),
    "loan": ("loan", "Kredit"),
    "revenue_share": ("revenue share", "Umsatzbeteiligung"),
    "warrant": ("warrant", "Optionsschein"),
    "acquisition": ("acquisition", "Übernahme"),
    "customer_share": ("customer share", "Kundenanteil"),
    "verdict": ("verdict", "Urteil"),
    "topic": ("topic", "Thema"),
    "claims": ("claims", "Behauptungen"),
    "supported": ("supported", "gestützt"),
    "contradicted": ("contradicted", "widerlegt"),
    "not checkable": ("not checkable", "nicht prüfbar"),
    "concentration": ("concentration", "Konzentration"),
    "valuation": ("valuation", "Bewertung"),
    "capex": ("capex", "Investitionen"),
    "required_revenue": ("required revenue", "erforderlicher Umsatz"),
    "circular_flows": ("circular flows", "Kreisflüsse"),
    "investment_flows": ("investment flows", "Investitionsflüsse"),
    "memory": ("memory", "Speicher"),
    "crash_loss": ("crash loss", "Crash-Verlust"),
    "other": ("other", "Sonstiges"),
    "circular_usd_bn": ("circular dollars (USD bn)", "Kreis-Dollar (Mrd. USD)"),
    "cycles": ("cycles", "Kreisläufe"),
    "pagerank_hhi": ("concentration of PageRank (HHI)", "Konzentration des PageRank (HHI)"),
    "ratio": ("ratio", "Verhältnis"),
    "trailing P/E": ("trailing P/E", "KGV (letzte zwölf Monate)"),
    "CAPE (recomputed)": ("CAPE (recomputed)", "CAPE (nachgerechnet)"),
    "BSADF": ("BSADF", "BSADF"),
    "cycle": ("cycle", "Kreislauf"),
    "sources (click)": ("sources (click)", "Quellen (anklicken)"),
}
# German phrases replaced inside longer English texts (titles, trace names), longest first.
PHRASES_DE: tuple[tuple[str, str], ...] = (
    (
        "The articles' claims by topic and verdict",
        "Die Behauptungen der Artikel nach Thema und Urteil",
    ),
    ("S&P 500: CAPE and trailing P/E (Shiller's data)", "S&P 500: CAPE und KGV (Shillers Daten)"),
    ("Share of the S&P 500's market cap", "Anteil am Börsenwert des S&P 500"),
    ("Magnificent 7 (Alphabet once)", "Magnificent 7 (Alphabet einmal)"),
    ("file's mag7_share (Alphabet twice)", "mag7_share der Datei (Alphabet doppelt)"),
    ("largest 7, all constituents", "sieben größte, alle Indexmitglieder"),
    ("largest 7 of the listed", "sieben größte der aufgeführten"),
    (
        "Hyperscaler capex (USD bn) and capex/revenue (TTM)",
        "Investitionen der Hyperscaler (Mrd. USD) und Investitionen/Umsatz (zwölf Monate)",
    ),
    ("capex/revenue TTM", "Investitionen/Umsatz (zwölf Monate)"),
    (" capex", " Investitionen"),
    ("USD bn a quarter", "Mrd. USD je Quartal"),
    ("capex / revenue", "Investitionen / Umsatz"),
    ("BSADF and critical value", "BSADF und kritischer Wert"),
    ("PSY date-stamping", "PSY-Datierung"),
    ("critical value", "kritischer Wert"),
    ("psy rule", "PSY-Regel"),
    ("exuber rule", "exuber-Regel"),
    ("episodes", "Episoden"),
    ("episode", "Episode"),
    (
        "DDR5 kit price by scenario (EUR, index anchored at mid-2025)",
        "DDR5-Kit-Preis je Szenario (EUR, Index verankert an Mitte 2025)",
    ),
    ("DRAM market", "DRAM-Markt"),
    ("EUR per 32 GB DDR5 kit (index)", "EUR je 32-GB-DDR5-Kit (Index)"),
    ("EUR per 32 GB kit", "EUR je 32-GB-Kit"),
    ("thousand wafers", "tausend Wafer"),
    ("hoarded wafers", "gehortete Wafer"),
    ("precautionary stock", "Vorsorgebestand"),
    ("price (EUR per kit)", "Preis (EUR je Kit)"),
    ("crash, hoard kept", "Crash, Vorrat behalten"),
    ("crash, hoard released", "Crash, Vorrat freigegeben"),
    ("fourth producer", "vierter Hersteller"),
    ("no hoarding", "kein Horten"),
    ("(letters)", "(Absichtserklärungen)"),
    ("hoard ", "Horten "),
    ("The money circuit", "Der Geldkreislauf"),
    ("entities", "Akteure"),
    ("flows without a disclosed amount are not drawn", "Flüsse ohne offengelegten Betrag fehlen"),
    ("Disclosed money flows (USD bn)", "Offengelegte Geldflüsse (Mrd. USD)"),
    ("dashed = secondary evidence", "gestrichelt = Sekundärbeleg"),
    ("Null model", "Nullmodell"),
    ("draws", "Ziehungen"),
    ("red: observed", "rot: beobachtet"),
    ("cycles (red)", "Kreisläufe (rot)"),
    ("flows", "Flüsse"),
)


# Table columns: code -> (English, German), with units.
COLUMNS: dict[str, tuple[str, str]] = {
    "gsadf": ("GSADF", "GSADF"),
    "amount_qualifier": ("amount qualifier", "Art des Betrags"),
    "amount_usd_bn": ("amount (USD bn)", "Betrag (Mrd. USD)"),
    "announced": ("announced", "angekündigt"),
    "country": ("country", "Land"),
    "disclosed_usd_bn": ("disclosed (USD bn)", "offengelegt (Mrd. USD)"),
    "from_id": ("from", "von"),
    "to_id": ("to", "an"),
    "kind": ("kind", "Art"),
    "name": ("name", "Name"),
    "relations": ("relations", "Beziehungen"),
    "roles": ("roles", "Rollen"),
    "ticker": ("ticker", "Börsenkürzel"),
    "tier": ("evidence tier", "Belegstufe"),
    "type": ("relation type", "Art der Beziehung"),
    "undisclosed": ("undisclosed", "nicht offengelegt"),
    "final_price_eur": ("final price (EUR per kit)", "Endpreis (EUR je Kit)"),
    "min_price_eur": ("lowest price (EUR per kit)", "Tiefstpreis (EUR je Kit)"),
    "months_above_2x": ("months above twice the mid-2025 price", "Monate über dem Doppelten"),
    "peak_month": ("peak month", "Monat der Spitze"),
    "peak_multiple": ("peak (x mid-2025 price)", "Spitze (x Preis Mitte 2025)"),
    "scenario": ("scenario", "Szenario"),
    "backlog_usd_bn": ("backlog (USD bn)", "Auftragsbestand (Mrd. USD)"),
    "betweenness": ("betweenness", "Zwischenzentralität"),
    "chain_financed_usd_bn": ("financed via a chain (USD bn)", "über Ketten finanziert (Mrd. USD)"),
    "chain_share": ("share financed along a chain", "Anteil über Ketten finanziert"),
    "circular_usd_bn": ("circular dollars (USD bn)", "Kreis-Dollar (Mrd. USD)"),
    "committed_inflows_usd_bn": ("committed inflows (USD bn)", "zugesagte Zuflüsse (Mrd. USD)"),
    "counterparties": ("counterparties", "Gegenparteien"),
    "cycle": ("cycle", "Kreislauf"),
    "direct_financed_usd_bn": ("financed directly (USD bn)", "direkt finanziert (Mrd. USD)"),
    "direct_share": ("share financed directly", "Anteil direkt finanziert"),
    "eigenvector": ("eigenvector centrality", "Eigenvektor-Zentralität"),
    "entity": ("entity", "Akteur"),
    "financed_customers": ("financed customers", "finanzierte Kunden"),
    "hhi": ("concentration (HHI)", "Konzentration (HHI)"),
    "in_degree": ("incoming flows", "eingehende Flüsse"),
    "in_strength": ("incoming (USD bn)", "eingehend (Mrd. USD)"),
    "largest_counterparty": ("largest counterparty", "größte Gegenpartei"),
    "largest_share": ("largest counterparty's share", "Anteil der größten Gegenpartei"),
    "length": ("length", "Länge"),
    "null_mean": ("null model: mean", "Nullmodell: Mittelwert"),
    "null_q05": ("null model: 5 % quantile", "Nullmodell: 5-%-Quantil"),
    "null_q95": ("null model: 95 % quantile", "Nullmodell: 95-%-Quantil"),
    "observed": ("observed", "beobachtet"),
    "out_degree": ("outgoing flows", "ausgehende Flüsse"),
    "out_strength": ("outgoing (USD bn)", "ausgehend (Mrd. USD)"),
    "p_value": ("p-value", "p-Wert"),
    "pagerank": ("PageRank (weighted)", "PageRank (gewichtet)"),
    "pagerank_unweighted": ("PageRank (unweighted)", "PageRank (ungewichtet)"),
    "relation_ids": ("relations", "Beziehungen"),
    "seller": ("seller", "Verkäufer"),
    "statistic": ("statistic", "Kennzahl"),
    "successful_draws": ("successful draws", "gelungene Ziehungen"),
    "undisclosed_commitments": ("undisclosed commitments", "nicht offengelegte Zusagen"),
    "undisclosed_inflows": ("undisclosed inflows", "nicht offengelegte Zuflüsse"),
    "vendor": ("vendor", "Anbieter"),
    "weakest_tier": ("weakest evidence tier", "schwächste Belegstufe"),
    "id": ("id", "Kennung"),
}


def human_columns(frame, ctx: ReportContext):
    """A copy of ``frame`` with its code-named columns in words of the report's language."""
    return frame.rename(columns={c: ctx.t(*COLUMNS[c]) for c in frame.columns if c in COLUMNS})


def label(text: str, ctx: ReportContext) -> str:
    """One label in the report's language, with human names for column codes."""
    if text in LABELS:
        return ctx.t(*LABELS[text])
    if ctx.lang != "de":
        return text
    out = text
    for en, de in sorted(PHRASES_DE, key=lambda p: -len(p[0])):
        out = out.replace(en, de)
    return re.sub(r"(\d)\.(\d)", r"\1,\2", out) if out != text else out


def readable(fig: go.Figure, ctx: ReportContext) -> go.Figure:
    """``fig`` with its texts in the report's language and its legend below the plot.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A section's figure (changed in place and returned).
    ctx : ReportContext
        For the language.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    lay = fig.layout
    if lay.title and lay.title.text:
        lay.title.text = label(lay.title.text, ctx)
    for key in list(lay):
        if key.startswith(("xaxis", "yaxis")):
            axis = lay[key]
            if axis.title and axis.title.text:
                axis.title.text = label(axis.title.text, ctx)
            axis.automargin = True
    if lay.legend and lay.legend.title and lay.legend.title.text:
        lay.legend.title.text = label(lay.legend.title.text, ctx)
    for ann in lay.annotations or ():
        if ann.text:
            ann.text = label(ann.text, ctx)
    for trace in fig.data:
        if trace.name:
            trace.name = label(trace.name, ctx)
        if trace.type == "bar" and trace.x is not None and all(isinstance(x, str) for x in trace.x):
            trace.x = [label(x, ctx) for x in trace.x]
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.15, "yanchor": "top"},
        margin={"b": 40},
    )
    return fig
