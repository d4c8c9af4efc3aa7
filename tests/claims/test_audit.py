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
    # NVIDIA's trailing P/E on 2025-11-17 from the earnings reported by then (the four quarters
    # to 2025-07-27, $86.6bn; the quarter to 2025-10-26 was reported on 19 November): the close
    # of $186.60 x 24.22bn shares = $4,520bn, P/E 52.2, within 15 % of the claimed 58. Counting
    # the unreported quarter (look-ahead) would give 45.6 and a wrong "contradicted".
    assert audit.loc["C07", "verdict"] == "supported"
    assert audit.loc["C07", "observed"] == pytest.approx(52.19, abs=0.05)
    assert "2024-10-27..2025-07-27" in audit.loc["C07", "evidence"]
    assert audit.loc["C06", "observed"] == pytest.approx(56.64, abs=0.05)
    # The 900,000 wafers are letters of intent for 2029, not monthly purchases since October.
    assert audit.loc["C19", "verdict"] == "contradicted"
    # No concentration snapshot near 21 October 2025; H1-2024 capex has blank quarters.
    assert audit.loc["C01", "verdict"] == "not checkable"
    assert "2025-02-01" in audit.loc["C01", "evidence"]
    # ... and the shares it names count Alphabet once (the file's column counts GOOGL and GOOG).
    assert "2025-02-01: 33.2%" in audit.loc["C01", "evidence"]
    assert "36.2%" in audit.loc["C01", "evidence"]
    assert audit.loc["C11", "verdict"] == "not checkable"


def test_model_and_arithmetic_claims_stay_not_checkable_with_their_numbers(audit) -> None:
    # $1.5tn a year at 10 % and a six-year life pays for 1500 / (0.1 + 1/6) = $5.62tn.
    assert audit.loc["C13", "verdict"] == "not checkable"
    assert "$5.62tn" in audit.loc["C13", "evidence"]
    # $650bn / 12 / 301.63m Netflix memberships = $179.58 a month (claimed: $180).
    assert audit.loc["C14", "verdict"] == "not checkable"
    assert "$179.58" in audit.loc["C14", "evidence"]
    # The $35tn is a scenario figure: the model's number is context, never a verdict.
    assert audit.loc["C23", "verdict"] == "not checkable"
    assert "AI-circuit model" in audit.loc["C23", "evidence"]


def test_without_market_data_nothing_is_invented() -> None:
    f = run_audit(data_dir=None, bundle=False).to_frame().set_index("id")
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


def test_audit_reuses_the_scenarios_a_report_already_ran() -> None:
    """With a shared memo the crash-loss check uses the comparison already computed."""
    import pandas as pd

    from kreislauf.sfc.burst import shipped_comparison

    memo: dict = {}
    cmp = shipped_comparison(None, None, 40, memo)
    assert shipped_comparison(None, None, 40, memo) is cmp  # computed once
    (key,) = memo

    class Planted:
        def wealth(self) -> pd.DataFrame:
            return pd.DataFrame(
                [{"scenario": "planted", "total": 99_900.0, "households_and_pensions": 1_200.0}]
            )

    memo[key] = Planted()
    found = run_audit(memo=memo).to_frame().set_index("id").loc["C23", "evidence"]
    assert "(planted)" in found and "$1.2tn" in found and "$99.9tn" in found
    # without the memo the check runs the model itself
    assert "(ai_growth_shortfall)" in run_audit().to_frame().set_index("id").loc["C23", "evidence"]
