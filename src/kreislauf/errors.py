"""Error types shared by every package.

:class:`InputError` is raised for anything a user supplied that kreislauf cannot
accept: a malformed atlas row, a price series with NaNs, a model file with an
unknown sector. The CLI turns it into exit code 2 and a message that names the
file, row and field and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
