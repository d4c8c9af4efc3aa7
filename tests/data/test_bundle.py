"""The data bundle shipped in the package: small, licensed, loaded by the family loaders."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tests.conftest import shared_file

from kreislauf.bubble.inputs import load_market_data
from kreislauf.data.directory import BY_NAME
from kreislauf.data.embedded import bundle_dir, bundled_families, load_bundled, manifest

MAX_BYTES = 300_000  # the bundle stays small: a few hundred KB at most
SHARED = {
    "shiller": "shiller/shiller_ie_data_monthly.csv",
    "fundamentals": "fundamentals/bigtech_quarterly_revenue_netincome_capex_2020_2026.csv",
    "concentration": "fundamentals/sp500_marketcap_concentration_snapshots.csv",
}


def test_every_file_is_listed_with_source_vintage_and_licence():
    files = {p.name for p in bundle_dir().iterdir()}
    listed = {e["file"] for e in manifest().values()}
    assert files == listed | {"bundle.json", "DATA-LICENSES.md"}
    licences = (bundle_dir() / "DATA-LICENSES.md").read_text(encoding="utf-8")
    for e in manifest().values():
        assert e["file"] in licences
        assert all(e[k] for k in ("source", "vintage", "vintage_de", "licence", "title_de"))
    for needle in ("ODC-PDDL-1.0", "MIT", "Robert J. Shiller", "SEC"):
        assert needle in licences
    assert json.loads((bundle_dir() / "bundle.json").read_text())["files"]


def test_the_bundle_is_small():
    size = sum(p.stat().st_size for p in bundle_dir().iterdir())
    assert size < MAX_BYTES, f"bundle is {size} bytes"


def test_no_vendor_prices_are_shipped():
    assert set(bundled_families()) == {"shiller", "fundamentals", "concentration"}
    assert not set(bundled_families()) & {"ai_stocks", "tech_stocks", "sp500", "btc", "sox"}


@pytest.mark.parametrize("family", ["shiller", "fundamentals", "concentration"])
def test_bundled_files_load_through_their_family_loader(family):
    ds = load_bundled(family)
    direct = BY_NAME[family].load(bundle_dir() / manifest()[family]["file"])
    pd.testing.assert_frame_equal(ds.frame, direct.frame)
    assert ds.source.startswith(f"kreislauf/data/bundle/{manifest()[family]['file']}")
    assert "/tmp" not in ds.source and not ds.source.startswith("/")


@pytest.mark.parametrize("family", ["shiller", "fundamentals", "concentration"])
def test_bundled_values_equal_the_published_files(family):
    """The bundle copies the public files' values (Shiller: only the needed columns)."""
    ds = load_bundled(family).frame
    ref = BY_NAME[family].load(shared_file(SHARED[family])).frame[list(ds.columns)]
    pd.testing.assert_frame_equal(ds, ref)


def test_shiller_keeps_only_the_needed_columns():
    cols = list(load_bundled("shiller").frame.columns)
    assert cols == ["date", "P", "D", "E", "CPI", "CAPE"]


def test_data_directory_and_store_override_the_bundle(shared_data, tmp_path):
    bundled = load_market_data(None, None)
    assert set(bundled.frames) == set(bundled_families())
    assert set(bundled.origins.values()) == {"bundle"}
    # a directory with only the Shiller file: that family from it, the rest from the bundle
    only = tmp_path / "d"
    only.mkdir()
    (only / "shiller_ie_data_monthly.csv").write_bytes(shared_file(SHARED["shiller"]).read_bytes())
    mixed = load_market_data(only, None)
    assert mixed.origins == {
        "shiller": "data directory",
        "fundamentals": "bundle",
        "concentration": "bundle",
    }
    assert mixed.sources["shiller"] == ("shiller_ie_data_monthly.csv",)
    assert "GS10" in mixed.frames["shiller"]  # the directory's full file, not the bundle's
    assert load_market_data(only, None, bundle=False).origins == {"shiller": "data directory"}
    # the store's cache overrides the bundle too
    from kreislauf.store import Store

    store = tmp_path / "s.duckdb"
    with Store(store) as st:
        st.write_tables(
            {"data_concentration": bundled.frames["concentration"].head(3)}, source="test"
        )
    cached = load_market_data(None, store)
    assert cached.origins["concentration"] == "store"
    assert len(cached.frames["concentration"]) == 3
    assert cached.origins["shiller"] == "bundle"
    full = load_market_data(shared_data, None)
    assert all(o == "data directory" for o in full.origins.values())


def test_data_show_without_a_directory_lists_the_bundle(monkeypatch):
    """``kreislauf data show`` on a fresh machine: the bundle, in the documented JSON shape."""
    from pathlib import Path

    from typer.testing import CliRunner

    from kreislauf.cli.main import app

    monkeypatch.delenv("KREISLAUF_DATA_DIR", raising=False)
    runner = CliRunner()
    res = runner.invoke(app, ["data", "show", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["family"] for r in rows] == list(bundled_families())
    assert all(r["source"].startswith("kreislauf/data/bundle/") for r in rows)
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    schema = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "data-show.schema.json"
    assert jsonschema_rs.validator_for(json.loads(schema.read_text())).is_valid(rows)
    res = runner.invoke(app, ["data", "show", "shiller", "--json"])
    assert res.exit_code == 0 and len(json.loads(res.stdout)) == len(load_bundled("shiller").frame)
    res = runner.invoke(app, ["data", "show", "sp500"])
    assert res.exit_code == 2 and "not in the data bundled" in res.output
