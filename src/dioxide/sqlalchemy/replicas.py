"""Read replicas: writes to the primary, reads to healthy replicas, read-your-writes, fallback to the primary.

The seed routed reads blindly: a dead replica failed every read, a lagging one served stale data right after a
write. Two ports, with the seed's names:

* ``WriteDatabase`` is ``DatabasePort``: the primary. Register your ``SQLAlchemyDatabase`` subclass for it.
* ``ReadDatabase``: routed read transactions. ``ReplicaRouter`` implements it over the primary and the
  ``DATABASE_REPLICA_URL(S)``; ``MirrorReadDatabase`` over any ``DatabasePort``, e.g. ``FakeDatabase`` in
  tests (with no replica configured, ``ReplicaRouter`` mirrors the primary too)::

      @adapter.for_(WriteDatabase, profile=Profile.PRODUCTION)
      class Primary(SQLAlchemyDatabase): ...

      @adapter.for_(ReadDatabase, profile=Profile.PRODUCTION)
      class Reads(ReplicaRouter): ...

      @adapter.for_(ReadDatabase, profile=Profile.TEST)
      class TestReads(MirrorReadDatabase): ...

The seed's application ports (``WriteDatabase.save/delete``, ``ReadDatabase.find_by_id/list_all``) become
repositories: writes through ``SQLAlchemyRepository`` over the primary, queries in ``async with
reads.reading() as session:`` (or ``await reads.read(query)``, which also survives a replica dying mid-read).

Where ``reads.reading()`` goes, first rule that applies:

1. inside a transaction of the primary in this task: it joins it, and sees the writes it follows;
2. inside another ``reading()`` block: it joins it (one node, one snapshot);
3. after this context committed a write through the primary's ``transaction()`` (read-your-writes): the
   primary, until the monitor has seen a replica replay past a primary WAL position sampled after that commit
   (a replica that is not a PostgreSQL standby never counts as caught up);
4. after ``read_after(token)``: only replicas known to have replayed the token's WAL position (a token comes
   from ``write_token()``, e.g. in an earlier response), else the primary;
5. otherwise a replica in rotation, round robin; when none is, the primary.

A replica that cannot give a connection is taken out of rotation for the cool-down and the read moves on to
the next replica, then the primary: a dead replica fails no read. ``primary()`` and ``replica()`` override
rules 3 to 5 for one block. Reads on the primary run in read-only transactions, like those on a hot standby,
so a write sneaked into a read fails in every configuration rather than only in production.

Health: a monitor task checks every replica each ``check_interval`` (connect, ``pg_is_in_recovery()``,
``pg_last_wal_replay_lsn()``) and samples the primary's WAL position; a replica's lag is the time since the
oldest sample it has not replayed yet (robust to an idle primary and to a disconnected WAL receiver). A replica
that is unreachable or lags more than ``max_lag`` leaves the rotation for ``cooldown`` seconds at least. Other
dialects get the connection check only.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import os
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Final, Literal, Protocol, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from dioxide.sqlalchemy.database import SQLAlchemyDatabase
from dioxide.sqlalchemy.errors import DatabaseNotInitializedError, TransactionError
from dioxide.sqlalchemy.masking import mask_url, scrub, url_password
from dioxide.sqlalchemy.ports import DatabasePort
from dioxide.sqlalchemy.settings import DatabaseSettings, _check_seconds, _parse_seconds
from dioxide.sqlalchemy.transactions import normalize_isolation_level

T = TypeVar("T")

logger = logging.getLogger("dioxide.sqlalchemy.replicas")

DB_REPLICA_MAX_LAG: Final = "DB_REPLICA_MAX_LAG"
DB_REPLICA_CHECK_INTERVAL: Final = "DB_REPLICA_CHECK_INTERVAL"
DB_REPLICA_COOLDOWN: Final = "DB_REPLICA_COOLDOWN"
DB_REPLICA_CHECK_TIMEOUT: Final = "DB_REPLICA_CHECK_TIMEOUT"

_REPLICA_STATE: Final = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
    "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8"
)
# The insert position: it covers every commit that has returned, also with synchronous_commit = off.
_PRIMARY_POSITION: Final = "SELECT pg_current_wal_insert_lsn()::text"
_LSN = re.compile(r"^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")
# What a replica may raise when it is down, restarting or saturated: the read moves on to another node.
_NODE_ERRORS: Final = (sa_exc.DBAPIError, sa_exc.DisconnectionError, sa_exc.TimeoutError, OSError, TimeoutError)

WriteDatabase = DatabasePort
"""The seed's write port is the primary's ``DatabasePort``: one registration serves both names."""


class ReadDatabase(Protocol):
    """Read transactions, routed to a replica or to the primary (see the module doc for the rules)."""

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


@dataclass(frozen=True, slots=True)
class ReplicaPolicy:
    """When a replica is used: at most ``max_lag`` seconds behind, checked every ``check_interval``.

    A replica that fails a check or lags too much stays out of rotation for at least ``cooldown`` seconds; a
    check (and a replica's connect) gives up after ``check_timeout``. ``from_env()`` reads
    ``DB_REPLICA_MAX_LAG`` (5), ``DB_REPLICA_CHECK_INTERVAL`` (1), ``DB_REPLICA_COOLDOWN`` (10) and
    ``DB_REPLICA_CHECK_TIMEOUT`` (2).
    """

    max_lag: float = 5.0
    check_interval: float = 1.0
    cooldown: float = 10.0
    check_timeout: float = 2.0

    def __post_init__(self) -> None:
        for name, variable in (
            ("max_lag", DB_REPLICA_MAX_LAG),
            ("check_interval", DB_REPLICA_CHECK_INTERVAL),
            ("cooldown", DB_REPLICA_COOLDOWN),
            ("check_timeout", DB_REPLICA_CHECK_TIMEOUT),
        ):
            object.__setattr__(self, name, _check_seconds(getattr(self, name), variable))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReplicaPolicy:
        env = os.environ if environ is None else environ
        return cls(
            max_lag=_parse_seconds(env, DB_REPLICA_MAX_LAG, 5.0),
            check_interval=_parse_seconds(env, DB_REPLICA_CHECK_INTERVAL, 1.0),
            cooldown=_parse_seconds(env, DB_REPLICA_COOLDOWN, 10.0),
            check_timeout=_parse_seconds(env, DB_REPLICA_CHECK_TIMEOUT, 2.0),
        )


@dataclass(frozen=True, slots=True)
class ReplicaStatus:
    """One replica as the router sees it now (for health endpoints and logs; the URL is masked)."""

    url: str
    in_rotation: bool
    reachable: bool
    lag: float | None  # seconds behind the primary; None when unknown
    replay_position: str | None  # WAL position replayed, as ``pg_last_wal_replay_lsn()`` shows it
    excluded_for: float  # seconds before it may return to rotation
    error: str | None


class ReplicaDatabase(SQLAlchemyDatabase):
    """A replica's engine and sessions: read-only by default, no readiness check, never migrations.

    Its sessions are read-only at the connection (``default_transaction_read_only`` for asyncpg and psycopg),
    so a read costs no extra statement; the router decides whether it is healthy.
    """

    def engine_options(self) -> dict[str, Any]:
        options = super().engine_options()
        if self.dialect_name != "postgresql":
            return options
        connect_args = dict(options.get("connect_args", {}))
        driver = self.settings.url.get_driver_name()
        if driver == "asyncpg":
            server_settings = dict(connect_args.get("server_settings", {}))
            server_settings.setdefault("default_transaction_read_only", "on")
            connect_args["server_settings"] = server_settings
        elif driver.startswith("psycopg"):
            connect_args["options"] = f"{connect_args.get('options', '')} -c default_transaction_read_only=on".strip()
        options["connect_args"] = connect_args
        return options

    async def initialize(self) -> None:
        if self._engine is None:
            self._open(self._create_engine())

    def migrations(self) -> None:
        return None


class _Replica:
    """A replica's node and what the last checks found."""

    __slots__ = (
        "announced",
        "caught_up_at",
        "error",
        "excluded_until",
        "lag",
        "node",
        "password",
        "reachable",
        "replay",
        "url",
    )

    def __init__(self, node: SQLAlchemyDatabase, url: URL) -> None:
        self.node = node
        self.url = mask_url(url)
        self.password = url_password(url)
        self.reachable = False
        self.excluded_until = 0.0
        self.lag: float | None = None
        self.replay: int | None = None
        self.caught_up_at = -math.inf  # monotonic time of the newest primary sample this replica has replayed
        self.error: str | None = None
        self.announced: Literal["in", "out"] | None = None  # what was logged last: one line per transition

    def in_rotation(self, now: float) -> bool:
        return self.reachable and now >= self.excluded_until

    def status(self, now: float) -> ReplicaStatus:
        return ReplicaStatus(
            url=self.url,
            in_rotation=self.in_rotation(now),
            reachable=self.reachable,
            lag=self.lag,
            replay_position=None if self.replay is None else format_wal_position(self.replay),
            excluded_for=max(0.0, self.excluded_until - now),
            error=self.error,
        )


_router_ids = itertools.count(1)
Mode = Literal["auto", "primary", "replica"]


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
            _Replica(self.replica_database(self._replica_settings(settings, url)), url) for url in settings.replica_urls
        ]
        suffix = f"{type(self).__name__}.{next(_router_ids)}"
        self._wrote_at: ContextVar[float | None] = ContextVar(f"dioxide.replicas.wrote.{suffix}", default=None)
        self._after: ContextVar[int | None] = ContextVar(f"dioxide.replicas.after.{suffix}", default=None)
        self._current: ContextVar[SQLAlchemyDatabase | None] = ContextVar(
            f"dioxide.replicas.node.{suffix}", default=None
        )
        self._samples: deque[tuple[float, int]] = deque()
        self._rotation = itertools.count()
        self._monitor_task: asyncio.Task[None] | None = None
        self._check_lock: asyncio.Lock | None = None
        self._started = False

    def __repr__(self) -> str:
        replicas = ", ".join(repr(replica.url) for replica in self._replicas)
        return f"{type(self).__name__}(primary={self.primary_database.settings.masked_url!r}, replicas=[{replicas}])"

    def replica_database(self, settings: DatabaseSettings) -> SQLAlchemyDatabase:
        """The database object of one replica (its pool settings follow the primary's)."""
        return ReplicaDatabase(settings)

    # lifecycle

    async def initialize(self) -> None:
        """Open the replicas' pools, check each once (bounded by ``check_timeout``), start the monitor."""
        if self._started:
            return
        self.primary_database.add_commit_listener(self._note_write)
        self._check_lock = asyncio.Lock()
        self._started = True
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
        if not self._started:
            return
        self._started = False
        self.primary_database.remove_commit_listener(self._note_write)
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
        return _ReadBlock(self, "auto", normalize_isolation_level(isolation_level))

    def primary(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        return _ReadBlock(self, "primary", normalize_isolation_level(isolation_level))

    def replica(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        return _ReadBlock(self, "replica", normalize_isolation_level(isolation_level))

    async def read(self, work: Callable[[AsyncSession], Awaitable[T]], *, isolation_level: str | None = None) -> T:
        block = _ReadBlock(self, "auto", normalize_isolation_level(isolation_level))
        try:
            async with block as session:
                return await work(session)
        except Exception as error:
            replica = self._replica_of(block.node)
            if replica is None or block.joined or not _is_disconnect(error):
                raise
            self._exclude(replica, f"failed during a read: {self._reason(replica, error)}")
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
            position = (await connection.exec_driver_sql(_PRIMARY_POSITION)).scalar()
        return None if position is None else str(position)

    def read_after(self, token: str | None) -> None:
        self._after.set(None if not token else parse_wal_position(token))

    # health

    async def check_replicas(self) -> list[ReplicaStatus]:
        """Check every replica now (the monitor does it every ``check_interval``); returns their status."""
        lock = self._check_lock
        if lock is None:
            raise DatabaseNotInitializedError(f"{type(self).__name__} is not initialized: start the container first")
        async with lock:
            sampled_at = time.monotonic()
            position = await self._primary_position()
            if position is not None:
                self._samples.append((sampled_at, position))
                self._prune_samples(sampled_at)
            await asyncio.gather(*(self._check(replica) for replica in self._replicas))
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

    async def _primary_position(self) -> int | None:
        primary = self.primary_database
        if primary.dialect_name != "postgresql":
            return None
        try:
            async with asyncio.timeout(self.policy.check_timeout), primary.engine.connect() as connection:
                position = (await connection.exec_driver_sql(_PRIMARY_POSITION)).scalar()
        except Exception as error:
            logger.debug("could not sample the primary's WAL position: %r", error)
            return None
        return None if position is None else parse_wal_position(str(position))

    async def _check(self, replica: _Replica) -> None:
        try:
            async with asyncio.timeout(self.policy.check_timeout), replica.node.engine.connect() as connection:
                if replica.node.dialect_name == "postgresql":
                    row: tuple[Any, ...] = tuple((await connection.exec_driver_sql(_REPLICA_STATE)).one())
                    in_recovery, replayed, replay_age = bool(row[0]), row[1], row[2]
                else:
                    await connection.exec_driver_sql("SELECT 1")
                    in_recovery, replayed, replay_age = False, None, None
        except Exception as error:
            replica.reachable = False
            self._exclude(replica, f"unreachable: {self._reason(replica, error)}")
            return
        now = time.monotonic()
        replica.reachable = True
        replica.error = None
        replica.replay = parse_wal_position(str(replayed)) if in_recovery and replayed else None
        replica.lag = self._lag(replica, replay_age, now) if in_recovery else 0.0
        if replica.lag is not None and replica.lag > self.policy.max_lag:
            self._exclude(replica, f"lags {replica.lag:.1f} s behind the primary (max {self.policy.max_lag:g} s)")
        elif replica.in_rotation(now) and replica.announced != "in":
            replica.announced = "in"
            logger.info("read replica %s is in rotation (lag %s)", replica.url, _seconds(replica.lag))

    def _lag(self, replica: _Replica, replay_age: float | None, now: float) -> float | None:
        """Seconds since the oldest primary sample the replica has not replayed (0 when it has them all)."""
        replayed = replica.replay
        if replayed is None or not self._samples:
            return None
        behind_since: float | None = None
        for sampled_at, position in self._samples:
            if position <= replayed:
                replica.caught_up_at = max(replica.caught_up_at, sampled_at)
            elif behind_since is None:
                behind_since = sampled_at
        if behind_since is None:
            return 0.0
        lag = now - behind_since
        if behind_since == self._samples[0][0] and replay_age is not None:
            lag = max(lag, replay_age)  # behind every sample: how far is unknown, the last replay time tells
        return lag

    def _prune_samples(self, now: float) -> None:
        horizon = now - (self.policy.max_lag + 2 * self.policy.check_interval)
        while len(self._samples) > 1 and self._samples[0][0] < horizon:
            self._samples.popleft()

    def _exclude(self, replica: _Replica, reason: str) -> None:
        now = time.monotonic()
        replica.excluded_until = now + self.policy.cooldown
        replica.error = reason
        if replica.announced != "out":
            replica.announced = "out"
            logger.warning(
                "read replica %s %s: out of rotation for %g s at least, reads go to other replicas or the primary",
                replica.url,
                reason,
                self.policy.cooldown,
            )

    def _reason(self, replica: _Replica, error: BaseException) -> str:
        cause = getattr(error, "orig", None) or error
        if isinstance(error, TimeoutError):
            return f"no answer within {self.policy.check_timeout:g} s"
        return scrub(f"{type(cause).__name__}: {cause}".strip(), [replica.password])

    # routing

    def _note_write(self) -> None:
        self._wrote_at.set(time.monotonic())

    def _candidates(self, mode: Mode) -> list[_Replica]:
        now = time.monotonic()
        pool = [replica for replica in self._replicas if replica.in_rotation(now)]
        if mode == "auto":
            wrote_at = self._wrote_at.get()
            if wrote_at is not None:
                pool = [replica for replica in pool if replica.caught_up_at > wrote_at]
            after = self._after.get()
            if after is not None:
                pool = [replica for replica in pool if replica.replay is not None and replica.replay >= after]
        if len(pool) > 1:
            start = next(self._rotation) % len(pool)
            pool = pool[start:] + pool[:start]
        return pool

    def _replica_of(self, node: SQLAlchemyDatabase | None) -> _Replica | None:
        return next((replica for replica in self._replicas if replica.node is node), None)

    def _replica_settings(self, primary: DatabaseSettings, url: URL) -> DatabaseSettings:
        return DatabaseSettings(
            url,
            pool_size=primary.pool_size,
            max_overflow=primary.max_overflow,
            pool_timeout=primary.pool_timeout,
            pool_recycle=primary.pool_recycle,
            connect_timeout=min(primary.connect_timeout, self.policy.check_timeout),
            echo=primary.echo,
        )

    def _require_started(self) -> None:
        if not self._started:
            raise DatabaseNotInitializedError(
                f"{type(self).__name__} is not initialized: start the container (async with container) or await "
                "initialize() after the primary's"
            )


class _ReadBlock:
    """The async context manager of ``reading()``, ``primary()`` and ``replica()``; use it once."""

    __slots__ = ("_block", "_isolation_level", "_mode", "_router", "_token", "joined", "node")

    def __init__(self, router: ReplicaRouter, mode: Mode, isolation_level: str | None) -> None:
        self._router = router
        self._mode = mode
        self._isolation_level = isolation_level
        self._block: AbstractAsyncContextManager[AsyncSession] | None = None
        self._token: Token[SQLAlchemyDatabase | None] | None = None
        self.node: SQLAlchemyDatabase | None = None
        self.joined = False

    async def __aenter__(self) -> AsyncSession:
        if self._block is not None:
            raise TransactionError("a read block can be entered only once; call reading() again")
        router = self._router
        router._require_started()
        primary = router.primary_database
        if self._mode != "replica" and primary.in_transaction():
            return await self._join(primary)
        current = router._current.get()
        if current is not None and current is not primary and self._mode != "primary" and current.in_transaction():
            return await self._join(current)
        if self._mode != "primary":
            for replica in router._candidates(self._mode):
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
                self._router._current.reset(self._token)
            except (ValueError, RuntimeError):  # exited in another context than the one that entered
                self._router._current.set(None)
        await block.__aexit__(exc_type, exc, traceback)

    async def _join(self, node: SQLAlchemyDatabase) -> AsyncSession:
        self.joined = True
        self._block = node.transaction()
        self.node = node
        return await self._block.__aenter__()

    async def _enter(self, block: AbstractAsyncContextManager[AsyncSession], node: SQLAlchemyDatabase) -> AsyncSession:
        session = await block.__aenter__()
        self._block, self.node = block, node
        self._token = self._router._current.set(node)
        return session

    async def _try(self, replica: _Replica) -> AsyncSession | None:
        node = replica.node
        if node.dialect_name == "postgresql":  # the connection is read-only already
            block = node.transaction(isolation_level=self._isolation_level) if self._isolation_level else node.reading()
        else:
            block = node.transaction(isolation_level=self._isolation_level, read_only=True)
        try:
            session = await block.__aenter__()
        except _NODE_ERRORS as error:
            self._router._exclude(replica, f"refused a read: {self._router._reason(replica, error)}")
            return None
        try:
            await session.connection()  # check out now, so that a dead replica shows here and not in the query
        except _NODE_ERRORS as error:
            try:
                await block.__aexit__(type(error), error, error.__traceback__)
            except Exception:
                pass
            self._router._exclude(replica, f"refused a read: {self._router._reason(replica, error)}")
            return None
        self._block, self.node = block, node
        self._token = self._router._current.set(node)
        return session


class MirrorReadDatabase:
    """``ReadDatabase`` over one ``DatabasePort``: every read goes to it (fakes in tests, a single database).

    Reads are read-only transactions, as on a replica, so tests catch a write made through the read port.
    """

    def __init__(self, db: DatabasePort) -> None:
        self.db = db

    def reading(self, *, isolation_level: str | None = None) -> AbstractAsyncContextManager[AsyncSession]:
        if self.db.in_transaction():
            return self.db.transaction()
        return self.db.transaction(isolation_level=isolation_level, read_only=True)

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


def parse_wal_position(token: str) -> int:
    """``"16/B374D848"`` (a PostgreSQL LSN, as ``write_token()`` returns) as an integer; ``ValueError`` if not one."""
    text = token.strip()
    if not _LSN.match(text):
        shown = text if len(text) <= 40 else f"{text[:40]}..."
        raise ValueError(f"not a WAL position token: {shown!r} (expected like '16/B374D848')")
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def format_wal_position(position: int) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


def _is_disconnect(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says the connection is gone, so that the read may run again."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, sa_exc.DBAPIError):
            if seen.connection_invalidated:
                return True
            state = getattr(seen.orig, "sqlstate", None) or getattr(seen.orig, "pgcode", None)
            if isinstance(state, str) and state.startswith(("08", "57P")):
                return True
        if isinstance(seen, OSError | sa_exc.DisconnectionError):
            return True
        seen = seen.__cause__
    return False


def _seconds(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f} s"


__all__ = [
    "MirrorReadDatabase",
    "ReadDatabase",
    "ReplicaDatabase",
    "ReplicaPolicy",
    "ReplicaRouter",
    "ReplicaStatus",
    "WriteDatabase",
    "format_wal_position",
    "parse_wal_position",
]
