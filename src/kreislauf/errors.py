"""Error types shared by every package.

:class:`InputError` is raised for anything a user supplied that kreislauf cannot
accept: a malformed atlas row, a price series with NaNs, a model file with an
unknown sector. The CLI turns it into exit code 2 and a message that names the
file, row and field and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ECHO_MAX = 200
"""At most this many characters of a user's input are repeated in a message."""
MESSAGE_MAX = 1000
"""Longest message of one problem (longer ones are cut, saying so)."""


def clip(text: str, limit: int = ECHO_MAX) -> str:
    """``text`` cut to at most ``limit`` characters, saying how long it was."""
    text = str(text)
    if len(text) <= limit:
        return text
    note = f"... ({len(text):,} characters)"
    return text[: max(0, limit - len(note))] + note


def kind(value: Any) -> str:
    """What a parsed value is, in the user's words (never an internal class name)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return "an unsupported value"


def echo(value: Any, limit: int = ECHO_MAX, _depth: int = 0) -> str:
    """``repr`` of a user's value for a message, at most ``limit`` characters.

    Containers are rendered lazily (at most ``limit`` characters are ever built), so a huge
    value (an expanded YAML alias bomb, say) costs nothing to quote.
    """
    if isinstance(value, dict | list | tuple):
        if _depth > 8:
            return "..."
        parts: list[str] = []
        n = 0
        items = value.items() if isinstance(value, dict) else value
        for it in items:
            s = (
                f"{echo(it[0], limit, _depth + 1)}: {echo(it[1], limit, _depth + 1)}"
                if isinstance(value, dict)
                else echo(it, limit)
            )
            parts.append(s)
            n += len(s) + 2
            if n > limit:
                parts.append("...")
                break
        o, c = ("{", "}") if isinstance(value, dict) else ("[", "]")
        return clip(o + ", ".join(parts) + c, limit)
    return clip(repr(value), limit)


@dataclass
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    message : str
        What was found and what was expected.
    file : str or None
        The file the problem is in, if it came from a file.
    row : int or None
        1-based data row (CSV: the header is row 0; YAML/TOML: the line number).
    field : str or None
        The column, key or parameter at fault.
    """

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        self.message = clip(self.message, MESSAGE_MAX)
        if self.field is not None:
            self.field = clip(self.field, 80)

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class InputError(Exception):
    """Bad user input; carries one or more :class:`Problem` records.

    Examples
    --------
    >>> raise InputError.single("expected a positive number, got -3",
    ...                         file="relations.csv", row=4, field="amount_usd_bn")
    Traceback (most recent call last):
    ...
    kreislauf.errors.InputError: relations.csv, row 4, field 'amount_usd_bn': expected ...
    """

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def single(
        cls,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> InputError:
        """Build an error holding one problem."""
        return cls([Problem(message, None if file is None else str(file), row, field)])

    def __str__(self) -> str:
        if not self.problems:
            return "invalid input"
        lines = [str(p) for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"... and {len(self.problems) - 50} more problems")
        return "\n".join(lines)
