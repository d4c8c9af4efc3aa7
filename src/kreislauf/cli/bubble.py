"""``kreislauf bubble``: the group of bubble-diagnostic commands.

Each command lives in its own module, which registers itself on :data:`app`
(``@app.command("psy")`` and so on); :data:`COMMAND_MODULES` lists them.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(no_args_is_help=True, help="Bubble diagnostics: metrics, PSY, LPPLS, scans.")

# Modules under kreislauf.cli that add commands to ``app``; one line per module.
COMMAND_MODULES: list[str] = [
    "bubble_psy",
    "bubble_metrics",
    "bubble_scan",
    "bubble_lppls",
]

for _name in COMMAND_MODULES:
    importlib.import_module(f"kreislauf.cli.{_name}")
