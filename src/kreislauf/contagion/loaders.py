"""Read a network from an edge list and a node table (CSV or Parquet).

Edge list columns: ``debtor``, ``creditor``, ``amount`` (``debtor`` owes ``creditor``
``amount``; several rows for one pair are summed).

Node table columns: ``id`` and at least two of ``external_assets``,
``external_liabilities``, ``equity`` (book equity). A missing third column is derived from
the balance-sheet identity ``equity = external_assets + owed by others - owes others -
external_liabilities``; when all three are given they must satisfy it (this is the
convention the engines assume; a table that breaks it is rejected).

An optional node-table column ``seniority`` states the convention the balance sheets were
drawn up under (``senior`` or ``pari_passu``, see :class:`~kreislauf.contagion.network.Seniority`).
The engines apply one convention to every node, so the column must hold one value throughout
(empty cells allowed); a table that mixes conventions, or states one that differs from the
convention asked for, is rejected -- conventions are never mixed silently.

Every problem names the file, the data row (1 = first row after the header) and the field.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kreislauf.contagion.network import IDENTITY_RTOL, Network, Seniority
from kreislauf.errors import InputError, Problem

EDGE_COLUMNS = ("debtor", "creditor", "amount")
NODE_AMOUNTS = ("external_assets", "external_liabilities", "equity")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet file as strings/numbers; :class:`InputError` on other suffixes."""
    p = Path(path)
    if not p.is_file():
        raise InputError.single("file not found", file=str(p))
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(p, dtype=str, keep_default_na=False)
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(p)
    except (ValueError, OSError) as err:
        raise InputError.single(f"cannot read the file: {err}", file=str(p)) from err
    raise InputError.single(
        f"unsupported suffix {suffix!r}; expected .csv or .parquet", file=str(p)
    )


def _numbers(
    frame: pd.DataFrame, col: str, file: str, problems: list[Problem], allow_empty: bool = False
) -> np.ndarray:
    out = np.full(len(frame), np.nan)
    for r, raw in enumerate(frame[col].tolist(), start=1):
        text = "" if raw is None else str(raw).strip()
        if text == "" or text.lower() == "nan":
            if not allow_empty:
                problems.append(
                    Problem("expected a number, got an empty value or NaN", file, r, col)
                )
            continue
        try:
            val = float(text)
        except ValueError:
            problems.append(Problem(f"expected a number, got {text!r}", file, r, col))
            continue
        if not np.isfinite(val):
            problems.append(Problem(f"expected a finite number, got {text!r}", file, r, col))
        elif val < 0 and col != "equity":
            problems.append(Problem(f"expected a non-negative amount, got {val:g}", file, r, col))
        else:
            out[r - 1] = val
    return out


def network_from_frames(
    edges: pd.DataFrame,
    nodes: pd.DataFrame,
    edges_file: str = "edges",
    nodes_file: str = "nodes",
    units: str = "USD bn",
) -> Network:
    """Validate an edge list and a node table and build a :class:`Network`.

    Raises
    ------
    InputError
        Listing every problem with file, row and field.
    """
    problems: list[Problem] = []
    for col in EDGE_COLUMNS:
        if col not in edges.columns:
            problems.append(Problem("missing column", edges_file, None, col))
    if "id" not in nodes.columns:
        problems.append(Problem("missing column", nodes_file, None, "id"))
    given = [c for c in NODE_AMOUNTS if c in nodes.columns]
    if len(given) < 2:
        problems.append(
            Problem(
                f"the node table needs at least two of {', '.join(NODE_AMOUNTS)}; found "
                f"{', '.join(given) or 'none'}",
                nodes_file,
                None,
                "columns",
            )
        )
    if problems:
        raise InputError(problems)
    ids = [str(x).strip() for x in nodes["id"].tolist()]
    seen: dict[str, int] = {}
    for r, i in enumerate(ids, start=1):
        if i == "":
            problems.append(Problem("empty node id", nodes_file, r, "id"))
        elif i in seen:
            problems.append(
                Problem(f"duplicate node id {i!r} (first in row {seen[i]})", nodes_file, r, "id")
            )
        else:
            seen[i] = r
    vals = {c: _numbers(nodes, c, nodes_file, problems) for c in given}
    debtor = [str(x).strip() for x in edges["debtor"].tolist()]
    creditor = [str(x).strip() for x in edges["creditor"].tolist()]
    amount = _numbers(edges, "amount", edges_file, problems)
    for r, (d, c) in enumerate(zip(debtor, creditor, strict=True), start=1):
        if d not in seen:
            problems.append(
                Problem(f"unknown node id {d!r} (not in {nodes_file})", edges_file, r, "debtor")
            )
        if c not in seen:
            problems.append(
                Problem(f"unknown node id {c!r} (not in {nodes_file})", edges_file, r, "creditor")
            )
        if d == c:
            problems.append(
                Problem(f"self-loop: node {d!r} cannot owe itself", edges_file, r, "creditor")
            )
    if problems:
        raise InputError(problems)
    n = len(ids)
    rows = np.array([seen[d] - 1 for d in debtor], dtype=np.int64)
    cols = np.array([seen[c] - 1 for c in creditor], dtype=np.int64)
    owes = np.bincount(rows, weights=amount, minlength=n)
    owed = np.bincount(cols, weights=amount, minlength=n)
    e = vals.get("external_assets")
    b = vals.get("external_liabilities")
    eq = vals.get("equity")
    if e is None:
        e = eq - owed + owes + b
        _check_derived(e, "external_assets", nodes_file, problems)
    if b is None:
        b = e + owed - owes - eq
        _check_derived(b, "external_liabilities", nodes_file, problems)
    if eq is not None and len(given) == 3:
        implied = e + owed - owes - b
        scale = np.maximum(1.0, e + owed + b)
        for i in np.flatnonzero(np.abs(eq - implied) > IDENTITY_RTOL * scale):
            problems.append(
                Problem(
                    f"node {ids[i]}: stated equity {eq[i]:g} does not fit the balance sheet "
                    f"(external assets {e[i]:g} + owed by others {owed[i]:g} - owes others "
                    f"{owes[i]:g} - external liabilities {b[i]:g} = {implied[i]:g})",
                    nodes_file,
                    int(i) + 1,
                    "equity",
                )
            )
    if problems:
        raise InputError(problems)
    return Network.from_edges(ids, debtor, creditor, amount, e, b, units)


