"""Online sources, for a user's machine with internet: Yahoo (yfinance) and SEC EDGAR.

The parsers are pure functions of the services' documented response formats and are tested
on small recorded fixtures (``tests/fixtures/online``); the fetchers only add the network
call and write the parsed result into the store with the date fetched. Nothing here runs in
the tests' network-free environment except the parsers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError

SEC_CONCEPTS = {
    "revenue": ("RevenueFromContractWithCustomerExcludingAssessedTax", "Revenues"),
    "net_income": ("NetIncomeLoss",),
    "capex": ("PaymentsToAcquirePropertyPlantAndEquipment",),
}


def parse_yfinance_history(frame: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """yfinance's ``Ticker.history()`` table (index Date; Open, High, Low, Close, Volume ...)."""
    if "Close" not in frame.columns:
        raise InputError.single(f"Yahoo response for {symbol} has no Close column", field="Close")
    idx = pd.to_datetime(frame.index, utc=True).tz_convert(None).normalize()
    out = pd.DataFrame(
        {"date": idx, "symbol": symbol, "close": frame["Close"].to_numpy(dtype=float)}
    )
    if "Open" in frame:
        out["open"] = frame["Open"].to_numpy(dtype=float)
    if "Volume" in frame:
        out["volume"] = frame["Volume"].to_numpy(dtype=float)
    bad = ~np.isfinite(out["close"]) | (out["close"] <= 0)
    if bad.any():
        raise InputError.single(
            f"Yahoo returned {int(bad.sum())} non-positive or missing closes for {symbol}",
            field="close",
        )
    return out.sort_values("date", ignore_index=True)


def _facts(payload: dict[str, Any], concepts: tuple[str, ...]) -> list[dict[str, Any]]:
    gaap = payload.get("facts", {}).get("us-gaap", {})
    for concept in concepts:
        if concept in gaap:
            return list(gaap[concept].get("units", {}).get("USD", []))
    return []


def parse_sec_companyfacts(payload: dict[str, Any], symbol: str) -> pd.DataFrame:
    """Quarterly revenue, net income and capex from an EDGAR ``companyfacts`` JSON document.

    Quarterly values are the 10-Q facts whose period spans about three months; the fourth
    fiscal quarter is derived as the 10-K annual value minus the three quarters before it
    (``Q4 = FY - Q1 - Q2 - Q3``). Year-to-date cash-flow facts (capex) are differenced
    within the fiscal year.
    """
    rows: dict[pd.Timestamp, dict[str, float]] = {}
    for field, concepts in SEC_CONCEPTS.items():
        facts = _facts(payload, concepts)
        if not facts:
            continue
        df = pd.DataFrame(facts)
        df = df[df["form"].isin(["10-Q", "10-K"])].copy()
        df["start"] = pd.to_datetime(df["start"])
        df["end"] = pd.to_datetime(df["end"])
        df["days"] = (df["end"] - df["start"]).dt.days
        df = df.sort_values("filed").drop_duplicates(["start", "end"], keep="last")
        quarter: dict[pd.Timestamp, float] = {}
        # 1. facts that span one quarter
        for r in df[df["days"].between(80, 100)].itertuples(index=False):
            quarter[r.end] = float(r.val)
        # 2. year-to-date facts (same start, growing end): difference consecutive totals
        for _, ytd in df[df["days"] < 350].groupby("start"):
            ytd = ytd.sort_values("end")
            cum = list(zip(ytd["end"], ytd["val"].astype(float), ytd["days"], strict=True))
            for (_, v0, _), (e1, v1, d1) in itertools.pairwise(cum):
                if d1 > 100 and e1 not in quarter:
                    quarter[e1] = v1 - v0
        # 3. the fourth quarter: the annual figure less the three quarters within it
        for fy in df[df["days"].between(350, 380)].itertuples(index=False):
            inside = sorted(e for e in quarter if fy.start < e < fy.end)
            if len(inside) == 3 and fy.end not in quarter:
                quarter[fy.end] = float(fy.val) - sum(quarter[e] for e in inside)
        for end, v in quarter.items():
            rows.setdefault(end, {})[field] = v
    if not rows:
        raise InputError.single(
            f"no quarterly facts for {symbol} in the EDGAR response", field="facts"
        )
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("period_end").reset_index()
    out.insert(0, "symbol", symbol)
    for col in SEC_CONCEPTS:
        if col not in out:
            out[col] = np.nan
    return out.sort_values("period_end", ignore_index=True)


def fetch_prices(symbols: list[str], start: str) -> pd.DataFrame:  # pragma: no cover - network
    """Daily prices from Yahoo through yfinance (needs the ``fetch`` extra and internet)."""
    try:
        import yfinance as yf
    except ImportError as err:
        raise InputError.single("online prices need: pip install 'kreislauf[fetch]'") from err
    frames = []
    for s in symbols:
        hist = yf.Ticker(s).history(start=start, auto_adjust=False)
        if hist.empty:
            raise InputError.single(f"Yahoo returned no data for {s!r}", field="symbols")
        frames.append(parse_yfinance_history(hist, s))
    return pd.concat(frames, ignore_index=True)


