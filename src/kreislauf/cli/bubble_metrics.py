"""``kreislauf bubble metrics`` and ``kreislauf bubble required-revenue``.

``metrics`` computes every valuation and concentration metric the market data allow (CAPE
and trailing P/E of the S&P 500, trailing P/E of the AI stocks, the Magnificent-7 and
largest-7 shares, hyperscaler capex against revenue, the required revenue of their capex)
and says for each figure which file and date it rests on.

``required-revenue`` exposes the arithmetic ``capital x (return + depreciation) / margin``
with every input as an option and its source (an input without a source is labelled an
assumption).
"""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors, summary_table
from kreislauf.cli.bubble import app

DataDirOpt = typer.Option(
    None, "--data-dir", help="Market-data directory (default: $KREISLAUF_DATA_DIR, else store)."
)
METRIC_FAMILIES = ("shiller", "fundamentals", "concentration", "constituents")
StoreOpt = typer.Option(
    None, "--store", help="DuckDB store filled by 'kreislauf data load' (default: the cache)."
)


def market_data(data_dir: Path | None, store: Path | None, families: tuple[str, ...] | None = None):
    """The market data of ``--data-dir``, else of the store; InputError naming the commands."""
    from kreislauf.bubble.inputs import FAMILIES_USED, load_market_data
    from kreislauf.data.directory import resolve_data_dir
    from kreislauf.errors import InputError
    from kreislauf.store import default_store_path

    d = resolve_data_dir(data_dir)
    data = load_market_data(
        d, None if d else (store or default_store_path()), families or FAMILIES_USED
    )
    if data.empty:
        raise InputError.single(
            "no market data: pass --data-dir DIR (or set KREISLAUF_DATA_DIR), or cache files "
            "with 'kreislauf data load --data-dir DIR' / prices with 'kreislauf data fetch'",
            field="--data-dir",
        )
    return data


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(x.strip() for v in values for x in v.split(",") if x.strip())


@app.command("metrics")
def metrics_command(
    data_dir: Path | None = DataDirOpt,
    store: Path | None = StoreOpt,
    symbols: list[str] | None = typer.Option(
        None, "--symbols", help="Stocks for the trailing P/E (comma-separated; default AI stocks)."
    ),
    capex_symbols: list[str] | None = typer.Option(
        None, "--capex-symbols", help="Companies of the capex comparison (default hyperscalers)."
    ),
    ai_revenue: list[str] | None = typer.Option(
        None,
        "--ai-revenue",
        help="Sourced AI revenue SYMBOL:START:END:USD_BN:SOURCE (repeatable).",
    ),
    report_lag_days: int = typer.Option(
        35, "--report-lag-days", min=0, help="A quarter counts as known this many days after it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json/.html)."),
) -> None:
    """Valuation and concentration metrics, each with the data and dates it used."""
    with handle_errors():
        from kreislauf.bubble.capex import HYPERSCALERS, AIRevenue
        from kreislauf.bubble.metrics import AI_STOCKS, bubble_metrics

        data = market_data(data_dir, store, METRIC_FAMILIES)
        result = bubble_metrics(
            data,
            stock_symbols=_split(symbols) or AI_STOCKS,
            capex_symbols=_split(capex_symbols) or HYPERSCALERS,
            ai_revenue=tuple(AIRevenue.parse(x) for x in ai_revenue or []),
            report_lag_days=report_lag_days,
        )

        def render(con) -> None:
            con.print(
                frame_table(result.to_frame(), title=f"bubble metrics ({data.origin})", max_rows=80)
            )
            if result.unavailable:
                con.print(summary_table(result.unavailable, title="not available (data needed)"))

        emit(result, as_json=as_json, out=out, render=render)


@app.command("required-revenue")
def required_revenue_command(
    capital: float | None = typer.Option(
        None, "--capital", min=0.0, help="Capital to pay off, USD bn (default: TTM capex in data)."
    ),
    capital_source: str | None = typer.Option(
        None, "--capital-source", help="Source of --capital."
    ),
    target_return: float = typer.Option(
        0.10, "--return", help="Yearly return on the capital (0.10 = 10 %; J.P. Morgan, seed 03)."
    ),
    return_source: str | None = typer.Option(None, "--return-source", help="Source of --return."),
    life_years: float = typer.Option(
        6.0, "--life-years", min=0.5, help="Useful life; depreciation = 1 / life (assumption)."
    ),
    life_source: str | None = typer.Option(None, "--life-source", help="Source of --life-years."),
    margin: float = typer.Option(
        1.0, "--margin", help="Cash operating margin in (0, 1]; 1 gives a lower bound."
    ),
    margin_source: str | None = typer.Option(None, "--margin-source", help="Source of --margin."),
    payers: list[str] | None = typer.Option(
        None,
        "--payers",
        help="NAME=COUNT[=SOURCE] payers for the per-month figure (repeatable; "
        "default Netflix's 301.63 m memberships).",
    ),
    data_dir: Path | None = DataDirOpt,
    store: Path | None = StoreOpt,
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json/.html)."),
) -> None:
    """Yearly revenue a capital outlay needs: capital x (return + 1/life) / margin."""
    with handle_errors():
        from kreislauf.bubble import required_revenue as rr
        from kreislauf.errors import InputError

        def param(value: float, source: str | None, default: rr.Param, flag: str) -> rr.Param:
            if source:
                return rr.Param(value, source)
            if value == default.value:
                return default
            return rr.Param(value, f"assumption: given with {flag} (no source stated)")

        if capital is None:
            from kreislauf.bubble.metrics import bubble_metrics

            m = bubble_metrics(market_data(data_dir, store, METRIC_FAMILIES))
            if m.required is None:
                raise InputError.single(
                    "no capex in the data to take the capital from; pass --capital",
                    field="--capital",
                )
            cap = m.required.inputs.capital_usd_bn
        else:
            cap = rr.Param(
                capital, capital_source or "assumption: given with --capital (no source stated)"
            )
        pay: dict[str, rr.Param] = {}
        for spec in payers or []:
            parts = spec.split("=", 2)
            try:
                count = float(parts[1])
            except (IndexError, ValueError) as err:
                raise InputError.single(
                    f"expected NAME=COUNT[=SOURCE], got {spec!r}", field="--payers"
                ) from err
            src = (
                parts[2]
                if len(parts) == 3
                else "assumption: given with --payers (no source stated)"
            )
            pay[parts[0]] = rr.Param(count, src)
        if not payers:
            pay = {"Netflix membership": rr.NETFLIX_MEMBERS}
        inputs = rr.RequiredRevenueInputs(
            cap,
            param(target_return, return_source, rr.JPM_RETURN, "--return"),
            param(1.0 / life_years, life_source, rr.DEPRECIATION_6Y, "--life-years"),
            param(margin, margin_source, rr.MARGIN_LOWER_BOUND, "--margin"),
            pay,
        )
        result = rr.required_revenue(inputs)

        def render(con) -> None:
            con.print(frame_table(result.to_frame(), title="required revenue"))
            con.print(
                frame_table(rr.article_check().to_frame(), title="the article's figures, inverted")
            )

        emit(result, as_json=as_json, out=out, render=render)
