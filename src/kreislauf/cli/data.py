"""``kreislauf data``: show, load (into the store) and fetch market data."""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import console, emit, frame_table, handle_errors

app = typer.Typer(no_args_is_help=True, help="Market data: local files and online sources.")

DataDirOpt = typer.Option(
    None, "--data-dir", help="Directory of data files (default: $KREISLAUF_DATA_DIR)."
)


def _need_dir(data_dir: Path | None) -> Path:
    from kreislauf.data import resolve_data_dir
    from kreislauf.errors import InputError

    d = resolve_data_dir(data_dir)
    if d is None:
        raise InputError.single(
            "no data directory: pass --data-dir or set KREISLAUF_DATA_DIR "
            "(or fetch online: kreislauf data fetch SYMBOL ...)",
            field="--data-dir",
        )
    return d


@app.command()
def show(
    family: str | None = typer.Argument(None, help="One family (default: coverage of all)."),
    data_dir: Path | None = DataDirOpt,
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json)."),
) -> None:
    """Coverage of each file family found (file, first/last date, rows, symbols).

    Without a data directory: the data bundled with the package.
    """
    import pandas as pd

    from kreislauf.data import resolve_data_dir
    from kreislauf.data.directory import BY_NAME, discover, load_family, load_file
    from kreislauf.paths import shown_path

    with handle_errors():
        if resolve_data_dir(data_dir) is None:
            _show_bundle(family, as_json, out)
            return
        d = _need_dir(data_dir)
        if family is not None:
            sets = load_family(d, family)
            frame = pd.concat([s.frame for s in sets], ignore_index=True)
            emit(
                frame,
                as_json=as_json,
                out=out,
                render=lambda con: con.print(frame_table(frame, title=family)),
            )
            return
        rows = []
        for name, paths in discover(d).items():
            if not paths:
                rows.append(
                    {
                        "family": name,
                        "source": "(missing)",
                        "rows": 0,
                        "notes": BY_NAME[name].description,
                    }
                )
            for p in paths:
                rows.append({**load_file(name, p, d).coverage(), "family": name})
        table = pd.DataFrame(rows)
        emit(
            table,
            as_json=as_json,
            out=out,
            render=lambda con: con.print(frame_table(table, title=f"data in {shown_path(d)}")),
        )


def _show_bundle(family: str | None, as_json: bool, out: Path | None) -> None:
    """``data show`` without a directory: the bundle's coverage, or one bundled family."""
    import pandas as pd

    from kreislauf.data.embedded import bundled_families, load_bundled
    from kreislauf.errors import InputError

    if family is not None:
        ds = load_bundled(family)
        if ds is None:
            raise InputError.single(
                f"{family!r} is not in the data bundled with kreislauf (it holds "
                f"{', '.join(bundled_families())}); pass --data-dir for other families",
                field="family",
            )
        emit(
            ds.frame,
            as_json=as_json,
            out=out,
            render=lambda con: con.print(frame_table(ds.frame, title=f"{family} (bundled)")),
        )
        return
    table = pd.DataFrame([load_bundled(f).coverage() for f in bundled_families()])
    emit(
        table,
        as_json=as_json,
        out=out,
        render=lambda con: con.print(
            frame_table(
                table, title="data bundled with kreislauf (no --data-dir; see DATA-LICENSES.md)"
            )
        ),
    )


