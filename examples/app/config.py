"""Configuration from the environment, read once and injected (the seed's ``DatabaseConfig``, recipe 1).

The application adds two defaults to the library's variables (see ``dioxide.sqlalchemy.settings``):

* ``DATABASE_URL``: a SQLite file, ``var/app.db`` at the root of the repository (git-ignored), so that the
  application runs on a fresh machine with no server; in development and test only: the production profile
  refuses to start without ``DATABASE_URL`` (``ProductionDatabase``), rather than serve an empty local file;
* ``ALEMBIC_CONFIG``: this package's ``alembic.ini``, whatever the working directory.

Everything is validated when the container builds ``AppConfig`` (at startup): a bad value stops the
application with a ``DatabaseConfigError`` naming the variable. Passwords are never shown: the settings keep
URLs as SQLAlchemy ``URL`` objects, which mask them, and ``repr()`` shows the masked form.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from dioxide import service
from dioxide.sqlalchemy import DatabaseSettings
from dioxide.sqlalchemy.replicas import ReplicaPolicy

APP_DIR: Final = Path(__file__).resolve().parent
REPOSITORY_ROOT: Final = APP_DIR.parents[1]
DEFAULT_DATABASE_FILE: Final = REPOSITORY_ROOT / "var" / "app.db"
DEFAULT_DATABASE_URL: Final = f"sqlite+aiosqlite:///{DEFAULT_DATABASE_FILE}"
ALEMBIC_INI: Final = APP_DIR / "alembic.ini"


@service
class AppConfig:
    """The database settings (primary, replicas, pool, migrations) and the replica policy.

    The container builds it from ``os.environ``; tests register their own instance
    (``container.register_instance(AppConfig, AppConfig({...}))``), which takes precedence over the scan.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ if environ is None else environ)
        self._given = dict(env)
        if not env.get("DATABASE_URL", "").strip() and not env.get("DATABASE_PRIMARY_URL", "").strip():
            env["DATABASE_URL"] = DEFAULT_DATABASE_URL
        if not env.get("ALEMBIC_CONFIG", "").strip():
            env["ALEMBIC_CONFIG"] = str(ALEMBIC_INI)
        self.database = DatabaseSettings.from_env(env)
        self.replica_policy = ReplicaPolicy.from_env(env)

    def require_database_url(self) -> None:
        """Raise ``DatabaseConfigError`` unless the environment names the database (what production needs)."""
        DatabaseSettings.from_env(self._given, require_url=True)

    def __repr__(self) -> str:
        return f"AppConfig(database={self.database!r}, replica_policy={self.replica_policy!r})"
