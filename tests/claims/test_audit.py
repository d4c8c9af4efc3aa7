"""The claims audit: quotes are verbatim, verdicts follow the data, bad files are rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import SHARED_DATA
from typer.testing import CliRunner

from kreislauf.claims.audit import run_audit
from kreislauf.claims.model import load_claims
from kreislauf.cli.main import app
from kreislauf.errors import InputError

SEEDS = SHARED_DATA.parent / "seeds"
runner = CliRunner()


def test_every_quote_is_verbatim_in_its_article() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    texts = {
        p.name[:2]: " ".join(p.read_text(encoding="utf-8").split()) for p in SEEDS.glob("*.txt")
    }
    claims = load_claims()
    assert len(claims) >= 25
    for c in claims:
        assert " ".join(c.quote_de.split()) in texts[c.article], c.id


@pytest.fixture(scope="module")
def audit(shared_data):
    return run_audit(data_dir=shared_data).to_frame().set_index("id")


def test_verdicts_on_real_data(audit) -> None:
    # Shiller: the CAPE peaked at 44.2 in December 1999; late 2025 it was about 39 (claim: 40).
    assert audit.loc["C04", "verdict"] == "supported"
    assert audit.loc["C04", "observed"] == pytest.approx(44.2, abs=0.05)
    assert audit.loc["C03", "verdict"] == "supported"
    # Capex of the four hyperscalers in calendar 2025, from SEC filings: $376.1bn ("almost 400").
    assert audit.loc["C09", "verdict"] == "supported"
    assert audit.loc["C09", "observed"] == pytest.approx(376.051)
    # NVIDIA fiscal 2025 revenue $130.497bn (claim: $130.5bn).
    assert audit.loc["C08", "verdict"] == "supported"
    # NVIDIA's trailing P/E in November 2025 was in the 40s, not 58-60.
    assert audit.loc["C07", "verdict"] == "contradicted"
    assert 40 < audit.loc["C07", "observed"] < 52
    # The 900,000 wafers are letters of intent for 2029, not monthly purchases since October.
    assert audit.loc["C19", "verdict"] == "contradicted"
    # No concentration snapshot near 21 October 2025; H1-2024 capex has blank quarters.
    assert audit.loc["C01", "verdict"] == "not checkable"
    assert "2025-02-01" in audit.loc["C01", "evidence"]
    assert audit.loc["C11", "verdict"] == "not checkable"


def test_without_market_data_nothing_is_invented() -> None:
    f = run_audit(data_dir=None).to_frame().set_index("id")
    for cid in ("C01", "C03", "C06", "C09"):
        assert f.loc[cid, "verdict"] == "not checkable"
        assert "--data-dir" in f.loc[cid, "evidence"]
    assert f.loc["C16", "verdict"] == "supported"  # atlas-only checks still run


def test_bad_claims_file(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("- id: X1\n  article: '01'\n  quote_de: q\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_claims(bad)
    assert "c.yaml, row 1, field 'text_en': missing required key" in str(err.value)
    bad.write_text(
        "- {id: X1, article: '01', quote_de: q, text_en: t, figure: 1, unit: u, as_of: '2025',"
        " topic: other, check: nonsense}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="unknown checks"):
        run_audit(claims_path=bad)
    res = runner.invoke(app, ["claims", "--claims", str(bad)])
    assert res.exit_code == 2


def test_cli_json(shared_data) -> None:
    import json

    res = runner.invoke(app, ["claims", "--data-dir", str(shared_data), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["summary"]["claims"] == len(d["table"]) >= 25
    assert {r["verdict"] for r in d["table"]} == {"supported", "contradicted", "not checkable"}