def fetch_sec_fundamentals(
    cik: int, symbol: str, user_agent: str
) -> pd.DataFrame:  # pragma: no cover - network
    """Quarterly fundamentals from SEC EDGAR's companyfacts API (SEC asks for a User-Agent)."""
    import requests

    url = f"https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
    resp = requests.get(url, headers={"User-Agent": user_agent}, timeout=30)
    resp.raise_for_status()
    return parse_sec_companyfacts(resp.json(), symbol)


def fetched_now() -> dt.datetime:
    """Timestamp recorded with fetched data (UTC, naive)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# Balance-sheet concepts of EDGAR's company facts, in order of preference per metric.
SEC_BALANCE_CONCEPTS: dict[str, tuple[str, ...]] = {
    "total_assets": ("Assets",),
    "total_liabilities": ("Liabilities",),
    "equity": (
        "StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest",
        "StockholdersEquity",
    ),
    "cash": ("CashAndCashEquivalentsAtCarryingValue",),
    "total_debt": ("LongTermDebt", "DebtLongtermAndShorttermCombinedAmount"),
    "rpo": ("RevenueRemainingPerformanceObligation",),
}


def parse_sec_balance_sheet(payload: dict[str, Any], entity_id: str, cik: int) -> pd.DataFrame:
    """The latest balance sheet in an EDGAR ``companyfacts`` document, as figure rows.

    For each metric of :data:`SEC_BALANCE_CONCEPTS`, the point-in-time facts (no ``start``)
    of 10-Q and 10-K filings; the balance-sheet date is the latest ``end`` at which equity is
    reported, and every metric is taken at that date from the latest filing that reports it.
    Each row cites its filing: the EDGAR folder of its accession number, the form, the period
    and the fact itself as the quote.

    Returns
    -------
    DataFrame
        Rows in the format of ``kreislauf/contagion/data/balance_sheets.csv`` (tier
        ``filing``, USD bn).

    Raises
    ------
    InputError
        If the document has no equity fact from a 10-Q or 10-K.
    """
    gaap = payload.get("facts", {}).get("us-gaap", {})
    found: dict[str, tuple[str, pd.DataFrame]] = {}
    for metric, concepts in SEC_BALANCE_CONCEPTS.items():
        for concept in concepts:
            facts = gaap.get(concept, {}).get("units", {}).get("USD", [])
            df = pd.DataFrame(facts)
            if df.empty or "end" not in df:
                continue
            df = df[
                df["form"].isin(["10-Q", "10-K"])
                & df.get("start", pd.Series(None, index=df.index)).isna()
            ]
            if not df.empty:
                found[metric] = (concept, df)
                break
    if "equity" not in found:
        raise InputError.single(
            f"no stockholders' equity fact from a 10-Q or 10-K for {entity_id} in the EDGAR "
            "response",
            field="facts",
        )
    as_of = max(found["equity"][1]["end"])
    rows = []
    for metric, (concept, df) in found.items():
        at = df[df["end"] == as_of].sort_values("filed")
        if at.empty:
            continue
        f = at.iloc[-1]
        accn = str(f["accn"])
        val = float(f["val"])
        rows.append(
            {
                "entity_id": entity_id,
                "metric": metric,
                "value": val / 1e9,
                "currency": "USD",
                "unit": "bn",
                "as_of": as_of,
                "tier": "filing",
                "estimate": "false",
                "counterparty": "",
                "source_url": (
                    f"https://www.sec.gov/Archives/edgar/data/{cik}/{accn.replace('-', '')}/"
                ),
                "source_quote": (
                    f"us-gaap:{concept} {val:.0f} USD at {as_of} ({f['form']}, filed {f['filed']})"
                ),
                "source_form": f["form"],
                "source_period": as_of,
                "source_accession": accn,
                "source_outlet": "",
                "notes": "EDGAR company facts (XBRL), fetched online",
            }
        )
    return pd.DataFrame(rows)


def fetch_sec_balance_sheets(
    ciks: dict[str, int], user_agent: str
) -> pd.DataFrame:  # pragma: no cover - network
    """Latest balance sheets of atlas entities (id -> CIK) from EDGAR's company facts."""
    import requests

    frames = []
    for entity_id, cik in ciks.items():
        url = f"https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
        resp = requests.get(url, headers={"User-Agent": user_agent}, timeout=30)
        resp.raise_for_status()
        frames.append(parse_sec_balance_sheet(resp.json(), entity_id, cik))
    return pd.concat(frames, ignore_index=True)
