"""The checks: each confronts one kind of claim with the atlas, market data or an engine.

A check returns a :class:`~kreislauf.claims.model.Finding`. Where the data needed is absent
(no data directory, a gap in a series), the verdict is "not checkable" and the evidence says
what is missing; a check never substitutes a made-up value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kreislauf.claims.model import Claim, Finding, within

MAX_GAP_DAYS = 45  # a snapshot further than this from the claim's date does not check it


@dataclass
class ClaimContext:
    """What the checks may use: the atlas, and market data from a directory or the bundle.

    ``bundle`` lets families the data directory lacks come from the data shipped with the
    package (:mod:`kreislauf.data.embedded`); a directory's file always wins.
    """

    atlas_dir: Path | None = None
    data_dir: Path | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    bundle: bool = True

    @cached_property
    def atlas(self) -> Any:
        from kreislauf.atlas import load_atlas

        return load_atlas(self.atlas_dir)

    def family(self, name: str) -> pd.DataFrame | None:
        """A data family's frame from the data directory, else from the package's bundle.

        ``None`` when neither has the family (or the bundle is switched off).
        """
        if name not in self.cache:
            from kreislauf.data.directory import discover, load_family

            if self.data_dir is not None and discover(self.data_dir)[name]:
                sets = load_family(self.data_dir, name)
                self.cache[name] = pd.concat([s.frame for s in sets], ignore_index=True)
                self.cache[name + ":src"] = tuple(s.source for s in sets)
            else:
                self.cache[name] = self._bundled(name)
        return self.cache[name]

    def _bundled(self, name: str) -> pd.DataFrame | None:
        from kreislauf.data.embedded import load_bundled

        ds = load_bundled(name) if self.bundle else None
        if ds is None:
            return None
        self.cache[name + ":src"] = (ds.source,)
        return ds.frame

    def sources(self, name: str) -> tuple[str, ...]:
        return self.cache.get(name + ":src", ())


NO_DATA = (
    "no market data: the data bundled with kreislauf lack this family (vendors' prices and "
    "unlicensed series are not shipped); run with --data-dir (or set KREISLAUF_DATA_DIR)"
)
CHECKS: dict[str, Callable[[Claim, ClaimContext], Finding]] = {}


def check(name: str) -> Callable:
    def register(fn: Callable[[Claim, ClaimContext], Finding]) -> Callable:
        CHECKS[name] = fn
        return fn

    return register


def _verdict(claim: Claim, observed: float) -> str:
    return "supported" if within(claim.figure, observed, claim.tolerance) else "contradicted"


@check("not_checkable")
def _not_checkable(claim: Claim, ctx: ClaimContext) -> Finding:
    return Finding("not checkable", None, claim.reason or "no data can check this claim")


@check("top7_share")
def _top7(claim: Claim, ctx: ClaimContext) -> Finding:
    conc = ctx.family("concentration")
    if conc is None:
        return Finding("not checkable", None, NO_DATA)
    from kreislauf.bubble.concentration import concentration

    # Each company counted once: the snapshots' own ``mag7_share`` counts Alphabet twice
    # (GOOGL and GOOG each carry the company's whole market cap); see kreislauf.bubble.
    shares = concentration(conc).to_frame()
    shares = shares[shares["basis"] == "concentration snapshot"].reset_index(drop=True)
    when = pd.Timestamp(claim.as_of)
    gap = (shares["date"] - when).abs()
    near = shares.loc[gap.idxmin()]
    before = shares[shares["date"] <= when].tail(1)
    after = shares[shares["date"] >= when].head(1)
    bracket = "; ".join(
        f"{r.date.date()}: {r.mag7_share:.1%} (file's column, Alphabet twice: "
        f"{r.mag7_share_file:.1%})"
        for r in pd.concat([before, after]).itertuples(index=False)
    )
    if gap.min().days > MAX_GAP_DAYS:
        return Finding(
            "not checkable",
            None,
            f"no concentration snapshot within {MAX_GAP_DAYS} days of {claim.as_of} "
            f"(nearest, Magnificent-7 share with Alphabet counted once: {bracket or 'none'})",
            ctx.sources("concentration"),
        )
    obs = float(near["mag7_share"])
    return Finding(
        _verdict(claim, obs),
        obs,
        f"Magnificent-7 share on {near['date'].date()}, Alphabet counted once: {obs:.1%} "
        f"(the file's own column, which counts GOOGL and GOOG: {near['mag7_share_file']:.1%})",
        ctx.sources("concentration"),
    )


def _shiller(ctx: ClaimContext) -> pd.DataFrame | None:
    sh = ctx.family("shiller")
    return None if sh is None else sh.assign(pe=sh["P"] / sh["E"])


@check("sp500_pe")
def _sp500_pe(claim: Claim, ctx: ClaimContext) -> Finding:
    sh = _shiller(ctx)
    if sh is None:
        return Finding("not checkable", None, NO_DATA)
    row = sh[sh["date"] <= pd.Timestamp(claim.as_of)].dropna(subset=["CAPE"]).iloc[-1]
    e_row = sh.dropna(subset=["E"]).iloc[-1]
    cape, pe = float(row["CAPE"]), float(e_row["pe"])
    verdict = _verdict(claim, cape)
    return Finding(
        verdict,
        cape,
        f"Shiller CAPE (price over 10-year average real earnings) in "
        f"{row['date']:%Y-%m}: {cape:.1f}; trailing 12-month P/E at the last month "
        f"with earnings ({e_row['date']:%Y-%m}): {pe:.1f}. The claim matches the "
        "CAPE, not the trailing P/E.",
        ctx.sources("shiller"),
    )


@check("sp500_pe_peak")
def _sp500_pe_peak(claim: Claim, ctx: ClaimContext) -> Finding:
    sh = _shiller(ctx)
    if sh is None:
        return Finding("not checkable", None, NO_DATA)
    pre = sh[sh["date"] <= pd.Timestamp("2001-12-31")].dropna(subset=["CAPE"])
    peak = pre.loc[pre["CAPE"].idxmax()]
    later = sh[sh["date"] > pd.Timestamp("2001-12-31")]["CAPE"].max()
    obs = float(peak["CAPE"])
    return Finding(
        _verdict(claim, obs),
        obs,
        f"Highest Shiller CAPE up to 2001: {obs:.1f} in {peak['date']:%Y-%m}; "
        f"highest since 2002: {later:.1f}",
        ctx.sources("shiller"),
    )


@check("sp500_pe_range")
def _sp500_pe_range(claim: Claim, ctx: ClaimContext) -> Finding:
    sh = _shiller(ctx)
    if sh is None:
        return Finding("not checkable", None, NO_DATA)
    cape = sh["CAPE"].dropna()
    pe = sh["pe"].dropna()
    q25, q50, q75 = (float(cape.quantile(q)) for q in (0.25, 0.5, 0.75))
    t25, t75 = float(pe.quantile(0.25)), float(pe.quantile(0.75))
    ok = 10 <= q25 and q75 <= 20
    return Finding(
        "supported" if ok else "contradicted",
        q50,
        f"Shiller CAPE (the measure the article's '40' matches, claim C03) "
        f"{sh.dropna(subset=['CAPE'])['date'].iloc[0]:%Y}-"
        f"{sh.dropna(subset=['CAPE'])['date'].iloc[-1]:%Y}: median {q50:.1f}, "
        f"middle half {q25:.1f}-{q75:.1f}. The trailing 12-month P/E's middle half, "
        f"{t25:.1f}-{t75:.1f}, does lie between 10 and 20: the article mixes the two "
        "measures.",
        ctx.sources("shiller"),
    )


@check("nvidia_pe")
def _nvidia_pe(claim: Claim, ctx: ClaimContext) -> Finding:
    px, fund, cons = ctx.family("ai_stocks"), ctx.family("fundamentals"), ctx.family("constituents")
    if px is None or fund is None or cons is None:
        return Finding("not checkable", None, NO_DATA)
    from kreislauf.bubble.valuation import (
        REPORT_LAG_DAYS,
        market_caps_from_prices,
        stock_valuation,
    )

    # Only quarters reported by the claim's date count (no look-ahead): a quarter counts
    # REPORT_LAG_DAYS after its end (an assumption stated in kreislauf.bubble.valuation).
    caps = market_caps_from_prices(px, cons, [claim.as_of], ["NVDA"])
    if caps.empty:
        return Finding("not checkable", None, f"no NVDA close within a week of {claim.as_of}")
    row = stock_valuation(fund, caps).to_frame().iloc[0]
    if not np.isfinite(row["trailing_pe"]):
        return Finding("not checkable", None, f"NVDA trailing P/E undefined: {row['note']}")
    obs = float(row["trailing_pe"])
    return Finding(
        _verdict(claim, obs),
        obs,
        f"NVDA market cap on {pd.Timestamp(row['date']).date()}: {row['cap_source']} = "
        f"${row['market_cap'] / 1e9:,.0f}bn / net income of the four quarters reported by then "
        f"({row['quarters_used']}, counted {REPORT_LAG_DAYS} days after each quarter's end): "
        f"${row['ttm_net_income'] / 1e9:.1f}bn = {obs:.1f}",
        ctx.sources("ai_stocks") + ctx.sources("fundamentals") + ctx.sources("constituents"),
    )


def _capex(ctx: ClaimContext, symbols: list[str], start: str, end: str) -> tuple[float, list]:
    fund = ctx.family("fundamentals")
    q = fund[
        fund["symbol"].isin(symbols) & (fund["period_end"] >= start) & (fund["period_end"] <= end)
    ]
    missing = [f"{r.symbol} {r.period_end.date()}" for r in q.itertuples() if np.isnan(r.capex)]
    counts = q.groupby("symbol").size().reindex(symbols, fill_value=0)
    missing += [
        f"{s}: {4 - n if end[5:7] == '12' else 2 - n} quarter(s) absent"
        for s, n in counts.items()
        if n < (4 if end[5:7] == "12" else 2)
    ]
    return float(q["capex"].sum()) / 1e9, missing


@check("hyperscaler_capex_2025")
@check("hyperscaler_capex_2025_floor")
def _capex_2025(claim: Claim, ctx: ClaimContext) -> Finding:
    if ctx.family("fundamentals") is None:
        return Finding("not checkable", None, NO_DATA)
    syms = ["AMZN", "GOOGL", "META", "MSFT"]
    total, missing = _capex(ctx, syms, "2025-01-01", "2025-12-31")
    if missing:
        return Finding(
            "not checkable",
            total,
            "capex missing for " + ", ".join(missing),
            ctx.sources("fundamentals"),
        )
    if claim.check.endswith("_floor"):
        verdict = "supported" if total > claim.figure else "contradicted"
    else:  # "almost X": at most X and within the tolerance below it
        verdict = (
            "supported"
            if total <= claim.figure * 1.02 and within(claim.figure, total, claim.tolerance)
            else "contradicted"
        )
    return Finding(
        verdict,
        total,
        f"reported capex (payments for property and equipment) of {', '.join(syms)} "
        f"in the quarters ending in calendar 2025: ${total:.1f}bn",
        ctx.sources("fundamentals"),
    )


@check("hyperscaler_capex_h1_2024")
def _capex_h1_2024(claim: Claim, ctx: ClaimContext) -> Finding:
    if ctx.family("fundamentals") is None:
        return Finding("not checkable", None, NO_DATA)
    total, missing = _capex(ctx, ["AMZN", "GOOGL", "META", "MSFT"], "2024-01-01", "2024-06-30")
    if missing:
        return Finding(
            "not checkable",
            None,
            f"capex missing for {', '.join(missing)} (the reported part sums to ${total:.1f}bn)",
            ctx.sources("fundamentals"),
        )
    return Finding(
        _verdict(claim, total),
        total,
        f"reported capex H1 2024: ${total:.1f}bn",
        ctx.sources("fundamentals"),
    )


@check("nvidia_revenue_fy2025")
def _nvidia_revenue(claim: Claim, ctx: ClaimContext) -> Finding:
    fund = ctx.family("fundamentals")
    if fund is None:
        return Finding("not checkable", None, NO_DATA)
    q = fund[
        (fund["symbol"] == "NVDA")
        & (fund["period_end"] > "2024-01-31")
        & (fund["period_end"] <= "2025-01-31")
    ]
    if len(q) != 4:
        return Finding("not checkable", None, f"{len(q)} of 4 quarters of fiscal 2025 present")
    obs = float(q["revenue"].sum()) / 1e9
    return Finding(
        _verdict(claim, obs),
        obs,
        f"NVIDIA revenue, four quarters to {q['period_end'].iloc[-1].date()} "
        f"(fiscal 2025): ${obs:.3f}bn",
        ctx.sources("fundamentals"),
    )


@check("per_user_arithmetic")
def _per_user(claim: Claim, ctx: ClaimContext) -> Finding:
    from kreislauf.bubble.required_revenue import NETFLIX_MEMBERS, article_check

    implied = article_check().summary()
    per_member = implied["per Netflix membership per month, reported members (USD)"]
    return Finding(
        "not checkable",
        None,
        f"The conversion is consistent: ${claim.figure:.0f}bn a year is "
        f"{implied['implied iPhone users (bn)']:.2f}bn iPhone users paying $35 a month, or "
        f"${per_member:.2f} a month from each of Netflix's {NETFLIX_MEMBERS.value / 1e6:.2f}m "
        f"reported memberships (claimed: $180). The ${claim.figure:.0f}bn itself rests on a "
        "capital base the article does not state: at a 10 % return it pays for "
        f"${implied['implied capital, 6-year life (USD bn)'] / 1e3:.2f}tn of assets with a "
        "six-year life (kreislauf bubble required-revenue), and no data file holds the "
        "industry's planned build-out.",
        (NETFLIX_MEMBERS.source,),
    )


@check("required_revenue_2030")
def _required_2030(claim: Claim, ctx: ClaimContext) -> Finding:
    from kreislauf.bubble.required_revenue import implied_capital

    six = implied_capital(claim.figure, 0.10, 1 / 6, 1.0)
    perpetual = implied_capital(claim.figure, 0.10, 0.0, 1.0)
    return Finding(
        "not checkable",
        None,
        f"A projection on unstated assumptions. Inverted: ${claim.figure / 1e3:.1f}tn of yearly "
        f"revenue earns a 10 % return on ${six / 1e3:.2f}tn of assets with a six-year life "
        f"(${perpetual / 1e3:.0f}tn with no depreciation), at a margin of 1 (an upper bound on "
        "what the revenue can pay for). No data file holds the build-out to 2030 this would "
        "have to be compared with.",
    )


@check("crash_loss_model")
def _crash_loss(claim: Claim, ctx: ClaimContext) -> Finding:
    from kreislauf.sfc.burst import shipped_comparison

    w = shipped_comparison(ctx.data_dir, ctx.atlas_dir, 40, ctx.cache).wealth()
    w = w[w["scenario"] != "baseline"]
    worst = w.loc[w["total"].idxmax()]
    return Finding(
        "not checkable",
        None,
        f"A scenario figure, which a model's scenario cannot confirm or refute. For scale: in "
        f"kreislauf's AI-circuit model (kreislauf simulate ai_circuit --all-scenarios) the worst "
        f"shipped scenario ({worst['scenario']}) costs households and pensions "
        f"${worst['households_and_pensions'] / 1e3:.1f}tn and all holders "
        f"${worst['total'] / 1e3:.1f}tn over 40 quarters; the model covers only the circuit's "
        "firms, not the whole US market or foreign holders, and no household-wealth series is "
        "in the data.",
    )


def _rel(ctx: ClaimContext, rid: str) -> pd.Series:
    rel = ctx.atlas.relations
    return rel[rel["id"] == rid].iloc[0]


@check("atlas_amount")
def _atlas_amount(claim: Claim, ctx: ClaimContext) -> Finding:
    r = _rel(ctx, claim.extra["relation"])
    obs = float(r["amount_usd_bn"])
    where = r["tier"]
    if r["tier"] == "filing":
        where = f"filing: {r['source_form']} for {r['source_period']}, {r['source_accession']}"
    how = f"; how binding: {r['binding']}"
    if isinstance(r["binding_evidence"], str) and r["binding_evidence"]:
        how += f" ({r['binding_evidence']})"
    return Finding(
        _verdict(claim, obs),
        obs,
        f"atlas {r['id']}: {r['from_id']} -> {r['to_id']} ${obs:g}bn "
        f"({r['amount_qualifier']}, {where}): {r['source_quote']}{how}",
        (r["source_url"],),
    )


@check("nvidia_openai_loop")
def _loop(claim: Claim, ctx: ClaimContext) -> Finding:
    from kreislauf.circuit.analysis import analyse

    a = ctx.atlas
    r001 = _rel(ctx, "R001")
    res = analyse(a.relations, a.entities)
    cyc = res.cycles.set_index("cycle")
    oracle = cyc.loc["nvidia -> openai -> oracle -> nvidia"]
    amd_back = a.relations[(a.relations["from_id"] == "amd") & (a.relations["to_id"] == "nvidia")]
    return Finding(
        "supported",
        float(r001["amount_usd_bn"]),
        f"atlas R001: NVIDIA's letter of intent to invest up to ${r001['amount_usd_bn']:g}bn "
        f"({r001['binding'].replace('_', '-')}; {r001['tier'].replace('_', ' ')}: "
        f"{r001['source_quote']}), superseded by R002, a reported "
        f"${_rel(ctx, 'R002')['amount_usd_bn']:g}bn. NVIDIA's 10-Q for the quarter ended "
        "2025-10-26 said there was no assurance of a definitive agreement: what was announced "
        "is an intention, not an investment made. The loop "
        f"NVIDIA -> OpenAI -> Oracle -> NVIDIA exists with ${oracle['circular_usd_bn']:g}bn of "
        f"circular dollars (relations {', '.join(oracle['relation_ids'])}). OpenAI -> AMD exists "
        f"(R026), but AMD buying NVIDIA chips is {'in' if len(amd_back) else 'not in'} the atlas.",
        (r001["source_url"],),
    )


@check("uk_pledges")
def _uk(claim: Claim, ctx: ClaimContext) -> Finding:
    rel = ctx.atlas.relations
    uk = rel[rel["to_id"] == "uk_ai_infrastructure"]
    parts = [f"{r.from_id} {r.original_amount}" for r in uk.itertuples() if r.original_amount]
    gbp = sum(float(str(x).split()[1].rstrip("bn")) for x in uk["original_amount"].dropna())
    return Finding(
        "supported",
        gbp,
        f"The GBP 31bn total is reported by City A.M. and others (atlas R062, R063, R067); the "
        f"named pledges in the atlas add up to GBP {gbp:g}bn ({'; '.join(parts)}). NVIDIA's and "
        "OpenAI's parts are GPUs and Stargate UK without a disclosed amount, and the total also "
        "includes other firms (CoreWeave, Salesforce, ...).",
        tuple(uk["source_url"].unique()),
    )


@check("dram_share")
def _dram_share(claim: Claim, ctx: ClaimContext) -> Finding:
    from kreislauf.memory.params import load_params

    r = _rel(ctx, "R028")
    world = load_params().world_capacity
    obs = 900 / world
    return Finding(
        "supported",
        obs,
        f"atlas R028/R029: letters of intent ({r['status']}) for up to 900,000 wafer starts a "
        f"month; against world output of {world:,.0f} thousand wafers ({obs:.0%}). Caveat: "
        "world output is itself derived from the same 40 % statement, and the volume is a 2029 "
        "target under non-binding letters.",
        (r["source_url"], r["source_url_2"]),
    )


@check("dram_purchases_now")
def _dram_now(claim: Claim, ctx: ClaimContext) -> Finding:
    r = _rel(ctx, "R028")
    return Finding(
        "contradicted",
        None,
        f"atlas R028 ({r['tier']}): '{r['source_quote']}' — letters of intent with a 2029 "
        "target, not wafers bought and stored every month since October 2025.",
        (r["source_url"],),
    )


@check("ai_investment_context")
def _ai_investment(claim: Claim, ctx: ClaimContext) -> Finding:
    owid = ctx.family("owid_ai_investment")
    if owid is None:
        return Finding("not checkable", None, NO_DATA)
    world = owid[owid["entity"] == "World"].sort_values("year")
    last = world.iloc[-1]
    return Finding(
        "not checkable",
        None,
        f"The data hold AI investment but not total venture capital, so no share can be formed: "
        f"private investment in AI, World, {int(last['year'])}: ${last['value'] / 1e9:.1f}bn "
        "(constant 2021 USD; Our World in Data from Quid via the Stanford AI Index). No clean-"
        "energy investment series is available for the comparison.",
        ctx.sources("owid_ai_investment"),
    )
