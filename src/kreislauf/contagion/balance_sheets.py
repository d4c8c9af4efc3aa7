"""Balance sheets of atlas nodes: sourced figures in, the stress test's buffers out.

The file (``kreislauf/contagion/data/balance_sheets.csv``, format in the README beside it) is
long: one row per entity and figure, each with its document -- URL, a verbatim quote
containing the number, and for filings the form, period and accession number. Figures stay
in the filing's currency; a non-USD figure is converted with the entity's ``fx_usd`` row of
the same date (itself sourced).

:func:`load_financials` reads and validates the figures; :func:`load_balance_sheets` derives
what the stress test needs per node: book equity and the liabilities owed outside the mapped
network. For a private company with press-reported figures only (an *estimate*), the buffer
is its reported cash, and liabilities are unknown (taken as 0); every outcome that rests on
such a row says so.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from kreislauf.atlas.evidence import check_evidence, numbers_in
from kreislauf.atlas.schema import TIERS
from kreislauf.errors import InputError, Problem
from kreislauf.paths import shown_path

SHIPPED_BALANCE_SHEETS = Path(__file__).with_name("data") / "balance_sheets.csv"
COLUMNS = (
    "entity_id",
    "metric",
    "value",
    "currency",
    "unit",
    "as_of",
    "tier",
    "estimate",
    "counterparty",
    "source_url",
    "source_quote",
    "source_form",
    "source_period",
    "source_accession",
    "source_outlet",
    "notes",
)
REQUIRED = ("entity_id", "metric", "value", "currency", "unit", "as_of", "tier", "source_url")
# metric -> unit it is given in
METRICS = {
    "total_assets": "bn",
    "total_liabilities": "bn",
    "equity": "bn",
    "cash": "bn",
    "total_debt": "bn",
    "rpo": "bn",
    "rpo_counterparty_share": "pct",
    "funding_raised": "bn",
    "cash_burn": "bn",
    "revenue_run_rate": "bn",
    "valuation": "bn",
    "fx_usd": "per_usd",
}
# What the stress test takes from the figures (columns of load_balance_sheets' frame).
STRESS_COLUMNS = (
    "id",
    "equity_usd_bn",
    "external_liabilities_usd_bn",
    "total_assets_usd_bn",
    "cash_usd_bn",
    "total_debt_usd_bn",
    "rpo_usd_bn",
    "as_of",
    "basis",
    "estimate",
    "tier",
    "source_url",
    "source_form",
    "source_accession",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _name(p: Path) -> str:
    """How a file is named in messages: shipped files as package resources, a user's as given."""
    shown = shown_path(p)
    return shown if shown.startswith("kreislauf/") else str(p)


