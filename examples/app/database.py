"""The database adapters: recipe 1 (engine lifecycle), 5 (migrations at startup) and 6 (read replicas).

Production and development get the real database; the test profile gets the in-memory twins, which behave
the same way (transactions, constraints, read-only reads), so services and routes run unchanged on both.

* ``Database`` is the seed's ``SQLAlchemyAdapter``: the container calls ``initialize()`` at startup (engine
  and pool, a ``SELECT 1`` readiness check that names host and database but never the password, then
  ``RUN_MIGRATIONS``: ``true`` upgrades to head under a cross-instance lock, ``verify`` refuses to start on an
  old schema) and ``dispose()`` at shutdown.
* ``Reads`` is the read port: reads go to a healthy, caught-up replica of ``DATABASE_REPLICA_URLS``, to the
  primary after a write in the same request (read-your-writes), and to the primary when there is no replica,
  as with the SQLite default.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from dioxide import Profile, adapter
from dioxide.sqlalchemy import (
    DatabasePort,
    DatabaseSettings,
    FakeDatabase,
    MirrorReadDatabase,
    ReadDatabase,
    ReplicaRouter,
    SQLAlchemyDatabase,
)
from dioxide.sqlalchemy.sqlite import is_file_database
from examples.app.config import AppConfig

SQL_PROFILES = [Profile.PRODUCTION, Profile.DEVELOPMENT]


@adapter.for_(DatabasePort, profile=Profile.DEVELOPMENT)
class Database(SQLAlchemyDatabase):
    """The primary (``DatabasePort``, which is also the seed's ``WriteDatabase``)."""

    def __init__(self, config: AppConfig) -> None:
        super().__init__(config.database)

    async def initialize(self) -> None:
        await asyncio.to_thread(_create_sqlite_directory, self.settings)
        await super().initialize()


@adapter.for_(DatabasePort, profile=Profile.PRODUCTION)
class ProductionDatabase(Database):
    """The primary in production: the same, but ``DATABASE_URL`` must be set (no silent local SQLite file)."""

    def __init__(self, config: AppConfig) -> None:
        config.require_database_url()
        super().__init__(config)


@adapter.for_(ReadDatabase, profile=SQL_PROFILES)
class Reads(ReplicaRouter):
    """Routed reads over the primary and ``DATABASE_REPLICA_URLS`` (health-checked by a background task)."""

    def __init__(self, primary: DatabasePort, config: AppConfig) -> None:
        super().__init__(primary, config.replica_policy)


@adapter.for_(DatabasePort, profile=Profile.TEST)
class InMemoryDatabase(FakeDatabase):
    """The test profile's database: transactions with the same semantics, no SQL."""


@adapter.for_(ReadDatabase, profile=Profile.TEST)
class InMemoryReads(MirrorReadDatabase):
    """The test profile's read port: read-only transactions of the in-memory database."""


def _create_sqlite_directory(settings: DatabaseSettings) -> None:
    """SQLite creates the file but not its folder (``var/`` on a fresh checkout)."""
    url = settings.url
    if settings.is_sqlite and is_file_database(url) and url.database and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