@app.command()
def load(
    data_dir: Path | None = DataDirOpt,
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: cache)."),
    as_json: bool = typer.Option(False, "--json", help="Print the tables cached as JSON."),
    out: Path | None = typer.Option(None, "--out", help="Export the table list (.csv/.json)."),
) -> None:
    """Validate every file found and cache it in the store (one transaction)."""
    import pandas as pd

    from kreislauf.cli._common import check_out_suffix
    from kreislauf.data.directory import discover, load_file
    from kreislauf.paths import shown_path
    from kreislauf.store import Store, default_store_path

    with handle_errors():
        if out is not None:
            check_out_suffix(out)  # before the store is touched
        d = _need_dir(data_dir)
        tables, rows = {}, []
        for name, paths in discover(d).items():
            if paths:
                sets = [load_file(name, p, d) for p in paths]
                tables[f"data_{name}"] = pd.concat([s.frame for s in sets], ignore_index=True)
                rows.append(
                    {
                        "table": f"data_{name}",
                        "family": name,
                        "rows": len(tables[f"data_{name}"]),
                        "files": [s.source for s in sets],
                    }
                )
        path = store or default_store_path()
        with Store(path) as s:
            s.write_tables(tables, source=str(d))
        emit(
            pd.DataFrame(rows, columns=["table", "family", "rows", "files"]).assign(
                files=lambda f: f["files"].str.join(" ")
            ),
            as_json=as_json,
            out=out,
            json_obj={"store": shown_path(path), "data_dir": shown_path(d), "tables": rows},
            render=lambda con: con.print(
                f"cached {len(tables)} tables from {d} in {path}", highlight=False
            ),
        )


@app.command()
def fetch(
    symbols: list[str] = typer.Argument(
        None, help="Yahoo symbols (NVDA, ^GSPC, BTC-USD ...); none with --balance-sheets."
    ),
    start: str = typer.Option("2015-01-01", "--start", help="First date."),
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: cache)."),
    balance_sheets: Path | None = typer.Option(
        None,
        "--balance-sheets",
        help="Instead of prices: write the latest balance sheets of the atlas's US filers (its "
        "entities with a CIK) from SEC EDGAR's company facts to this CSV, in the format of the "
        "shipped balance-sheet file (use it with kreislauf stress --balance-sheets).",
    ),
    user_agent: str = typer.Option(
        "kreislauf (research use)",
        "--user-agent",
        help="User-Agent for SEC EDGAR, which asks for a name and e-mail address.",
    ),
) -> None:
    """Fetch daily prices from Yahoo, or balance sheets from SEC EDGAR (needs internet)."""
    from kreislauf.errors import InputError

    with handle_errors():
        if balance_sheets is not None:
            if symbols:
                raise InputError.single(
                    "--balance-sheets fetches the atlas's filers; give no symbols with it",
                    field="symbols",
                )
            _fetch_balance_sheets(balance_sheets, user_agent)
            return
        if not symbols:
            raise InputError.single("name at least one symbol", field="symbols")
        from kreislauf.data.online import fetch_prices, fetched_now
        from kreislauf.store import Store, default_store_path

        with console(stderr=True).status("fetching from Yahoo"):
            frame = fetch_prices(symbols, start)
            path = store or default_store_path()
            with Store(path) as s:
                s.write_tables(
                    {"fetched_prices": frame}, source="Yahoo via yfinance", fetched_at=fetched_now()
                )
        console().print(f"fetched {len(frame)} rows for {len(symbols)} symbols into {path}")


def _fetch_balance_sheets(out: Path, user_agent: str) -> None:  # pragma: no cover - network
    """Fetch, validate against the atlas, then write atomically (nothing half-written)."""
    import tempfile

    from kreislauf.atlas import load_atlas
    from kreislauf.contagion.balance_sheets import COLUMNS, load_financials
    from kreislauf.data.online import fetch_sec_balance_sheets
    from kreislauf.io import atomic_write_text

    atlas = load_atlas()
    ent = atlas.entities
    ciks = {r["id"]: int(r["cik"]) for r in ent.to_dict(orient="records") if r.get("cik")}
    with console(stderr=True).status(f"fetching {len(ciks)} filers from SEC EDGAR"):
        frame = fetch_sec_balance_sheets(ciks, user_agent).reindex(
            columns=list(COLUMNS), fill_value=""
        )
    text = frame.to_csv(index=False)
    with tempfile.TemporaryDirectory() as tmp:
        check = Path(tmp) / out.name
        check.write_text(text, encoding="utf-8")
        load_financials(check, tuple(ent["id"]), domains=atlas.party_domains())
    atomic_write_text(out, text)
    console().print(f"wrote {len(frame)} figures of {len(ciks)} filers to {out}")
