"""SQLAlchemyDatabase as a lifecycle adapter: engine options per dialect, readiness, dispose, wiring rules."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.pool import AsyncAdaptedQueuePool, StaticPool

import dioxide.sqlalchemy as db_module
from dioxide.adapter import _adapter_registry
from dioxide.lifecycle import _lifecycle_registry
from dioxide.sqlalchemy import DatabaseSettings, FakeDatabase, SQLAlchemyDatabase
from dioxide.sqlalchemy.errors import DatabaseNotInitializedError
from tests.database.backends import sqlite_url

PG = "postgresql+asyncpg://app@127.0.0.1:5432/app"


class DescribeEngineOptions:
    def it_gives_server_databases_a_sized_pool_with_pre_ping(self) -> None:
        db = SQLAlchemyDatabase(
            DatabaseSettings(PG, pool_size=7, max_overflow=2, pool_timeout=3, pool_recycle=900, connect_timeout=4)
        )
        assert db.engine_options() == {
            "echo": False,
            "pool_size": 7,
            "max_overflow": 2,
            "pool_timeout": 3.0,
            "pool_pre_ping": True,
            "pool_recycle": 900,
            "connect_args": {
                "timeout": 4.0,
                "command_timeout": 31.0,
                "server_settings": {"statement_timeout": "30000", "lock_timeout": "5000"},
            },
        }

    def it_gives_sqlite_no_pool_size_and_the_lock_timeout_as_busy_timeout(self) -> None:
        settings = DatabaseSettings("sqlite+aiosqlite:///x.db", pool_size=9, lock_timeout=2.5)
        options = SQLAlchemyDatabase(settings).engine_options()
        assert options == {"echo": False, "connect_args": {"timeout": 2.5}}

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            (
                "postgresql+asyncpg://app@h/app",
                {"command_timeout": 13.0, "server_settings": {"statement_timeout": "12000", "lock_timeout": "1500"}},
            ),
            ("postgresql+psycopg://app@h/app", {"options": "-c statement_timeout=12000 -c lock_timeout=1500"}),
            ("mysql+aiomysql://app@h/app", {"init_command": "SET SESSION innodb_lock_wait_timeout = 2"}),
            (
                "mariadb+aiomysql://app@h/app",
                {"init_command": "SET SESSION innodb_lock_wait_timeout = 2, SESSION max_statement_time = 12"},
            ),
            ("sqlite+aiosqlite:///x.db", {}),
        ],
    )
    def it_bounds_statements_and_lock_waits_per_driver(self, url: str, expected: dict[str, object]) -> None:
        settings = DatabaseSettings.__new__(DatabaseSettings)
        settings.statement_timeout, settings.lock_timeout = 12.0, 1.5
        dialect, _, driver = url.partition("://")[0].partition("+")
        assert db_module.database.timeout_arguments(dialect, driver, settings) == expected

    async def it_builds_the_pools_sqlalchemy_recommends(self, tmp_path: Path, postgres_url: URL) -> None:
        for url, pool in [
            (sqlite_url(tmp_path), AsyncAdaptedQueuePool),
            ("sqlite+aiosqlite:///:memory:", StaticPool),
            (postgres_url, AsyncAdaptedQueuePool),
        ]:
            db = SQLAlchemyDatabase(DatabaseSettings(url, pool_size=3))
            await db.initialize()
            assert isinstance(db.engine.pool, pool)
            if isinstance(url, URL):
                assert db.engine.pool.size() == 3
            await db.dispose()

    async def it_enforces_foreign_keys_and_uses_wal_on_sqlite_files(self, tmp_path: Path) -> None:
        db = SQLAlchemyDatabase(DatabaseSettings(sqlite_url(tmp_path)))
        await db.initialize()
        async with db.transaction() as session:
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
            assert (await session.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        await db.dispose()


class DescribeLifecycle:
    def it_reads_the_environment_unless_given_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", PG)
        monkeypatch.setenv("DB_POOL_SIZE", "11")
        assert SQLAlchemyDatabase().settings.pool_size == 11
        assert SQLAlchemyDatabase(DatabaseSettings("sqlite+aiosqlite:///a.db")).settings.is_sqlite

    def it_validates_the_environment_when_constructed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", PG)
        monkeypatch.setenv("DB_POOL_SIZE", "lots")
        with pytest.raises(db_module.DatabaseConfigError, match="DB_POOL_SIZE must be a whole number"):
            SQLAlchemyDatabase()

    async def it_initializes_checks_and_disposes(self, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="dioxide.sqlalchemy")
        db = SQLAlchemyDatabase(DatabaseSettings(sqlite_url(tmp_path)))
        assert "not initialized" in repr(db)
        with pytest.raises(DatabaseNotInitializedError, match="start the container"):
            db.engine
        with pytest.raises(DatabaseNotInitializedError, match="is not initialized"):
            async with db.transaction():
                pass
        await db.initialize()
        await db.initialize()  # idempotent
        assert "ready" in repr(db)
        await db.check_ready()
        assert caplog.messages.count(f"database ready: {sqlite_url(tmp_path)}") == 1
        await db.dispose()
        await db.dispose()  # idempotent
        assert "disposed" in repr(db)
        assert "database connections closed" in caplog.text
        with pytest.raises(DatabaseNotInitializedError, match="was disposed"):
            async with db.transaction():
                pass

    async def it_closes_every_connection_on_dispose(self, postgres_url: URL) -> None:
        db = SQLAlchemyDatabase(DatabaseSettings(postgres_url, pool_size=4))
        watcher = SQLAlchemyDatabase(DatabaseSettings(postgres_url.set(database="postgres")))
        await db.initialize()
        await watcher.initialize()
        count = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()")

        async def connections() -> int:
            async with watcher.transaction() as session:
                return int((await session.execute(count, {"name": postgres_url.database})).scalar_one())

        sessions = [await db.get_session() for _ in range(3)]
        for session in sessions:
            await session.execute(text("SELECT 1"))
        assert await connections() >= 3
        for session in sessions:
            await session.close()
        await db.dispose()
        assert await connections() == 0
        await watcher.dispose()

    async def it_disposes_the_engine_when_the_readiness_check_fails(self) -> None:
        db = SQLAlchemyDatabase(DatabaseSettings("postgresql+asyncpg://app@127.0.0.1:1/app", connect_timeout=2))
        with pytest.raises(db_module.DatabaseUnavailableError):
            await db.initialize()
        with pytest.raises(DatabaseNotInitializedError):
            db.engine


class DescribeWiringRules:
    def it_is_a_lifecycle_component_without_any_global_registration(self) -> None:
        assert SQLAlchemyDatabase._dioxide_lifecycle is True
        assert SQLAlchemyDatabase not in _lifecycle_registry
        assert SQLAlchemyDatabase not in _adapter_registry
        assert FakeDatabase not in _adapter_registry

    def it_imports_errors_and_fakes_without_sqlalchemy(self) -> None:
        import subprocess
        import sys

        code = (
            "import sys; import dioxide.sqlalchemy.errors, dioxide.sqlalchemy.fakes, dioxide.sqlalchemy.transactions;"
            "import dioxide.sqlalchemy as d; d.DuplicateError; d.FakeRepository;"
            "print(any(m == 'sqlalchemy' or m.startswith('sqlalchemy.') for m in sys.modules))"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert result.stdout.strip() == "False"

    def it_exports_its_public_names(self) -> None:
        for name in db_module.__all__:
            assert getattr(db_module, name) is not None
        with pytest.raises(AttributeError, match="no attribute 'Nope'"):
            db_module.Nope
