"""Report section: the bubble -- valuation, concentration, capex, PSY episodes, LPPLS.

Everything comes from the market data the user has (``--data-dir`` or the store) and, for the
families neither provides, from the data bundled with the package; each paragraph says which
and how recent (:func:`kreislauf.report.provenance.data_note`). Without any data (the bundle
switched off) the section says so and names the commands that get the data. PSY replications and LPPLS
windows are kept modest so the report stays fast; the section states them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kreislauf.report.bubble_tests import (
    LPPLS_DAYS,
    LPPLS_OPTIONS,
    LPPLS_SERIES,
    PSY_REPS,
    lppls_fits,
    psy_rows,
    psy_sentences,
)
from kreislauf.report.build import escape
from kreislauf.report.figures import human_columns, readable
from kreislauf.report.model import KeyFigure, ReportContext, Section
from kreislauf.report.provenance import data_note

__all__ = ["LPPLS_DAYS", "LPPLS_OPTIONS", "LPPLS_SERIES", "PSY_REPS", "build"]


def _d(x: Any) -> str:
    return str(x.date()) if hasattr(x, "date") else str(x)


def _p(text: str) -> str:
    return "<p>" + escape(text) + "</p>"


def _pct(x: Any) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:.1%}"


def _num(x: Any, nd: int = 1) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:,.{nd}f}"


def _no_data(ctx: ReportContext) -> Section:
    t = ctx.t
    return Section(
        key="bubble",
        title=t(
            "The bubble: valuation, concentration, explosiveness",
            "Die Blase: Bewertung, Konzentration, Explosivität",
        ),
        html=_p(
            t(
                "No market data was found, so this section shows nothing: kreislauf never shows "
                "invented series. Run the report on a data directory (kreislauf report --data-dir "
                "DIR), or cache files once with kreislauf data load --data-dir DIR, or fetch "
                "prices with kreislauf data fetch NVDA ^GSPC ^IXIC.",
                "Es wurden keine Marktdaten gefunden; dieser Abschnitt zeigt daher nichts: "
                "kreislauf zeigt nie erfundene Reihen. Den Bericht mit einem Datenverzeichnis "
                "erstellen (kreislauf report --data-dir DIR), Dateien einmal mit kreislauf data "
                "load --data-dir DIR zwischenspeichern oder Kurse mit kreislauf data fetch NVDA "
                "^GSPC ^IXIC laden.",
            )
        ),
        available=False,
    )


def build(ctx: ReportContext) -> Section:
    """The bubble section from the user's market data (or a note saying there is none)."""
    from kreislauf.bubble.inputs import load_market_data
    from kreislauf.bubble.metrics import bubble_metrics

    t = ctx.t
    data = load_market_data(ctx.data_dir, ctx.store_path, bundle=ctx.bundle)
    if data.empty:
        return _no_data(ctx)
    m = bubble_metrics(data)
    html, tables, figures, notes = [], [], [], []
    key: dict[str, str] = {}

    # -- valuation ------------------------------------------------------------------------
    if m.index is not None:
        s = m.index.summary()
        html.append(
            _p(
                t(
                    f"Valuation. The S&P 500's cyclically adjusted P/E (CAPE: real price over the "
                    f"average real earnings of the previous ten years, recomputed from Shiller's "
                    f"price, earnings and CPI; it reproduces his own column) is "
                    f"{_num(s.get('cape_latest'))} in {s.get('cape_latest_month')}, higher than "
                    f"{_pct(s.get('cape_latest_percentile'))} of all months since 1881 (median "
                    f"{_num(s.get('cape_median'))}). Only the dot-com peak was higher: "
                    f"{_num(s.get('cape_peak_to_2001'))} in {s.get('cape_peak_month')}. The trailing "
                    f"twelve-month P/E, a different measure, is {_num(s.get('trailing_pe_latest'))} "
                    f"({s.get('trailing_pe_latest_month')}; its middle half since 1871: "
                    f"{_num(s.get('trailing_pe_q25'))}-{_num(s.get('trailing_pe_q75'))}).",
                    f"Bewertung. Das zyklisch bereinigte KGV des S&P 500 (CAPE: realer Kurs geteilt "
                    f"durch den Durchschnitt der realen Gewinne der zehn Vorjahre, aus Shillers "
                    f"Kurs-, Gewinn- und Preisindexreihen nachgerechnet; es reproduziert seine "
                    f"Spalte) liegt im {s.get('cape_latest_month')} bei {_num(s.get('cape_latest'))}, "
                    f"höher als in {_pct(s.get('cape_latest_percentile'))} aller Monate seit 1881 "
                    f"(Median {_num(s.get('cape_median'))}). Nur der Dotcom-Gipfel lag höher: "
                    f"{_num(s.get('cape_peak_to_2001'))} im {s.get('cape_peak_month')}. Das KGV auf "
                    f"die Gewinne der letzten zwölf Monate, ein anderes Maß, beträgt "
                    f"{_num(s.get('trailing_pe_latest'))} ({s.get('trailing_pe_latest_month')}; "
                    f"mittlere Hälfte seit 1871: {_num(s.get('trailing_pe_q25'))}-"
                    f"{_num(s.get('trailing_pe_q75'))}).",
                )
            )
        )
        html.append(_p(data_note(ctx, data, "shiller")))
        figures.append(m.index.plot())
        key[t("S&P 500 CAPE", "CAPE des S&P 500")] = KeyFigure(
            f"{_num(s.get('cape_latest'))} ({s.get('cape_latest_month')})",
            t(
                f"median since 1881: {_num(s.get('cape_median'))}; dot-com peak "
                f"{_num(s.get('cape_peak_to_2001'))}",
                f"Median seit 1881: {_num(s.get('cape_median'))}; Dotcom-Gipfel "
                f"{_num(s.get('cape_peak_to_2001'))}",
            ),
        )
    if m.stocks is not None:
        f = m.stocks.to_frame()
        last = f.sort_values("date").groupby("symbol").tail(1).sort_values("symbol")
        tables.append(
            (
                t(
                    "Trailing P/E of the AI stocks (market cap / net income of the last four "
                    "reported quarters)",
                    "KGV der KI-Aktien (Börsenwert / Nettogewinn der letzten vier gemeldeten Quartale)",
                ),
                pd.DataFrame(
                    {
                        t("stock", "Aktie"): last["symbol"],
                        t("date", "Datum"): last["date"].dt.strftime("%Y-%m-%d"),
                        t("P/E", "KGV"): last["trailing_pe"].round(1),
                        t("vendor's P/E", "KGV des Datenanbieters"): last["snapshot_pe"].round(1),
                        t("quarters", "Quartale"): last["quarters_used"],
                        t("market cap from", "Börsenwert aus"): last["cap_source"],
                    }
                ),
            )
        )
    # -- concentration --------------------------------------------------------------------
    if m.concentration is not None:
        c = m.concentration.summary()
        cs = c.get("snapshots") or c.get("constituents")
        html.append(
            _p(
                t(
                    f"Concentration. On {cs['last']} the Magnificent 7 hold {_pct(cs['mag7_share'])} "
                    f"of the S&P 500's market cap, counting Alphabet once; the seven largest "
                    f"companies ({cs['top7_members']}) hold {_pct(cs['top7_share'])}. The snapshot "
                    f"file's own figure, {_pct(cs['mag7_share_file'])}, counts Alphabet twice: its "
                    "two share classes GOOGL and GOOG are both listed, each with the whole "
                    f"company's market cap. Over the {cs['snapshots']} snapshots from {cs['first']} "
                    f"the share ranged {_pct(cs['mag7_share_min'])}-{_pct(cs['mag7_share_max'])}. "
                    f"{cs['n_missing_cap']:.0f} constituents have no market cap in the latest "
                    "snapshot (Berkshire Hathaway among them), which biases the shares upward; the "
                    "caps are whole-company values, not S&P's float-adjusted index weights.",
                    f"Konzentration. Am {cs['last']} halten die Magnificent 7 "
                    f"{_pct(cs['mag7_share'])} des Börsenwerts des S&P 500, Alphabet einmal gezählt; "
                    f"die sieben größten Unternehmen ({cs['top7_members']}) halten "
                    f"{_pct(cs['top7_share'])}. Der Wert der Datei selbst, "
                    f"{_pct(cs['mag7_share_file'])}, zählt Alphabet doppelt: beide Aktiengattungen "
                    "GOOGL und GOOG sind gelistet, jede mit dem Börsenwert des ganzen Konzerns. Über "
                    f"die {cs['snapshots']} Stichtage seit {cs['first']} lag der Anteil bei "
                    f"{_pct(cs['mag7_share_min'])}-{_pct(cs['mag7_share_max'])}. "
                    f"{cs['n_missing_cap']:.0f} Indexmitglieder haben im letzten Stichtag keinen "
                    "Börsenwert (darunter Berkshire Hathaway), was die Anteile nach oben verzerrt; "
                    "es sind Börsenwerte ganzer Unternehmen, nicht die streubesitzbereinigten "
                    "Indexgewichte von S&P.",
                )
            )
        )
        html.append(_p(data_note(ctx, data, "concentration")))
        figures.append(m.concentration.plot())
        key[t("Magnificent-7 share of the S&P 500", "Anteil der Magnificent 7 am S&P 500")] = (
            KeyFigure(
                f"{_pct(cs['mag7_share'])} ({cs['last']})",
                t(
                    f"of its market cap, Alphabet once; range since {cs['first']}: "
                    f"{_pct(cs['mag7_share_min'])}-{_pct(cs['mag7_share_max'])}",
                    f"seines Börsenwerts, Alphabet einmal; Spanne seit {cs['first']}: "
                    f"{_pct(cs['mag7_share_min'])}-{_pct(cs['mag7_share_max'])}",
                ),
            )
        )
        key[t("largest-7 share of the S&P 500", "Anteil der sieben größten am S&P 500")] = (
            KeyFigure(f"{_pct(cs['top7_share'])} ({cs['last']})", cs["top7_members"])
        )
    # -- capex and required revenue ---------------------------------------------------------
    if m.capex is not None:
        cx = m.capex.summary()
        years = {y: v for y, v in cx["calendar_years"].items() if v["capex_usd_bn"] is not None}
        syms = ", ".join(m.capex.symbols)
        if years:
            y = max(years)
            v = years[y]
            html.append(
                _p(
                    t(
                        f"Capex. {syms} reported capital expenditure of {_num(v['capex_usd_bn'])} bn "
                        f"USD in the quarters ending in {y}, {_pct(v['capex_to_revenue'])} of their "
                        "revenue. No data file separates AI revenue from other revenue, so capex per "
                        "dollar of AI revenue is not computed (give a sourced figure with kreislauf "
                        "bubble metrics --ai-revenue).",
                        f"Investitionen. {syms} meldeten für die {y} endenden Quartale Investitionen "
                        f"von {_num(v['capex_usd_bn'])} Mrd. USD, {_pct(v['capex_to_revenue'])} ihres "
                        "Umsatzes. Keine Datei trennt KI-Umsatz vom übrigen Umsatz; Investitionen je "
                        "Dollar KI-Umsatz werden daher nicht berechnet (eine belegte Zahl lässt sich "
                        "mit kreislauf bubble metrics --ai-revenue angeben).",
                    )
                )
            )
            html.append(_p(data_note(ctx, data, "fundamentals")))
            key[
                t(
                    f"hyperscaler capex {y} (USD bn)",
                    f"Investitionen der Hyperscaler {y} (Mrd. USD)",
                )
            ] = KeyFigure(
                _num(v["capex_usd_bn"], 0),
                t(
                    f"{syms}: {_pct(v['capex_to_revenue'])} of their revenue",
                    f"{syms}: {_pct(v['capex_to_revenue'])} ihres Umsatzes",
                ),
            )
        ttm = pd.DataFrame(
            [
                {
                    t("company", "Unternehmen"): k,
                    t("four quarters to", "vier Quartale bis"): v["period_end"],
                    t("capex (USD bn)", "Investitionen (Mrd. USD)"): round(
                        v["capex_ttm_usd_bn"], 1
                    ),
                    t("revenue (USD bn)", "Umsatz (Mrd. USD)"): round(v["revenue_ttm_usd_bn"], 1),
                    t("capex / revenue", "Investitionen / Umsatz"): round(
                        v["capex_to_revenue_ttm"], 3
                    ),
                }
                for k, v in cx["ttm"].items()
                if v is not None
            ]
        )
        tables.append(
            (
                t(
                    "Capex against revenue, last twelve months",
                    "Investitionen und Umsatz, letzte zwölf Monate",
                ),
                ttm,
            )
        )
        figures.append(m.capex.plot())
    if m.required is not None:
        r = m.required.summary()
        a = m.article.summary()
        per = next((x["monthly_usd"] for x in r["per_payer_monthly_usd"]), None)
        html.append(
            _p(
                t(
                    f"Required revenue. To earn 10 % a year (the return J.P. Morgan uses, seed 03) on "
                    f"one year of capex at the present rate ({_num(r['capital_usd_bn'], 0)} bn USD) "
                    f"and to replace it over six years, the assets must bring in at least "
                    f"{_num(r['required_revenue_usd_bn'], 0)} bn USD a year -- a lower bound, since "
                    f"it assumes no operating costs at all ({_num(per, 2)} USD a month per Netflix "
                    "membership). The article's 650 bn USD a year is consistent with about "
                    f"{_num(a['implied capital, 6-year life (USD bn)'], 0)} bn USD of capital on the "
                    "same terms; its 180 USD a month per Netflix subscriber reproduces with Netflix's "
                    f"reported 301.6 m memberships ({_num(a['per Netflix membership per month, reported members (USD)'])} "
                    f"USD), and its 35 USD per iPhone user implies {_num(a['implied iPhone users (bn)'], 2)} "
                    "bn users.",
                    f"Erforderlicher Umsatz. Um 10 % im Jahr zu verdienen (die Rendite, die J.P. "
                    f"Morgan ansetzt, Artikel 03) auf ein Jahr Investitionen im heutigen Tempo "
                    f"({_num(r['capital_usd_bn'], 0)} Mrd. USD) und sie über sechs Jahre zu ersetzen, "
                    f"müssen die Anlagen mindestens {_num(r['required_revenue_usd_bn'], 0)} Mrd. USD "
                    "im Jahr einbringen -- eine Untergrenze, da keinerlei Betriebskosten angenommen "
                    f"sind ({_num(per, 2)} USD im Monat je Netflix-Mitgliedschaft). Die 650 Mrd. USD "
                    f"des Artikels passen zu rund {_num(a['implied capital, 6-year life (USD bn)'], 0)} "
                    "Mrd. USD Kapital unter denselben Annahmen; seine 180 USD im Monat je "
                    "Netflix-Abonnent ergeben sich aus den gemeldeten 301,6 Mio. Mitgliedschaften "
                    f"({_num(a['per Netflix membership per month, reported members (USD)'])} USD), "
                    f"seine 35 USD je iPhone-Nutzer setzen {_num(a['implied iPhone users (bn)'], 2)} "
                    "Mrd. Nutzer voraus.",
                )
            )
        )
        key[
            t(
                "required revenue, lower bound (USD bn a year)",
                "erforderlicher Umsatz, Untergrenze (Mrd. USD/Jahr)",
            )
        ] = KeyFigure(
            _num(r["required_revenue_usd_bn"], 0),
            t(
                "10 % return, six-year life, no operating costs; the article: 650",
                "10 % Rendite, sechs Jahre Lebensdauer, keine Betriebskosten; der Artikel: 650",
            ),
        )
        rf = m.required.to_frame()
        rf["value"] = rf["value"].map(lambda v: f"{v:,.4g}")
        rf["kind"] = rf["kind"].map(
            {"input": t("input", "Eingabe"), "output": t("result", "Ergebnis")}
        )
        tables.append(
            (
                t(
                    "Required-revenue arithmetic and its inputs",
                    "Rechnung zum erforderlichen Umsatz und ihre Annahmen",
                ),
                rf.rename(
                    columns={
                        "item": t("item", "Größe"),
                        "value": t("value", "Wert"),
                        "kind": t("kind", "Art"),
                        "source": t("source", "Quelle"),
                    }
                ),
            )
        )
    # -- PSY ---------------------------------------------------------------------------------
    rows, first = psy_rows(ctx, data, ctx.seed)
    if rows:
        psy_t = pd.DataFrame(rows).rename(
            columns={
                "series": t("series", "Reihe"),
                "months": t("months", "Monate"),
                "from": t("from", "von"),
                "to": t("to", "bis"),
                "cv95": t("GSADF 95 % cv", "GSADF 95 %-Krit."),
                "rejects": t("explosive (GSADF)", "explosiv (GSADF)"),
                "episodes": t("episodes", "Episoden"),
                "ongoing": t("episode at the end", "Episode am Ende"),
                "error": t("error", "Fehler"),
            }
        )
        ongoing = [r["series"] for r in rows if r.get("ongoing")]
        unconfirmed = [r["series"] for r in rows if r.get("ongoing") and not r.get("rejects")]
        caveat_en = (
            f" For {', '.join(unconfirmed)} the whole-sample GSADF test does not reject at 95 %: "
            "the date-stamping compares each date's BSADF with that date's own critical value, "
            "which is lower than the critical value of the supremum over all dates, so an "
            "episode can be stamped that the whole-sample test does not confirm."
            if unconfirmed
            else ""
        )
        caveat_de = (
            f" Für {', '.join(unconfirmed)} verwirft der GSADF-Test über die ganze Reihe nicht auf "
            "dem 95 %-Niveau: die Datierung vergleicht den BSADF jedes Datums mit dessen eigenem "
            "kritischen Wert, der niedriger ist als der des Maximums über alle Daten; so kann "
            "eine Phase datiert werden, die der Gesamttest nicht bestätigt."
            if unconfirmed
            else ""
        )
        html.append(
            _p(
                t(
                    "Explosiveness (PSY). The generalized sup-ADF test of Phillips, Shi & Yu (2015) "
                    "asks whether a series grew explosively at some time, and date-stamps when. It "
                    "runs on the S&P 500's price-dividend ratio (the series of the original paper) "
                    "and on the monthly log closes of the indices and AI stocks. Series in an "
                    f"explosive episode at their last observation: {', '.join(ongoing) or 'none'}."
                    + caveat_en
                    + " An episode means the price grew faster than a random walk allows, not "
                    "that a crash must follow.",
                    "Explosivität (PSY). Der verallgemeinerte Sup-ADF-Test von Phillips, Shi & Yu "
                    "(2015) prüft, ob eine Reihe zeitweise explosiv wuchs, und datiert die Phasen. Er "
                    "läuft auf dem Kurs-Dividenden-Verhältnis des S&P 500 (der Reihe der "
                    "Originalarbeit) und auf den monatlichen Log-Schlusskursen der Indizes und "
                    "KI-Aktien. Reihen, die an ihrem letzten Datum in einer explosiven Phase sind: "
                    f"{', '.join(ongoing) or 'keine'}."
                    + caveat_de
                    + " Eine Phase heißt, der Kurs stieg schneller, als ein Random Walk erlaubt, "
                    "nicht, dass ein Crash folgen muss.",
                )
            )
        )
        html += [_p(x) for x in psy_sentences(ctx, data, rows)]
        tables.append((t("PSY date-stamping (monthly)", "PSY-Datierung (monatlich)"), psy_t))
        if first is not None:
            figures.append(first.plot())
        key[
            t(
                "series in an explosive episode now (PSY)",
                "Reihen aktuell in explosiver Phase (PSY)",
            )
        ] = KeyFigure(
            f"{len(ongoing)} / {len(rows)}",
            t(
                "PSY on the S&P 500 price-dividend ratio"
                + (" and the price series" if len(rows) > 1 else "")
                + f"; 95 % level, {PSY_REPS} replications",
                "PSY auf dem Kurs-Dividenden-Verhältnis des S&P 500"
                + (" und den Kursreihen" if len(rows) > 1 else "")
                + f"; 95 %-Niveau, {PSY_REPS} Replikationen",
            ),
        )
    # -- LPPLS -------------------------------------------------------------------------------
    fits, why = lppls_fits(data, ctx.seed)
    if fits:
        from kreislauf.bubble.scan import lppls_headline

        lp_rows = []
        for sym, conf in fits:
            h = lppls_headline(conf)
            lp_rows.append(
                {
                    t("series", "Reihe"): sym,
                    t("end dates", "Enddaten"): h["n_end_dates"],
                    t("last end date", "letztes Enddatum"): h["latest_date"],
                    t("bubble confidence now", "Blasen-Konfidenz jetzt"): round(
                        h["latest_pos_conf"], 3
                    ),
                    t("highest bubble confidence", "höchste Blasen-Konfidenz"): round(
                        h["max_pos_conf"], 3
                    ),
                    t("date of the highest", "Datum des Höchstwerts"): h["max_pos_conf_date"]
                    if h["max_pos_conf"] > 0
                    else "—",
                    t("highest crash-side confidence", "höchste Konfidenz (fallend)"): round(
                        h["max_neg_conf"], 3
                    ),
                    t("date of the highest (crash side)", "Datum des Höchstwerts (fallend)"): h[
                        "max_neg_conf_date"
                    ]
                    if h["max_neg_conf"] > 0
                    else "—",
                }
            )
        head = fits[0][1].summary()
        peak = max(fits, key=lambda f: f[1].summary()["max_pos_conf"])
        pk = peak[1].summary()
        html.append(
            _p(
                t(
                    f"LPPLS confidence on {', '.join(s for s, _ in fits)} (the last {LPPLS_DAYS} "
                    "daily closes): for each end date, the share of nested windows whose "
                    "log-periodic power-law fit passes the qualification filters. A high bubble "
                    "confidence says the recent rise has the accelerating, oscillating shape the "
                    f"model associates with bubbles. On the last end date ({_d(head['latest_date'])}) "
                    f"it is {head['latest_pos_conf']:.2f} for {fits[0][0]}; the highest in the span "
                    f"was {pk['max_pos_conf']:.2f} for {peak[0]} on {_d(pk['max_pos_conf_date'])}.",
                    f"LPPLS-Konfidenz für {', '.join(s for s, _ in fits)} (die letzten {LPPLS_DAYS} "
                    "Tagesschlusskurse): je Enddatum der Anteil der verschachtelten Fenster, deren "
                    "log-periodische Potenzgesetz-Anpassung die Filter besteht. Eine hohe "
                    "Blasen-Konfidenz heißt, der jüngste Anstieg hat die beschleunigte, schwingende "
                    "Form, die das Modell mit Blasen verbindet. Am letzten Enddatum "
                    f"({_d(head['latest_date'])}) beträgt sie {head['latest_pos_conf']:.2f} für "
                    f"{fits[0][0]}; der höchste Wert im Zeitraum war {pk['max_pos_conf']:.2f} für "
                    f"{peak[0]} am {_d(pk['max_pos_conf_date'])}.",
                )
            )
        )
        tables.append((t("LPPLS confidence", "LPPLS-Konfidenz"), pd.DataFrame(lp_rows)))
        figures.append(fits[0][1].plot())
    if why:
        notes.append(t(f"LPPLS: {why}.", f"LPPLS: {why}."))
    notes += [
        t(
            f"PSY: minimum window by PSY's rule r0 = 0.01 + 1.8/sqrt(T), no ADF lags, Monte Carlo "
            f"critical values with {PSY_REPS} replications (seed {ctx.seed}; kept modest so the report "
            "is fast: run kreislauf bubble psy --reps 2000 for the full test), 95 % level, episodes "
            "lasting at least log(T) observations.",
            f"PSY: Mindestfenster nach der PSY-Regel r0 = 0,01 + 1,8/sqrt(T), keine ADF-Lags, "
            f"Monte-Carlo-kritische Werte mit {PSY_REPS} Replikationen (Seed {ctx.seed}; bewusst "
            "klein, damit der Bericht schnell bleibt: kreislauf bubble psy --reps 2000 für den vollen "
            "Test), 95 %-Niveau, Phasen von mindestens log(T) Beobachtungen.",
        ),
        t(
            f"LPPLS (report settings, last {LPPLS_DAYS} daily closes, seed {ctx.seed}): "
            + ", ".join(f"{k} {v}" for k, v in LPPLS_OPTIONS.items())
            + "; kreislauf bubble lppls --confidence for other settings and series.",
            f"LPPLS (Einstellungen im Bericht, letzte {LPPLS_DAYS} Tagesschlusskurse, Seed "
            f"{ctx.seed}): "
            + ", ".join(f"{k} {v}" for k, v in LPPLS_OPTIONS.items())
            + "; kreislauf bubble lppls --confidence für andere Einstellungen und Reihen.",
        ),
        t(
            "Stock P/E: a quarter counts as reported 35 days after it ends (assumption; the data hold "
            "no announcement dates). The market cap is the one of the dated snapshot named in the "
            "table; Tesla has no quarterly fundamentals in the data, so only the vendor's P/E is shown.",
            "KGV der Aktien: ein Quartal gilt 35 Tage nach seinem Ende als gemeldet (Annahme; die "
            "Daten enthalten keine Veröffentlichungstermine). Der Börsenwert ist der des in der "
            "Tabelle genannten Stichtags; für Tesla gibt es keine Quartalszahlen, daher nur das KGV "
            "des Datenanbieters.",
        ),
        t(
            "Capex is 'payments to acquire property, plant and equipment' (SEC filings); quarters "
            "are grouped by the calendar year they end in; a year with a missing quarter is left "
            "blank, never filled.",
            "Investitionen sind 'Zahlungen für Sachanlagen' (SEC-Meldungen); Quartale werden dem "
            "Kalenderjahr ihres Endes zugeordnet; ein Jahr mit fehlendem Quartal bleibt leer und "
            "wird nie aufgefüllt.",
        ),
    ]
    if m.unavailable:
        notes.append(
            t("Not computed for lack of data: ", "Mangels Daten nicht berechnet: ")
            + "; ".join(f"{k} ({v})" for k, v in m.unavailable.items())
        )
    sources = sorted({s for fam in data.sources.values() for s in fam})
    section = Section(
        key="bubble",
        title=t(
            "The bubble: valuation, concentration, explosiveness",
            "Die Blase: Bewertung, Konzentration, Explosivität",
        ),
        html="".join(html),
        figures=[readable(f, ctx) for f in figures],
        tables=tables,
        key_figures=key,
        sources=sources,
        notes=notes,
    )
    section.tables = [(cap, human_columns(df, ctx)) for cap, df in section.tables]
    return section
