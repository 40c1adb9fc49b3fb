"""SQLite connection setup: real transactions, savepoints, foreign keys and read-only transactions.

Python's sqlite3 driver (and aiosqlite over it) opens transactions lazily, only before a write, which breaks
savepoints and lets a read-modify-write transaction fail to upgrade its lock. The database takes over: the
driver's own BEGIN is switched off and each transaction begins explicitly:

* ``BEGIN IMMEDIATE`` by default: the write lock is taken at the start, so concurrent writers queue (up to the
  busy timeout) instead of failing half-way with "database is locked";
* ``BEGIN DEFERRED`` for repository reads outside a transaction, so that readers never wait for writers (file
  databases run in WAL mode);
* ``read_only=True``: ``BEGIN DEFERRED`` plus ``PRAGMA query_only``, so that a write fails with
  ``ReadOnlyTransactionError`` as it does on PostgreSQL; the pragma is switched off when the transaction ends.

Foreign keys are enforced (``PRAGMA foreign_keys = ON``): SQLite ignores them otherwise. SQLite transactions
are always serializable: an ``isolation_level`` asked for is accepted and has no further effect.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

BEGIN_OPTION: Final = "dioxide_sqlite_begin"
"""Execution option read when a transaction begins: ``"DEFERRED"`` or ``"READ ONLY"`` (default IMMEDIATE)."""
DEFERRED: Final = "DEFERRED"
READ_ONLY: Final = "READ ONLY"
_QUERY_ONLY_FLAG: Final = "dioxide_query_only"


def is_file_database(url: URL) -> bool:
    database = url.database or ""
    return database not in ("", ":memory:") and url.query.get("mode") != "memory"


def _use_wal(cursor: Any, attempts: int = 100) -> None:
    """Switch a file database to WAL once (the mode persists in the file).

    SQLite refuses the switch at once ("database is locked", without waiting) while another connection is
    writing, which happens when several instances open a new file at the same moment and one of them is
    already migrating it. So: nothing to do when another connection already switched it; otherwise retry briefly.
    """
    for _ in range(attempts):
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except Exception as error:
            if "locked" not in str(error):
                raise
            await_only(asyncio.sleep(0.02))
    cursor.execute("PRAGMA journal_mode = WAL")  # the last try reports the error


def install(engine: AsyncEngine, *, wal: bool) -> None:
    """Attach the connection and transaction events described in the module doc to ``engine``."""
    sync_engine = engine.sync_engine

    def on_connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None  # the driver must not emit BEGIN itself
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                _use_wal(cursor)
        finally:
            cursor.close()

    def on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION)
        if mode == READ_ONLY:
            connection.exec_driver_sql("BEGIN DEFERRED")
            connection.exec_driver_sql("PRAGMA query_only = ON")
            connection.info[_QUERY_ONLY_FLAG] = True
        elif mode == DEFERRED:
            connection.exec_driver_sql("BEGIN DEFERRED")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    def on_end(connection: Connection) -> None:
        if connection.info.pop(_QUERY_ONLY_FLAG, False):
            connection.exec_driver_sql("PRAGMA query_only = OFF")

    event.listen(sync_engine, "connect", on_connect)
    event.listen(sync_engine, "begin", on_begin)
    event.listen(sync_engine, "commit", on_end)
    event.listen(sync_engine, "rollback", on_end)


__all__ = ["BEGIN_OPTION", "DEFERRED", "READ_ONLY", "install", "is_file_database"]
