"""The whole env.py: dioxide runs it on the application's connection at startup, the ``alembic`` command on
its own engine (``DATABASE_URL``), both under the same migration lock."""

from dioxide.sqlalchemy.migrations import run_migrations_env
from examples.app.orm import Base

run_migrations_env(Base.metadata, compare_type=True)
