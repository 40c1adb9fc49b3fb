"""``DatabasePort``: what services and repositories ask the container for (the seed's port, kept by name).

``SQLAlchemyDatabase`` implements it for real databases and ``FakeDatabase`` for tests, so a service written
against it runs unchanged in both profiles. Services usually need only ``transaction()``; ``get_session()`` and
the session yielded by ``transaction()`` are for SQL repositories (the fake has no SQL session).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class DatabasePort(Protocol):
    """Database access: sessions for SQL code, transactions for everyone."""

    async def get_session(self) -> AsyncSession:
        """A new session that the caller owns and closes (``async with await db.get_session() as s:``)."""
        ...

    def transaction(
        self, *, savepoint: bool = False, isolation_level: str | None = None, read_only: bool = False
    ) -> AbstractAsyncContextManager[AsyncSession]:
        """Begin a transaction, or join the active one; commit on success, roll back on error."""
        ...

    def savepoint(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A savepoint inside the active transaction: a failure inside it rolls back to it only."""
        ...

    def in_transaction(self) -> bool:
        """Whether the current task is inside a transaction of this database."""
        ...


__all__ = ["DatabasePort"]
