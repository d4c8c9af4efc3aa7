"""Every ``--json`` output validates against its published schema in docs/schemas/.

The schemas say what a program may rely on: lists are lists, numbers are numbers, an unknown is
``null`` and no key contains a space. Each command below is run through the real entry point
and its document is validated; a test also checks that every command taking ``--json`` is
covered here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kreislauf.cli.main import app

jsonschema_rs = pytest.importorskip("jsonschema_rs", reason="jsonschema-rs is not installed")

runner = CliRunner()
SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "schemas"
DATA = "{data}"  # replaced by the shared data directory
# schema name -> arguments (one command each; {data} is ../shared/data, {tmp} a fresh folder)
COMMANDS: dict[str, list[str]] = {
    "data-show": ["data", "show", "--data-dir", DATA],
    "data-show-family": ["data", "show", "concentration", "--data-dir", DATA],
    "data-load": ["data", "load", "--data-dir", DATA, "--store", "{tmp}/s.duckdb"],
    "atlas-validate": ["atlas", "validate"],
    "atlas-show": ["atlas", "show"],
    "atlas-load": ["atlas", "load", "--store", "{tmp}/a.duckdb"],
    "atlas-add": [
        "atlas", "add", "--atlas", "{tmp}/atlas", "--id", "R900", "--type",
        "purchase_commitment", "--from", "meta", "--to", "google", "--amount", "10",
        "--qualifier", "estimate", "--announced", "2025-08", "--tier", "secondary",
        "--source-url", "https://example.org/x", "--quote", "a quote",
        "--notes", "searched for a release; none found",
    ],
    "circuit": ["circuit"],
    "claims": ["claims", "--data-dir", DATA],
    "memory": ["memory"],
    "memory-scenario": ["memory", "--hoard-share", "0.3"],
    "memory-sources": ["memory", "--sources"],
    "bubble-metrics": ["bubble", "metrics", "--data-dir", DATA],
    "bubble-required-revenue": ["bubble", "required-revenue"],
    "bubble-psy": ["bubble", "psy", "--series", "shiller:pd", "--reps", "100"],
    "bubble-lppls": ["bubble", "lppls", "--data-dir", DATA, "--series", "NVDA", "--last", "200"],
    "bubble-lppls-confidence": [
        "bubble", "lppls", "--data-dir", DATA, "--series", "NVDA", "--last", "160",
        "--confidence", "--window-size", "60", "--smallest-window-size", "40",
        "--outer-increment", "20", "--inner-increment", "10", "--max-searches", "3",
    ],
    "bubble-scan": [
        "bubble", "scan", "--data-dir", DATA, "--series", "NVDA", "--tests", "psy",
        "--reps", "49", "--workers", "1", "--start", "2014-01-01",
    ],
    "stress": ["stress", "--default", "openai"],
    "simulate": ["simulate", "sim", "--periods", "30"],
}  # fmt: skip
# Commands whose --json documents one of the schemas above (the command path -> schemas).
COVERED = {
    ("data", "show"): ["data-show", "data-show-family"],
    ("data", "load"): ["data-load"],
    ("atlas", "validate"): ["atlas-validate"],
    ("atlas", "show"): ["atlas-show"],
    ("atlas", "load"): ["atlas-load"],
    ("atlas", "add"): ["atlas-add"],
    ("circuit",): ["circuit"],
    ("claims",): ["claims"],
    ("memory",): ["memory", "memory-scenario", "memory-sources"],
    ("bubble", "metrics"): ["bubble-metrics"],
    ("bubble", "required-revenue"): ["bubble-required-revenue"],
    ("bubble", "psy"): ["bubble-psy"],
    ("bubble", "lppls"): ["bubble-lppls", "bubble-lppls-confidence"],
    ("bubble", "scan"): ["bubble-scan"],
    ("stress",): ["stress"],
    ("simulate",): ["simulate"],
}
# a string that is really a list of numbers ("8 nan", "0.35 250 1.19")
JOINED_NUMBERS = re.compile(r"^-?\d+(\.\d+)?( (-?\d+(\.\d+)?|nan))+$")


def _prepare(tmp: Path) -> None:
    """A copy of the shipped atlas for ``atlas add`` to extend."""
    import shutil

    from kreislauf.atlas import load_atlas

    shutil.copytree(load_atlas().source_dir, tmp / "atlas")


def run_json(name: str, data: Path, tmp: Path) -> object:
    """Run the command of schema ``name`` with ``--json`` and parse its stdout."""
    if name == "atlas-add":
        _prepare(tmp)
    args = [a.replace(DATA, str(data)).replace("{tmp}", str(tmp)) for a in COMMANDS[name]]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _walk(value: object, path: str = "$"):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k, None
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value[:200]):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, None, value


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_validates_against_its_schema(name, shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("KREISLAUF_STORE", str(tmp_path / "none.duckdb"))
    monkeypatch.delenv("KREISLAUF_DATA_DIR", raising=False)
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    doc = run_json(name, shared_data, tmp_path)
    validator = jsonschema_rs.validator_for(schema)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(doc)][:5]
    assert not errors, errors
    for path, key, value in _walk(doc):
        assert key is None or " " not in key, f"{path}: key {key!r} has a space"
        if isinstance(value, str):
            assert not JOINED_NUMBERS.match(value), f"{path}: {value!r} is a list in a string"
            assert value not in ("nan", "NaN", "inf", "None"), f"{path}: {value!r} is not null"


def test_schemas_are_valid_and_reject_what_they_forbid():
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema_rs.meta.validate(schema)
        assert schema["title"] and schema["description"], path.name
    metrics = json.loads((SCHEMAS / "claims.schema.json").read_text())
    v = jsonschema_rs.validator_for(metrics)
    assert not v.is_valid({"summary": {"claims": "25"}, "table": []})  # a number as text
    assert not v.is_valid({"summary": {"not checkable": 1}, "table": []})  # a key with a space


def _json_commands(group, prefix=()):
    import typer.main

    cmd = typer.main.get_command(group) if not prefix else group
    for name, sub in getattr(cmd, "commands", {}).items():
        path = (*prefix, name)
        if getattr(sub, "commands", None):
            yield from _json_commands(sub, path)
            if any(p.name == "as_json" for p in sub.params):
                yield path
        elif any(p.name == "as_json" for p in sub.params):
            yield path


def test_every_json_command_has_a_schema():
    found = set(_json_commands(app))
    assert found == set(COVERED), sorted(found ^ set(COVERED))
    for names in COVERED.values():
        for n in names:
            assert n in COMMANDS and (SCHEMAS / f"{n}.schema.json").is_file(), n
    assert {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")} == set(
        COMMANDS
    )
