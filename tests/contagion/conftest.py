"""A small hand-built atlas for the stress-test tests (numbers worked out by hand)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kreislauf.atlas import load_atlas
from kreislauf.atlas.schema import RELATION_COLUMNS
from kreislauf.contagion.balance_sheets import COLUMNS as BS_COLUMNS

COLUMNS = list(RELATION_COLUMNS)

# (id, type, category, from, to, amount, qualifier, status, term_years)
MINI = [
    ("R001", "purchase_commitment", "cloud", "lab", "cloud", 100, "firm", "definitive", 5),
    ("R002", "purchase_commitment", "chips", "cloud", "chipco", 50, "firm", "definitive", 2),
    ("R003", "loan", "capital", "investors", "cloud", 30, "firm", "definitive", 3),
    ("R004", "stake", "capital", "vc", "lab", 40, "estimate", "completed", ""),
    ("R005", "backstop", "cloud", "chipco", "cloud", 8, "firm", "definitive", 1),
    ("R006", "purchase_commitment", "chips", "lab", "chipco", "", "undisclosed", "definitive", ""),
    ("R007", "purchase_commitment", "chips", "cloud", "chipco", 12, "firm", "completed", ""),
    ("R008", "purchase_commitment", "cloud", "lab", "cloud", 10, "firm", "loi", ""),
]
KINDS = {
    "lab": "company",
    "cloud": "company",
    "chipco": "company",
    "investors": "sector",
    "vc": "fund",
}


def write_mini_atlas(path: Path, rows=MINI) -> Path:
    ids = sorted(KINDS)
    pd.DataFrame(
        {
            "id": ids,
            "name": [i.upper() for i in ids],
            "kind": [KINDS[i] for i in ids],
            "roles": "other",
        }
    ).to_csv(path / "entities.csv", index=False)
    recs = []
    for rid, typ, cat, src, dst, amt, qual, status, term in rows:
        rec = dict.fromkeys(COLUMNS, "")
        rec.update(
            id=rid,
            type=typ,
            category=cat,
            from_id=src,
            to_id=dst,
            amount_usd_bn=str(amt),
            amount_qualifier=qual,
            status=status,
            term_years=str(term),
            tier="inferred",
            announced="2025-09",
            source_url=f"https://example.org/{rid}",
            source_quote="test row",
            binding="non_binding" if status == "loi" else "non_cancellable",
            binding_evidence="test row",
            recourse="unknown" if typ == "loan" else "",
            notes="hand-built test row",
        )
        recs.append(rec)
    pd.DataFrame(recs, columns=COLUMNS).to_csv(path / "relations.csv", index=False)
    return path


def balance_sheet_rows(rows: list[tuple]) -> pd.DataFrame:
    """Long-format figures (equity, total liabilities) for (id, equity, liabilities) rows."""
    recs = []
    for node, equity, liabilities in rows:
        for metric, value in (("equity", equity), ("total_liabilities", liabilities)):
            recs.append(
                {
                    "entity_id": node,
                    "metric": metric,
                    "value": value,
                    "currency": "USD",
                    "unit": "bn",
                    "as_of": "2025-12-31",
                    "tier": "inferred",
                    "estimate": "false",
                    "source_url": "https://example.org/10-K",
                    "source_quote": f"{metric} {value}",
                    "notes": "hand-built test figure",
                }
            )
    return pd.DataFrame(recs, columns=list(BS_COLUMNS))


def write_balance_sheets(path: Path, rows: list[tuple]) -> Path:
    f = path / "bs.csv"
    balance_sheet_rows(rows).to_csv(f, index=False)
    return f


@pytest.fixture
def mini_atlas(tmp_path: Path):
    d = tmp_path / "atlas"
    d.mkdir()
    return load_atlas(write_mini_atlas(d))


@pytest.fixture
def mini_bs(tmp_path: Path) -> Path:
    # cloud: equity 5, external debt 20; chipco: equity 100, external debt 10
    return write_balance_sheets(tmp_path, [("cloud", 5, 20), ("chipco", 100, 10)])


@pytest.fixture
def write_bs(tmp_path: Path):
    """Write a balance-sheet file from (id, equity, external liabilities) rows."""
    return lambda rows: write_balance_sheets(tmp_path, rows)
