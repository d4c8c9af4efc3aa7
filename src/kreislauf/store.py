"""The embedded store: one DuckDB file holding the atlas tables and cached market data.

Every write is one transaction: all named tables are replaced together or none is, and a
``_provenance`` row records where each table came from and when.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from kreislauf.errors import InputError

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def default_store_path() -> Path:
    """``$KREISLAUF_STORE``, else ``~/.cache/kreislauf/store.duckdb``."""
    env = os.environ.get("KREISLAUF_STORE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "kreislauf" / "store.duckdb"


class Store:
    """A DuckDB file with tables and their provenance.

    Parameters
    ----------
    path : Path
        The database file (created with its directory on first write).

    Examples
    --------
    >>> with Store(tmp / "s.duckdb") as s:                       # doctest: +SKIP
    ...     s.write_tables({"prices": frame}, source="prices.csv")
    ...     s.read_table("prices")
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._con: duckdb.DuckDBPyConnection | None = None

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(self.path))
            self._con.execute(
                "CREATE TABLE IF NOT EXISTS _provenance (table_name VARCHAR, source VARCHAR, "
                "fetched_at TIMESTAMP, written_at TIMESTAMP, rows BIGINT)"
            )
        return self._con

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def write_tables(
        self,
        tables: dict[str, pd.DataFrame],
        *,
        source: str,
        fetched_at: dt.datetime | None = None,
    ) -> None:
        """Replace the named tables in one transaction and record their provenance.

        Parameters
        ----------
        tables : dict of str to DataFrame
            Table name (``[a-z][a-z0-9_]*``) to content.
        source : str
            Where the data came from (file path or URL).
        fetched_at : datetime, optional
            When the data was fetched (for online sources).
        """
        for name in tables:
            if not _NAME.match(name):
                raise InputError.single(
                    f"invalid table name {name!r}; expected lowercase letters, digits, '_'",
                    file=str(self.path),
                )
        con = self._connect()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        con.execute("BEGIN TRANSACTION")
        try:
            for name, frame in tables.items():
                con.register("_incoming", frame)
                con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
                con.unregister("_incoming")
                con.execute("DELETE FROM _provenance WHERE table_name = ?", [name])
                con.execute(
                    "INSERT INTO _provenance VALUES (?, ?, ?, ?, ?)",
                    [name, source, fetched_at, now, len(frame)],
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def read_table(self, name: str) -> pd.DataFrame:
        """The table's content; :class:`InputError` if the store has no such table."""
        if name not in self.tables():
            raise InputError.single(
                f"the store has no table {name!r} (tables: {self.tables()})", file=str(self.path)
            )
        return self._connect().execute(f'SELECT * FROM "{name}"').df()

    def tables(self) -> list[str]:
        """Names of the data tables (without ``_provenance``)."""
        rows = self._connect().execute("SELECT table_name FROM duckdb_tables()").fetchall()
        return sorted(r[0] for r in rows if not r[0].startswith("_"))

    def provenance(self) -> pd.DataFrame:
        """One row per table: source, fetched_at, written_at, rows."""
        return self._connect().execute("SELECT * FROM _provenance ORDER BY table_name").df()
