"""The store writes all tables or none, and records provenance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kreislauf.errors import InputError
from kreislauf.store import Store, default_store_path


def test_write_read_and_provenance(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        s.write_tables({"a": pd.DataFrame({"x": [1, 2]})}, source="a.csv")
        assert s.tables() == ["a"]
        assert s.read_table("a")["x"].tolist() == [1, 2]
        prov = s.provenance()
        assert prov.loc[0, "source"] == "a.csv" and prov.loc[0, "rows"] == 2


def test_failed_write_leaves_store_unchanged(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        s.write_tables({"a": pd.DataFrame({"x": [1]})}, source="v1")

        class Boom(pd.DataFrame):
            def __len__(self) -> int:  # fails after table "a" was already replaced
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            s.write_tables({"a": pd.DataFrame({"x": [9, 9]}), "b": Boom({"y": [1]})}, source="v2")
        assert s.tables() == ["a"]
        assert s.read_table("a")["x"].tolist() == [1]
        assert s.provenance()["source"].tolist() == ["v1"]


def test_missing_table_and_bad_names(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        with pytest.raises(InputError, match="no table 'nope'"):
            s.read_table("nope")
        with pytest.raises(InputError, match="invalid table name"):
            s.write_tables({"Bad-Name": pd.DataFrame()}, source="x")


def test_default_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KREISLAUF_STORE", str(tmp_path / "k.duckdb"))
    assert default_store_path() == tmp_path / "k.duckdb"
    monkeypatch.delenv("KREISLAUF_STORE")
    assert default_store_path().name == "store.duckdb"
