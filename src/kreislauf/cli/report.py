"""``kreislauf report``: write the HTML report."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from kreislauf.cli._common import console, handle_errors
from kreislauf.report.model import ReportContext


def report(
    out: Path = typer.Option(Path("kreislauf-report.html"), "--out", help="HTML file to write."),
    lang: str = typer.Option("en", "--lang", help="Language: en or de."),
    atlas: Path | None = typer.Option(None, "--atlas", help="Atlas directory (default: shipped)."),
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help="Local market-data directory (default: $KREISLAUF_DATA_DIR if set).",
    ),
    store: Path | None = typer.Option(
        None,
        "--store",
        help="DuckDB store with market data cached by `kreislauf data load|fetch` "
        "(default: $KREISLAUF_STORE or ~/.cache/kreislauf/store.duckdb, where it exists).",
    ),
    seed: int = typer.Option(20251117, "--seed", help="Seed for all random draws."),
    section: list[str] | None = typer.Option(
        None, "--section", help="Only these sections (repeatable)."
    ),
    pdf: bool = typer.Option(False, "--pdf", help="Also print a PDF beside the HTML."),
    bundle: bool = typer.Option(
        True,
        "--bundle/--no-bundle",
        help="Fill the families the data directory and store lack from the data shipped with "
        "kreislauf (Shiller, SEC-filed quarterly figures, S&P 500 concentration).",
    ),
) -> None:
    """Write the report of everything kreislauf can compute and print where it went."""
    from kreislauf.errors import InputError
    from kreislauf.report.build import SECTIONS, write_report

    with handle_errors():
        if lang not in ("en", "de"):
            raise InputError.single(f"expected 'en' or 'de', got '{lang}'", field="--lang")
        unknown = [s for s in section or [] if s not in SECTIONS]
        if unknown:
            raise InputError.single(
                f"unknown section(s) {unknown}; expected any of {SECTIONS}", field="--section"
            )
        from kreislauf.store import default_store_path

        env_dir = os.environ.get("KREISLAUF_DATA_DIR")
        if store is not None and not store.is_file():
            raise InputError.single(f"no store at {store}", file=store, field="--store")
        cached = store or default_store_path()
        ctx = ReportContext(
            lang=lang,  # type: ignore[arg-type]
            atlas_dir=atlas,
            data_dir=data_dir or (Path(env_dir) if env_dir else None),
            store_path=cached if cached.is_file() else None,
            seed=seed,
            bundle=bundle,
        )
        con = console(stderr=True)
        with con.status("building report") as status:
            path = write_report(
                out, ctx, section or None, progress=lambda n: status.update(f"section: {n}")
            )
        console().print(f"wrote report to {path}", highlight=False)
        if pdf:
            from kreislauf.report.pdf import html_to_pdf

            pdf_path = html_to_pdf(path, path.with_suffix(".pdf"))
            console().print(f"wrote PDF to {pdf_path}", highlight=False)


app = report
