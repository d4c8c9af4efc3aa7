"""``kreislauf claims``: the articles' quantitative claims checked against the data."""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors


def claims(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Market data (default: $KREISLAUF_DATA_DIR)."
    ),
    atlas: Path | None = typer.Option(None, "--atlas", help="Atlas directory (default: shipped)."),
    claims_file: Path | None = typer.Option(
        None, "--claims", help="Claims YAML (default: shipped)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.json/.html)."),
) -> None:
    """Check every claim of the seed articles: supported, contradicted or not checkable."""
    from kreislauf.claims.audit import run_audit
    from kreislauf.data import resolve_data_dir

    with handle_errors():
        result = run_audit(atlas, resolve_data_dir(data_dir), claims_file)
        table = result.to_frame()[
            ["id", "article", "topic", "claimed", "unit", "verdict", "observed", "evidence"]
        ]
        emit(
            result,
            as_json=as_json,
            out=out,
            render=lambda con: con.print(frame_table(table, title=str(result.summary()))),
        )


app = claims
