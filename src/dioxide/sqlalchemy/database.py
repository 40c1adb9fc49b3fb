"""``SQLAlchemyDatabase``: the engine, its pool and the transactions, as a lifecycle adapter of ``DatabasePort``.

Subclass and decorate it in your application (the library registers nothing by itself)::

    @adapter.for_(DatabasePort, profile=Profile.PRODUCTION)
    class Database(SQLAlchemyDatabase): ...

The container calls ``initialize()`` at start (engine, pool, readiness check, then the migrations when
``RUN_MIGRATIONS`` asks for them, see ``dioxide.sqlalchemy.migrations``) and ``dispose()`` at stop. The
settings come from the environment (``DatabaseSettings.from_env()``) unless the container holds a
``DatabaseSettings`` instance, which is then injected.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
import logging
import math
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Final, cast

from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    AsyncSessionTransaction,
    async_sessionmaker,
    create_async_engine,
)

from dioxide.sqlalchemy import sqlite
from dioxide.sqlalchemy.availability import breaks_connection, unavailability
from dioxide.sqlalchemy.error_mapping import translate_error
from dioxide.sqlalchemy.errors import DatabaseNotInitializedError, DatabaseUnavailableError
from dioxide.sqlalchemy.masking import scrub
from dioxide.sqlalchemy.settings import DatabaseSettings
from dioxide.sqlalchemy.transactions import TransactionBlock, TransactionManager

if TYPE_CHECKING:
    from dioxide.sqlalchemy.migrations import AlembicMigrations, MigrationResult

logger = logging.getLogger("dioxide.sqlalchemy")

_SET_READ_ONLY: Final = "SET TRANSACTION READ ONLY"
_READ_TRANSACTION: Final = "dioxide.read_transaction"  # session.info flag: this root transaction only reads
# The connect() argument that bounds connection time, per driver (others keep their own default).
_CONNECT_TIMEOUT_ARGUMENT: Final = {
    "asyncpg": "timeout",
    "psycopg": "connect_timeout",
    "psycopg_async": "connect_timeout",
    "aiomysql": "connect_timeout",
    "asyncmy": "connect_timeout",
}
_CLIENT_MARGIN: Final = 1.0  # seconds the client waits beyond the statement timeout before giving up on the server


class SQLAlchemyDatabase(TransactionManager[AsyncSession]):
    """Engine and sessions with the lifecycle dioxide drives, and transactions that follow the asyncio context.

    Pool options fit the dialect: server databases get ``pool_size``, ``max_overflow``, ``pool_timeout`` and
    ``pool_pre_ping`` (a dead connection is replaced instead of failing a request); SQLite gets none of them.
    Every connection is bounded in time: ``statement_timeout`` and ``lock_timeout`` on PostgreSQL (and, with
    asyncpg, a client-side command timeout one second longer, for a server that stops answering), the busy
    timeout on SQLite (``lock_timeout``), ``innodb_lock_wait_timeout`` and, on MariaDB, ``max_statement_time``.
    Override ``engine_options()`` to change them, and ``session_options`` for the session factory.

    Failures that mean "not now" become ``DatabaseUnavailableError`` (``busy`` or down, see ``availability``);
    a connection that timed out or was cancelled mid-statement is closed, never returned to the pool.
    """

    _dioxide_lifecycle: ClassVar[bool] = True  # a lifecycle component, without joining any global registry
    session_options: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, settings: DatabaseSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else DatabaseSettings.from_env()
        self._engine: AsyncEngine | None = None
        self._session_factory: async_sessionmaker[AsyncSession] | None = None
        self._bound = False
        self._disposed = False
        self._dialect_name = self.settings.url.get_backend_name()
        self._commit_listeners: list[Callable[[], None]] = []
        self.migration_result: MigrationResult | None = None

    def __repr__(self) -> str:
        state = "disposed" if self._disposed else "ready" if self._engine is not None else "not initialized"
        return f"{type(self).__name__}(url={self.settings.masked_url!r}, {state})"

    @property
    def engine(self) -> AsyncEngine:
        """The engine; raises ``DatabaseNotInitializedError`` before ``initialize()``."""
        if self._engine is None:
            raise DatabaseNotInitializedError(
                f"{type(self).__name__} is not initialized: start the container (async with container) or "
                "await initialize() first"
            )
        return self._engine

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        return self._require_factory()

    @property
    def dialect_name(self) -> str:
        """``"postgresql"``, ``"sqlite"``... (from the URL, available before ``initialize()``)."""
        return self._dialect_name

    def engine_options(self) -> dict[str, Any]:
        """Keyword arguments for ``create_async_engine``; override to tune the pool or add ``connect_args``."""
        settings = self.settings
        options: dict[str, Any] = {"echo": settings.echo}
        if settings.is_sqlite:
            options["connect_args"] = {"timeout": settings.lock_timeout}  # the busy timeout
            return options
        options.update(
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_timeout=settings.pool_timeout,
            pool_pre_ping=True,
        )
        if settings.pool_recycle is not None:
            options["pool_recycle"] = settings.pool_recycle
        driver = settings.url.get_driver_name()
        connect_args: dict[str, Any] = {}
        argument = _CONNECT_TIMEOUT_ARGUMENT.get(driver)
        if argument is not None:
            connect_args[argument] = settings.connect_timeout
        connect_args.update(timeout_arguments(self._dialect_name, driver, settings))
        if connect_args:
            options["connect_args"] = connect_args
        return options

    async def initialize(self) -> None:
        """Create the engine and session factory, check that the database answers (fail fast), then migrate.

        The Alembic configuration is validated before any connection is made; the migrations run on this
        engine (no second engine, no ``asyncio.run``) before any other component can use the database.
        """
        if self._engine is not None:
            return
        migrations = self.migrations() if self.settings.migration_mode != "off" else None
        engine = self._create_engine()
        try:
            await self._check(engine)
            if migrations is not None:
                self.migration_result = await migrations.run(engine, self.settings.migration_mode)
        except BaseException:
            await engine.dispose()
            raise
        self._open(engine)
        logger.info("database ready: %s", self.settings.masked_url)

    def migrations(self) -> AlembicMigrations | None:
        """The migrations ``initialize()`` runs when ``RUN_MIGRATIONS`` is ``true`` or ``verify`` (never when off).

        Override to configure Alembic in code, e.g. ``return AlembicMigrations(script_location="myapp:migrations")``;
        the environment still decides whether they run.
        """
        if self.settings.migration_mode == "off":
            return None
        from dioxide.sqlalchemy.migrations import AlembicMigrations

        return AlembicMigrations.from_settings(self.settings)

    def add_commit_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` in the committing task after each root transaction that may have written.

        Transactions opened with ``read_only=True`` or by ``reading()`` do not count; sessions from
        ``get_session()`` are the caller's and are not observed. The replica router uses this for
        read-your-writes.
        """
        self._commit_listeners.append(listener)

    def remove_commit_listener(self, listener: Callable[[], None]) -> None:
        if listener in self._commit_listeners:
            self._commit_listeners.remove(listener)

    def _create_engine(self) -> AsyncEngine:
        url = self.settings.url
        engine = create_async_engine(url, **self.engine_options())
        if self.settings.is_sqlite:
            sqlite.install(engine, wal=sqlite.is_file_database(url))
        return engine

    def _open(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._session_factory = async_sessionmaker(engine, expire_on_commit=False, **self.session_options)
        self._disposed = False

    async def dispose(self) -> None:
        """Close every pooled connection; transactions can no longer begin."""
        engine = self._engine
        if engine is None:
            return
        self._session_factory = None
        self._disposed = True
        await engine.dispose()
        logger.info("database connections closed: %s", self.settings.masked_url)

    async def check_ready(self) -> None:
        """Run ``SELECT 1`` within ``connect_timeout``; ``DatabaseUnavailableError`` names host and database."""
        await self._check(self.engine)

    async def get_session(self) -> AsyncSession:
        """A new session the caller owns and must close; prefer ``transaction()``, which also joins."""
        return self._require_factory()()

    def current_session(self) -> AsyncSession | None:
        """The session of the current task's transaction, or ``None`` outside one."""
        scope = self._owned_scope()
        return None if scope is None else scope.handle

    def reading(self) -> TransactionBlock[AsyncSession]:
        """For reads: joins the active transaction, else a short one that takes no write lock (SQLite)."""
        return TransactionBlock(self, False, None, False, True)

    async def _check(self, engine: AsyncEngine) -> None:
        pool = engine.pool
        checked_out = getattr(pool, "checkedout", None)
        capacity = self.settings.pool_size + self.settings.max_overflow
        if not self.settings.is_sqlite and callable(checked_out) and checked_out() >= capacity:
            raise DatabaseUnavailableError(self._busy_message(), busy=True)
        try:
            async with asyncio.timeout(self.settings.connect_timeout):
                async with engine.connect() as connection:
                    if self.settings.is_sqlite:  # a readiness check must not queue behind a writer (a migration)
                        await connection.execution_options(**{sqlite.BEGIN_OPTION: sqlite.DEFERRED})
                    await connection.exec_driver_sql("SELECT 1")
        except Exception as error:
            busy = unavailability(error) == "busy"
            message = self._busy_message() if busy else self._unavailable_message(error)
            raise DatabaseUnavailableError(message, busy=busy) from error

    def _busy_message(self) -> str:
        settings = self.settings
        return (
            f"the database is busy: the {settings.pool_size + settings.max_overflow} connections of the pool are in "
            f"use and none was free within {settings.pool_timeout:g} s (DB_POOL_SIZE, DB_MAX_OVERFLOW, "
            "DB_POOL_TIMEOUT); retry later"
        )

    def unavailable_error(self, error: BaseException) -> DatabaseUnavailableError | None:
        """``DatabaseUnavailableError`` for a failure that means busy or down (see ``availability``), else ``None``."""
        kind = unavailability(error)
        if kind is None:
            return None
        if kind == "busy":
            return DatabaseUnavailableError(self._busy_message(), busy=True)
        if kind == "no answer":
            limit = self.settings.statement_timeout + _CLIENT_MARGIN
            return DatabaseUnavailableError(
                f"the database is down: {self._where()} did not answer within {limit:g} s; retry later"
            )
        cause = error if isinstance(error, Exception) else None
        return DatabaseUnavailableError(f"the database is down: {self._where()} ({self._reason(cause)}); retry later")

    def _where(self) -> str:
        url = self.settings.url
        if self.settings.is_sqlite:
            return f"the SQLite database {url.database or ':memory:'!r}"
        host = url.host or "localhost"
        port = f":{url.port}" if url.port else ""
        return f"the {self._dialect_name} database {url.database!r} on {host}{port}"

    def _reason(self, error: Exception | None) -> str:
        if error is None:
            return "cancelled"
        cause = getattr(error, "orig", None) or error
        url = self.settings.url
        reason = f"{type(cause).__name__}: {cause}".strip()
        return scrub(reason, [url.password if isinstance(url.password, str) else None])

    def _unavailable_message(self, error: Exception) -> str:
        url = self.settings.url
        if isinstance(error, TimeoutError):
            reason = f"no answer within {self.settings.connect_timeout:g} s"
        else:
            reason = self._reason(error)
        where = self._where()
        if self.settings.is_sqlite:
            folder = os.path.dirname(os.path.abspath(url.database)) if url.database else None
            if folder is not None and not os.path.isdir(folder):
                return f"cannot open {where}: its folder {folder!r} does not exist; create it or fix DATABASE_URL"
        elif url.username:
            where += f" as user {url.username!r}"
        return f"cannot reach {where} ({reason}); check DATABASE_URL and that the server is running"

    def _require_factory(self) -> async_sessionmaker[AsyncSession]:
        factory = self._session_factory
        if factory is None:
            state = "was disposed" if self._disposed else "is not initialized"
            raise DatabaseNotInitializedError(
                f"{type(self).__name__} {state}: transactions need a started container "
                "(async with container) or an awaited initialize()"
            )
        return factory

    @contextmanager
    def sessions_bound_to(self, connection: AsyncConnection) -> Iterator[None]:
        """Route every session through ``connection``, whose transaction the caller owns (``rollback_after()``).

        Sessions join that transaction with savepoints (``join_transaction_mode="create_savepoint"``), so the
        application's commits and rollbacks stay inside it. Isolation level and read-only cannot be changed
        inside it and are ignored meanwhile.
        """
        previous, previous_bound = self._require_factory(), self._bound
        self._session_factory = async_sessionmaker(
            bind=connection,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
            **self.session_options,
        )
        self._bound = True
        try:
            yield
        finally:
            self._session_factory, self._bound = previous, previous_bound

    async def _begin(self, isolation_level: str | None, read_only: bool, deferred: bool) -> AsyncSession:
        session = self._require_factory()()
        if read_only or deferred:
            session.info[_READ_TRANSACTION] = True
        if self._bound:
            return session
        try:
            if self._dialect_name == "sqlite":
                if read_only or deferred:
                    mode = sqlite.READ_ONLY if read_only else sqlite.DEFERRED
                    await session.connection(execution_options={sqlite.BEGIN_OPTION: mode})
            else:
                if isolation_level is not None:
                    await session.connection(execution_options={"isolation_level": isolation_level})
                if read_only and self._dialect_name == "postgresql":
                    connection = await session.connection()
                    await connection.exec_driver_sql(_SET_READ_ONLY)
        except BaseException:
            await session.close()
            raise
        return session

    async def _end(self, handle: AsyncSession, commit: bool) -> None:
        try:
            if commit:
                try:
                    await handle.commit()
                except BaseException:
                    await _rollback_quietly(handle)
                    raise
                if self._commit_listeners and not handle.info.get(_READ_TRANSACTION):
                    for listener in tuple(self._commit_listeners):
                        listener()
            else:
                await handle.rollback()
        finally:
            await handle.close()

    async def _begin_savepoint(self, handle: AsyncSession) -> object:
        return await handle.begin_nested()

    async def _end_savepoint(self, handle: AsyncSession, marker: object, commit: bool) -> None:
        nested = cast(AsyncSessionTransaction, marker)
        if commit:
            await nested.commit()
        else:
            await nested.rollback()

    async def _discard(self, handle: AsyncSession, error: BaseException) -> None:
        if not breaks_connection(error):
            await self._end(handle, False)
            return
        try:  # the connection may be mid-statement on a server that does not answer: close it, do not talk to it
            await handle.invalidate()
        finally:
            await handle.close()

    def _translate(self, error: BaseException) -> BaseException | None:
        return translate_error(error) or self.unavailable_error(error)


def timeout_arguments(dialect: str, driver: str, settings: DatabaseSettings) -> dict[str, Any]:
    """The ``connect()`` arguments that bound every statement and lock wait of a connection, per driver."""
    statement_ms = str(round(settings.statement_timeout * 1000))
    lock_ms = str(round(settings.lock_timeout * 1000))
    if dialect == "postgresql" and driver == "asyncpg":
        return {
            "command_timeout": settings.statement_timeout + _CLIENT_MARGIN,
            "server_settings": {"statement_timeout": statement_ms, "lock_timeout": lock_ms},
        }
    if dialect == "postgresql" and driver.startswith("psycopg"):
        return {"options": f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}"}
    if dialect in ("mysql", "mariadb"):
        commands = [f"innodb_lock_wait_timeout = {max(1, math.ceil(settings.lock_timeout))}"]
        if dialect == "mariadb":  # MySQL's max_execution_time covers SELECT only, and MariaDB does not know it
            commands.append(f"max_statement_time = {settings.statement_timeout:g}")
        return {"init_command": "SET SESSION " + ", SESSION ".join(commands)}
    return {}


async def _rollback_quietly(session: AsyncSession) -> None:
    try:
        await session.rollback()
    except Exception as error:
        logger.debug("rollback after a failed commit failed too: %r", error)


__all__ = ["SQLAlchemyDatabase", "timeout_arguments"]
