"""Alembic migrations at startup: once across instances, on the application's own engine, inside the loop.

The seed ran ``command.upgrade`` in a thread on a second engine with a stock ``env.py``; the stock async
``env.py`` calls ``asyncio.run()``, which fails inside a running event loop, and six instances starting at
once all migrate (five crash on a unique violation). Here:

* ``AlembicMigrations.run(engine, mode)`` migrates on a connection of the application's engine, through
  ``run_sync`` and ``config.attributes["connection"]`` (Alembic's documented way to share a connection).
* Fast path: the current revision is read first; at head nothing is locked and startup goes on at once.
* Otherwise the instances queue on a lock with a bounded wait, re-check under it, and only the first one
  upgrades; the others find the schema at head. DDL is transactional on both reference backends, so a
  migration that fails leaves nothing half-done (and releases the lock).

  - PostgreSQL: a session-level advisory lock whose id derives from the version table
    (``migration_lock_id()``), polled with ``pg_try_advisory_lock`` until ``MIGRATION_LOCK_TIMEOUT``; then
    ``MigrationLockTimeoutError`` names the session that holds it.
  - SQLite: the migration runs in one ``BEGIN IMMEDIATE`` transaction, i.e. under SQLite's database-wide write
    lock, which other processes respect too; the busy timeout is set to the lock timeout meanwhile. This
    needs the engine of a ``SQLAlchemyDatabase`` (or one prepared by ``dioxide.sqlalchemy.sqlite.install``).
  - Other dialects: no lock, and a warning: migrate from one instance, run the others with ``verify``.

* ``verify`` mode never writes: ``SchemaNotAtHeadError`` names the current and head revisions.
* ``run_migrations_env()`` is the body of an ``env.py`` that works both ways: with the shared connection when
  dioxide runs it, and from the ``alembic`` command line (its own engine from ``sqlalchemy.url`` or
  ``DATABASE_URL``, under the same lock).

Alembic is imported only when migrations are used (``pip install 'dioxide[migrations]'``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from dioxide.sqlalchemy import sqlite
from dioxide.sqlalchemy.errors import DatabaseConfigError
from dioxide.sqlalchemy.settings import (
    ALEMBIC_CONFIG,
    ALEMBIC_SCRIPT_LOCATION,
    MIGRATION_LOCK_TIMEOUT,
    RUN_MIGRATIONS,
    DatabaseSettings,
    MigrationMode,
    _parse_seconds,
    parse_database_url,
)

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import MetaData
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger("dioxide.sqlalchemy.migrations")

DEFAULT_CONFIG_FILE: Final = "alembic.ini"
DEFAULT_VERSION_TABLE: Final = "alembic_version"
_TARGET: Final = "heads"  # every head: a branched history upgrades all its branches
_IMMEDIATE: Final = "IMMEDIATE"  # any value but DEFERRED / READ ONLY makes sqlite.install begin IMMEDIATE
_ASYNCIO_RUN_IN_LOOP: Final = "asyncio.run() cannot be called from a running event loop"


class MigrationError(RuntimeError):
    """Migrations could not run, or the schema is not the one this code expects."""


class SchemaNotAtHeadError(MigrationError):
    """The database is not at the head revision of the migration scripts (``current`` / ``heads``)."""

    def __init__(self, message: str, *, current: Sequence[str], heads: Sequence[str]) -> None:
        super().__init__(message)
        self.current: tuple[str, ...] = tuple(current)
        self.heads: tuple[str, ...] = tuple(heads)


class MigrationLockTimeoutError(MigrationError):
    """Another session held the migration lock for longer than the lock timeout."""

    def __init__(self, message: str, *, lock_id: int | None, waited: float, holder: str | None) -> None:
        super().__init__(message)
        self.lock_id = lock_id
        self.waited = waited
        self.holder = holder


@dataclass(frozen=True, slots=True)
class MigrationResult:
    """What ``AlembicMigrations.run`` found and did."""

    mode: MigrationMode
    before: tuple[str, ...]
    after: tuple[str, ...]
    heads: tuple[str, ...]
    upgraded: bool  # this call ran migrations
    locked: bool  # this call took the migration lock (never on the at-head fast path, never in verify mode)
    waited: float  # seconds spent waiting for the lock
    elapsed: float  # seconds for the whole call


def migration_lock_id(version_table: str = DEFAULT_VERSION_TABLE, schema: str | None = None) -> int:
    """The PostgreSQL advisory lock id of the migrations that record their state in ``schema.version_table``.

    Stable across processes and releases (a hash, not ``hash()``), so every instance of an application takes
    the same lock, and applications sharing a database with distinct version tables do not block each other.
    """
    key = f"dioxide.sqlalchemy.migrations:{schema or ''}.{version_table}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


class AlembicMigrations:
    """An Alembic environment, run against an engine under a cross-instance lock (see the module doc).

    ``config`` is the path of ``alembic.ini`` (or of a ``pyproject.toml`` with ``[tool.alembic]``), or an
    Alembic ``Config``; ``script_location`` overrides the folder the file names (or replaces the file). The
    version table is read from the ``version_table`` / ``version_table_schema`` options of the file, which
    ``run_migrations_env()`` passes to Alembic too. Everything is checked here, before any connection.
    """

    def __init__(
        self,
        config: str | os.PathLike[str] | Config | None = None,
        *,
        script_location: str | None = None,
        lock_timeout: float = 60.0,
        lock_id: int | None = None,
    ) -> None:
        _require_alembic()
        if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, int | float) or not lock_timeout > 0:
            raise DatabaseConfigError(
                f"{MIGRATION_LOCK_TIMEOUT} must be a positive number of seconds, got {lock_timeout!r}",
                variable=MIGRATION_LOCK_TIMEOUT,
            )
        self.config = _load_config(config, script_location)
        self.script_location = _script_location(self.config)
        self.version_table, self.version_table_schema = _version_table(self.config)
        self.lock_timeout = float(lock_timeout)
        self.lock_id = migration_lock_id(self.version_table, self.version_table_schema) if lock_id is None else lock_id

    @classmethod
    def from_settings(cls, settings: DatabaseSettings) -> AlembicMigrations:
        """From ``ALEMBIC_CONFIG``, ``ALEMBIC_SCRIPT_LOCATION`` and ``MIGRATION_LOCK_TIMEOUT``."""
        return cls(
            settings.alembic_config,
            script_location=settings.alembic_script_location,
            lock_timeout=settings.migration_lock_timeout,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(script_location={self.script_location!r}, lock_timeout={self.lock_timeout})"

    def heads(self) -> tuple[str, ...]:
        """The head revision(s) of the scripts (reads the script files: blocking I/O)."""
        return self._read_scripts()[0]

    async def current(self, engine: AsyncEngine) -> tuple[str, ...]:
        """The revision(s) the database is at; ``()`` for a database never migrated."""
        async with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                await connection.execution_options(**{sqlite.BEGIN_OPTION: sqlite.DEFERRED})
            return await connection.run_sync(self._current)

    async def upgrade(self, engine: AsyncEngine) -> MigrationResult:
        """Upgrade to head unless already there (``RUN_MIGRATIONS=true``)."""
        return await self.run(engine, "upgrade")

    async def verify(self, engine: AsyncEngine) -> MigrationResult:
        """Raise ``SchemaNotAtHeadError`` unless the database is at head (``RUN_MIGRATIONS=verify``)."""
        return await self.run(engine, "verify")

    async def run(self, engine: AsyncEngine, mode: MigrationMode = "upgrade") -> MigrationResult:
        """Check the revision, then (``upgrade``) migrate under the lock or (``verify``) refuse when behind."""
        if mode not in ("upgrade", "verify"):
            raise ValueError(f"mode must be 'upgrade' or 'verify', got {mode!r}")
        started = time.monotonic()
        heads, known = await asyncio.to_thread(self._read_scripts)
        is_sqlite = engine.dialect.name == "sqlite"
        async with engine.connect() as connection:
            if is_sqlite:  # the check must not queue behind writers: a plain read transaction
                await connection.execution_options(**{sqlite.BEGIN_OPTION: sqlite.DEFERRED})
            before = await connection.run_sync(self._current)
            await connection.rollback()
            self._check_known(before, known, heads)
            if set(before) == set(heads):
                logger.info("migrations: the database is at head (%s); nothing to do", _describe(heads))
                return MigrationResult(mode, before, before, heads, False, False, 0.0, time.monotonic() - started)
            if mode == "verify":
                raise SchemaNotAtHeadError(
                    f"the database schema is at revision {_describe(before)}, but the migrations' head is "
                    f"{_describe(heads)} ({RUN_MIGRATIONS}=verify refuses to start on an old schema): migrate it "
                    f"first (`alembic upgrade heads`, or start one instance with {RUN_MIGRATIONS}=true)",
                    current=before,
                    heads=heads,
                )
            async with _migration_lock(connection, lock_id=self.lock_id, wait=self.lock_timeout) as waited:
                current = await connection.run_sync(self._current)
                self._check_known(current, known, heads)
                if set(current) == set(heads):
                    await connection.commit()
                    logger.info(
                        "migrations: another instance migrated to %s while this one waited %.1f s",
                        _describe(heads),
                        waited,
                    )
                    return MigrationResult(
                        mode, before, current, heads, False, True, waited, time.monotonic() - started
                    )
                await connection.run_sync(self._upgrade)
                after = await connection.run_sync(self._current)
                if set(after) != set(heads):
                    raise MigrationError(
                        f"after `alembic upgrade {_TARGET}` the database is at {_describe(after)}, not at "
                        f"{_describe(heads)}: the env.py in {self.script_location} did not migrate on the shared "
                        "connection (config.attributes['connection']); make it call run_migrations_env()"
                    )
                await connection.commit()
        elapsed = time.monotonic() - started
        logger.info("migrations: upgraded from %s to %s in %.2f s", _describe(before), _describe(after), elapsed)
        return MigrationResult(mode, before, after, heads, True, True, waited, elapsed)

    def _read_scripts(self) -> tuple[tuple[str, ...], frozenset[str]]:
        from alembic.script import ScriptDirectory

        try:
            script = ScriptDirectory.from_config(self.config)
            heads = tuple(script.get_heads())
            known = frozenset(revision.revision for revision in script.walk_revisions())
        except Exception as error:
            raise MigrationError(f"cannot read the migration scripts in {self.script_location!r}: {error}") from error
        return heads, known

    def _current(self, connection: Connection) -> tuple[str, ...]:
        from alembic.runtime.migration import MigrationContext

        context = MigrationContext.configure(
            connection,
            opts={"version_table": self.version_table, "version_table_schema": self.version_table_schema},
        )
        return tuple(context.get_current_heads())

    def _upgrade(self, connection: Connection) -> None:
        from alembic import command

        attributes = self.config.attributes
        attributes["connection"] = connection
        try:
            command.upgrade(self.config, _TARGET)
        except RuntimeError as error:
            if _ASYNCIO_RUN_IN_LOOP in str(error):
                raise MigrationError(
                    f"the env.py in {self.script_location} calls asyncio.run() (Alembic's async template does), "
                    "which cannot run inside the application's event loop: make env.py call "
                    "dioxide.sqlalchemy.migrations.run_migrations_env(target_metadata), or have it use "
                    "config.attributes['connection'] when present"
                ) from error
            raise
        finally:
            attributes.pop("connection", None)

    def _check_known(self, current: Iterable[str], known: frozenset[str], heads: tuple[str, ...]) -> None:
        unknown = [revision for revision in current if revision not in known]
        if unknown:
            raise SchemaNotAtHeadError(
                f"the database is at revision {_describe(unknown)}, which the migration scripts in "
                f"{self.script_location!r} do not contain (head: {_describe(heads)}); was it migrated by a newer "
                "release? Deploy that release, or point ALEMBIC_CONFIG at its migrations",
                current=tuple(current),
                heads=heads,
            )


def run_migrations_env(target_metadata: MetaData | Sequence[MetaData] | None = None, **options: Any) -> None:
    """The body of an Alembic ``env.py``: ``run_migrations_env(Base.metadata)``.

    * Run by ``AlembicMigrations`` (at startup): migrates on the shared connection, in its transaction.
    * Run by the ``alembic`` command: connects with ``sqlalchemy.url`` from the configuration file or else
      ``DATABASE_URL``, takes the same lock as the application, migrates and commits (``asyncio.run`` is fine
      there: no loop is running). ``--sql`` (offline) mode renders the SQL instead.

    ``options`` go to ``context.configure`` (``compare_type=True``, ``include_schemas=True``...); the version
    table comes from the configuration file's ``version_table`` / ``version_table_schema`` options.
    """
    from alembic import context

    config = context.config
    version_table, version_table_schema = _version_table(config)
    options.setdefault("version_table", version_table)
    options.setdefault("version_table_schema", version_table_schema)
    options["target_metadata"] = target_metadata
    if context.is_offline_mode():
        url = _command_line_url(config)
        context.configure(
            url=url.render_as_string(hide_password=False),
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
            **options,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate_on(connection, options)
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise MigrationError(
            "env.py runs inside an event loop but was given no connection: run migrations through "
            "dioxide.sqlalchemy.migrations.AlembicMigrations (or set config.attributes['connection'])"
        )
    _configure_logging(config)
    lock_timeout = _parse_seconds(os.environ, MIGRATION_LOCK_TIMEOUT, 60.0)
    lock_id = migration_lock_id(version_table, version_table_schema)
    asyncio.run(_migrate_from_command_line(_command_line_url(config), options, lock_id, lock_timeout))


def _migrate_on(connection: Connection, options: dict[str, Any]) -> None:
    from alembic import context

    if connection.dialect.name == "sqlite":
        options = {"render_as_batch": True, **options}  # SQLite alters tables by copying them
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_from_command_line(url: URL, options: dict[str, Any], lock_id: int, lock_timeout: float) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, poolclass=NullPool)
    if url.get_backend_name() == "sqlite":
        sqlite.install(engine, wal=sqlite.is_file_database(url))
    try:
        async with engine.connect() as connection, _migration_lock(connection, lock_id=lock_id, wait=lock_timeout):
            await connection.run_sync(_migrate_on, options)
            await connection.commit()
    finally:
        await engine.dispose()


@asynccontextmanager
async def _migration_lock(connection: AsyncConnection, *, lock_id: int, wait: float) -> AsyncIterator[float]:
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


def _require_alembic() -> None:
    try:
        import alembic  # noqa: F401
    except ImportError:
        raise DatabaseConfigError(
            f"{RUN_MIGRATIONS} needs Alembic, which is not installed (pip install 'dioxide[migrations]')",
            variable=RUN_MIGRATIONS,
        ) from None


def _load_config(config: str | os.PathLike[str] | Config | None, script_location: str | None) -> Config:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if isinstance(config, Config):
        loaded = config
        source = config.config_file_name or "the given Config"
    else:
        path = Path(DEFAULT_CONFIG_FILE if config is None else config)
        source = str(path)
        if path.is_file():
            if path.suffix == ".toml":
                try:
                    loaded = Config(toml_file=path)
                except TypeError:
                    raise DatabaseConfigError(
                        f"{ALEMBIC_CONFIG} names the TOML file {source!r}: that needs Alembic 1.16 or later",
                        variable=ALEMBIC_CONFIG,
                    ) from None
            else:
                loaded = Config(path)
        elif config is not None or script_location is None:
            where = "" if path.is_absolute() else f" (relative to the working directory {os.getcwd()})"
            what = f"{ALEMBIC_CONFIG}={source!r} names" if config is not None else f"the default {source!r} is"
            raise DatabaseConfigError(
                f"migrations are enabled ({RUN_MIGRATIONS}) but {what} no file{where}: set {ALEMBIC_CONFIG} to "
                f"your alembic.ini, or {ALEMBIC_SCRIPT_LOCATION} to the migrations folder",
                variable=ALEMBIC_CONFIG,
            )
        else:
            loaded = Config()
            source = ALEMBIC_SCRIPT_LOCATION
    if script_location:
        loaded.set_main_option("script_location", script_location.replace("%", "%%"))
    try:
        ScriptDirectory.from_config(loaded)
    except CommandError as error:
        variable = ALEMBIC_SCRIPT_LOCATION if script_location else ALEMBIC_CONFIG
        raise DatabaseConfigError(
            f"the Alembic migrations of {source!r} cannot be used: {error}. Relative folders are relative to the "
            f"working directory ({os.getcwd()}); in alembic.ini write script_location = %(here)s/migrations",
            variable=variable,
        ) from None
    return loaded


def _option(config: Config, name: str) -> str | None:
    getter = getattr(config, "get_alembic_option", None)  # Alembic >= 1.16 (reads pyproject.toml too)
    value = getter(name) if getter is not None else config.get_main_option(name)
    return str(value) if value else None


def _script_location(config: Config) -> str:
    return _option(config, "script_location") or "?"


def _version_table(config: Config) -> tuple[str, str | None]:
    return _option(config, "version_table") or DEFAULT_VERSION_TABLE, _option(config, "version_table_schema")


def _command_line_url(config: Config) -> URL:
    configured = config.get_main_option("sqlalchemy.url")
    if configured and not configured.startswith("driver://"):  # Alembic's templates ship a placeholder
        return parse_database_url(configured, variable="sqlalchemy.url")
    return DatabaseSettings.from_env().url


def _configure_logging(config: Config) -> None:
    name = config.config_file_name
    if name is not None and config.file_config.has_section("loggers"):
        from logging.config import fileConfig

        fileConfig(name, disable_existing_loggers=False)


def _describe(revisions: Iterable[str]) -> str:
    shown = [repr(revision) for revision in revisions]
    return ", ".join(shown) if shown else "none (an empty database)"


__all__ = [
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_VERSION_TABLE",
    "AlembicMigrations",
    "MigrationError",
    "MigrationLockTimeoutError",
    "MigrationResult",
    "SchemaNotAtHeadError",
    "migration_lock_id",
    "run_migrations_env",
]
