"""Readiness for the real database: the primary answers, the schema is at head, how each replica is doing.

The body says only states (``ok``, ``busy``, ``down``...): where the database is and what the driver said go to
the log, never to an unauthenticated endpoint. A busy primary (every pooled connection in use) is ``degraded``,
not ``unavailable``: the instance is serving, and taking it out of a load balancer would only move its load.
"""

from __future__ import annotations

import asyncio
import logging

from dioxide import Profile, adapter
from dioxide.sqlalchemy import DatabasePort, DatabaseUnavailableError, ReadDatabase, ReplicaRouter, SQLAlchemyDatabase
from dioxide.sqlalchemy.migrations import AlembicMigrations
from examples.app.ports import Health, HealthCheck, PrimaryState, ReplicaHealth, SchemaState, Status

logger = logging.getLogger("examples.app.health")


@adapter.for_(HealthCheck, profile=[Profile.PRODUCTION, Profile.DEVELOPMENT])
class DatabaseHealthCheck:
    def __init__(self, db: DatabasePort, reads: ReadDatabase) -> None:
        if not isinstance(db, SQLAlchemyDatabase) or not isinstance(reads, ReplicaRouter):
            raise TypeError(
                f"{type(self).__name__} needs the SQLAlchemy database and replica router, got "
                f"{type(db).__name__} and {type(reads).__name__}"
            )
        self.db = db
        self.reads = reads
        self._migrations = AlembicMigrations.from_settings(db.settings)
        self._heads: tuple[str, ...] | None = None

    async def check(self) -> Health:
        primary: PrimaryState = "ok"
        try:
            await self.db.check_ready()
        except DatabaseUnavailableError as unavailable:
            primary = "busy" if unavailable.busy else "down"
            logger.warning("readiness: %s", unavailable)
        schema, revision = await self._schema() if primary == "ok" else ("unknown", None)
        replicas = [
            ReplicaHealth(
                name=f"replica {number}",
                in_rotation=replica.in_rotation,
                reachable=replica.reachable,
                lag_seconds=replica.lag,
            )
            for number, replica in enumerate(self.reads.replica_status(), 1)
        ]
        status: Status = "ok"
        if primary == "down" or schema == "behind":
            status = "unavailable"
        elif primary == "busy" or schema == "unknown" or not all(replica.in_rotation for replica in replicas):
            status = "degraded"
        return Health(
            status=status,
            primary=primary,
            schema_state=schema,
            schema_revision=revision,
            migrations=self.db.settings.migration_mode,
            replicas=replicas,
        )

    async def _schema(self) -> tuple[SchemaState, list[str] | None]:
        """Whether the database is at the head of the migrations (the scripts are read once)."""
        try:
            if self._heads is None:
                self._heads = await asyncio.to_thread(self._migrations.heads)
            async with asyncio.timeout(self.db.settings.connect_timeout):
                current = await self._migrations.current(self.db.engine)
        except Exception as error:
            logger.warning("readiness: cannot read the schema revision: %r", error)
            return "unknown", None
        return ("at head" if set(current) == set(self._heads) else "behind"), list(current)
