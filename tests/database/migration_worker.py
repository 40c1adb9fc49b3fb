"""One application instance for the concurrent-start test: a container whose database migrates at startup.

Run as ``python migration_worker.py BARRIER_DIR COUNT`` with DATABASE_URL, RUN_MIGRATIONS and ALEMBIC_CONFIG
set. It waits until COUNT workers are ready (files in BARRIER_DIR), so that all start at once, then starts the
container and prints the migration result as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

from dioxide import Container, Profile, adapter
from dioxide.sqlalchemy import DatabasePort, SQLAlchemyDatabase


@adapter.for_(DatabasePort, profile=Profile.PRODUCTION)
class Database(SQLAlchemyDatabase):
    pass


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
    wait_for_the_others(Path(sys.argv[1]), int(sys.argv[2]))
    asyncio.run(main())
