"""The atlas schema: columns, allowed values and date parsing (see docs/atlas-schema.md)."""

from __future__ import annotations

import re

import pandas as pd

ENTITIES_FILE = "entities.csv"
RELATIONS_FILE = "relations.csv"

# column -> required
ENTITY_COLUMNS: dict[str, bool] = {
    "id": True,
    "name": True,
    "kind": True,
    "roles": True,
    "country": False,
    "ticker": False,
    "parent": False,
    "source_url": False,
    "domains": False,
    "cik": False,
    "notes": False,
}
RELATION_COLUMNS: dict[str, bool] = {
    "id": True,
    "type": True,
    "category": False,
    "from_id": True,
    "to_id": True,
    "amount_usd_bn": False,
    "amount_qualifier": True,
    "original_amount": False,
    "stake_pct": False,
    "share_pct": False,
    "share_of": False,
    "term_years": False,
    "schedule": False,
    "announced": True,
    "start": False,
    "end": False,
    "status": True,
    "superseded_by": False,
    "binding": True,
    "binding_evidence": False,
    "rate": False,
    "maturity": False,
    "collateral": False,
    "recourse": False,
    "arranger": False,
    "tier": True,
    "source_url": True,
    "source_quote": True,
    "source_form": False,
    "source_period": False,
    "source_accession": False,
    "source_outlet": False,
    "source_url_2": False,
    "seed_refs": False,
    "notes": False,
}

# The columns shown for relations in tables (CLI, report, dashboard).
DISPLAY_COLUMNS = (
    "id",
    "type",
    "category",
    "from_id",
    "to_id",
    "amount_usd_bn",
    "amount_qualifier",
    "announced",
    "status",
    "binding",
    "tier",
    "source_url",
    "source_quote",
)

KINDS = ("company", "fund", "joint_venture", "sector", "government")
ROLES = (
    "chip_vendor",
    "memory_vendor",
    "foundry",
    "cloud",
    "hyperscaler",
    "ai_lab",
    "neocloud",
    "datacenter",
    "energy",
    "investor",
    "lender",
    "households",
    "pensions",
    "government",
    "other",
)
TYPES = (
    "equity_investment",
    "stake",
    "purchase_commitment",
    "supply_deal",
    "vendor_financing",
    "backstop",
    "loan",
    "revenue_share",
    "warrant",
    "acquisition",
    "customer_share",
)
CATEGORIES = (
    "compute",
    "cloud",
    "chips",
    "memory",
    "networking",
    "datacenter",
    "energy",
    "capital",
    "model_access",
    "other",
)
QUALIFIERS = ("firm", "up_to", "estimate", "cumulative", "undisclosed")
STATUSES = ("loi", "definitive", "completed", "superseded", "cancelled", "reported")
TIERS = ("filing", "company_release", "major_press", "secondary", "inferred")
VERIFIED_TIERS = ("filing", "company_release", "major_press")
TIER_RANK = {t: i for i, t in enumerate(TIERS)}  # lower is stronger evidence
SEED_ARTICLES = ("01", "02", "03", "04", "05")

# How binding a relation is, weakest first (docs/atlas-schema.md, "How binding").
BINDING = ("non_binding", "cancellable", "non_cancellable", "funded", "unknown")
BINDING_LEGS = ("non_cancellable", "funded")  # what "binding only" keeps
RECOURSE = ("full", "limited", "non_recourse", "unknown")
SHARE_OF = ("revenue", "rpo", "backlog", "receivables")

ENTITY_ID = re.compile(r"^[a-z0-9_]+$")
RELATION_ID = re.compile(r"^R\d+$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_date(text: str) -> tuple[pd.Timestamp, str]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Returns
    -------
    (Timestamp, precision)
        The first day of the period and ``"year"``, ``"month"`` or ``"day"``.

    Raises
    ------
    ValueError
        For any other form or an impossible date (month 13, 30 February).
    """
    m = _DATE.match(text.strip())
    if not m:
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    year, month, day = m.group(1), m.group(2), m.group(3)
    if day is not None and month is None:
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    try:
        ts = pd.Timestamp(year=int(year), month=int(month or 1), day=int(day or 1))
    except ValueError as err:
        raise ValueError(f"impossible date {text!r} ({err})") from None
    precision = "day" if day else ("month" if month else "year")
    return ts, precision
