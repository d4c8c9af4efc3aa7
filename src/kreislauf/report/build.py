"""Assemble the report from its sections.

Each capability adds a module ``kreislauf.report.sections.<name>`` with a
function ``build(ctx: ReportContext) -> Section``; :data:`SECTIONS` lists them in
report order.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
import platform
from collections.abc import Callable
from pathlib import Path

from kreislauf import __version__
from kreislauf.io import atomic_write_text
from kreislauf.paths import shown_path
from kreislauf.report.model import ReportContext, Section

SECTIONS: list[str] = ["atlas", "circuit", "bubble", "memory", "claims", "contagion", "burst"]


def build_sections(
    ctx: ReportContext,
    names: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Section]:
    """Run the section builders in order.

    Parameters
    ----------
    ctx : ReportContext
        Options shared by all sections.
    names : list of str, optional
        Subset of :data:`SECTIONS`; all by default.
    progress : callable, optional
        Called with each section name before it is built.
    """
    out: list[Section] = []
    for name in names or SECTIONS:
        if progress is not None:
            progress(name)
        module = importlib.import_module(f"kreislauf.report.sections.{name}")
        out.append(module.build(ctx))
    return out


def render_html(sections: list[Section], ctx: ReportContext) -> str:
    """Render sections into one self-contained HTML document (no external requests)."""
    from kreislauf.report.render import render

    meta = {
        "version": __version__,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "lang": ctx.lang,
        "seed": ctx.seed,
        "atlas_dir": shown_path(ctx.atlas_dir) if ctx.atlas_dir else "(shipped with the package)",
        "data_dir": shown_path(ctx.data_dir) if ctx.data_dir else "(none)",
        "store": shown_path(ctx.store_path) if ctx.store_path else "(none)",
        "bundle": "kreislauf/data/bundle (where no data directory or store provides a family)"
        if ctx.bundle
        else "(not used)",
        **{k: str(v) for k, v in ctx.params.items()},
    }
    return render(sections, ctx, meta)


def write_report(
    path: Path,
    ctx: ReportContext,
    names: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Build every section and write the HTML report atomically; return its path."""
    sections = build_sections(ctx, names, progress)
    return atomic_write_text(path, render_html(sections, ctx))


def escape(text: object) -> str:
    """HTML-escape any value for section bodies."""
    return html.escape(str(text), quote=True)
