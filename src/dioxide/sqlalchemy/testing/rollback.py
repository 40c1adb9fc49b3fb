"""Per-test rollback for real databases, tolerant of the application's own commits.

The test's connection begins a transaction; while the block runs, every session of the database is bound to
that connection and joins its transaction through savepoints (SQLAlchemy's
``join_transaction_mode="create_savepoint"``). The application commits and rolls back as usual, but its
commits only release savepoints, and the block's end rolls everything back: the next test starts from the
same data, without truncating tables.

Limits: all sessions share one connection, so the code under test must not run transactions concurrently,
and per-transaction isolation level and read-only cannot be applied inside the outer transaction (they are
skipped). Tests of those behaviours need a database of their own.

On a ``FakeDatabase`` the committed rows of every table are put back as they were (key sequences go on, as a
real sequence does), so one fixture serves both profiles.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.fakes.database import FakeDatabase
from dioxide.sqlalchemy.ports import DatabasePort

D = TypeVar("D", bound=DatabasePort)


@asynccontextmanager
async def rollback_after(db: D) -> AsyncIterator[D]:
    """``async with rollback_after(db):`` run the test; nothing it wrote survives the block.

    A pytest fixture::

        @pytest.fixture
        async def db(started_database):
            async with rollback_after(started_database) as db:
                yield db
    """
    if isinstance(db, FakeDatabase):
        saved: dict[str, dict[Any, Any]] = {name: dict(table.rows) for name, table in db.tables.items()}
        try:
            yield db
        finally:
            db.ensure_idle("rollback_after()")
            for name, table in db.tables.items():
                table.rows = saved.get(name, {})
        return
    if not isinstance(db, SQLAlchemyDatabase):
        raise TypeError(f"rollback_after() needs a SQLAlchemyDatabase or a FakeDatabase, got {type(db).__name__}")
    async with db.engine.connect() as connection:
        outer = await connection.begin()
        try:
            with db.sessions_bound_to(connection):
                yield db
        finally:
            if outer.is_active:
                await outer.rollback()


__all__ = ["rollback_after"]
