"""Parameter files: sources required, bad values named with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kreislauf.errors import InputError
from kreislauf.memory.params import SHIPPED, load_params


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def test_shipped_file_loads() -> None:
    p = load_params()
    assert p.world_capacity == 2250
    assert [x.id for x in p.producers] == ["samsung", "sk_hynix", "micron", "others"]


def test_missing_source_is_named_with_line(tmp_path: Path) -> None:
    text = SHIPPED.read_text().replace("  value: 80\n  source: >-", "  value: 80\n  note: >-", 1)
    with pytest.raises(InputError) as err:
        load_params(_write(tmp_path, text))
    msg = str(err.value)
    line = text.splitlines().index("reference_price:") + 1
    assert f"p.yaml, row {line}, field 'reference_price'" in msg
    assert "needs a 'source' or an 'assumption'" in msg


def test_non_numeric_and_out_of_range_values(tmp_path: Path) -> None:
    text = SHIPPED.read_text().replace("value: 2250", "value: lots", 1)
    text = text.replace("stored_share:\n    value: 1.0", "stored_share:\n    value: 1.5", 1)
    with pytest.raises(InputError) as err:
        load_params(_write(tmp_path, text))
    msg = str(err.value)
    assert "field 'world_capacity.value': expected a number, got 'lots'" in msg
    assert "field 'hoarder.stored_share.value': expected a value <= 1" in msg


def test_shares_must_sum_to_one(tmp_path: Path) -> None:
    text = SHIPPED.read_text().replace("value: 0.08", "value: 0.18", 1)
    with pytest.raises(InputError, match="producer shares must sum to 1"):
        load_params(_write(tmp_path, text))


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid YAML"):
        load_params(_write(tmp_path, "a: [1, 2\n"))
    with pytest.raises(InputError, match="cannot read parameter file"):
        load_params(tmp_path / "nope.yaml")
