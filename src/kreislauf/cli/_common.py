"""Helpers every CLI command uses: output, exports, progress, error handling.

Conventions
-----------
* ``--json`` prints one JSON document on stdout and nothing else.
* ``--out PATH`` writes an export (``.csv``, ``.parquet``, ``.json`` or ``.html``
  by suffix) atomically and says what was written where (on stderr when
  ``--json`` is set, so stdout stays parseable).
* Exit codes: 0 ok, 2 bad input (:class:`kreislauf.errors.InputError`),
  1 internal error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from kreislauf.errors import InputError
from kreislauf.io import atomic_write_bytes, atomic_write_text

if TYPE_CHECKING:  # pandas and the result types load only when a command produces output
    import pandas as pd

    from kreislauf.results import Result

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2

F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")
OutOpt = typer.Option(
    None, "--out", help="Export to PATH (.csv, .parquet, .json or .html by suffix)."
)


def console(stderr: bool = False) -> Console:
    """A Rich console; stderr when stdout must stay machine-readable."""
    return Console(stderr=stderr, soft_wrap=True)


def fail_bad_input(err: InputError) -> None:
    """Report bad input on stderr and exit with code 2."""
    err_console = console(stderr=True)
    err_console.print("[bold red]error:[/] invalid input", highlight=False)
    for line in str(err).splitlines():
        err_console.print(f"  {line}", highlight=False, markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def handle_errors() -> Iterator[None]:
    """Map :class:`InputError` to exit 2 (file/row/field named), anything else to 1."""
    try:
        yield
    except InputError as err:
        fail_bad_input(err)
    except typer.Exit:
        raise
    except FileNotFoundError as err:
        fail_bad_input(InputError.single(f"file not found: {err.filename or err}"))
    except Exception as err:  # last-resort boundary of the CLI
        from kreislauf.sfc.accounting import AccountingError

        if isinstance(err, AccountingError):  # the user's model or values do not balance
            fail_bad_input(InputError.single(f"the books do not balance: {err}"))
        console(stderr=True).print(f"[bold red]internal error:[/] {type(err).__name__}: {err}")
        raise typer.Exit(EXIT_INTERNAL) from err


def export(obj: Result | pd.DataFrame | dict[str, Any], path: Path, json_obj: Any = None) -> Path:
    """Write ``obj`` to ``path`` atomically, choosing the format by suffix.

    Parameters
    ----------
    obj : Result, DataFrame or dict
        What to export. A :class:`Result` exports its ``to_frame()`` for tables,
        ``to_dict()`` for JSON and ``plot()`` for HTML.
    path : Path
        Destination file.
    json_obj : Any, optional
        What a ``.json`` export writes instead of ``obj`` (the same document as ``--json``).

    Returns
    -------
    Path
        The resolved path written.
    """
    import pandas as pd

    from kreislauf.paths import scrub, scrub_frame
    from kreislauf.results import Result, to_jsonable

    suffix = check_out_suffix(path)
    if suffix == ".json":
        payload = scrub(json_document(obj if json_obj is None else json_obj))
        return atomic_write_text(path, json.dumps(payload, indent=2, ensure_ascii=False))
    if suffix == ".html":
        if not isinstance(obj, Result):
            raise InputError.single("HTML export needs a result object", field="--out")
        html = obj.plot().to_html(include_plotlyjs=True, full_html=True)
        return atomic_write_text(path, html)
    frame = obj.to_frame() if isinstance(obj, Result) else obj
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(to_jsonable(frame))
    frame = scrub_frame(frame)
    if suffix == ".csv":
        return atomic_write_text(path, frame.to_csv(index=False))
    if suffix == ".parquet":
        import io

        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        return atomic_write_bytes(path, buf.getvalue())
    raise AssertionError(f"unreachable: {suffix} passed check_out_suffix")


EXPORT_SUFFIXES = (".csv", ".parquet", ".json", ".html")


def check_out_suffix(path: Path) -> str:
    """The export suffix of ``--out`` (lower case); InputError for one :func:`export` lacks.

    Called before anything is printed, so a bad ``--out`` fails without output.
    """
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InputError.single(
            f"unsupported export suffix '{suffix}'; expected .csv, .parquet, .json or .html",
            file=path.name,
            field="--out",
        )
    return suffix


def json_document(obj: Any) -> Any:
    """The JSON document of a result (``to_dict()``), a DataFrame (records) or a dict."""
    from kreislauf.results import Result, to_jsonable

    return obj.to_dict() if isinstance(obj, Result) else to_jsonable(obj)


def emit(
    obj: Result | pd.DataFrame | dict[str, Any],
    *,
    as_json: bool,
    out: Path | None,
    title: str = "",
    render: Callable[[Console], None] | None = None,
    json_obj: Any = None,
) -> None:
    """Print a result for people or machines and write the optional export.

    Parameters
    ----------
    obj : Result, DataFrame or dict
        The thing to show.
    as_json : bool
        Print JSON on stdout instead of a human summary.
    out : Path or None
        Export destination, see :func:`export`.
    title : str
        Heading for the human view.
    render : callable, optional
        Custom human renderer; defaults to a summary table.
    json_obj : Any, optional
        The document ``--json`` prints and a ``.json`` export writes, where it differs from
        ``obj``'s own (lists kept as lists where the table joins them into text).
    """
    import pandas as pd

    from kreislauf.paths import scrub
    from kreislauf.results import Result

    if out is not None:
        check_out_suffix(out)
    if as_json:
        payload = scrub(json_document(obj if json_obj is None else json_obj))
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        con = console()
        if render is not None:
            render(con)
        elif isinstance(obj, Result):
            con.print(summary_table(obj.summary(), title=title))
        elif isinstance(obj, pd.DataFrame):
            con.print(frame_table(obj, title=title))
        else:
            con.print(summary_table(obj, title=title))
    if out is not None:
        export(obj, out, json_obj)
        console(stderr=as_json).print(f"wrote {out}", highlight=False)  # as the user gave it


def summary_table(summary: dict[str, Any], title: str = "") -> Table:
    """A two-column Rich table of a summary dict."""
    table = Table(title=title or None, show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value")
    for key, value in summary.items():
        table.add_row(str(key), _fmt(value))
    return table


def frame_table(frame: pd.DataFrame, title: str = "", max_rows: int = 40) -> Table:
    """A Rich table of the first ``max_rows`` rows of a DataFrame."""
    table = Table(title=title or None)
    for col in frame.columns:
        table.add_column(str(col))
    for row in frame.head(max_rows).itertuples(index=False):
        table.add_row(*(_fmt(v) for v in row))
    if len(frame) > max_rows:
        table.caption = f"{len(frame) - max_rows} more rows (use --out or --json for all)"
    return table


def _fmt(value: Any) -> str:
    from kreislauf.results import to_jsonable

    value = to_jsonable(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:120]
    return str(value)