def load_financials(
    path: str | Path | None = None,
    entity_ids: tuple[str, ...] | list[str] | None = None,
    *,
    domains: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """Read and validate a balance-sheet file (default: the shipped one), in long form.

    ``domains`` are the entities' own web domains (:func:`kreislauf.atlas.validate.
    party_domains`), against which a ``company_release`` figure's URL is checked.

    Returns
    -------
    DataFrame
        The file's columns; ``value`` float, ``estimate`` bool, ``value_usd`` the value in
        USD bn (``bn`` figures converted with the entity's ``fx_usd`` row of the same date;
        NaN for shares and rates).

    Raises
    ------
    InputError
        Every problem with file, row and field: missing columns, unknown entities, metrics,
        units or tiers; numbers that are not finite; a quote that does not contain its
        figure; a filing without form, period or accession number; duplicate figures; a
        non-USD figure without its exchange rate.
    """
    p = Path(path) if path is not None else SHIPPED_BALANCE_SHEETS
    f = _name(p)
    if not p.is_file():
        raise InputError.single("balance-sheet file not found", file=f)
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise InputError.single(f"not a readable CSV file ({type(err).__name__})", file=f) from None
    problems = [Problem("missing column", f, 0, c) for c in REQUIRED if c not in raw]
    if problems:
        raise InputError(problems)
    raw = raw.reindex(columns=list(COLUMNS), fill_value="").apply(lambda s: s.str.strip())
    known = set(entity_ids) if entity_ids is not None else None
    seen: dict[tuple[str, str, str, str], int] = {}
    values: list[float] = []
    for r, rec in enumerate(raw.to_dict(orient="records"), start=1):

        def bad(field: str, msg: str, r: int = r) -> None:
            problems.append(Problem(msg, f, r, field))

        node, metric = rec["entity_id"], rec["metric"]
        if known is not None and node not in known:
            bad("entity_id", f"unknown atlas entity {node[:40]!r}")
        if metric not in METRICS:
            bad("metric", f"expected one of {list(METRICS)}, got {metric[:40]!r}")
        elif rec["unit"] != METRICS[metric]:
            bad("unit", f"{metric} is given in {METRICS[metric]!r}, got {rec['unit'][:20]!r}")
        if not _CURRENCY.match(rec["currency"]):
            bad("currency", f"expected an ISO 4217 code like USD, got {rec['currency'][:20]!r}")
        try:
            v = float(rec["value"])
            if not math.isfinite(v):
                raise ValueError
        except ValueError:
            bad("value", f"expected a finite number, got {rec['value'][:30]!r}")
            v = math.nan
        if metric in ("fx_usd", "total_assets") and v <= 0:
            bad("value", f"expected a positive number for {metric}, got {v:g}")
        elif metric in ("total_liabilities", "cash", "total_debt", "rpo") and v < 0:
            bad("value", f"expected a non-negative number for {metric}, got {v:g}")
        values.append(v)
        if not _DATE.match(rec["as_of"]):
            bad("as_of", "expected the balance-sheet date as YYYY-MM-DD")
        if rec["tier"] not in TIERS:
            bad("tier", f"expected one of {TIERS}, got {rec['tier'][:30]!r}")
        if rec["estimate"].lower() not in ("true", "false", ""):
            bad("estimate", f"expected true or false, got {rec['estimate'][:20]!r}")
        if metric == "rpo_counterparty_share" and not rec["counterparty"]:
            bad("counterparty", "a counterparty share names the counterparty (an entity id)")
        if rec["counterparty"] and known is not None and rec["counterparty"] not in known:
            bad("counterparty", f"unknown atlas entity {rec['counterparty'][:40]!r}")
        if not rec["source_url"].startswith(("http://", "https://")):
            bad("source_url", "every figure needs its source (an http(s) URL)")
        if not rec["source_quote"]:
            bad("source_quote", "every figure needs a verbatim quote containing it")
        elif metric in METRICS and not math.isnan(v):
            in_bn = METRICS[metric] == "bn"
            amount = {"amount_usd_bn": str(abs(v)) if in_bn and v else ""}
            own = (domains or {}).get(node, [])
            check_evidence({**rec, **amount}, own, bad)
            if not in_bn and not any(
                abs(x - v) <= step / 2 + 1e-9 for x, step in numbers_in(rec["source_quote"])
            ):
                bad("source_quote", f"the quote does not contain the figure {v:g}")
        key = (node, metric, rec["as_of"], rec["counterparty"])
        if key in seen:
            bad("metric", f"{metric} of {node} on {rec['as_of']} is given twice (row {seen[key]})")
        seen.setdefault(key, r)
    out = raw.assign(value=values, estimate=raw["estimate"].str.lower() == "true")
    out["value_usd"] = _to_usd(out, f, problems)
    if problems:
        raise InputError(problems)
    out.attrs["file"] = f
    return out


def _to_usd(frame: pd.DataFrame, f: str, problems: list[Problem]) -> list[float]:
    fx = {
        (r.entity_id, r.as_of): r.value
        for r in frame[frame["metric"] == "fx_usd"].itertuples(index=False)
    }
    out = []
    for i, r in enumerate(frame.itertuples(index=False), start=1):
        if METRICS.get(r.metric) != "bn":
            out.append(math.nan)
        elif r.currency == "USD":
            out.append(r.value)
        elif (r.entity_id, r.as_of) in fx:
            out.append(r.value / fx[(r.entity_id, r.as_of)])
        else:
            problems.append(
                Problem(
                    f"a figure in {r.currency} needs an fx_usd row of {r.entity_id} for "
                    f"{r.as_of} (units of {r.currency} per USD, sourced)",
                    f,
                    i,
                    "currency",
                )
            )
            out.append(math.nan)
    return out


def load_balance_sheets(
    path: str | Path | None = None,
    entity_ids: tuple[str, ...] | list[str] | None = None,
    *,
    estimates: bool = True,
    domains: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """The stress test's balance-sheet inputs, one row per node with usable figures.

    For each entity, its latest date with book equity gives ``equity_usd_bn`` and, as
    external liabilities, its total liabilities (or total assets less equity where only
    those are given). An entity with only estimates (press-reported figures of a private
    company) gets its latest reported cash as its buffer and external liabilities of 0,
    flagged ``estimate`` (only with ``estimates=True``). Nodes without either are left out:
    unknown to the stress test.

    Returns
    -------
    DataFrame
        :data:`STRESS_COLUMNS`; ``attrs["file"]`` names the file and ``attrs["figures"]``
        holds the long table (:func:`load_financials`).
    """
    fig = load_financials(path, entity_ids, domains=domains)
    rows = []
    for node, g in fig.groupby("entity_id", sort=True):
        filed = g[~g["estimate"]]
        eq = filed[filed["metric"] == "equity"].sort_values("as_of")
        if len(eq):
            as_of = eq["as_of"].iloc[-1]
            same = filed[filed["as_of"] == as_of].set_index("metric")
            val = same["value_usd"]
            if "total_liabilities" in val:
                liab, basis = float(val["total_liabilities"]), "book equity; total liabilities"
            elif "total_assets" in val:
                liab = float(val["total_assets"] - val["equity"])
                basis = "book equity; liabilities = total assets - equity"
            else:
                continue
            src = same.loc["equity"]
            rows.append(
                {
                    "id": node,
                    "equity_usd_bn": float(val["equity"]),
                    "external_liabilities_usd_bn": liab,
                    "total_assets_usd_bn": float(val.get("total_assets", math.nan)),
                    "cash_usd_bn": float(val.get("cash", math.nan)),
                    "total_debt_usd_bn": float(val.get("total_debt", math.nan)),
                    "rpo_usd_bn": float(val.get("rpo", math.nan)),
                    "as_of": as_of,
                    "basis": basis,
                    "estimate": False,
                    "tier": src["tier"],
                    "source_url": src["source_url"],
                    "source_form": src["source_form"],
                    "source_accession": src["source_accession"],
                }
            )
            continue
        cash = g[(g["metric"] == "cash") & g["estimate"]].sort_values("as_of")
        if estimates and len(cash):
            src = cash.iloc[-1]
            rows.append(
                {
                    "id": node,
                    "equity_usd_bn": float(src["value_usd"]),
                    "external_liabilities_usd_bn": 0.0,
                    "total_assets_usd_bn": math.nan,
                    "cash_usd_bn": float(src["value_usd"]),
                    "total_debt_usd_bn": math.nan,
                    "rpo_usd_bn": math.nan,
                    "as_of": src["as_of"],
                    "basis": "estimate: reported cash as the buffer; liabilities unknown (0)",
                    "estimate": True,
                    "tier": src["tier"],
                    "source_url": src["source_url"],
                    "source_form": src["source_form"],
                    "source_accession": src["source_accession"],
                }
            )
    out = pd.DataFrame(rows, columns=list(STRESS_COLUMNS))
    out.attrs["file"] = fig.attrs["file"]
    out.attrs["figures"] = fig
    return out
