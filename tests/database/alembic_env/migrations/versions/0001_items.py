"""Create items, and migration_log, where every migration that runs leaves one row.

DIOXIDE_TEST_MIGRATION_SLEEP (seconds) makes it slow, so that concurrent starts overlap. With
DIOXIDE_TEST_MIGRATION_BARRIER=DIR:COUNT it first waits (20 s at most) until COUNT ``checking-*`` files are in DIR,
i.e. until every concurrently started instance has begun its own migration check.
"""

import os
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    log = op.create_table(
        "migration_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("revision", sa.String(32), nullable=False, unique=True),
        sa.Column("pid", sa.Integer, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
    )
    _wait_for_the_other_instances(os.environ.get("DIOXIDE_TEST_MIGRATION_BARRIER", ""))
    time.sleep(float(os.environ.get("DIOXIDE_TEST_MIGRATION_SLEEP", "0")))
    op.bulk_insert(log, [{"revision": revision, "pid": os.getpid()}])


def downgrade() -> None:
    op.drop_table("items")
    op.drop_table("migration_log")


def _wait_for_the_other_instances(barrier: str) -> None:
    if not barrier:
        return
    folder, count = barrier.rsplit(":", 1)
    deadline = time.monotonic() + 20
    while len(list(Path(folder).glob("checking-*"))) < int(count) and time.monotonic() < deadline:
        time.sleep(0.01)
