"""Map the atlas of the AI circuit onto the contagion engine, every assumption explicit.

The atlas records deals, not balance sheets. :func:`map_atlas` turns its relations into

* **obligations** (the liability matrix): purchase commitments and supply deals as what the
  buyer owes the seller, loans and vendor financing as what the borrower owes the lender,
  each scaled by the share that falls due within the stress horizon;
* **holdings**: equity stakes, valued off the investee's equity in the stress test;
* **backstops**: contingent claims of a beneficiary on its guarantor;
* **chip holdings**: chips bought (at cost), marked down in a chip-price scenario;

and lists every relation it could not map, with the reason (undisclosed amount, excluded
status, a type that carries no payment obligation). Every choice is a field of
:class:`MappingAssumptions`, recorded in the result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from kreislauf.atlas.binding import BindingWeights
from kreislauf.errors import InputError

if TYPE_CHECKING:
    from kreislauf.atlas import Atlas

SALES_TYPES = ("purchase_commitment", "supply_deal")
REPAYMENT_TYPES = ("loan", "vendor_financing")  # money flows lender -> borrower; debt reverse
STAKE_TYPES = ("stake", "equity_investment")
AI_DEMAND_CATEGORIES = ("compute", "cloud", "chips", "memory", "networking", "datacenter")
CHIP_CATEGORIES = ("chips", "memory")
VERIFIED_TIERS = ("filing", "company_release", "major_press")


@dataclass(frozen=True)
class MappingAssumptions:
    """Every assumption of the atlas-to-network mapping (all changeable).

    Parameters
    ----------
    horizon_years : float
        Stress horizon: only what falls due within it is an obligation (assumption).
    default_term_years : float or None
        Term assumed for an obligation whose term the atlas does not give. ``None`` uses the
        median of the disclosed terms of the mapped obligations (derived from the data).
    spread : {"even"}
        Payments spread evenly over the term, the horizon starting with the term: the share
        due is ``min(1, horizon / term)`` (assumption; the atlas has no payment schedules).
    sales_statuses : tuple of str
        Statuses of purchase commitments and supply deals that are outstanding obligations.
        Default: ``definitive`` and ``reported``; letters of intent are not binding, and
        ``completed`` purchases have been performed.
    repayment_statuses : tuple of str
        Statuses of loans and vendor financing that leave debt outstanding (a completed loan
        has been disbursed, so it is owed back).
    up_to_haircut : float
        Share cut from "up to" amounts (0 = counted in full).
    tiers : {"all", "verified"}
        ``verified`` keeps filings, company releases and major press only.
    stakes_from_investments : bool
        Count completed/definitive equity investments as holdings at cost where no ``stake``
        row values the same holder-investee pair (assumption: cost = value before stress).
    backstop_trigger_share : float
        Share of the beneficiary's loss on its sales contracts that a backstop covers, up to
        the backstop's amount due within the horizon (assumption: 1 = the guarantor makes the
        beneficiary whole, as "unsold capacity" backstops promise).
    demand_pass_through : float
        Share of an AI-demand fall passed on by every buyer to its suppliers (assumption: 1 =
        buyers cut purchase commitments one for one with their own lost demand, so the loss
        lands on the sellers).
    chip_holding_statuses : tuple of str
        Statuses of chip and memory purchases counted as chips held (at cost) by the buyer.
        Default: ``completed`` (delivered). Adding ``definitive`` also marks down chips
        contracted but not yet delivered (the buyer is committed to the old price).
    binding : BindingWeights
        Share of each binding class counted (default: all in full). Binding-only
        (``BindingWeights.binding_only()``) leaves out letters of intent, cancellable and
        unknown legs; a class weighted 0 is listed as unmapped with the reason.
    """

    horizon_years: float = 1.0
    default_term_years: float | None = None
    spread: Literal["even"] = "even"
    sales_statuses: tuple[str, ...] = ("definitive", "reported")
    repayment_statuses: tuple[str, ...] = ("definitive", "reported", "completed")
    up_to_haircut: float = 0.0
    tiers: Literal["all", "verified"] = "all"
    stakes_from_investments: bool = True
    backstop_trigger_share: float = 1.0
    demand_pass_through: float = 1.0
    chip_holding_statuses: tuple[str, ...] = ("completed",)
    binding: BindingWeights = field(default_factory=BindingWeights)

    def __post_init__(self) -> None:
        checks = [
            (self.horizon_years > 0, "horizon_years", "a positive number of years"),
            (
                self.default_term_years is None or self.default_term_years > 0,
                "default_term_years",
                "a positive number of years or None",
            ),
            (0.0 <= self.up_to_haircut <= 1.0, "up_to_haircut", "a share in [0, 1]"),
            (
                0.0 <= self.backstop_trigger_share <= 1.0,
                "backstop_trigger_share",
                "a share in [0, 1]",
            ),
            (0.0 <= self.demand_pass_through <= 1.0, "demand_pass_through", "a share in [0, 1]"),
            (self.tiers in ("all", "verified"), "tiers", "'all' or 'verified'"),
            (self.spread == "even", "spread", "'even'"),
        ]
        for ok, name, expected in checks:
            if not ok:
                raise InputError.single(
                    f"expected {expected}, got {getattr(self, name)!r}", field=name
                )

    def to_dict(self) -> dict[str, Any]:
        """The assumptions as a plain dict (for summaries and reports)."""
        return asdict(self)


@dataclass(frozen=True)
class CircuitMap:
    """The atlas mapped onto the engine.

    Attributes
    ----------
    nodes : tuple of str
        Every atlas entity id.
    obligations : DataFrame
        ``relation_id, type, category, debtor, creditor, amount_usd_bn, due_share,
        due_usd_bn, term_years, term_source, ai_demand, tier``.
    holdings : DataFrame
        ``relation_id, holder, investee, value_usd_bn, basis``.
    backstops : DataFrame
        ``relation_id, guarantor, beneficiary, cap_due_usd_bn``.
    chip_holdings : DataFrame
        ``relation_id, holder, seller, value_usd_bn``.
    unmapped : DataFrame
        ``relation_id, type, from_id, to_id, reason`` for every relation left out.
    undisclosed : DataFrame
        The unmapped relations that *would* carry an obligation, holding, backstop or chip
        holding but have no disclosed amount: exposures the data cannot size.
    assumptions : MappingAssumptions
    term_years_used : float
        The default term actually used.
    atlas_version : str
    """

    nodes: tuple[str, ...]
    obligations: pd.DataFrame
    holdings: pd.DataFrame
    backstops: pd.DataFrame
    chip_holdings: pd.DataFrame
    unmapped: pd.DataFrame
    undisclosed: pd.DataFrame
    assumptions: MappingAssumptions
    term_years_used: float
    atlas_version: str


def _term(row: pd.Series) -> tuple[float | None, str]:
    t = row.get("term_years")
    if t is not None and pd.notna(t) and t > 0:
        return float(t), "term_years"
    s, e = row.get("start_date"), row.get("end_date")
    if s is not None and e is not None and pd.notna(s) and pd.notna(e) and e > s:
        return (e - s).days / 365.25, "start-end"
    return None, "assumed"


def map_atlas(atlas: Atlas, assumptions: MappingAssumptions | None = None) -> CircuitMap:
    """Map the atlas's current relations onto obligations, holdings, backstops, chips."""
    a = assumptions or MappingAssumptions()
    rel = atlas.relations
    if a.tiers == "verified":
        rel = rel[rel["tier"].isin(VERIFIED_TIERS)]
    ob, hold, back, chips, unmapped, undisclosed = [], [], [], [], [], []
    left_out_terms: list[float | None] = []  # terms of obligations a binding view leaves out

    def skip(r: pd.Series, reason: str, sized: bool = False) -> None:
        rec = {
            "relation_id": r["id"],
            "type": r["type"],
            "from_id": r["from_id"],
            "to_id": r["to_id"],
            "reason": reason,
        }
        unmapped.append(rec)
        if sized:
            undisclosed.append(rec)

    def amount(r: pd.Series) -> float:
        v = float(r["amount_usd_bn"]) * weight[r["id"]]
        return v * (1 - a.up_to_haircut) if r["amount_qualifier"] == "up_to" else v

    binding = rel["binding"] if "binding" in rel else pd.Series("unknown", index=rel.index)
    weight = dict(zip(rel["id"], a.binding.factor(binding), strict=True))

    stakes = rel[rel["type"] == "stake"]
    stake_pairs = {(r["from_id"], r["to_id"]) for _, r in stakes.iterrows()}
    valued_pairs = {
        (r["from_id"], r["to_id"]) for _, r in stakes.iterrows() if pd.notna(r["amount_usd_bn"])
    }
    for _, r in rel.iterrows():
        typ, status = r["type"], r["status"]
        if status in ("superseded", "cancelled"):
            skip(r, f"status {status}")
            continue
        if weight[r["id"]] == 0:
            statuses = a.sales_statuses if typ in SALES_TYPES else a.repayment_statuses
            if (typ in SALES_TYPES or typ in REPAYMENT_TYPES) and (
                status in statuses and pd.notna(r["amount_usd_bn"])
            ):
                left_out_terms.append(_term(r)[0])
            skip(r, f"binding class {r.get('binding') or 'unknown'} not counted")
            continue
        known = pd.notna(r["amount_usd_bn"])
        if typ in SALES_TYPES or typ in REPAYMENT_TYPES:
            statuses = a.sales_statuses if typ in SALES_TYPES else a.repayment_statuses
            is_chip = (
                typ in SALES_TYPES
                and r["category"] in CHIP_CATEGORIES
                and status in a.chip_holding_statuses
            )
            if is_chip and known:
                chips.append(
                    {
                        "relation_id": r["id"],
                        "holder": r["from_id"],
                        "seller": r["to_id"],
                        "value_usd_bn": amount(r),
                    }
                )
            if status not in statuses:
                if is_chip and not known:
                    skip(
                        r,
                        "chip purchase without a disclosed amount (chips held unknown)",
                        sized=True,
                    )
                elif not is_chip:
                    skip(r, f"status {status} is not an outstanding obligation")
                continue
            if not known:
                skip(r, "obligation without a disclosed amount", sized=True)
                continue
            debtor, creditor = (
                (r["from_id"], r["to_id"]) if typ in SALES_TYPES else (r["to_id"], r["from_id"])
            )
            term, src = _term(r)
            ob.append(
                {
                    "relation_id": r["id"],
                    "type": typ,
                    "category": r["category"],
                    "debtor": debtor,
                    "creditor": creditor,
                    "amount_usd_bn": amount(r),
                    "term_years": term,
                    "term_source": src,
                    "ai_demand": typ in SALES_TYPES and r["category"] in AI_DEMAND_CATEGORIES,
                    "tier": r["tier"],
                }
            )
        elif typ in STAKE_TYPES:
            if typ == "equity_investment" and (
                not a.stakes_from_investments
                or (r["from_id"], r["to_id"]) in stake_pairs
                or status not in ("completed", "definitive")
            ):
                skip(
                    r,
                    "equity investment not counted as a holding (valued by a stake row, "
                    "not completed/definitive, or switched off)",
                )
                continue
            if not known and typ == "stake" and (r["from_id"], r["to_id"]) in valued_pairs:
                skip(r, "stake share only; its value is another stake row of the same pair")
                continue
            if not known:
                skip(r, "holding without a disclosed value", sized=True)
                continue
            hold.append(
                {
                    "relation_id": r["id"],
                    "holder": r["from_id"],
                    "investee": r["to_id"],
                    "value_usd_bn": amount(r),
                    "basis": "stake value" if typ == "stake" else "cost",
                }
            )
        elif typ == "backstop":
            if not known:
                skip(r, "backstop without a disclosed amount", sized=True)
                continue
            term, src = _term(r)
            back.append(
                {
                    "relation_id": r["id"],
                    "guarantor": r["from_id"],
                    "beneficiary": r["to_id"],
                    "amount_usd_bn": amount(r),
                    "term_years": term,
                    "term_source": src,
                }
            )
        else:
            skip(r, f"type {typ} carries no payment obligation in this model")
    obligations = pd.DataFrame(
        ob,
        columns=[
            "relation_id",
            "type",
            "category",
            "debtor",
            "creditor",
            "amount_usd_bn",
            "term_years",
            "term_source",
            "ai_demand",
            "tier",
        ],
    )
    # The default term is the median over every obligation the atlas states a term for,
    # whichever binding view is taken, so that a view changes which legs count, not how
    # the others fall due.
    disclosed_terms = pd.concat(
        [obligations["term_years"], pd.Series(left_out_terms, dtype=float)]
    ).dropna()
    if a.default_term_years is not None:
        term_used = float(a.default_term_years)
    elif len(disclosed_terms):
        term_used = float(np.median(disclosed_terms))
    else:
        raise InputError.single(
            "no mapped obligation has a disclosed term; set default_term_years",
            field="default_term_years",
        )
    obligations["term_years"] = obligations["term_years"].fillna(term_used).astype(float)
    obligations["due_share"] = np.minimum(1.0, a.horizon_years / obligations["term_years"])
    obligations["due_usd_bn"] = obligations["amount_usd_bn"] * obligations["due_share"]
    backstops = pd.DataFrame(
        back,
        columns=[
            "relation_id",
            "guarantor",
            "beneficiary",
            "amount_usd_bn",
            "term_years",
            "term_source",
        ],
    )
    backstops["term_years"] = backstops["term_years"].fillna(term_used).astype(float)
    backstops["cap_due_usd_bn"] = backstops["amount_usd_bn"] * np.minimum(
        1.0, a.horizon_years / backstops["term_years"]
    )
    cols = ["relation_id", "type", "from_id", "to_id", "reason"]
    return CircuitMap(
        nodes=tuple(atlas.entities["id"]),
        obligations=obligations,
        holdings=pd.DataFrame(
            hold, columns=["relation_id", "holder", "investee", "value_usd_bn", "basis"]
        ),
        backstops=backstops,
        chip_holdings=pd.DataFrame(
            chips, columns=["relation_id", "holder", "seller", "value_usd_bn"]
        ),
        unmapped=pd.DataFrame(unmapped, columns=cols),
        undisclosed=pd.DataFrame(undisclosed, columns=cols),
        assumptions=a,
        term_years_used=term_used,
        atlas_version=atlas.version,
    )
