"""Create items, and migration_log, where every migration that runs leaves one row.

DIOXIDE_TEST_MIGRATION_SLEEP (seconds) makes it slow, so that concurrent starts overlap.
"""

import os
import time

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
    time.sleep(float(os.environ.get("DIOXIDE_TEST_MIGRATION_SLEEP", "0")))
    op.bulk_insert(log, [{"revision": revision, "pid": os.getpid()}])


def downgrade() -> None:
    op.drop_table("items")
    op.drop_table("migration_log")
