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

Where it lives: ``runner`` (``AlembicMigrations``, ``MigrationResult``), ``lock`` (the migration lock),
``env`` (``run_migrations_env``), ``config`` (the Alembic configuration) and ``errors``.
"""

from __future__ import annotations

from dioxide.sqlalchemy.migrations.config import DEFAULT_CONFIG_FILE, DEFAULT_VERSION_TABLE
from dioxide.sqlalchemy.migrations.env import run_migrations_env
from dioxide.sqlalchemy.migrations.errors import MigrationError, MigrationLockTimeoutError, SchemaNotAtHeadError
from dioxide.sqlalchemy.migrations.lock import migration_lock_id
from dioxide.sqlalchemy.migrations.runner import AlembicMigrations, MigrationResult

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
