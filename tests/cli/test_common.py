"""CLI conventions: exit codes, --json on stdout, --out exports written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kreislauf.cli._common import EXIT_BAD_INPUT, EXIT_INTERNAL, emit, export, handle_errors
from kreislauf.cli.main import app as main_app
from kreislauf.errors import InputError

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def go(kind: str, as_json: bool = typer.Option(False, "--json"), out: Path | None = None):
        with handle_errors():
            if kind == "bad":
                raise InputError.single("expected a number", file="f.csv", row=3, field="x")
            if kind == "boom":
                raise RuntimeError("kaputt")
            emit(pd.DataFrame({"a": [1, 2]}), as_json=as_json, out=out)

    @app.command()
    def other() -> None:  # a second command keeps Typer in multi-command mode
        pass

    return app


def test_bad_input_exits_2_and_names_the_place() -> None:
    res = runner.invoke(_app(), ["go", "bad"])
    assert res.exit_code == EXIT_BAD_INPUT
    assert "f.csv, row 3, field 'x': expected a number" in res.output


def test_internal_error_exits_1() -> None:
    res = runner.invoke(_app(), ["go", "boom"])
    assert res.exit_code == EXIT_INTERNAL
    assert "RuntimeError: kaputt" in res.output


def test_json_output_and_export(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    res = runner.invoke(_app(), ["go", "ok", "--json", "--out", str(out)])
    assert res.exit_code == 0
    assert json.loads(res.stdout.split("wrote")[0]) == [{"a": 1}, {"a": 2}]
    assert pd.read_csv(out)["a"].tolist() == [1, 2]


def test_export_rejects_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unsupported export suffix '\.xlsx'"):
        export(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_version() -> None:
    from kreislauf import __version__

    res = runner.invoke(main_app, ["--version"])
    assert res.exit_code == 0
    assert res.output.strip() == f"kreislauf {__version__}"
