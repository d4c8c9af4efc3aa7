"""``kreislauf serve``: the web dashboard."""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import console, handle_errors


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (default loopback)."),
    port: int = typer.Option(8765, "--port", min=1, max=65535),
    atlas: Path | None = typer.Option(None, "--atlas", help="Atlas directory (default: shipped)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Market-data directory."),
    bundle: bool = typer.Option(
        True, "--bundle/--no-bundle", help="Use the data shipped with kreislauf where DIR lacks it."
    ),
) -> None:
    """Serve the dashboard and its JSON API (OpenAPI at /docs and /openapi.json)."""
    with handle_errors():
        try:
            import uvicorn

            from kreislauf.web.app import create_app
        except ImportError as err:
            from kreislauf.errors import InputError

            raise InputError.single(
                f"the dashboard needs the web extra: pip install 'kreislauf[web]' ({err.name})"
            ) from err
        from kreislauf.data import resolve_data_dir

        app = create_app(atlas_dir=atlas, data_dir=resolve_data_dir(data_dir), bundle=bundle)
        console(stderr=True).print(f"kreislauf dashboard on http://{host}:{port}/", highlight=False)
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=15)


app = serve
