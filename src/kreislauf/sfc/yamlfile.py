"""YAML reading with line numbers, and the small helpers of file validation.

Mappings and sequences are read into ``dict``/``list`` subclasses that remember the line of
every key and item (from the YAML node marks), so each problem can name its line. Duplicate
keys, which plain YAML silently overwrites, are reported.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from kreislauf.errors import InputError, Problem, clip, echo, kind
from kreislauf.sfc.expr import Expr, parse_expr
from kreislauf.yamlsafe import compose

__all__ = ["Ctx", "keys", "line", "num", "read_yaml"]


class _LDict(dict):
    line: int | None = None
    lines: dict[Any, int]


class _LList(list):
    line: int | None = None
    lines: list[int]


class _Loader(yaml.SafeLoader):
    problems: list[Problem]


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _LDict:
    loader.flatten_mapping(node)
    d = _LDict()
    d.line, d.lines = node.start_mark.line + 1, {}
    for kn, vn in node.value:
        k = loader.construct_object(kn, deep=True)
        if k in d:
            loader.problems.append(
                Problem(f"duplicate key {echo(k, 60)}", loader.name, kn.start_mark.line + 1, str(k))
            )
        d[k] = loader.construct_object(vn, deep=True)
        d.lines[k] = kn.start_mark.line + 1
    return d


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _LList:
    lst = _LList(loader.construct_object(n, deep=True) for n in node.value)
    lst.line, lst.lines = node.start_mark.line + 1, [n.start_mark.line + 1 for n in node.value]
    return lst


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def read_yaml(path: Path, text: str | None = None) -> tuple[Any, list[Problem]]:
    fname = str(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError.single(f"cannot read the file: {exc}", file=fname) from exc
    node = compose(text, fname, _Loader)  # size, depth and alias expansion are limited
    loader = _Loader("")
    loader.name = fname
    loader.problems = []
    try:
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError.single(
            f"not valid YAML: {clip(str(getattr(exc, 'problem', None) or 'cannot read'))}",
            file=fname,
            row=None if mark is None else mark.line + 1,
        ) from None
    finally:
        loader.dispose()
    return data, loader.problems


# ------------------------------------------------------------------ validation
class Ctx:
    """Collects the problems found in one file."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file, self.problems = file, problems

    def err(self, msg: str, line: int | None, fld: str | None = None) -> None:
        self.problems.append(Problem(msg, self.file, line, fld))

    def expr(self, text: Any, line: int | None, fld: str) -> Expr | None:
        try:
            return parse_expr(text, file=self.file, line=line, field=fld)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None


def line(d: Any, key: Any) -> int | None:
    lines = getattr(d, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key, getattr(d, "line", None))
    if isinstance(lines, list) and isinstance(key, int) and key < len(lines):
        return lines[key]
    return getattr(d, "line", None)


_EXP_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$")


def num(x: Any) -> float | None:
    """A finite number, or None. Accepts ``1e-9``, which YAML 1.1 reads as a string."""
    if isinstance(x, str) and _EXP_FLOAT.match(x.strip()):
        x = float(x)
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def keys(c: Ctx, d: Any, allowed: set[str], what: str) -> bool:
    if not isinstance(d, dict):
        c.err(f"{what}: expected a mapping, got {kind(d)}", getattr(d, "line", None))
        return False
    for k in d:
        if k not in allowed:
            c.err(
                f"{what}: unknown key {echo(k, 60)} (allowed: {', '.join(sorted(allowed))})",
                line(d, k),
                str(k),
            )
    return True
