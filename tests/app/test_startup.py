"""Recipes 1 and 5: configuration from the environment, the database at startup, migrations at startup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from dioxide.sqlalchemy import DatabasePort, FakeDatabase, MirrorReadDatabase
from examples.app.config import ALEMBIC_INI, AppConfig
from examples.app.database import Database
from examples.app.health import DatabaseHealthCheck
from examples.app.orm import Base
from tests.app.support import ROOT, StartupFailedError, copy_sqlite, register, running_app, sql_environ, sqlite_url

SECRET = "s3cret-pw"


class DescribeAppConfig:
    def it_defaults_to_a_sqlite_file_under_var_and_the_apps_migrations(self) -> None:
        config = AppConfig({})
        assert config.database.is_sqlite
        assert config.database.url.database == str(ROOT / "var" / "app.db")
        assert config.database.alembic_config == str(ALEMBIC_INI)
        assert config.database.migration_mode == "off"
        assert config.database.replica_urls == ()

    def it_reads_the_environment(self) -> None:
        config = AppConfig(
            {
                "DATABASE_PRIMARY_URL": f"postgresql+asyncpg://bank:{SECRET}@db.internal:5432/bank",
                "DATABASE_REPLICA_URLS": f"postgresql+asyncpg://bank:{SECRET}@replica1:5432/bank",
                "RUN_MIGRATIONS": "verify",
                "DB_POOL_SIZE": "7",
                "DB_REPLICA_MAX_LAG": "2.5",
            }
        )
        assert config.database.url.host == "db.internal"
        assert [url.host for url in config.database.replica_urls] == ["replica1"]
        assert config.database.migration_mode == "verify"
        assert config.database.pool_size == 7
        assert config.replica_policy.max_lag == 2.5

    def it_never_shows_the_password(self) -> None:
        config = AppConfig({"DATABASE_URL": f"postgresql+asyncpg://bank:{SECRET}@127.0.0.1:5432/bank"})
        assert SECRET not in repr(config)
        assert "bank:***@127.0.0.1:5432/bank" in repr(config)


class DescribeStartupOnSqlite:
    async def it_creates_the_folder_and_migrates_an_empty_database(self, tmp_path: Path) -> None:
        path = tmp_path / "nested" / "var" / "bank.db"
        async with running_app("sqlite", sql_environ(sqlite_url(path))) as bank:
            db = bank.container.resolve(DatabasePort)
            assert isinstance(db, Database)
            assert db.migration_result is not None
            assert db.migration_result.upgraded
            assert db.migration_result.before == ()
            health = (await bank.client.get("/health")).json()
            assert (health["migrations"], health["schema_revision"]) == ("upgrade", ["0001"])
            await register(bank.client, "ada@example.com")
        assert path.is_file()
        async with running_app("sqlite", sql_environ(sqlite_url(path))) as bank:
            db = bank.container.resolve(DatabasePort)
            assert isinstance(db, Database)
            assert db.migration_result is not None
            assert not db.migration_result.upgraded  # at head: nothing to do, no lock taken
            assert not db.migration_result.locked
            users = (await bank.client.get("/users")).json()["users"]
            assert [user["email"] for user in users] == ["ada@example.com"]

    async def it_refuses_to_start_on_an_old_schema_in_verify_mode(self, tmp_path: Path) -> None:
        url = sqlite_url(tmp_path / "bank.db")
        with pytest.raises(StartupFailedError, match="RUN_MIGRATIONS=verify refuses to start on an old schema"):
            async with running_app("sqlite", sql_environ(url, RUN_MIGRATIONS="verify")):
                pass
        async with running_app("sqlite", sql_environ(url)):
            pass  # migrates
        async with running_app("sqlite", sql_environ(url, RUN_MIGRATIONS="verify")) as bank:
            health = (await bank.client.get("/health")).json()
            assert (health["migrations"], health["schema_revision"]) == ("verify", ["0001"])

    async def it_leaves_the_schema_alone_when_migrations_are_off(self, sqlite_template: Path, tmp_path: Path) -> None:
        environ = {"DATABASE_URL": copy_sqlite(sqlite_template, tmp_path)}  # no RUN_MIGRATIONS
        async with running_app("sqlite", environ) as bank:
            health = (await bank.client.get("/health")).json()
            assert (health["status"], health["migrations"], health["schema_revision"]) == ("ok", "off", ["0001"])


async def test_an_unreachable_database_stops_the_startup_without_showing_the_password() -> None:
    environ = {
        "DATABASE_URL": f"postgresql+asyncpg://bank:{SECRET}@127.0.0.1:1/bank",
        "DB_CONNECT_TIMEOUT": "2",
    }
    with pytest.raises(
        StartupFailedError, match=re.escape("cannot reach the postgresql database 'bank' on 127.0.0.1:1")
    ) as caught:
        async with running_app("postgres", environ):
            pass
    assert SECRET not in str(caught.value)


async def test_a_bad_setting_stops_the_startup_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Here the container builds ``AppConfig`` from ``os.environ``, as in production."""
    monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://bank:{SECRET}@127.0.0.1:1/bank")
    monkeypatch.setenv("DB_POOL_SIZE", "many")
    with pytest.raises(StartupFailedError, match="DB_POOL_SIZE must be a whole number, got 'many'") as caught:
        async with running_app("postgres"):
            pass
    assert SECRET not in str(caught.value)


def schema_differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata))


async def test_the_migrations_create_the_schema_the_orm_maps_on_sqlite(sqlite_template: Path) -> None:
    db = Database(AppConfig({"DATABASE_URL": sqlite_url(sqlite_template)}))
    await db.initialize()
    try:
        async with db.engine.connect() as connection:
            assert await connection.run_sync(schema_differences) == []
    finally:
        await db.dispose()


def test_the_sql_health_check_refuses_the_in_memory_database() -> None:
    db = FakeDatabase()
    with pytest.raises(TypeError) as caught:
        DatabaseHealthCheck(db, MirrorReadDatabase(db))
    assert str(caught.value) == (
        "DatabaseHealthCheck needs the SQLAlchemy database and replica router, got FakeDatabase and MirrorReadDatabase"
    )


async def test_production_refuses_to_start_without_a_database_url() -> None:
    with pytest.raises(StartupFailedError, match="DATABASE_URL is not set, and this profile does not fall back"):
        async with running_app("postgres", {"RUN_MIGRATIONS": "true"}):
            pass
