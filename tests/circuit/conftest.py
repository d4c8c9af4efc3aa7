"""Small hand-built atlases for the circuit tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kreislauf.atlas import load_atlas
from kreislauf.atlas.schema import RELATION_COLUMNS

COLUMNS = list(RELATION_COLUMNS)


# What a filing-tier row cites besides its URL (form, period, accession; a made-up filing).
FILING_FIELDS = {
    "source_form": "10-Q",
    "source_period": "2025-12-31",
    "source_accession": "0000000000-25-000001",
}


def make_atlas(tmp_path: Path, rows: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """rows: (id, type, from, to, amount or '', qualifier, tier, announced)."""
    ids = sorted({r[2] for r in rows} | {r[3] for r in rows})
    pd.DataFrame(
        {
            "id": ids,
            "name": [i.upper() for i in ids],
            "kind": "company",
            "roles": "other",
            "domains": "example.org",
        }
    ).to_csv(tmp_path / "entities.csv", index=False)
    recs = []
    for rid, typ, src, dst, amt, qual, tier, ann in rows:
        rec = dict.fromkeys(COLUMNS, "")
        rec.update(
            id=rid,
            type=typ,
            from_id=src,
            to_id=dst,
            amount_usd_bn=str(amt),
            amount_qualifier=qual,
            tier=tier,
            announced=ann,
            status="definitive",
            source_url=(
                f"https://www.sec.gov/Archives/edgar/data/1/000000000025000001/{rid}.htm"
                if tier == "filing"
                else f"https://example.org/{rid}"
            ),
            source_quote=f"test row: ${amt} billion",
            source_outlet="Reuters" if tier == "major_press" else "",
            **(FILING_FIELDS if tier == "filing" else {}),
            binding="non_cancellable",
            binding_evidence="test row",
            recourse="unknown" if typ == "loan" else "",
            notes="hand-built test row",
        )
        recs.append(rec)
    pd.DataFrame(recs, columns=COLUMNS).to_csv(tmp_path / "relations.csv", index=False)
    atlas = load_atlas(tmp_path)
    return atlas.relations, atlas.entities


# NVIDIA-like vendor A finances B; B buys from C and D; C and D buy from A.
TRIANGLE = [
    ("R1", "equity_investment", "a", "b", 100, "up_to", "company_release", "2025-09"),
    ("R2", "purchase_commitment", "b", "c", 300, "estimate", "secondary", "2025-09"),
    ("R3", "purchase_commitment", "c", "a", 40, "estimate", "major_press", "2025-05"),
    ("R4", "purchase_commitment", "b", "d", 250, "firm", "major_press", "2025-10"),
    ("R5", "purchase_commitment", "d", "a", "", "undisclosed", "secondary", "2024-12"),
    ("R6", "purchase_commitment", "e", "c", 100, "firm", "filing", "2026-01"),
]


@pytest.fixture
def triangle(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_atlas(tmp_path, TRIANGLE)
