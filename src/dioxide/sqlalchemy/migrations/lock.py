"""The migration lock: one instance migrates while the others wait for it, then find the schema at head.

PostgreSQL: a session-level advisory lock, polled until the lock timeout, whose id derives from the version table
(``migration_lock_id()``). SQLite: one ``BEGIN IMMEDIATE`` transaction, i.e. the database-wide write lock. Other
dialects: no lock, and a warning.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from dioxide.sqlalchemy import sqlite
from dioxide.sqlalchemy.migrations.config import DEFAULT_VERSION_TABLE
from dioxide.sqlalchemy.migrations.errors import MigrationLockTimeoutError
from dioxide.sqlalchemy.settings import MIGRATION_LOCK_TIMEOUT

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

logger = logging.getLogger("dioxide.sqlalchemy.migrations")

_IMMEDIATE: Final = "IMMEDIATE"  # any value but DEFERRED / READ ONLY makes sqlite.install begin IMMEDIATE


def migration_lock_id(version_table: str = DEFAULT_VERSION_TABLE, schema: str | None = None) -> int:
    """The PostgreSQL advisory lock id of the migrations that record their state in ``schema.version_table``.

    Stable across processes and releases (a hash, not ``hash()``), so every instance of an application takes
    the same lock, and applications sharing a database with distinct version tables do not block each other.
    """
    key = f"dioxide.sqlalchemy.migrations:{schema or ''}.{version_table}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


@asynccontextmanager
async def migration_lock(connection: AsyncConnection, *, lock_id: int, wait: float) -> AsyncIterator[float]:
    """Hold the migration lock of ``connection``'s database; yields the seconds waited for it.

    Enter it outside a transaction. On SQLite the block runs inside the ``BEGIN IMMEDIATE`` transaction that
    is the lock: commit it before leaving.
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        waited = await _acquire_advisory_lock(connection, lock_id, wait)
        try:
            yield waited
        finally:
            await _release_advisory_lock(connection, lock_id)
    elif dialect == "sqlite":
        async with _sqlite_write_lock(connection, wait) as waited:
            yield waited
    else:
        logger.warning(
            "migrations: no cross-instance lock on %s; if several instances start at once, migrate from one "
            "(RUN_MIGRATIONS=true) and start the others with RUN_MIGRATIONS=verify",
            dialect,
        )
        yield 0.0


async def _acquire_advisory_lock(connection: AsyncConnection, lock_id: int, wait: float) -> float:
    started = time.monotonic()
    deadline = started + wait
    delay = 0.05
    announced = False
    while True:
        acquired = (await connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": lock_id})).scalar()
        await connection.commit()  # the lock is the session's: no transaction stays open while waiting
        now = time.monotonic()
        if acquired:
            return now - started
        if now >= deadline:
            holder = await _advisory_lock_holder(connection, lock_id)
            await connection.rollback()
            shown = f"held by {holder}" if holder else "held by another session"
            raise MigrationLockTimeoutError(
                f"gave up waiting for the migration lock after {now - started:.1f} s: PostgreSQL advisory lock "
                f"{lock_id} is {shown}. Another instance may be migrating (raise {MIGRATION_LOCK_TIMEOUT}, now "
                f"{wait:g} s) or a session holds the lock without migrating (end it)",
                lock_id=lock_id,
                waited=now - started,
                holder=holder,
            )
        if not announced:
            logger.info("migrations: waiting up to %g s for another instance's migration lock %d", wait, lock_id)
            announced = True
        await asyncio.sleep(min(delay, deadline - now))
        delay = min(delay * 2, 0.5)


async def _advisory_lock_holder(connection: AsyncConnection, lock_id: int) -> str | None:
    """Who holds the advisory lock (bigint keys live in classid/objid with objsubid 1), for the error message."""
    try:
        row = (
            await connection.execute(
                text(
                    "SELECT l.pid, a.application_name, a.state, "
                    "EXTRACT(EPOCH FROM now() - a.state_change)::float8 "
                    "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                    "AND l.classid::bigint = :high AND l.objid::bigint = :low LIMIT 1"
                ),
                {"high": (lock_id >> 32) & 0xFFFFFFFF, "low": lock_id & 0xFFFFFFFF},
            )
        ).first()
    except sa_exc.DBAPIError:
        return None
    if row is None:
        return None
    pid, application, state, seconds = row
    details = [f"application {application!r}"] if application else []
    if state:
        details.append(f"{state} for {seconds:.0f} s" if seconds is not None else str(state))
    suffix = f" ({', '.join(details)})" if details else ""
    return f"backend pid {pid}{suffix}"


async def _release_advisory_lock(connection: AsyncConnection, lock_id: int) -> None:
    try:
        if connection.in_transaction():
            await connection.rollback()
        await connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
        await connection.commit()
    except Exception as error:
        # Closing the session releases its advisory locks: never hand a locked connection back to the pool.
        logger.warning("migrations: could not release the migration lock (%r); closing the connection", error)
        await connection.invalidate()


@asynccontextmanager
async def _sqlite_write_lock(connection: AsyncConnection, wait: float) -> AsyncIterator[float]:
    raw = await connection.get_raw_connection()
    if getattr(raw.dbapi_connection, "isolation_level", "") is not None:
        logger.warning(
            "migrations: this SQLite engine was not made by SQLAlchemyDatabase (or sqlite.install), so the "
            "migration is not serialized across processes"
        )
        yield 0.0
        return
    await connection.execution_options(**{sqlite.BEGIN_OPTION: sqlite.DEFERRED})
    previous = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    await connection.exec_driver_sql(f"PRAGMA busy_timeout = {max(1, round(wait * 1000))}")
    await connection.commit()
    await connection.execution_options(**{sqlite.BEGIN_OPTION: _IMMEDIATE})
    started = time.monotonic()
    try:
        try:
            await connection.begin()  # BEGIN IMMEDIATE: waits for other writers up to the busy timeout
        except sa_exc.OperationalError as error:
            waited = time.monotonic() - started
            if "locked" not in str(error.orig) and "busy" not in str(error.orig):
                raise
            raise MigrationLockTimeoutError(
                f"gave up waiting for the migration lock after {waited:.1f} s: another connection holds the SQLite "
                f"database's write lock. Another instance may be migrating (raise {MIGRATION_LOCK_TIMEOUT}, now "
                f"{wait:g} s) or a long write transaction is open",
                lock_id=None,
                waited=waited,
                holder=None,
            ) from None
        yield time.monotonic() - started
    finally:
        try:
            if connection.in_transaction():
                await connection.rollback()
            await connection.execution_options(**{sqlite.BEGIN_OPTION: sqlite.DEFERRED})
            await connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(previous or 0)}")
            await connection.commit()
        except Exception as error:  # keep the migration's own error; a pooled connection must not keep the pragma
            logger.debug("migrations: restoring the SQLite busy timeout failed (%r); closing the connection", error)
            await connection.invalidate()
