"""The README's Python examples run as written (from the repository root, on the real data)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.conftest import REPO_ROOT, shared_file


def test_readme_python_examples_run(shared_data: Path) -> None:
    shared_file("bubble_cases/sp500_price_dividend_1871_2011.csv")
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 2
    here = os.getcwd()
    os.chdir(REPO_ROOT)  # the examples use paths relative to the repository root
    try:
        scope: dict[str, object] = {}
        for block in blocks:
            exec(compile(block, "README.md", "exec"), scope)  # the README's own examples
    finally:
        os.chdir(here)
    assert scope["test"].summary()["episodes"]  # type: ignore[attr-defined]
    assert "households" in scope["runs"].wealth().columns  # type: ignore[attr-defined]
    assert scope["stress"].summary()  # type: ignore[attr-defined]


def test_readme_states_the_shipped_atlas_and_stress_figures() -> None:
    from kreislauf.atlas import load_atlas

    text = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    atlas = load_atlas()
    rel = atlas.relations
    assert f"The atlas has {len(rel)} relations among {len(atlas.entities)} entities" in text
    tiers = rel["tier"].value_counts()
    for tier in ("filing", "company_release", "major_press", "secondary", "inferred"):
        assert f"{tiers.get(tier, 0)} `{tier}`" in text, tier
    assert f"{int((rel['type'] == 'loan').sum())} loans and bonds" in text
