"""``run_migrations_env()``: the body of an Alembic ``env.py`` that works under dioxide and from the command line.

Under ``AlembicMigrations`` it migrates on the shared connection; from the ``alembic`` command it opens its own
engine (``sqlalchemy.url`` or ``DATABASE_URL``) and takes the same lock as the application.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from dioxide.sqlalchemy import sqlite
from dioxide.sqlalchemy.migrations.config import version_table_of
from dioxide.sqlalchemy.migrations.errors import MigrationError
from dioxide.sqlalchemy.migrations.lock import migration_lock, migration_lock_id
from dioxide.sqlalchemy.settings import MIGRATION_LOCK_TIMEOUT, DatabaseSettings, parse_database_url, parse_seconds

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import MetaData
    from sqlalchemy.engine import Connection


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
    version_table, version_table_schema = version_table_of(config)
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
    lock_timeout = parse_seconds(os.environ, MIGRATION_LOCK_TIMEOUT, 60.0)
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
        async with engine.connect() as connection, migration_lock(connection, lock_id=lock_id, wait=lock_timeout):
            await connection.run_sync(_migrate_on, options)
            await connection.commit()
    finally:
        await engine.dispose()


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
