"""A read block: the transaction ``reading()``, ``primary()`` and ``replica()`` open, on the node the rules choose.

It joins the primary's or an enclosing block's transaction, else tries the router's candidate replicas in turn and
falls back to the primary; a replica that cannot give a connection is taken out of rotation on the way, so a dead
replica fails no read.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
from contextlib import AbstractAsyncContextManager
from contextvars import Token
from types import TracebackType
from typing import Final

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession

from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.errors import DatabaseUnavailableError, TransactionError
from dioxide.sqlalchemy.replicas.health import Replica
from dioxide.sqlalchemy.replicas.routing import Mode, Routing

# What a replica may raise when it is down, restarting or saturated: the read moves on to another node.
_NODE_ERRORS: Final = (
    sa_exc.DBAPIError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    OSError,
    TimeoutError,
    DatabaseUnavailableError,
)


class ReadBlock:
    """The async context manager of ``reading()``, ``primary()`` and ``replica()``; use it once."""

    __slots__ = ("_block", "_isolation_level", "_mode", "_routing", "_token", "joined", "node")

    def __init__(self, routing: Routing, mode: Mode, isolation_level: str | None) -> None:
        self._routing = routing
        self._mode = mode
        self._isolation_level = isolation_level
        self._block: AbstractAsyncContextManager[AsyncSession] | None = None
        self._token: Token[SQLAlchemyDatabase | None] | None = None
        self.node: SQLAlchemyDatabase | None = None
        self.joined = False

    async def __aenter__(self) -> AsyncSession:
        if self._block is not None:
            raise TransactionError("a read block can be entered only once; call reading() again")
        routing = self._routing
        routing.require_started()
        primary = routing.primary
        if self._mode != "replica" and primary.in_transaction():
            return await self._join(primary)
        current = routing.current.get()
        if current is not None and current is not primary and self._mode != "primary" and current.in_transaction():
            return await self._join(current)
        if self._mode != "primary":
            for replica in routing.candidates(self._mode):
                session = await self._try(replica)
                if session is not None:
                    return session
        block = primary.transaction(isolation_level=self._isolation_level, read_only=True)
        return await self._enter(block, primary)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        block = self._block
        if block is None:
            return
        if self._token is not None:
            try:
                self._routing.current.reset(self._token)
            except (ValueError, RuntimeError):  # exited in another context than the one that entered
                self._routing.current.set(None)
        await block.__aexit__(exc_type, exc, traceback)

    async def _join(self, node: SQLAlchemyDatabase) -> AsyncSession:
        self.joined = True
        self._block = node.transaction()
        self.node = node
        return await self._block.__aenter__()

    async def _enter(self, block: AbstractAsyncContextManager[AsyncSession], node: SQLAlchemyDatabase) -> AsyncSession:
        session = await block.__aenter__()
        self._block, self.node = block, node
        self._token = self._routing.current.set(node)
        return session

    async def _try(self, replica: Replica) -> AsyncSession | None:
        node = replica.node
        if node.dialect_name == "postgresql":  # the connection is read-only already
            block = node.transaction(isolation_level=self._isolation_level) if self._isolation_level else node.reading()
        else:
            block = node.transaction(isolation_level=self._isolation_level, read_only=True)
        try:
            session = await block.__aenter__()
        except _NODE_ERRORS as error:
            replica.exclude_after_error("refused a read", error, self._routing.policy)
            return None
        try:  # check out now, so that a dead or hung replica shows here (within check_timeout), not in the query
            async with asyncio.timeout(self._routing.policy.check_timeout):
                await session.connection()
        except _NODE_ERRORS as error:
            try:
                await block.__aexit__(type(error), error, error.__traceback__)
            except Exception:
                pass
            replica.exclude_after_error("refused a read", error, self._routing.policy)
            return None
        self._block, self.node = block, node
        self._token = self._routing.current.set(node)
        return session
