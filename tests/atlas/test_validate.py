"""Atlas validation: every bad-input case names its file, row and field."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from kreislauf.atlas import load_atlas, validate_atlas
from kreislauf.atlas.schema import RELATION_COLUMNS
from kreislauf.errors import InputError

ENTITIES = """id,name,kind,roles,country,ticker,parent,source_url,domains,cik,notes
nvidia,NVIDIA,company,chip_vendor;investor,US,NVDA,,,nvidia.com;example.org,1045810,
openai,OpenAI,company,ai_lab,US,,,,openai.com,,
oracle,Oracle,company,cloud;hyperscaler,US,ORCL,,,oracle.com,1341439,
"""
COLUMNS = list(RELATION_COLUMNS)
HEADER = ",".join(COLUMNS) + "\n"


def line(**values: str) -> str:
    """One CSV line of relations.csv (columns not given are empty)."""
    unknown = set(values) - set(COLUMNS)
    assert not unknown, unknown
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([values.get(c, "") for c in COLUMNS])
    return buf.getvalue()


GOOD = [
    line(
        id="R001",
        type="equity_investment",
        category="capital",
        from_id="nvidia",
        to_id="openai",
        amount_usd_bn="100",
        amount_qualifier="up_to",
        announced="2025-09-22",
        status="loi",
        binding="non_binding",
        binding_evidence="a letter of intent",
        tier="company_release",
        source_url="https://example.org/a",
        source_quote="invest up to $100 billion",
        seed_refs="04",
    ),
    line(
        id="R002",
        type="purchase_commitment",
        category="cloud",
        from_id="openai",
        to_id="oracle",
        amount_usd_bn="300",
        amount_qualifier="estimate",
        term_years="5",
        announced="2025-09",
        start="2027",
        end="2032",
        status="reported",
        binding="unknown",
        tier="major_press",
        source_url="https://www.wsj.com/b",
        source_quote="$300 billion over five years",
        source_outlet="WSJ",
    ),
    line(
        id="R003",
        type="purchase_commitment",
        category="chips",
        from_id="oracle",
        to_id="nvidia",
        amount_qualifier="undisclosed",
        announced="2025",
        status="reported",
        binding="unknown",
        tier="secondary",
        source_url="https://example.org/c",
        source_quote="buys GB200 systems",
        notes="searched for a release; none found",
    ),
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


FILING = dict(
    id="R004",
    type="purchase_commitment",
    category="cloud",
    from_id="openai",
    to_id="oracle",
    amount_usd_bn="11.9",
    amount_qualifier="firm",
    announced="2025-03",
    status="definitive",
    binding="non_cancellable",
    binding_evidence="committed contract",
    tier="filing",
    source_url="https://www.sec.gov/Archives/edgar/data/1341439/000119312525200095/x.htm",
    source_quote="a contract valued at $11.9 billion",
    source_form="10-Q",
    source_period="2025-08-31",
    source_accession="0001193125-25-200095",
)


def test_a_complete_filing_row_passes(tmp_path: Path) -> None:
    assert problems(tmp_path, [*GOOD, line(**FILING)]) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        # a filing without its form, period or accession number is rejected, named
        ({"source_form": ""}, "row 4, field 'source_form': a filing-tier source needs its form"),
        ({"source_period": ""}, "row 4, field 'source_period': a filing-tier source needs"),
        ({"source_accession": ""}, "row 4, field 'source_accession': a filing-tier source"),
        ({"source_accession": "12345"}, "field 'source_accession': expected an SEC accession"),
        # the accession number must be the folder of the sec.gov URL
        ({"source_accession": "0001193125-25-999999"}, "the URL's folder is accession"),
        # an SEC form cited on a copy site is a lead, not a filing
        ({"source_url": "https://www.stocktitan.net/x.html"}, "is cited on sec.gov"),
        ({"source_form": "memo"}, "field 'source_form': unknown filing form"),
        # the quote contains the figure
        ({"source_quote": "a large contract"}, "field 'source_quote': the quote does not"),
        ({"amount_usd_bn": "12.9"}, "does not contain the amount 12.9"),
        # binding evidence
        ({"binding_evidence": ""}, "field 'binding_evidence'"),
        ({"binding": "maybe"}, "field 'binding': expected one of"),
        # a company release on a site that belongs to none of the parties
        (
            {"tier": "company_release", "source_url": "https://blog.example.com/x"},
            "field 'source_url': a company release is on a party's own site",
        ),
        # major press names its outlet from the list
        ({"tier": "major_press", "source_outlet": "Daily Planet"}, "field 'source_outlet'"),
        ({"tier": "secondary"}, "field 'notes': a secondary row says in notes"),
        ({"source_outlet": "Reuters"}, "source_outlet names a major-press outlet or a release's"),
        (
            {
                "tier": "company_release",
                "source_url": "https://copies.example.com/x",
                "source_outlet": "Reuters",
            },
            "a copied release names its wire",
        ),
        # debt terms only on loans; loans state recourse
        ({"recourse": "full"}, "field 'recourse': rate, collateral and recourse describe loans"),
        ({"type": "loan"}, "field 'recourse': a loan states its recourse"),
        ({"maturity": "2030-13"}, "field 'maturity': impossible date"),
        # customer shares state their percent, in the quote
        ({"type": "customer_share", "share_of": "revenue"}, "field 'share_pct': a customer"),
        (
            {"type": "customer_share", "share_pct": "62", "share_of": "revenue"},
            "does not contain the share 62",
        ),
        ({"share_pct": "62"}, "share_pct and share_of are for customer_share rows"),
    ],
)
def test_evidence_rules_are_enforced(tmp_path: Path, change: dict, expected: str) -> None:
    found = problems(tmp_path, [*GOOD, line(**(FILING | change))])
    assert any(expected in p and "relations.csv" in p for p in found), found


@pytest.mark.parametrize(
    "quote, amount, ok",
    [
        ("$11.9 billion", 11.9, True),
        ("$11,900 million", 11.9, True),
        ("$ 180,449", 180.449, True),  # an XBRL page in millions
        ("$350 million of stock", 0.35, True),
        ("about $1.4 trillion", 1400, True),
        ("$12 billion", 11.9, False),
        ("up to 10 gigawatts", 100, False),
        ("$100bn, first 1 GW", 100, True),
    ],
)
def test_quote_contains_amount(quote: str, amount: float, ok: bool) -> None:
    from kreislauf.atlas.evidence import quote_contains_amount

    assert quote_contains_amount(quote, amount) is ok


def test_major_press_on_a_wire_copy_and_parent_domains(tmp_path: Path) -> None:
    ents = ENTITIES + "sub,Sub,company,other,US,,nvidia,,,,\n"
    rows = [
        *GOOD,
        line(
            **(
                FILING
                | {
                    "tier": "major_press",
                    "source_outlet": "Reuters",
                    "source_url": "https://news.example.net/x",
                }
            )
        ),
        # a verbatim copy of a wire release, naming the wire
        line(
            **(
                FILING
                | {
                    "id": "R006",
                    "tier": "company_release",
                    "source_outlet": "Business Wire",
                    "source_url": "https://markets.example.com/bizwire-x",
                }
            )
        ),
        # a release on the parent's site counts as the subsidiary's own
        line(
            **(
                FILING
                | {
                    "id": "R005",
                    "from_id": "sub",
                    "tier": "company_release",
                    "source_url": "https://nvidianews.nvidia.com/news/x",
                }
            )
        ),
    ]
    assert problems(tmp_path, rows, ents) == []
