"""Adding relations to an atlas directory: validated against the whole atlas, written atomically."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from kreislauf.atlas import schema as S
from kreislauf.atlas.validate import check_relations, party_domains, read_raw
from kreislauf.errors import InputError, Problem
from kreislauf.io import atomic_write_text


def append_relations(atlas_dir: Path, new_rows: pd.DataFrame, origin: str) -> pd.DataFrame:
    """Append ``new_rows`` to ``relations.csv`` in ``atlas_dir`` if the result is valid.

    Parameters
    ----------
    atlas_dir : Path
        The atlas directory to extend.
    new_rows : DataFrame
        Rows with (a subset of) the relation columns, all as strings.
    origin : str
        Where the rows came from (a file path or ``"--flags"``), for error messages.

    Returns
    -------
    DataFrame
        The rows added.

    Raises
    ------
    InputError
        If the new rows, or the atlas with them, break any rule; nothing is written then.
    """
    ent, p1 = read_raw(atlas_dir / S.ENTITIES_FILE, S.ENTITY_COLUMNS)
    rel, p2 = read_raw(atlas_dir / S.RELATIONS_FILE, S.RELATION_COLUMNS)
    if p1 or p2 or ent is None or rel is None:
        raise InputError(p1 + p2)
    unknown = [c for c in new_rows.columns if c not in S.RELATION_COLUMNS]
    if unknown:
        raise InputError(
            [
                Problem(f"unknown column; expected one of {list(S.RELATION_COLUMNS)}", origin, 0, c)
                for c in unknown
            ]
        )
    new = new_rows.reindex(columns=list(S.RELATION_COLUMNS), fill_value="").fillna("").astype(str)
    new = new.apply(lambda s: s.str.strip())
    combined = pd.concat([rel, new], ignore_index=True)
    problems = check_relations(combined, set(ent["id"]), origin, party_domains(ent))
    offset = len(rel)
    # Re-number rows of the new part relative to the file they came from.
    own = [
        Problem(p.message, origin, None if p.row is None else p.row - offset, p.field)
        for p in problems
        if p.row is not None and p.row > offset
    ]
    if own or problems:
        raise InputError(own or problems)
    buf = io.StringIO()
    combined.to_csv(buf, index=False)
    atomic_write_text(atlas_dir / S.RELATIONS_FILE, buf.getvalue())
    return new
