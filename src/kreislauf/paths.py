"""Naming files in outputs without the absolute paths of the machine that ran kreislauf.

Files shipped in the package are named as package resources (``kreislauf/atlas/data/
relations.csv``); data files relative to the data directory; anything else relative to the
working directory, or by its last component (``…/name``) when it lies outside. The report, the
CLI's ``--json`` output and exports, and the dashboard's JSON pass through :func:`scrub`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PACKAGE_ROOT = Path(__file__).resolve().parent

# An absolute POSIX path: a slash not preceded by a word character, a dot, a colon, a tilde or
# another slash (so ratios like P/E, URLs and "~/x" are left alone), then non-space characters.
_ABSOLUTE = re.compile(r"(?<![\w.:~/])/[\w.~-][^\s\"'<>(),;|\]\[]*")


def shown_path(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> str:
    """How one file or directory is named in outputs.

    Parameters
    ----------
    path : str or PathLike
        A file or directory.
    root : str or PathLike, optional
        The data directory: a file under it is named relative to it.

    Returns
    -------
    str
        ``kreislauf/...`` for the package's own files, else relative to ``root``, else to the
        working directory, else ``…/<name>``; a relative path is returned as given.
    """
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    resolved = p.resolve()
    try:
        return "kreislauf/" + resolved.relative_to(PACKAGE_ROOT).as_posix()
    except ValueError:
        pass
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            rel = resolved.relative_to(Path(base).resolve())
        except ValueError:
            continue
        return rel.as_posix() or "."
    return f"…/{p.name}"


def _roots(extra: Iterable[str | os.PathLike[str] | None]) -> tuple[Path, ...]:
    bases = [PACKAGE_ROOT, Path.cwd(), Path.home(), Path(tempfile.gettempdir())]
    bases += [Path(e).resolve() for e in extra if e is not None]
    return tuple(bases)


def _is_local(candidate: str, roots: tuple[Path, ...]) -> bool:
    """True for a path of this machine: it exists, or it lies under a known root."""
    p = Path(candidate)
    if p.exists():
        return True
    return any(p.is_relative_to(r) for r in roots)


def scrub(value: Any, root: str | os.PathLike[str] | None = None) -> Any:
    """``value`` with every absolute path of this machine in its strings renamed.

    Parameters
    ----------
    value : Any
        A string, or a JSON-able structure of dicts, lists and scalars.
    root : str or PathLike, optional
        The data directory (files under it are named relative to it).

    Returns
    -------
    Any
        The same structure; strings have each local absolute path replaced by
        :func:`shown_path`. Text that only looks like a path (an API route such as
        ``/api/bubble``) is kept: a path is replaced only if it exists or lies under the
        package, the working directory, the home or temporary directory, or ``root``.
    """
    roots = _roots([root])
    return _scrub(value, root, roots)


def _scrub(value: Any, root: Any, roots: tuple[Path, ...]) -> Any:
    if isinstance(value, str):
        return _ABSOLUTE.sub(
            lambda m: shown_path(m.group(0), root) if _is_local(m.group(0), roots) else m.group(0),
            value,
        )
    if isinstance(value, dict):
        return {k: _scrub(v, root, roots) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v, root, roots) for v in value]
    return value


def scrub_frame(frame: Any, root: str | os.PathLike[str] | None = None) -> Any:
    """A copy of a DataFrame whose text cells and column names pass through :func:`scrub`."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    out.columns = [scrub(c, root) if isinstance(c, str) else c for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if is_object_dtype(col) or is_string_dtype(col):
            out.iloc[:, i] = col.map(lambda v: scrub(v, root) if isinstance(v, str) else v)
    return out


def absolute_paths(text: str) -> list[str]:
    """The local absolute paths in ``text`` (for tests and checks); empty when none."""
    roots = _roots([])
    return [m.group(0) for m in _ABSOLUTE.finditer(text) if _is_local(m.group(0), roots)]
