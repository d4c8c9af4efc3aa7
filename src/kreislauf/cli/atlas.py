"""``kreislauf atlas``: validate, show, extend and load the atlas."""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors
from kreislauf.paths import shown_path

app = typer.Typer(no_args_is_help=True, help="The sourced atlas of the AI capital circuit.")

AtlasOpt = typer.Option(None, "--atlas", help="Atlas directory (default: the shipped atlas).")


@app.command()
def validate(
    path: Path | None = typer.Argument(None, help="Atlas directory (default: shipped)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Check an atlas directory; list every problem with file, row and field (exit 2)."""
    from kreislauf.atlas import load_atlas

    with handle_errors():
        atlas = load_atlas(path)
        rel = atlas.relations
        summary = {
            "directory": shown_path(atlas.source_dir),
            "version": atlas.version,
            "entities": len(atlas.entities),
            "relations": len(rel),
            "with_amount": int(rel["amount_usd_bn"].notna().sum()),
            "undisclosed": int(rel["amount_usd_bn"].isna().sum()),
            "by_tier": {k: int(v) for k, v in atlas.tier_counts().items()},
            "named_in_seed_articles": int(rel["seed_refs"].map(bool).sum()),
            "valid": True,
        }
        emit(summary, as_json=as_json, out=None, title="atlas is valid")


@app.command()
def show(
    entity: str | None = typer.Option(None, "--entity", help="Only relations touching it."),
    type_: str | None = typer.Option(None, "--type", help="Only this relation type."),
    atlas: Path | None = AtlasOpt,
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json)."),
) -> None:
    """Show relations (optionally of one entity or type) with amounts, tiers and sources."""
    from kreislauf.atlas import load_atlas
    from kreislauf.atlas import schema as S
    from kreislauf.errors import InputError

    with handle_errors():
        a = load_atlas(atlas)
        rel = a.relations
        if entity is not None:
            a.entity(entity)  # raises for an unknown id
            rel = a.relations_of(entity)
        if type_ is not None:
            if type_ not in S.TYPES:
                raise InputError.single(f"expected one of {S.TYPES}, got {type_!r}", field="--type")
            rel = rel[rel["type"] == type_]
        cols = [c for c in S.DISPLAY_COLUMNS if c != "source_quote"]
        table = rel[cols].reset_index(drop=True)
        emit(
            table,
            as_json=as_json,
            out=out,
            render=lambda con: con.print(frame_table(table, title=f"{len(table)} relations")),
        )


@app.command()
def add(
    atlas: Path = typer.Option(..., "--atlas", help="Atlas directory to extend (required)."),
    file: Path | None = typer.Option(None, "--file", help="CSV with relation rows to append."),
    id_: str | None = typer.Option(None, "--id"),
    type_: str | None = typer.Option(None, "--type"),
    category: str = typer.Option("", "--category"),
    from_id: str | None = typer.Option(None, "--from"),
    to_id: str | None = typer.Option(None, "--to"),
    amount: str = typer.Option("", "--amount", help="USD bn; empty for undisclosed."),
    qualifier: str = typer.Option("undisclosed", "--qualifier"),
    announced: str | None = typer.Option(None, "--announced"),
    status: str = typer.Option("reported", "--status"),
    tier: str | None = typer.Option(None, "--tier"),
    source_url: str | None = typer.Option(None, "--source-url"),
    quote: str | None = typer.Option(None, "--quote"),
    binding: str = typer.Option(
        "unknown",
        "--binding",
        help="non_binding, cancellable, non_cancellable, funded or unknown.",
    ),
    binding_evidence: str = typer.Option("", "--binding-evidence"),
    form: str = typer.Option("", "--form", help="Filing form (filing tier), e.g. 10-Q."),
    period: str = typer.Option("", "--period", help="Period the filing reports, YYYY-MM-DD."),
    accession: str = typer.Option("", "--accession", help="Filing accession number."),
    outlet: str = typer.Option("", "--outlet", help="Outlet of a major-press source."),
    notes: str = typer.Option("", "--notes"),
    as_json: bool = typer.Option(False, "--json", help="Print the added relations as JSON."),
    out: Path | None = typer.Option(None, "--out", help="Export the added rows (.csv/.json)."),
) -> None:
    """Append relations (from flags or --file), validated; written atomically or not at all."""
    import pandas as pd

    from kreislauf.atlas.edit import append_relations
    from kreislauf.errors import InputError

    with handle_errors():
        if file is not None:
            try:
                rows = pd.read_csv(file, dtype=str, keep_default_na=False)
            except (OSError, pd.errors.ParserError) as err:
                raise InputError.single(f"cannot read CSV: {err}", file=str(file)) from err
            origin = str(file)
        else:
            required = {
                "--id": id_,
                "--type": type_,
                "--from": from_id,
                "--to": to_id,
                "--announced": announced,
                "--tier": tier,
                "--source-url": source_url,
                "--quote": quote,
            }
            missing = [k for k, v in required.items() if not v]
            if missing:
                raise InputError.single(f"missing option(s) {missing}", field=missing[0])
            rows = pd.DataFrame(
                [
                    {
                        "id": id_,
                        "type": type_,
                        "category": category,
                        "from_id": from_id,
                        "to_id": to_id,
                        "amount_usd_bn": amount,
                        "amount_qualifier": qualifier,
                        "announced": announced,
                        "status": status,
                        "tier": tier,
                        "source_url": source_url,
                        "source_quote": quote,
                        "binding": binding,
                        "binding_evidence": binding_evidence,
                        "source_form": form,
                        "source_period": period,
                        "source_accession": accession,
                        "source_outlet": outlet,
                        "notes": notes,
                    }
                ]
            )
            origin = "--flags"
        if out is not None:
            from kreislauf.cli._common import check_out_suffix

            check_out_suffix(out)  # before the atlas is touched
        added = append_relations(atlas, rows, origin)
        where = shown_path(atlas / "relations.csv")
        emit(
            added,
            as_json=as_json,
            out=out,
            json_obj={"added": len(added), "file": where, "relations": added},
            render=lambda con: con.print(f"added {len(added)} relation(s) to {where}"),
        )


@app.command()
def load(
    atlas: Path | None = AtlasOpt,
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: cache)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was loaded as JSON."),
    out: Path | None = typer.Option(None, "--out", help="Export the summary (.csv/.json)."),
) -> None:
    """Validate the atlas and write it into the store in one transaction."""
    from kreislauf.atlas import load_atlas
    from kreislauf.store import Store, default_store_path

    with handle_errors():
        if out is not None:
            from kreislauf.cli._common import check_out_suffix

            check_out_suffix(out)
        a = load_atlas(atlas)
        path = store or default_store_path()
        with Store(path) as s:
            a.to_store(s)
        summary = {
            "atlas_version": a.version,
            "entities": len(a.entities),
            "relations": len(a.relations),
            "tables": ["atlas_entities", "atlas_relations"],
            "store": shown_path(path),
        }
        emit(
            summary,
            as_json=as_json,
            out=out,
            render=lambda con: con.print(
                f"loaded atlas {a.version} ({len(a.relations)} relations) into {path}",
                highlight=False,
            ),
        )
