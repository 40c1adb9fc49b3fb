"""One application instance for the concurrent-start test: a container whose database migrates at startup.

Run as ``python migration_worker.py BARRIER_DIR COUNT`` with DATABASE_URL, RUN_MIGRATIONS and ALEMBIC_CONFIG
set. It waits until COUNT workers are ready (files in BARRIER_DIR), so that all start at once, then starts the
container and prints the migration result as JSON.

Each worker also leaves a ``checking-PID`` file when its migrations start: the test migration 0001 waits for
COUNT of them (DIOXIDE_TEST_MIGRATION_BARRIER) before it commits, so that the others read the revision while the
winner still holds the lock, however slowly they start.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from dioxide import Container, Profile, adapter
from dioxide.sqlalchemy import DatabasePort, SQLAlchemyDatabase
from dioxide.sqlalchemy.migrations import AlembicMigrations, MigrationResult
from dioxide.sqlalchemy.settings import MigrationMode

BARRIER = Path(sys.argv[1]) if __name__ == "__main__" else Path()


class AnnouncedMigrations(AlembicMigrations):
    async def run(self, engine: AsyncEngine, mode: MigrationMode = "upgrade") -> MigrationResult:
        (BARRIER / f"checking-{os.getpid()}").touch()
        return await super().run(engine, mode)


@adapter.for_(DatabasePort, profile=Profile.PRODUCTION)
class Database(SQLAlchemyDatabase):
    def migrations(self) -> AlembicMigrations | None:
        return AnnouncedMigrations.from_settings(self.settings)


def wait_for_the_others(barrier: Path, count: int) -> None:
    (barrier / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 30
    while len(list(barrier.glob("ready-*"))) < count:
        if time.monotonic() > deadline:
            raise SystemExit("the other workers did not get ready")
        time.sleep(0.005)


async def main() -> None:
    async with Container(profile=Profile.PRODUCTION) as container:
        db = container.resolve(DatabasePort)
        assert isinstance(db, SQLAlchemyDatabase)
        result = db.migration_result
        assert result is not None
        print(json.dumps({"pid": os.getpid(), "upgraded": result.upgraded, "locked": result.locked}))


if __name__ == "__main__":
    wait_for_the_others(BARRIER, int(sys.argv[2]))
    asyncio.run(main())
