"""Run every check and collect the verdicts as a result object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import pandas as pd

from kreislauf.claims.checks import CHECKS, ClaimContext
from kreislauf.claims.model import Claim, Finding, Verdict, load_claims
from kreislauf.errors import InputError
from kreislauf.paths import shown_path
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass
class AuditResult(Result):
    """Every claim next to what the data say."""

    claims: list[Claim]
    findings: list[Finding]
    data_dir: Path | None

    def to_frame(self) -> pd.DataFrame:
        """One row per claim: quote, figure, verdict, observed value, evidence, sources."""
        return pd.DataFrame(
            [
                {
                    "id": c.id,
                    "article": c.article,
                    "topic": c.topic,
                    "quote_de": c.quote_de,
                    "text_en": c.text_en,
                    "claimed": c.figure,
                    "unit": c.unit,
                    "as_of": c.as_of,
                    "verdict": f.verdict,
                    "observed": f.observed,
                    "evidence": f.evidence,
                    "sources": "; ".join(f.sources),
                }
                for c, f in zip(self.claims, self.findings, strict=True)
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """Summary and table for ``--json``; each claim's ``sources`` as a list."""
        from kreislauf.results import to_jsonable

        rows = to_jsonable(self.to_frame())
        for row, f in zip(rows, self.findings, strict=True):
            row["sources"] = list(f.sources)
        return {"summary": to_jsonable(self.summary()), "table": rows}

    def summary(self) -> dict[str, Any]:
        """Counts by verdict (``supported``, ``contradicted``, ``not_checkable``; zero included)
        and the data directory used."""
        verdicts = [f.verdict for f in self.findings]
        return {
            "claims": len(self.claims),
            **{v.replace(" ", "_"): verdicts.count(v) for v in get_args(Verdict)},
            "data_dir": shown_path(self.data_dir) if self.data_dir else None,
        }

    def plot(self) -> go.Figure:
        """Verdicts by topic."""
        import plotly.express as px

        f = self.to_frame().groupby(["topic", "verdict"]).size().reset_index(name="claims")
        return px.bar(
            f,
            x="topic",
            y="claims",
            color="verdict",
            color_discrete_map={
                "supported": "#2ca02c",
                "contradicted": "#d62728",
                "not checkable": "#9e9e9e",
            },
            title="The articles' claims by topic and verdict",
        )


def run_audit(
    atlas_dir: Path | None = None,
    data_dir: Path | None = None,
    claims_path: Path | None = None,
    memo: dict[str, Any] | None = None,
    bundle: bool = True,
) -> AuditResult:
    """Check every claim (the shipped claims file by default).

    ``memo``, a caller-owned dict (e.g. a report's), lets checks reuse results computed
    elsewhere in the same run; the checks' own cache lives there too. ``bundle`` lets the
    families ``data_dir`` lacks come from the data shipped with the package.
    """
    claims = load_claims(claims_path)
    unknown = [c.id for c in claims if c.check not in CHECKS]
    if unknown:
        raise InputError.single(
            f"claims {unknown} name unknown checks; expected one of {sorted(CHECKS)}", field="check"
        )
    ctx = ClaimContext(
        atlas_dir=atlas_dir, data_dir=data_dir, cache={} if memo is None else memo, bundle=bundle
    )
    return AuditResult(claims, [CHECKS[c.check](c, ctx) for c in claims], data_dir)
