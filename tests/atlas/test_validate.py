"""Atlas validation: every bad-input case names its file, row and field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kreislauf.atlas import load_atlas, validate_atlas
from kreislauf.errors import InputError

ENTITIES = """id,name,kind,roles,country,ticker,parent,source_url,notes
nvidia,NVIDIA,company,chip_vendor;investor,US,NVDA,,,
openai,OpenAI,company,ai_lab,US,,,,
oracle,Oracle,company,cloud;hyperscaler,US,ORCL,,,
"""
HEADER = (
    "id,type,category,from_id,to_id,amount_usd_bn,amount_qualifier,original_amount,stake_pct,"
    "term_years,schedule,announced,start,end,status,superseded_by,tier,source_url,source_quote,"
    "source_url_2,seed_refs,notes\n"
)
GOOD = [
    "R001,equity_investment,capital,nvidia,openai,100,up_to,,,,,2025-09-22,,,loi,,"
    "company_release,https://example.org/a,up to $100bn,,04,",
    "R002,purchase_commitment,cloud,openai,oracle,300,estimate,,,5,,2025-09,2027,2032,reported,,"
    "major_press,https://example.org/b,$300bn over five years,,,",
    "R003,purchase_commitment,chips,oracle,nvidia,,undisclosed,,,,,2025,,,reported,,secondary,"
    "https://example.org/c,buys GB200 systems,,,",
]


def write(tmp_path: Path, rows: list[str], entities: str = ENTITIES) -> Path:
    (tmp_path / "entities.csv").write_text(entities, encoding="utf-8")
    (tmp_path / "relations.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path, rows: list[str], entities: str = ENTITIES) -> list[str]:
    return [str(p) for p in validate_atlas(write(tmp_path, rows, entities))]


def test_good_atlas_loads_with_types(tmp_path: Path) -> None:
    atlas = load_atlas(write(tmp_path, GOOD))
    rel = atlas.relations
    assert rel["amount_usd_bn"].tolist()[:2] == [100.0, 300.0]
    assert pd.isna(rel.loc[2, "amount_usd_bn"])  # undisclosed stays an explicit null
    assert rel.loc[1, "announced_precision"] == "month"
    assert rel.loc[0, "announced_date"] == pd.Timestamp("2025-09-22")
    assert rel["verified"].tolist() == [True, True, False]
    assert atlas.entity("nvidia")["roles"] == ["chip_vendor", "investor"]
    assert len(atlas.version) == 12
    totals = atlas.totals_by_type_year()
    assert totals.loc[totals["type"] == "purchase_commitment", "undisclosed"].sum() == 1


@pytest.mark.parametrize(
    "row, expected",
    [
        # unknown entity
        (GOOD[0].replace(",openai,100", ",opnai,100"), "row 1, field 'to_id': unknown entity"),
        # negative amount
        (GOOD[0].replace(",100,", ",-5,"), "row 1, field 'amount_usd_bn': expected a positive"),
        # non-numeric amount
        (GOOD[0].replace(",100,", ",lots,"), "row 1, field 'amount_usd_bn': expected a finite"),
        # NaN and infinite amounts
        (GOOD[0].replace(",100,", ",nan,"), "row 1, field 'amount_usd_bn': expected a finite"),
        (GOOD[0].replace(",100,", ",inf,"), "row 1, field 'amount_usd_bn': expected a finite"),
        # impossible dates
        (GOOD[0].replace("2025-09-22", "2025-02-30"), "row 1, field 'announced': impossible"),
        (GOOD[0].replace("2025-09-22", "2025-13"), "row 1, field 'announced': impossible"),
        (GOOD[0].replace("2025-09-22", "22.09.2025"), "row 1, field 'announced': expected YYYY"),
        # qualifier/amount mismatch
        (GOOD[0].replace(",up_to,", ",undisclosed,"), "field 'amount_qualifier'"),
        # self-loop
        (GOOD[0].replace(",nvidia,openai,", ",nvidia,nvidia,"), "field 'to_id': money cannot"),
        # enum
        (GOOD[0].replace(",company_release,", ",blog,"), "row 1, field 'tier': expected one of"),
        # URL
        (GOOD[0].replace("https://example.org/a", "example.org/a"), "field 'source_url'"),
        # superseded without a successor
        (GOOD[0].replace(",loi,,", ",superseded,,"), "field 'superseded_by'"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, row: str, expected: str) -> None:
    found = problems(tmp_path, [row, *GOOD[1:]])
    assert any(expected in p and "relations.csv" in p for p in found), found


def test_duplicate_id(tmp_path: Path) -> None:
    found = problems(tmp_path, [*GOOD, GOOD[0]])
    assert any("row 4, field 'id': duplicate id 'R001' (first in row 1)" in p for p in found)


def test_end_before_start(tmp_path: Path) -> None:
    row = GOOD[1].replace(",2027,2032,", ",2032,2027,")
    assert any("field 'end': end 2027 is before start 2032" in p for p in problems(tmp_path, [row]))


def test_missing_column(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    rel = pd.read_csv(tmp_path / "relations.csv", dtype=str, keep_default_na=False)
    rel.drop(columns=["tier"]).to_csv(tmp_path / "relations.csv", index=False)
    found = [str(p) for p in validate_atlas(tmp_path)]
    assert any("relations.csv, row 0, field 'tier': missing required column" in p for p in found)


def test_bad_entity_rows(tmp_path: Path) -> None:
    ents = ENTITIES + "Bad Id,X,planet,alien,,,,,\n"
    found = problems(tmp_path, GOOD, ents)
    assert any("entities.csv, row 4, field 'id'" in p for p in found)
    assert any("entities.csv, row 4, field 'kind'" in p for p in found)
    assert any("entities.csv, row 4, field 'roles': unknown role 'alien'" in p for p in found)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    bad = [GOOD[0].replace(",100,", ",-1,"), GOOD[1].replace(",oracle,", ",nobody,")]
    with pytest.raises(InputError) as err:
        load_atlas(write(tmp_path, bad))
    text = str(err.value)
    assert "row 1, field 'amount_usd_bn'" in text and "row 2, field 'to_id'" in text


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="atlas directory not found"):
        load_atlas(tmp_path / "nope")
