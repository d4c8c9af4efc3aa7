"""The ``kreislauf`` command line: one Typer sub-app per capability."""
