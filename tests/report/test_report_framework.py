"""The report is one self-contained file, in English or German, and prints to PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kreislauf.cli.main import app

runner = CliRunner()


def _external_refs(html: str) -> list[str]:
    """src/href attributes that would make the browser fetch something from the network."""
    refs = re.findall(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']([^"']+)""", html)
    return [r for r in refs if not r.startswith(("#", "data:"))]


def test_report_section_is_offline_and_bilingual(tmp_path: Path) -> None:
    en, de = tmp_path / "en.html", tmp_path / "de.html"
    assert runner.invoke(app, ["report", "--section", "memory", "--out", str(en)]).exit_code == 0
    res = runner.invoke(app, ["report", "--section", "memory", "--lang", "de", "--out", str(de)])
    assert res.exit_code == 0, res.output
    html_en, html_de = en.read_text(), de.read_text()
    assert _external_refs(html_en) == [] and _external_refs(html_de) == []
    assert "Scarcity: the DRAM market" in html_en
    assert "Knappheit: der DRAM-Markt" in html_de and 'lang="de"' in html_de
    assert html_en.count("Plotly.newPlot") >= 2  # interactive charts, library inlined once
    assert "Reproduce this report" in html_en and "Diesen Bericht reproduzieren" in html_de


def test_report_rejects_bad_options(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    res = runner.invoke(app, ["report", "--lang", "fr", "--out", str(out)])
    assert res.exit_code == 2 and "expected 'en' or 'de'" in res.output
    res = runner.invoke(app, ["report", "--section", "nope", "--out", str(out)])
    assert res.exit_code == 2 and "unknown section" in res.output
    res = runner.invoke(
        app, ["report", "--store", str(tmp_path / "none.duckdb"), "--out", str(out)]
    )
    assert res.exit_code == 2 and "no store at" in res.output
    assert not out.exists()


@pytest.mark.browser
def test_report_prints_to_pdf(tmp_path: Path, chromium_path: str) -> None:
    pytest.importorskip("playwright", reason="the pdf extra is not installed")
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "--section", "memory", "--out", str(out), "--pdf"])
    assert res.exit_code == 0, res.output
    pdf = out.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
