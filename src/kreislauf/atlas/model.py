"""The :class:`Atlas`: entities and relations as typed DataFrames, loaded and validated."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kreislauf.atlas import schema as S
from kreislauf.atlas.validate import validate_dir
from kreislauf.errors import InputError, Problem

SHIPPED_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Atlas:
    """The atlas of the AI capital circuit.

    Attributes
    ----------
    entities : DataFrame
        One row per entity; ``roles`` as a list of strings.
    relations : DataFrame
        One row per relation; ``amount_usd_bn`` float (NaN = undisclosed), dates parsed into
        ``announced_date``/``start_date``/``end_date`` (first day of the period) with
        ``*_precision`` (``day``, ``month``, ``year``), ``tier_rank`` (0 = filing, strongest).
    source_dir : Path
        Where the files were read from.
    version : str
        Content hash of the two files (first 12 hex digits of SHA-256).
    """

    entities: pd.DataFrame
    relations: pd.DataFrame
    source_dir: Path
    version: str

    def entity(self, entity_id: str) -> pd.Series:
        """One entity's row; :class:`InputError` if unknown."""
        hit = self.entities[self.entities["id"] == entity_id]
        if hit.empty:
            raise InputError.single(f"unknown entity {entity_id!r}", field="entity")
        return hit.iloc[0]

    def relations_of(self, entity_id: str) -> pd.DataFrame:
        """Relations in which the entity pays or receives."""
        r = self.relations
        return r[(r["from_id"] == entity_id) | (r["to_id"] == entity_id)]

    def party_domains(self) -> dict[str, list[str]]:
        """Web domains per entity, its own and its parents' (for company-release checks)."""
        from kreislauf.atlas.validate import party_domains

        return party_domains(self.entities)

    def current(self) -> pd.DataFrame:
        """Relations that are not superseded or cancelled."""
        return self.relations[~self.relations["status"].isin(["superseded", "cancelled"])]

    def totals_by_type_year(self) -> pd.DataFrame:
        """Disclosed USD bn and counts by relation type and announcement year (current only)."""
        cur = self.current().assign(year=lambda f: f["announced_date"].dt.year)
        return (
            cur.groupby(["type", "year"])
            .agg(
                relations=("id", "size"),
                amount_usd_bn=("amount_usd_bn", "sum"),
                undisclosed=("amount_usd_bn", lambda s: int(s.isna().sum())),
            )
            .reset_index()
        )

    def largest(self, n: int = 15, types: tuple[str, ...] | None = None) -> pd.DataFrame:
        """The ``n`` largest current relations by disclosed amount."""
        cur = self.current()
        if types:
            cur = cur[cur["type"].isin(types)]
        return cur.dropna(subset=["amount_usd_bn"]).nlargest(n, "amount_usd_bn")

    def tier_counts(self) -> pd.Series:
        """Number of relations per evidence tier, strongest first."""
        return self.relations["tier"].value_counts().reindex(list(S.TIERS), fill_value=0)

    def to_store(self, store: object) -> None:
        """Write entities and relations into a :class:`kreislauf.store.Store` in one transaction."""
        ent = self.entities.assign(roles=self.entities["roles"].str.join(";"))
        store.write_tables(  # type: ignore[attr-defined]
            {"atlas_entities": ent, "atlas_relations": self.relations},
            source=f"{self.source_dir} (version {self.version})",
        )


def _typed_entities(raw: pd.DataFrame) -> pd.DataFrame:
    ent = raw.replace({"": None})
    ent["roles"] = raw["roles"].map(lambda s: [x.strip() for x in s.split(";") if x.strip()])
    return ent


def _typed_relations(raw: pd.DataFrame) -> pd.DataFrame:
    rel = raw.replace({"": None})
    for col in ("amount_usd_bn", "stake_pct", "share_pct", "term_years"):
        rel[col] = pd.to_numeric(raw[col].replace("", np.nan), errors="raise").astype(float)
    for col in ("announced", "start", "end"):
        parsed = [S.parse_date(v) if v else (pd.NaT, None) for v in raw[col]]
        rel[f"{col}_date"] = pd.to_datetime([p[0] for p in parsed])
        rel[f"{col}_precision"] = [p[1] for p in parsed]
    rel["tier_rank"] = raw["tier"].map(S.TIER_RANK).astype(int)
    rel["verified"] = raw["tier"].isin(S.VERIFIED_TIERS)
    rel["seed_refs"] = raw["seed_refs"].map(
        lambda s: [x.strip() for x in s.split(";") if x.strip()]
    )
    return rel


def validate_atlas(path: str | Path | None = None) -> list[Problem]:
    """Every problem in an atlas directory (empty list when valid)."""
    return validate_dir(Path(path) if path is not None else SHIPPED_DIR)[2]


def load_atlas(path: str | Path | None = None) -> Atlas:
    """Load and validate an atlas directory (default: the atlas shipped in the package).

    Raises
    ------
    InputError
        Listing every problem with its file, row and field.
    """
    directory = Path(path).expanduser() if path is not None else SHIPPED_DIR
    if not directory.is_dir():
        raise InputError.single("atlas directory not found", file=str(directory))
    ent, rel, problems = validate_dir(directory)
    if problems:
        raise InputError(problems)
    assert ent is not None and rel is not None
    digest = hashlib.sha256()
    for name in (S.ENTITIES_FILE, S.RELATIONS_FILE):
        digest.update((directory / name).read_bytes())
    return Atlas(_typed_entities(ent), _typed_relations(rel), directory, digest.hexdigest()[:12])
