"""``ReplicaDatabase``: the engine and sessions of one replica, read-only at the connection."""

from __future__ import annotations

from typing import Any

from dioxide.sqlalchemy.database import SQLAlchemyDatabase


class ReplicaDatabase(SQLAlchemyDatabase):
    """A replica's engine and sessions: read-only by default, no readiness check, never migrations.

    Its sessions are read-only at the connection (``default_transaction_read_only`` for asyncpg and psycopg),
    so a read costs no extra statement; the router decides whether it is healthy.
    """

    def engine_options(self) -> dict[str, Any]:
        options = super().engine_options()
        if self.dialect_name != "postgresql":
            return options
        connect_args = dict(options.get("connect_args", {}))
        driver = self.settings.url.get_driver_name()
        if driver == "asyncpg":
            server_settings = dict(connect_args.get("server_settings", {}))
            server_settings.setdefault("default_transaction_read_only", "on")
            connect_args["server_settings"] = server_settings
        elif driver.startswith("psycopg"):
            connect_args["options"] = f"{connect_args.get('options', '')} -c default_transaction_read_only=on".strip()
        options["connect_args"] = connect_args
        return options

    async def initialize(self) -> None:
        if self._engine is None:
            self._open(self._create_engine())

    def migrations(self) -> None:
        return None