def _check_derived(arr: np.ndarray, col: str, file: str, problems: list[Problem]) -> None:
    tol = 1e-9 * np.maximum(1.0, np.abs(arr))
    for i in np.flatnonzero(arr < -tol):
        problems.append(
            Problem(
                f"the balance-sheet identity implies a negative {col} ({arr[i]:g}); the network "
                "does not fit the stated convention",
                file,
                int(i) + 1,
                "equity",
            )
        )
    np.maximum(arr, 0.0, out=arr)


def stated_seniority(
    nodes: pd.DataFrame,
    nodes_file: str = "nodes",
    requested: Seniority | str | None = None,
) -> Seniority | None:
    """The convention a node table states in its ``seniority`` column (``None``: not stated).

    Raises
    ------
    InputError
        An unknown value, a table that mixes conventions, or a stated convention that
        differs from ``requested`` (each naming the file, row and field ``seniority``).
    """
    if "seniority" not in nodes.columns:
        return None
    want = None if requested is None else Seniority.parse(requested)
    problems: list[Problem] = []
    found: Seniority | None = None
    first = 0
    for r, raw in enumerate(nodes["seniority"].tolist(), start=1):
        text = "" if raw is None else str(raw).strip().lower()
        if text in ("", "nan", "none"):
            continue
        try:
            sen = Seniority(text)
        except ValueError:
            problems.append(
                Problem(
                    f"unknown convention {text!r}; expected 'senior' or 'pari_passu'",
                    nodes_file,
                    r,
                    "seniority",
                )
            )
            continue
        if found is None:
            found, first = sen, r
            if want is not None and sen is not want:
                problems.append(
                    Problem(
                        f"the node table states {sen.value} external debt, but the run asks for "
                        f"{want.value}: the network does not fit the stated convention",
                        nodes_file,
                        r,
                        "seniority",
                    )
                )
        elif sen is not found:
            problems.append(
                Problem(
                    f"{sen.value} here but {found.value} in row {first}: one convention applies "
                    "to every node, the table must not mix them",
                    nodes_file,
                    r,
                    "seniority",
                )
            )
    if problems:
        raise InputError(problems)
    return found


def read_network(
    edges_path: str | Path,
    nodes_path: str | Path,
    units: str = "USD bn",
    seniority: Seniority | str | None = None,
) -> Network:
    """Read and validate a network from two CSV/Parquet files.

    Parameters
    ----------
    seniority : Seniority or str, optional
        The convention the network will be cleared under; if the node table states one
        (column ``seniority``) it must be the same (see :func:`stated_seniority`).
    """
    return read_network_and_convention(edges_path, nodes_path, units, seniority)[0]


def read_network_and_convention(
    edges_path: str | Path,
    nodes_path: str | Path,
    units: str = "USD bn",
    seniority: Seniority | str | None = None,
) -> tuple[Network, Seniority | None]:
    """:func:`read_network` plus the convention the node table states (``None`` if none)."""
    edges = read_table(edges_path)
    nodes = read_table(nodes_path)
    stated = stated_seniority(nodes, str(nodes_path), seniority)
    net = network_from_frames(edges, nodes, str(edges_path), str(nodes_path), units)
    return net, stated


def read_shocks(path: str | Path, network: Network) -> tuple[list[str], np.ndarray]:
    """Read batched shock scenarios: columns ``scenario``, ``node``, ``shock``.

    ``shock`` is the loss of the node's external assets in the network's units; nodes not
    listed in a scenario lose nothing; several rows for one scenario and node are summed.

    Returns
    -------
    labels : list of str
        Scenario labels in order of first appearance.
    shocks : ndarray, shape (scenarios, n)

    Raises
    ------
    InputError
        Missing columns, unknown nodes, empty scenario labels, amounts that are not finite
        non-negative numbers (each with file, row and field).
    """
    frame = read_table(path)
    file = str(path)
    problems = [
        Problem("missing column", file, None, c)
        for c in ("scenario", "node", "shock")
        if c not in frame.columns
    ]
    if problems:
        raise InputError(problems)
    amounts = _numbers(frame, "shock", file, problems)
    labels: dict[str, int] = {}
    rows, cols = [], []
    for r, (sc, node) in enumerate(zip(frame["scenario"], frame["node"], strict=True), start=1):
        label = str(sc).strip()
        if label in ("", "nan"):
            problems.append(Problem("empty scenario label", file, r, "scenario"))
            continue
        node = str(node).strip()
        if node not in network._index:
            problems.append(Problem(f"unknown node id {node!r}", file, r, "node"))
            continue
        rows.append(labels.setdefault(label, len(labels)))
        cols.append((r - 1, network._index[node]))
    if problems:
        raise InputError(problems)
    if not labels:
        raise InputError.single("no scenario rows", file=file)
    shocks = np.zeros((len(labels), network.n))
    for k, (r, j) in zip(rows, cols, strict=True):
        shocks[k, j] += amounts[r]
    return list(labels), shocks
