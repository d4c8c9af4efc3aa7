"""Balance-sheet parameters for atlas nodes: sourced numbers, or explicitly unknown.

See ``kreislauf/contagion/data/README.md`` for the file format. The file shipped with the
package is empty on purpose: no balance sheet has been entered with a checked source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kreislauf.errors import InputError, Problem

SHIPPED_BALANCE_SHEETS = Path(__file__).with_name("data") / "balance_sheets.csv"
COLUMNS = ("id", "equity_usd_bn", "external_liabilities_usd_bn", "as_of", "source_url", "notes")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_balance_sheets(
    path: str | Path | None = None, entity_ids: tuple[str, ...] | list[str] | None = None
) -> pd.DataFrame:
    """Read and validate a balance-sheet file (default: the shipped, empty one).

    Returns
    -------
    DataFrame
        ``id, equity_usd_bn, external_liabilities_usd_bn, as_of, source_url, notes``; one
        row per node with a sourced balance sheet. Nodes not listed are unknown.

    Raises
    ------
    InputError
        Every problem with file, row and field: missing columns, unknown or duplicate ids,
        numbers that are missing, not numeric or negative (external liabilities), missing
        source or date.
    """
    p = Path(path) if path is not None else SHIPPED_BALANCE_SHEETS
    if not p.is_file():
        raise InputError.single("balance-sheet file not found", file=str(p))
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    f = str(p)
    problems = [Problem("missing column", f, None, c) for c in COLUMNS[:-1] if c not in raw]
    if problems:
        raise InputError(problems)
    known = set(entity_ids) if entity_ids is not None else None
    rows, seen = [], {}
    for r, rec in enumerate(raw.to_dict(orient="records"), start=1):
        node = rec["id"].strip()
        if known is not None and node not in known:
            problems.append(Problem(f"unknown atlas entity {node!r}", f, r, "id"))
        if node in seen:
            problems.append(Problem(f"duplicate id (first in row {seen[node]})", f, r, "id"))
        seen.setdefault(node, r)
        vals = {}
        for col in ("equity_usd_bn", "external_liabilities_usd_bn"):
            text = rec[col].strip()
            try:
                vals[col] = float(text)
            except ValueError:
                problems.append(Problem(f"expected a number in USD bn, got {text!r}", f, r, col))
                continue
            if vals[col] != vals[col] or vals[col] in (float("inf"), float("-inf")):
                problems.append(Problem("expected a finite number", f, r, col))
            elif col == "external_liabilities_usd_bn" and vals[col] < 0:
                problems.append(Problem(f"expected a non-negative amount, got {text}", f, r, col))
        if not _DATE.match(rec["as_of"].strip()):
            problems.append(Problem("expected the balance-sheet date as YYYY-MM-DD", f, r, "as_of"))
        if not rec["source_url"].strip().startswith(("http://", "https://")):
            problems.append(
                Problem("every balance sheet needs its source (an http(s) URL)", f, r, "source_url")
            )
        rows.append(
            {
                "id": node,
                **vals,
                "as_of": rec["as_of"].strip(),
                "source_url": rec["source_url"].strip(),
                "notes": rec.get("notes", ""),
            }
        )
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out.attrs["file"] = f
    return out
