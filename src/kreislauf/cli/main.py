"""Entry point of the ``kreislauf`` command.

Each capability contributes a Typer sub-app in ``kreislauf.cli.<name>``; the
:data:`SUBCOMMANDS` table below wires them in. Heavy engines are imported inside
the commands, so ``kreislauf --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

from kreislauf import __version__

# (module under kreislauf.cli, attribute, command name, help) -- one line per capability.
SUBCOMMANDS: list[tuple[str, str, str, str]] = [
    ("atlas", "app", "atlas", "Validate, show and extend the atlas of the AI capital circuit."),
    ("data", "app", "data", "Load, fetch and show market data."),
    ("circuit", "app", "circuit", "Cycles, circular dollars, vendor-financed revenue, centrality."),
    ("claims", "app", "claims", "Check the articles' claims against the data."),
    ("report", "app", "report", "Write the HTML (or PDF) report of everything kreislauf computes."),
    ("memory", "app", "memory", "Scarcity: the DRAM market under oligopoly and hoarding."),
    ("serve", "app", "serve", "Serve the web dashboard and its JSON API on 127.0.0.1."),
    ("stress", "app", "stress", "Stress-test the AI circuit: clearing, DebtRank, fire sales."),
    ("bubble", "app", "bubble", "Bubble diagnostics: valuation metrics, PSY, LPPLS, scans."),
    ("simulate", "app", "simulate", "SFC models: SIM, PC, the AI circuit; scenarios, Monte Carlo."),
]

app = typer.Typer(
    name="kreislauf",
    help="Model the AI industry's capital circuit, measure its bubble, simulate its burst.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kreislauf {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Model the AI industry's capital circuit, measure its bubble, simulate its burst."""


def _register() -> None:
    for module, attr, name, help_text in SUBCOMMANDS:
        target = getattr(importlib.import_module(f"kreislauf.cli.{module}"), attr)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name, help=help_text)
        else:
            app.command(name=name, help=help_text)(target)


_register()


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    run()
