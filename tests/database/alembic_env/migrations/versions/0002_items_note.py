"""Add items.note."""

import os

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("note", sa.String(200), nullable=True))
    log = sa.table("migration_log", sa.column("revision", sa.String), sa.column("pid", sa.Integer))
    op.bulk_insert(log, [{"revision": revision, "pid": os.getpid()}])


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("note")
