"""``AlembicMigrations``: check the revision, then upgrade under the migration lock or, in verify mode, refuse.

The migrations run on a connection of the application's own engine, inside its event loop, through ``run_sync``
and ``config.attributes["connection"]``; at head nothing is locked. ``MigrationResult`` says what a run found and did.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from dioxide.sqlalchemy import sqlite
from dioxide.sqlalchemy.errors import DatabaseConfigError
from dioxide.sqlalchemy.migrations.config import load_config, require_alembic, script_location_of, version_table_of
from dioxide.sqlalchemy.migrations.errors import MigrationError, SchemaNotAtHeadError
from dioxide.sqlalchemy.migrations.lock import migration_lock, migration_lock_id
from dioxide.sqlalchemy.settings import MIGRATION_LOCK_TIMEOUT, RUN_MIGRATIONS, DatabaseSettings, MigrationMode

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger("dioxide.sqlalchemy.migrations")

_TARGET: Final = "heads"  # every head: a branched history upgrades all its branches
_ASYNCIO_RUN_IN_LOOP: Final = "asyncio.run() cannot be called from a running event loop"


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


class AlembicMigrations:
    """An Alembic environment, run against an engine under a cross-instance lock (see the package doc).

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
        require_alembic()
        if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, int | float) or not lock_timeout > 0:
            raise DatabaseConfigError(
                f"{MIGRATION_LOCK_TIMEOUT} must be a positive number of seconds, got {lock_timeout!r}",
                variable=MIGRATION_LOCK_TIMEOUT,
            )
        self.config = load_config(config, script_location)
        self.script_location = script_location_of(self.config)
        self.version_table, self.version_table_schema = version_table_of(self.config)
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
            async with migration_lock(connection, lock_id=self.lock_id, wait=self.lock_timeout) as waited:
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


def _describe(revisions: Iterable[str]) -> str:
    shown = [repr(revision) for revision in revisions]
    return ", ".join(shown) if shown else "none (an empty database)"
