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
