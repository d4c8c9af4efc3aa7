"""``kreislauf circuit``: cycles, circular dollars, vendor-financed revenue, centrality."""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import console, emit, frame_table, handle_errors

app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


def _result(
    atlas: Path | None,
    max_length: int,
    verified_only: bool,
    haircut: float,
    since: str | None,
    until: str | None,
    include_stakes: bool,
    binding: str = "all",
):
    from kreislauf.atlas import load_atlas
    from kreislauf.atlas.binding import BindingWeights
    from kreislauf.circuit.analysis import analyse
    from kreislauf.circuit.graph import FLOW_TYPES, FlowOptions

    a = load_atlas(atlas)
    types = FLOW_TYPES + (("stake", "backstop", "warrant") if include_stakes else ())
    opts = FlowOptions(
        types=types,
        tiers="verified" if verified_only else "all",
        up_to_haircut=haircut,
        since=since,
        until=until,
        binding=BindingWeights.parse(binding),
    )
    return analyse(a.relations, a.entities, opts, max_length=max_length)


@app.callback()
def circuit(
    ctx: typer.Context,
    atlas: Path | None = typer.Option(None, "--atlas", help="Atlas directory (default: shipped)."),
    max_length: int = typer.Option(6, "--max-length", min=2, max=10, help="Longest cycle."),
    verified_only: bool = typer.Option(
        False, "--verified-only", help="Count filings, company releases, major press only."
    ),
    haircut: float = typer.Option(
        0.0, "--haircut", min=0.0, max=1.0, help="Share cut from 'up to' amounts."
    ),
    since: str | None = typer.Option(None, "--since", help="Announced on or after (YYYY[-MM])."),
    until: str | None = typer.Option(None, "--until", help="Announced on or before."),
    include_stakes: bool = typer.Option(
        False, "--include-stakes", help="Also count stakes, backstops and warrants."
    ),
    binding: str = typer.Option(
        "all",
        "--binding",
        help="Which legs count: 'all' (headline), 'binding' (non-cancellable and funded only) "
        "or class=weight pairs, e.g. non_binding=0,cancellable=0.5.",
    ),
    draws: int = typer.Option(0, "--draws", min=0, help="Null-model draws (0: skip)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the null model."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export cycles (.csv/.json/.html)."),
) -> None:
    """Summarise the circuit: cycles with circular dollars, exposures, centrality."""
    ctx.obj = {
        "args": (atlas, max_length, verified_only, haircut, since, until, include_stakes, binding)
    }
    if ctx.invoked_subcommand is not None:
        return
    with handle_errors():
        r = _result(*ctx.obj["args"])
        payload = r
        if draws:
            from kreislauf.circuit.nullmodel import null_model

            nm = null_model(r.edges, draws=draws, seed=seed, max_length=max_length)

        def render(con) -> None:
            con.print(
                frame_table(
                    r.cycles[["cycle", "weakest_tier", "circular_usd_bn", "relation_ids"]],
                    title="cycles of money",
                )
            )
            con.print(
                frame_table(
                    r.vendor_financing[
                        ["vendor", "committed_inflows_usd_bn", "direct_share", "chain_share"]
                    ],
                    title="vendor-financed share of committed inflows",
                )
            )
            con.print(frame_table(r.backlog, title="backlog concentration"))
            con.print(frame_table(r.centrality.head(10), title="centrality"))
            if draws:
                con.print(frame_table(nm.to_frame(), title=f"null model ({draws} draws)"))

        doc = {**r.to_dict(), "table": cycle_records(r.to_frame())}
        if draws:
            doc["null_model"] = nm.to_dict()
        emit(payload, as_json=as_json, out=out, render=render, json_obj=doc)


LIST_COLUMNS = {"nodes": str, "relation_ids": str, "leg_amounts": float}


def cycle_records(frame) -> list[dict]:
    """The cycles table as JSON records, with the space-joined columns as lists.

    ``leg_amounts`` holds one amount per leg (USD bn), ``null`` for an undisclosed one.
    """
    import math

    from kreislauf.results import to_jsonable

    rows = to_jsonable(frame)
    for row in rows:
        for col, kind in LIST_COLUMNS.items():
            if isinstance(row.get(col), str):
                items = [kind(x) for x in row[col].split()]
                row[col] = [None if isinstance(x, float) and math.isnan(x) else x for x in items]
    return rows


@app.command()
def network(ctx: typer.Context, out: Path = typer.Option(..., "--out", help="HTML file.")) -> None:
    """Write the interactive network view (offline HTML; click an edge to open its source)."""
    from kreislauf.circuit.views import network_html
    from kreislauf.io import atomic_write_text

    with handle_errors():
        path = atomic_write_text(out, network_html(_result(*ctx.obj["args"])))
        console().print(f"wrote network view to {path}", highlight=False)


@app.command()
def sankey(ctx: typer.Context, out: Path = typer.Option(..., "--out", help="HTML file.")) -> None:
    """Write a Sankey diagram of the disclosed money flows (offline HTML)."""
    from kreislauf.circuit.views import sankey_figure
    from kreislauf.io import atomic_write_text

    with handle_errors():
        fig = sankey_figure(_result(*ctx.obj["args"]))
        path = atomic_write_text(out, fig.to_html(include_plotlyjs=True, full_html=True))
        console().print(f"wrote Sankey to {path}", highlight=False)
