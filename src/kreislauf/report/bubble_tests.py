"""The bubble tests the report runs: PSY on the price-dividend ratio and price series, LPPLS.

Settings are kept modest so the report stays fast; the bubble section states them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kreislauf.report.model import ReportContext

# Monte Carlo replications of the PSY critical values in the report: the price-dividend ratio
# of the bundle (1,867 months) takes about 3 s with 199 on one core (docs/first-ten-minutes.md).
PSY_REPS = 199
LPPLS_SERIES = ("NVDA", "^NDX")  # fitted where present (daily closes)
LPPLS_OPTIONS = {
    "window_size": 120,
    "smallest_window_size": 30,
    "outer_increment": 2,
    "inner_increment": 5,
    "max_searches": 25,
}
LPPLS_DAYS = 620  # daily closes fitted: the 251 end dates span about the last year


def psy_rows(ctx: ReportContext, data, seed: int) -> tuple[list[dict[str, Any]], Any]:
    """PSY on the S&P 500 price-dividend ratio, the Nasdaq indices and the AI stocks."""
    from kreislauf.bubble.psy import psy
    from kreislauf.bubble.scan import prepare_series, psy_headline

    t = ctx.t
    todo: list[tuple[str, pd.Series, bool]] = []
    sh = data.get("shiller")
    if sh is not None:
        d = sh.dropna(subset=["P", "D"])
        pdr = pd.Series((d["P"] / d["D"]).to_numpy(float), index=pd.DatetimeIndex(d["date"]))
        todo.append(
            (t("S&P 500 price/dividend (Shiller)", "S&P 500 Kurs/Dividende (Shiller)"), pdr, False)
        )
    prices = data.prices()
    for sym in ("^GSPC", "^IXIC", "^NDX"):
        if sym in set(prices["symbol"]):
            todo.append((sym, prepare_series(data.series(sym), freq="M"), True))
    if "ai_stocks" in data.frames:
        for sym in data.frames["ai_stocks"]["symbol"].unique():
            todo.append((sym, prepare_series(data.series(sym), freq="M"), True))
    rows, first = [], None
    for name, s, log in todo:
        try:
            res = psy(s.rename(name), reps=PSY_REPS, seed=seed, log=log)
        except Exception as err:  # a short or odd series is reported, not fatal
            rows.append({"series": name, "error": str(err)[:120]})
            continue
        first = first or res
        h = psy_headline(res)
        rows.append(
            {
                "series": name,
                "months": len(s),
                "from": f"{s.index[0]:%Y-%m}",
                "to": s.attrs.get("last_observation") or f"{s.index[-1]:%Y-%m}",
                "gsadf": round(h["gsadf"], 2),
                "cv95": round(h["gsadf_cv"], 2),
                "rejects": h["gsadf_rejects"],
                "episodes": h["episodes"],
                "ongoing": h["bubble_at_end"],
            }
        )
    return rows, first


def lppls_fits(data, seed: int) -> tuple[list[tuple[str, Any]], str | None]:
    """LPPLS confidence on each series of LPPLS_SERIES present (the last LPPLS_DAYS closes)."""
    from kreislauf.bubble.lppls_confidence import confidence

    prices = data.prices()
    out, why = [], None
    for sym in LPPLS_SERIES:
        if sym not in set(prices["symbol"]):
            continue
        s = data.series(sym).tail(LPPLS_DAYS)
        try:
            out.append((sym, confidence(s, seed=seed, **LPPLS_OPTIONS)))
        except Exception as err:  # reported in the notes, never replaced by a made-up series
            why = f"LPPLS failed on {sym}: {err}"
    if not out and why is None:
        why = f"none of {', '.join(LPPLS_SERIES)} is in the data"
    return out, why


FETCH_PRICES = "kreislauf data fetch ^GSPC ^IXIC ^NDX NVDA MSFT"


def _months(episodes: str) -> list[str]:
    """``1928-09-01..1929-09-01; ...`` as ``1928-09 – 1929-09`` spans."""
    out = []
    for span in filter(None, (e.strip() for e in episodes.split(";"))):
        a, _, b = span.partition("..")
        out.append(f"{a[:7]} – {b[:7]}")
    return out


def psy_sentences(ctx: ReportContext, data: Any, rows: list[dict[str, Any]]) -> list[str]:
    """The price-dividend ratio's dated episodes, the data behind the PSY table, missing prices.

    Parameters
    ----------
    ctx : ReportContext
        For the language.
    data : MarketData
        The loaded market data.
    rows : list of dict
        :func:`psy_rows`' table rows; the first is the price-dividend ratio when Shiller's
        data were loaded.

    Returns
    -------
    list of str
        Sentences, each one paragraph.
    """
    from kreislauf.bubble.inputs import PRICE_FAMILIES
    from kreislauf.report.provenance import data_note

    t = ctx.t
    out = []
    pdr = rows[0] if data.get("shiller") is not None and rows else None
    if pdr is not None and "episodes" in pdr:
        spans = _months(pdr["episodes"])
        out.append(
            t(
                f"PSY episodes in the S&P 500's price-dividend ratio ({pdr['from']} to "
                f"{pdr['to']}, {pdr['months']} months; GSADF {pdr['gsadf']:.2f} against a 95 % "
                f"critical value of {pdr['cv95']:.2f}): "
                + ("; ".join(spans) if spans else "none")
                + ".",
                f"PSY-Phasen im Kurs-Dividenden-Verhältnis des S&P 500 ({pdr['from']} bis "
                f"{pdr['to']}, {pdr['months']} Monate; GSADF {pdr['gsadf']:.2f} bei einem "
                f"kritischen 95 %-Wert von {pdr['cv95']:.2f}): "
                + ("; ".join(spans) if spans else "keine")
                + ".",
            )
        )
        out.append(data_note(ctx, data, "shiller"))
    have = [f for f in PRICE_FAMILIES if data.get(f) is not None]
    for fam in have:
        out.append(data_note(ctx, data, fam))
    if not have and "fetched_prices" not in data.frames:
        out.append(
            t(
                "Index and stock prices are not in the data bundle (their vendors' terms do not "
                "allow redistribution), so PSY runs here on the price-dividend ratio alone and "
                f"LPPLS is not run. One command fetches them online into the store: {FETCH_PRICES} "
                "(needs the fetch extra); the next report includes them.",
                "Index- und Aktienkurse sind nicht im Datenpaket (die Bedingungen ihrer Anbieter "
                "erlauben keine Weitergabe); PSY läuft hier daher nur auf dem "
                "Kurs-Dividenden-Verhältnis, LPPLS entfällt. Ein Befehl lädt sie online in den "
                f"Zwischenspeicher: {FETCH_PRICES} (braucht das Extra fetch); der nächste Bericht "
                "enthält sie.",
            )
        )
    return [s for s in out if s]
