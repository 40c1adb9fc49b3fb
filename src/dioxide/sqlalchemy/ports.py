"""The ports services and tests depend on: ``DatabasePort`` (the seed's, kept by name), ``Session`` and ``Repository``.

``SQLAlchemyDatabase`` and ``FakeDatabase`` both satisfy ``DatabasePort``, and ``SQLAlchemyRepository`` and
``FakeRepository`` both satisfy ``Repository``, so a service written against the ports runs unchanged, and
type-checks, in every profile. The types are structural: nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from dioxide.sqlalchemy.pagination import Cursor, Page

E = TypeVar("E")
K_contra = TypeVar("K_contra", contravariant=True)


class Session(Protocol):
    """What a transaction yields, and ``get_session()`` returns: SQLAlchemy's ``AsyncSession``, or the fake's.

    Services rarely touch it: they open ``transaction()`` and call repositories, which find the current
    transaction themselves. SQL repositories use the ``AsyncSession`` of ``SQLAlchemyDatabase`` directly.
    """

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def close(self) -> None: ...

    def in_transaction(self) -> bool: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None: ...


class DatabasePort(Protocol):
    """Database access: transactions for everyone, a session of one's own for the rare code that needs it."""

    async def get_session(self) -> Session:
        """A new session that the caller owns and closes (``async with await db.get_session() as s:``)."""
        ...

    def transaction(
        self, *, savepoint: bool = False, isolation_level: str | None = None, read_only: bool = False
    ) -> AbstractAsyncContextManager[Session]:
        """Begin a transaction, or join the active one; commit on success, roll back on error."""
        ...

    def savepoint(self) -> AbstractAsyncContextManager[Session]:
        """A savepoint inside the active transaction: a failure inside it rolls back to it only."""
        ...

    def in_transaction(self) -> bool:
        """Whether the current task is inside a transaction of this database."""
        ...


class Repository(Protocol[E, K_contra]):
    """The generic repository of entities ``E`` keyed by ``K``: what the SQL repository and the fake both offer.

    Application ports usually extend it with their own finders (``find_by_email``); the contract kit
    (``dioxide.sqlalchemy.testing.RepositoryContract``) runs against any implementation of it.
    """

    async def find_by_id(self, id: K_contra, *, for_update: bool = False) -> E | None: ...

    async def find_by_ids(self, ids: Iterable[K_contra], *, for_update: bool = False) -> list[E]: ...

    async def find_by(self, **fields: Any) -> list[E]: ...

    async def find_one_by(self, **fields: Any) -> E | None: ...

    async def save(self, entity: E) -> E: ...

    async def delete(self, id: K_contra) -> bool: ...

    async def list_all(self, limit: int = 100, offset: int = 0) -> list[E]: ...

    async def list_page(
        self, *, limit: int = 100, after: Cursor | None = None, order_by: str | None = None, descending: bool = False
    ) -> Page[E]: ...

    async def count(self, **fields: Any) -> int: ...


__all__ = ["DatabasePort", "Repository", "Session"]
