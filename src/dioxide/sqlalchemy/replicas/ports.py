"""The two ports of a primary/replica setup: ``WriteDatabase`` for the primary, ``ReadDatabase`` for routed reads.

Applications depend on these names only; ``ReplicaRouter`` and ``MirrorReadDatabase`` implement ``ReadDatabase``.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from dioxide.sqlalchemy.ports import DatabasePort

T = TypeVar("T")

WriteDatabase = DatabasePort
"""The seed's write port is the primary's ``DatabasePort``: one registration serves both names."""


class ReadDatabase(Protocol):
    """Read transactions, routed to a replica or to the primary (see the package doc for the rules)."""

    def reading(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        """A read-only transaction on the node the rules choose; joins the current one when there is one."""
        ...

    def primary(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        """A read-only transaction on the primary, whatever the rules say."""
        ...

    def replica(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        """A read-only transaction on a replica even after a write (stale data accepted); primary if none is up."""
        ...

    async def read(self, work: Callable[[AsyncSession], Awaitable[T]], *, isolation_level: str | None = None) -> T:
        """``await work(session)`` in ``reading()``; again on the primary if the replica fails meanwhile."""
        ...

    async def write_token(self) -> str | None:
        """A token for the primary's WAL position now (after your commits); ``None`` when not PostgreSQL."""
        ...

    def read_after(self, token: str | None) -> None:
        """Reads in this context only go to replicas that have replayed ``token`` (``None``: no condition)."""
        ...
