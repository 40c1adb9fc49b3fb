"""``MirrorReadDatabase``: the ``ReadDatabase`` port over a single ``DatabasePort``, for tests and single databases."""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from dioxide.sqlalchemy.ports import DatabasePort
from dioxide.sqlalchemy.replicas.wal import parse_wal_position

T = TypeVar("T")


class MirrorReadDatabase:
    """``ReadDatabase`` over one ``DatabasePort``: every read goes to it (fakes in tests, a single database).

    Reads are read-only transactions, as on a replica, so tests catch a write made through the read port. The
    port's session type is SQLAlchemy's; over a ``FakeDatabase`` the block yields the fake's transaction instead,
    which only the fake repositories use (code that runs SQL needs a SQL database in every profile).
    """

    def __init__(self, db: DatabasePort) -> None:
        self.db = db

    def reading(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        if self.db.in_transaction():
            block = self.db.transaction()
        else:
            block = self.db.transaction(isolation_level=isolation_level, read_only=True)
        return cast("AbstractAsyncContextManager[AsyncSession]", block)

    def primary(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        return self.reading(isolation_level=isolation_level)

    def replica(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        return self.reading(isolation_level=isolation_level)

    async def read(self, work: Callable[[AsyncSession], Awaitable[T]], *, isolation_level: str | None = None) -> T:
        async with self.reading(isolation_level=isolation_level) as session:
            return await work(session)

    async def write_token(self) -> str | None:
        return None

    def read_after(self, token: str | None) -> None:
        if token:
            parse_wal_position(token)
