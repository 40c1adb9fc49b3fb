"""``ReplicaRouter``: the ``ReadDatabase`` port over the primary and its replicas, as a lifecycle component.

It owns the replicas (their engines, opened and closed with the container) and the monitor task that checks them.
The routing state (the rotation, this context's last write and its ``read_after()`` token) is a ``Routing`` handed
to each read block, which decides the node it enters; the rules are in the package doc.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import ClassVar, TypeVar

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from dioxide.sqlalchemy.availability import breaks_connection
from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.errors import DatabaseNotInitializedError, TransactionError
from dioxide.sqlalchemy.ports import DatabasePort
from dioxide.sqlalchemy.replicas.database import ReplicaDatabase
from dioxide.sqlalchemy.replicas.health import Replica, ReplicaStatus, primary_position, prune_samples
from dioxide.sqlalchemy.replicas.policy import ReplicaPolicy
from dioxide.sqlalchemy.replicas.read_block import ReadBlock
from dioxide.sqlalchemy.replicas.routing import Routing
from dioxide.sqlalchemy.replicas.wal import parse_wal_position, primary_wal_position
from dioxide.sqlalchemy.settings import DatabaseSettings
from dioxide.sqlalchemy.transactions import normalize_isolation_level

T = TypeVar("T")

logger = logging.getLogger("dioxide.sqlalchemy.replicas")


class ReplicaRouter:
    """``ReadDatabase`` over the primary (``DatabasePort``) and its replicas (``settings.replica_urls``).

    A lifecycle component: ``initialize()`` opens the replicas' pools, checks them once and starts the monitor;
    an unreachable replica does not stop the application from starting. Override ``replica_database()`` to
    build the replicas' ``SQLAlchemyDatabase`` differently.
    """

    _dioxide_lifecycle: ClassVar[bool] = True

    def __init__(self, primary: DatabasePort, policy: ReplicaPolicy | None = None) -> None:
        if not isinstance(primary, SQLAlchemyDatabase):
            raise TypeError(
                f"{type(self).__name__} needs the primary SQLAlchemyDatabase as its DatabasePort, got "
                f"{type(primary).__name__}; over a FakeDatabase use MirrorReadDatabase"
            )
        self.primary_database = primary
        self.policy = policy if policy is not None else ReplicaPolicy.from_env()
        settings = primary.settings
        self._replicas = [
            Replica(self.replica_database(self._replica_settings(settings, url)), url) for url in settings.replica_urls
        ]
        self._routing = Routing(type(self).__name__, primary, self.policy, self._replicas)
        self._samples: deque[tuple[float, int]] = deque()
        self._monitor_task: asyncio.Task[None] | None = None
        self._check_lock: asyncio.Lock | None = None

    def __repr__(self) -> str:
        replicas = ", ".join(repr(replica.url) for replica in self._replicas)
        return f"{type(self).__name__}(primary={self.primary_database.settings.masked_url!r}, replicas=[{replicas}])"

    def replica_database(self, settings: DatabaseSettings) -> SQLAlchemyDatabase:
        """The database object of one replica (its pool settings follow the primary's)."""
        return ReplicaDatabase(settings)

    # lifecycle

    async def initialize(self) -> None:
        """Open the replicas' pools, check each once (bounded by ``check_timeout``), start the monitor."""
        if self._routing.started:
            return
        self.primary_database.add_commit_listener(self._routing.note_write)
        self._check_lock = asyncio.Lock()
        self._routing.started = True
        if not self._replicas:
            logger.info("no read replica configured: reads go to the primary")
            return
        try:
            for replica in self._replicas:
                await replica.node.initialize()
            await self.check_replicas()
        except BaseException:  # a component whose initialize() fails is not disposed by the container
            await self.dispose()
            raise
        self._monitor_task = asyncio.create_task(self._monitor(), name=f"{type(self).__name__} replica monitor")
        in_rotation = sum(status.in_rotation for status in self.replica_status())
        logger.info("read replicas: %d of %d in rotation", in_rotation, len(self._replicas))

    async def dispose(self) -> None:
        """Stop the monitor and close the replicas' connections."""
        if not self._routing.started:
            return
        self._routing.started = False
        self.primary_database.remove_commit_listener(self._routing.note_write)
        task, self._monitor_task = self._monitor_task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])
        failures: list[BaseException] = []
        for replica in self._replicas:
            try:
                await replica.node.dispose()
            except Exception as error:
                failures.append(error)
        if failures:
            raise failures[0]

    # the ReadDatabase port

    def reading(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        return ReadBlock(self._routing, "auto", normalize_isolation_level(isolation_level))

    def primary(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        return ReadBlock(self._routing, "primary", normalize_isolation_level(isolation_level))

    def replica(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        return ReadBlock(self._routing, "replica", normalize_isolation_level(isolation_level))

    async def read(self, work: Callable[[AsyncSession], Awaitable[T]], *, isolation_level: str | None = None) -> T:
        block = ReadBlock(self._routing, "auto", normalize_isolation_level(isolation_level))
        try:
            async with block as session:
                return await work(session)
        except Exception as error:
            replica = self._routing.replica_of(block.node)
            # the replica is down or hung (not merely slow or busy): the read may run again on the primary
            if replica is None or block.joined or not breaks_connection(error):
                raise
            replica.exclude_after_error("failed during a read", error, self.policy)
        async with self.primary(isolation_level=isolation_level) as session:
            return await work(session)

    async def write_token(self) -> str | None:
        primary = self.primary_database
        if primary.dialect_name != "postgresql":
            return None
        if primary.in_transaction():
            raise TransactionError(
                "write_token() inside a transaction would not cover its writes: call it after the commit"
            )
        async with primary.engine.connect() as connection:
            return await primary_wal_position(connection)

    def read_after(self, token: str | None) -> None:
        self._routing.read_after(None if not token else parse_wal_position(token))

    # health

    async def check_replicas(self) -> list[ReplicaStatus]:
        """Check every replica now (the monitor does it every ``check_interval``); returns their status."""
        lock = self._check_lock
        if lock is None:
            raise DatabaseNotInitializedError(f"{type(self).__name__} is not initialized: start the container first")
        async with lock:
            sampled_at = time.monotonic()
            position = await primary_position(self.primary_database, self.policy.check_timeout)
            if position is not None:
                self._samples.append((sampled_at, position))
                prune_samples(self._samples, self.policy, sampled_at)
            await asyncio.gather(*(replica.check(self.policy, self._samples) for replica in self._replicas))
        return self.replica_status()

    def replica_status(self) -> list[ReplicaStatus]:
        now = time.monotonic()
        return [replica.status(now) for replica in self._replicas]

    async def _monitor(self) -> None:
        while True:
            await asyncio.sleep(self.policy.check_interval)
            try:
                await self.check_replicas()
            except Exception as error:  # the monitor must outlive any one failure
                logger.warning("replica check failed: %r", error)

    def _replica_settings(self, primary: DatabaseSettings, url: URL) -> DatabaseSettings:
        return DatabaseSettings(
            url,
            pool_size=primary.pool_size,
            max_overflow=primary.max_overflow,
            pool_timeout=primary.pool_timeout,
            pool_recycle=primary.pool_recycle,
            connect_timeout=min(primary.connect_timeout, self.policy.check_timeout),
            statement_timeout=primary.statement_timeout,
            lock_timeout=primary.lock_timeout,
            echo=primary.echo,
        )
