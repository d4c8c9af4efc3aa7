"""``kreislauf memory``: the DRAM market under oligopoly and hoarding."""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors

app = typer.Typer(no_args_is_help=False, invoke_without_command=True)


@app.callback()
def memory(
    ctx: typer.Context,
    params: Path | None = typer.Option(
        None, "--params", help="Parameter file (YAML); default: the shipped baseline."
    ),
    hoard_share: float | None = typer.Option(
        None, "--hoard-share", min=0.0, max=0.9, help="Run one scenario: hoard share of output."
    ),
    crash_month: int | None = typer.Option(
        None, "--crash-month", min=0, help="Month index of an AI crash (0 = start month)."
    ),
    ai_drop: float = typer.Option(0.4, "--ai-drop", min=0.0, max=1.0, help="AI demand fall."),
    release_months: int = typer.Option(
        0, "--release-months", min=0, help="Sell the hoard over N months after the crash."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json/.html)."),
    sources: bool = typer.Option(False, "--sources", help="List every parameter's source."),
) -> None:
    """Run the standard scarcity scenarios (or one, with --hoard-share/--crash-month)."""
    if ctx.invoked_subcommand is not None:
        return
    from kreislauf.memory.market import Scenario, simulate
    from kreislauf.memory.params import load_params
    from kreislauf.memory.scenarios import compare, standard_scenarios

    with handle_errors():
        p = load_params(params)
        if sources:
            emit(p.sources_frame(), as_json=as_json, out=out, title="parameter sources")
            return
        if hoard_share is not None or crash_month is not None:
            sc = Scenario(
                "custom",
                hoard_share=hoard_share,
                crash_month=crash_month,
                ai_demand_drop=ai_drop if crash_month is not None else 0.0,
                release_months=release_months,
            )
            emit(simulate(p, sc), as_json=as_json, out=out, title="DRAM market")
            return
        result = compare(p, standard_scenarios(p))
        # JSON: scenarios as a list of records (their names are not keys: they hold spaces)
        doc = {
            "summary": [{"scenario": k, **v} for k, v in result.summary().items()],
            "table": result.to_frame(),
        }
        emit(
            result,
            as_json=as_json,
            out=out,
            json_obj=doc,
            render=lambda con: con.print(
                frame_table(
                    result.table(brief=True),
                    title="DRAM scarcity scenarios (price multiple of the mid-2025 kit price)",
                )
            ),
        )
