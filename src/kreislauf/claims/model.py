"""Claim records and verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from kreislauf.errors import InputError, Problem

Verdict = Literal["supported", "contradicted", "not checkable"]
SHIPPED = Path(__file__).with_name("data") / "claims.yaml"
REQUIRED = ("id", "article", "quote_de", "text_en", "figure", "unit", "as_of", "topic", "check")
TOPICS = (
    "valuation",
    "concentration",
    "capex",
    "required_revenue",
    "circular_flows",
    "memory",
    "crash_loss",
    "investment_flows",
    "other",
)


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of a seed article."""

    id: str
    article: str
    quote_de: str
    text_en: str
    figure: float
    unit: str
    as_of: str
    topic: str
    check: str
    tolerance: float = 0.0
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """The outcome of checking one claim."""

    verdict: Verdict
    observed: float | None
    evidence: str
    sources: tuple[str, ...] = ()


def within(claimed: float, observed: float, tolerance: float) -> bool:
    """``observed`` within a relative ``tolerance`` of ``claimed``."""
    return abs(observed - claimed) <= tolerance * abs(claimed)


def load_claims(path: Path | None = None) -> list[Claim]:
    """Read and validate a claims file (default: the shipped one)."""
    file = path or SHIPPED
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError.single(f"cannot read claims: {err}", file=str(file)) from err
    if not isinstance(raw, list):
        raise InputError.single("expected a list of claims", file=str(file), row=1)
    problems, claims, seen = [], [], set()
    for i, rec in enumerate(raw, start=1):
        if not isinstance(rec, dict):
            problems.append(Problem("expected a mapping", str(file), i))
            continue
        missing = [k for k in REQUIRED if k not in rec]
        for k in missing:
            problems.append(Problem("missing required key", str(file), i, k))
        if missing:
            continue
        if rec["id"] in seen:
            problems.append(Problem(f"duplicate id {rec['id']!r}", str(file), i, "id"))
        seen.add(rec["id"])
        if rec["topic"] not in TOPICS:
            problems.append(Problem(f"expected one of {TOPICS}", str(file), i, "topic"))
        known = set(REQUIRED) | {"tolerance", "reason"}
        claims.append(
            Claim(
                id=str(rec["id"]),
                article=str(rec["article"]),
                quote_de=rec["quote_de"],
                text_en=rec["text_en"],
                figure=float(rec["figure"]),
                unit=rec["unit"],
                as_of=str(rec["as_of"]),
                topic=rec["topic"],
                check=rec["check"],
                tolerance=float(rec.get("tolerance", 0.0)),
                reason=rec.get("reason", ""),
                extra={k: v for k, v in rec.items() if k not in known},
            )
        )
    if problems:
        raise InputError(problems)
    return claims
