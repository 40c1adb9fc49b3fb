"""``/health`` for the real database: the primary answers ``SELECT 1``, and how each replica is doing."""

from __future__ import annotations

from dioxide import Profile, adapter
from dioxide.sqlalchemy import (
    DatabasePort,
    DatabaseUnavailableError,
    ReadDatabase,
    ReplicaRouter,
    SQLAlchemyDatabase,
)
from examples.app.ports import Health, HealthCheck, ReplicaHealth, Status


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

    async def check(self) -> Health:
        settings = self.db.settings
        error: str | None = None
        try:
            await self.db.check_ready()
        except DatabaseUnavailableError as unavailable:
            error = str(unavailable)
        replicas = [
            ReplicaHealth(
                url=status.url,
                in_rotation=status.in_rotation,
                reachable=status.reachable,
                lag_seconds=status.lag,
                error=status.error,
            )
            for status in self.reads.replica_status()
        ]
        status: Status = "ok"
        if error is not None:
            status = "unavailable"
        elif not all(replica.in_rotation for replica in replicas):
            status = "degraded"
        result = self.db.migration_result
        return Health(
            status=status,
            backend=self.db.dialect_name,
            database=settings.masked_url,
            error=error,
            migrations=settings.migration_mode,
            schema_revision=None if result is None else list(result.after),
            replicas=replicas,
        )
