"""Validation of atlas files: every problem is collected with its file, row and field."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kreislauf.atlas import schema as S
from kreislauf.atlas.evidence import check_evidence, numbers_in
from kreislauf.errors import Problem


def read_raw(path: Path, columns: dict[str, bool]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV as strings (empty cells stay ''); check its header.

    Returns the frame (``None`` if it cannot be used) and the problems found.
    """
    name = str(path)
    if not path.is_file():
        return None, [Problem("file not found", name)]
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        return None, [Problem(f"not a readable CSV file: {err}", name)]
    problems = []
    missing = [c for c, required in columns.items() if required and c not in frame.columns]
    for col in missing:
        problems.append(Problem("missing required column", name, 0, col))
    unknown = [c for c in frame.columns if c not in columns]
    for col in unknown:
        problems.append(
            Problem(f"unknown column; expected one of {list(columns)}", name, 0, str(col))
        )
    if missing:
        return None, problems
    for col in columns:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame.apply(lambda s: s.str.strip())
    return frame, problems


def _enum(value: str, allowed: tuple[str, ...]) -> bool:
    return value in allowed


def check_entities(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Check every row of ``entities.csv``."""
    out: list[Problem] = []
    seen: dict[str, int] = {}
    ids = set(frame["id"])
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        r = row._asdict()
        eid = r["id"]
        if not S.ENTITY_ID.match(eid):
            out.append(Problem(f"expected a slug [a-z0-9_]+, got {eid!r}", file, i, "id"))
        if eid in seen:
            out.append(Problem(f"duplicate id {eid!r} (first in row {seen[eid]})", file, i, "id"))
        seen.setdefault(eid, i)
        if not r["name"]:
            out.append(Problem("name is required", file, i, "name"))
        if not _enum(r["kind"], S.KINDS):
            out.append(Problem(f"expected one of {S.KINDS}, got {r['kind']!r}", file, i, "kind"))
        roles = [x.strip() for x in r["roles"].split(";") if x.strip()]
        if not roles:
            out.append(Problem("at least one role is required", file, i, "roles"))
        for role in roles:
            if role not in S.ROLES:
                out.append(Problem(f"unknown role {role!r}; expected {S.ROLES}", file, i, "roles"))
        if r["parent"] and r["parent"] not in ids:
            out.append(Problem(f"unknown entity {r['parent']!r}", file, i, "parent"))
        if r["source_url"] and not r["source_url"].startswith(("http://", "https://")):
            out.append(Problem("expected an http(s) URL", file, i, "source_url"))
        for d in _split(r["domains"]):
            if not _DOMAIN.match(d):
                out.append(
                    Problem(
                        f"expected a domain like nvidia.com, got {d[:60]!r}", file, i, "domains"
                    )
                )
        if r["cik"] and not r["cik"].isdigit():
            out.append(
                Problem(f"expected the SEC CIK as digits, got {r['cik'][:20]!r}", file, i, "cik")
            )
    return out


_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _split(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [x.strip() for x in text.split(";") if x.strip()]


def party_domains(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Web domains per entity id: its own and those of its parents (releases by a parent)."""
    own = {r["id"]: _split(r["domains"]) for r in frame.to_dict(orient="records")}
    parent = {r["id"]: r["parent"] or "" for r in frame.to_dict(orient="records")}
    out = {}
    for eid in own:
        seen, cur, doms = set(), eid, []
        while cur and cur in own and cur not in seen:
            seen.add(cur)
            doms += own[cur]
            cur = parent.get(cur, "")
        out[eid] = doms
    return out


def _number(text: str) -> float | None:
    """Parse a number; raise ValueError for anything that is not a finite number."""
    if text == "":
        return None
    value = float(text)  # raises ValueError for non-numeric text
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


def check_relations(
    frame: pd.DataFrame,
    entity_ids: set[str],
    file: str,
    domains: dict[str, list[str]] | None = None,
) -> list[Problem]:
    """Check every row of ``relations.csv`` against the schema, the entity ids and the
    evidence rules (:mod:`kreislauf.atlas.evidence`); ``domains`` are the parties' web
    domains (:func:`party_domains`)."""
    domains = domains or {}
    out: list[Problem] = []
    seen: dict[str, int] = {}
    ids = set(frame["id"])
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        r = row._asdict()

        def bad(field: str, msg: str, i: int = i) -> None:
            out.append(Problem(msg, file, i, field))

        rid = r["id"]
        if not S.RELATION_ID.match(rid):
            bad("id", f"expected 'R' followed by digits, got {rid!r}")
        if rid in seen:
            bad("id", f"duplicate id {rid!r} (first in row {seen[rid]})")
        seen.setdefault(rid, i)
        for field, allowed in (
            ("type", S.TYPES),
            ("amount_qualifier", S.QUALIFIERS),
            ("status", S.STATUSES),
            ("tier", S.TIERS),
            ("binding", S.BINDING),
        ):
            if r[field] not in allowed:
                bad(field, f"expected one of {allowed}, got {r[field]!r}")
        if r["category"] and r["category"] not in S.CATEGORIES:
            bad("category", f"expected one of {S.CATEGORIES}, got {r['category']!r}")
        for field in ("from_id", "to_id"):
            if r[field] not in entity_ids:
                bad(field, f"unknown entity {r[field]!r} (not in entities.csv)")
        if r["from_id"] and r["from_id"] == r["to_id"]:
            bad("to_id", "money cannot flow from an entity to itself")
        try:
            amount = _number(r["amount_usd_bn"])
            if amount is not None and amount <= 0:
                bad("amount_usd_bn", f"expected a positive number of USD bn, got {amount!r}")
        except ValueError:
            amount = None
            bad("amount_usd_bn", f"expected a finite number or empty, got {r['amount_usd_bn']!r}")
        undisclosed = r["amount_usd_bn"] == ""
        if undisclosed != (r["amount_qualifier"] == "undisclosed"):
            bad(
                "amount_qualifier",
                "must be 'undisclosed' exactly when amount_usd_bn is empty",
            )
        for field, lo, hi in (
            ("stake_pct", 0.0, 100.0),
            ("share_pct", 0.0, 100.0),
            ("term_years", 0.0, math.inf),
        ):
            try:
                v = _number(r[field])
                if v is not None and not (lo < v <= hi):
                    bad(field, f"expected a number in ({lo}, {hi}], got {v!r}")
            except ValueError:
                bad(field, f"expected a finite number or empty, got {r[field]!r}")
        dates = {}
        for field in ("announced", "start", "end", "maturity", "source_period"):
            if r[field] == "":
                if field == "announced":
                    bad(field, "announcement date is required")
                continue
            try:
                dates[field] = S.parse_date(r[field])[0]
            except ValueError as err:
                bad(field, str(err))
        if "start" in dates and "end" in dates and dates["end"] < dates["start"]:
            bad("end", f"end {r['end']} is before start {r['start']}")
        if (r["status"] == "superseded") != bool(r["superseded_by"]):
            bad("superseded_by", "required exactly when status is 'superseded'")
        if r["superseded_by"] and r["superseded_by"] not in ids:
            bad("superseded_by", f"unknown relation id {r['superseded_by']!r}")
        if r["superseded_by"] == rid and rid:
            bad("superseded_by", "a relation cannot supersede itself")
        for field in ("source_url", "source_url_2"):
            if r[field] and not r[field].startswith(("http://", "https://")):
                bad(field, f"expected an http(s) URL, got {r[field]!r}")
        if not r["source_url"]:
            bad("source_url", "every relation needs a source URL")
        if not r["source_quote"]:
            bad("source_quote", "every relation needs a quote or note from its source")
        for ref in [x.strip() for x in r["seed_refs"].split(";") if x.strip()]:
            if ref not in S.SEED_ARTICLES:
                bad("seed_refs", f"unknown seed article {ref!r}; expected {S.SEED_ARTICLES}")
        _check_terms(r, bad)
        parties = [*domains.get(r["from_id"], []), *domains.get(r["to_id"], [])]
        check_evidence(r, parties, bad)
    return out


def _check_terms(r: dict[str, str], bad: Callable[[str, str], None]) -> None:
    """How binding, debt terms and customer shares (see docs/atlas-schema.md)."""
    if r["binding"] not in ("", "unknown") and not r["binding_evidence"]:
        bad("binding_evidence", f"binding {r['binding']!r} needs its evidence (a short quote)")
    if r["type"] == "loan":
        if r["recourse"] not in S.RECOURSE:
            bad("recourse", f"a loan states its recourse, one of {S.RECOURSE}")
    elif r["recourse"] or r["rate"] or r["collateral"]:
        field = "recourse" if r["recourse"] else ("rate" if r["rate"] else "collateral")
        bad(field, "rate, collateral and recourse describe loans only")
    if r["type"] == "customer_share":
        if not r["share_pct"]:
            bad("share_pct", "a customer share states the percent (share_pct)")
        elif r["tier"] in S.VERIFIED_TIERS:
            try:
                share = float(r["share_pct"])
            except ValueError:
                share = None  # reported by the number check
            if share is not None and not any(
                abs(v - share) <= step / 2 + 1e-9 for v, step in numbers_in(r["source_quote"])
            ):
                bad("source_quote", f"the quote does not contain the share {share:g} %")
        if r["share_of"] not in S.SHARE_OF:
            bad("share_of", f"expected one of {S.SHARE_OF}, got {r['share_of'][:30]!r}")
    elif r["share_pct"] or r["share_of"]:
        bad(
            "share_pct" if r["share_pct"] else "share_of",
            "share_pct and share_of are for customer_share rows",
        )


def validate_dir(path: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
    """Read and check both files of an atlas directory; collect every problem."""
    ent, p1 = read_raw(path / S.ENTITIES_FILE, S.ENTITY_COLUMNS)
    rel, p2 = read_raw(path / S.RELATIONS_FILE, S.RELATION_COLUMNS)
    problems = p1 + p2
    if ent is not None:
        problems += check_entities(ent, str(path / S.ENTITIES_FILE))
    if rel is not None:
        ids = set(ent["id"]) if ent is not None else set()
        doms = party_domains(ent) if ent is not None else {}
        problems += check_relations(rel, ids, str(path / S.RELATIONS_FILE), doms)
    return ent, rel, problems
