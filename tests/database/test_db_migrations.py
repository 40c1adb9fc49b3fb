"""Migrations at startup on a SQLite file and on PostgreSQL: once across instances, bounded waits, verify-only.

Everything here runs inside pytest-asyncio's event loop: the migrations run on the application's engine with no
``asyncio.run``. The Alembic environment is tests/database/alembic_env (its env.py is one call to
``run_migrations_env()``); its first migration logs one row per run in ``migration_log``, so that "migrated
exactly once" is a row count.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from dioxide import Container, Profile, adapter
from dioxide.sqlalchemy import DatabaseConfigError, DatabasePort, DatabaseSettings, SQLAlchemyDatabase
from dioxide.sqlalchemy.migrations import (
    AlembicMigrations,
    MigrationError,
    MigrationLockTimeoutError,
    SchemaNotAtHeadError,
    migration_lock_id,
)
from dioxide.sqlalchemy.testing import temporary_database
from tests.postgres import postgres_url_or_skip

HERE = Path(__file__).parent
ENV_DIR = HERE / "alembic_env"
INI = ENV_DIR / "alembic.ini"
WORKER = HERE / "migration_worker.py"
HEAD = ("0002",)
UNREACHABLE = "postgresql+asyncpg://app:pw@127.0.0.1:1/app"


@pytest.fixture(params=["sqlite", "postgres"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[URL]:
    """An empty database: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield make_url(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
        return
    admin = make_url(postgres_url_or_skip()).set(database="postgres")
    async with temporary_database(admin, prefix="dioxide_mig_") as database:
        yield database


def settings(url: URL | str, mode: bool | str = True, **options: Any) -> DatabaseSettings:
    return DatabaseSettings(url, run_migrations=mode, alembic_config=INI, **options)  # type: ignore[arg-type]


async def start(url: URL | str, mode: bool | str = True, **options: Any) -> SQLAlchemyDatabase:
    db = SQLAlchemyDatabase(settings(url, mode, **options))
    await db.initialize()
    return db


async def rows(db: SQLAlchemyDatabase, query: str) -> list[tuple[Any, ...]]:
    async with db.reading() as session:
        return [tuple(row) for row in (await session.execute(text(query))).all()]


async def current_revision(url: URL) -> tuple[str, ...]:
    db = SQLAlchemyDatabase(DatabaseSettings(url))
    await db.initialize()
    try:
        return await AlembicMigrations(INI).current(db.engine)
    finally:
        await db.dispose()


def alembic_cli(url: URL, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The ``alembic`` command line, as an operator runs it: DATABASE_URL names the database."""
    environment = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False), **env}
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(INI), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@asynccontextmanager
async def holding_the_lock(url: URL) -> AsyncIterator[int | None]:
    """Another session holds the migration lock: PostgreSQL's advisory lock, SQLite's write lock."""
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(str(url.database), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield None
        finally:
            connection.rollback()
            connection.close()
        return
    connection = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
    try:
        await connection.fetchval("SELECT pg_advisory_lock($1)", migration_lock_id())
        yield await connection.fetchval("SELECT pg_backend_pid()")
    finally:
        await connection.close()


async def prepare_file(url: URL) -> None:
    """Open and close the database once (a SQLite file is then in WAL mode, as the application leaves it)."""
    db = SQLAlchemyDatabase(DatabaseSettings(url))
    await db.initialize()
    await db.dispose()


class DescribeStartup:
    async def it_upgrades_an_empty_database_when_the_database_starts(self, url: URL) -> None:
        assert asyncio.get_running_loop().is_running()  # no asyncio.run() anywhere below
        db = await start(url)
        try:
            result = db.migration_result
            assert result is not None
            assert (result.before, result.after, result.heads) == ((), HEAD, HEAD)
            assert (result.upgraded, result.locked) == (True, True)
            assert await rows(db, "SELECT revision, pid FROM migration_log ORDER BY id") == [
                ("0001", os.getpid()),
                ("0002", os.getpid()),
            ]
            async with db.transaction() as session:
                await session.execute(text("INSERT INTO items (name, note) VALUES ('a', 'new column')"))
        finally:
            await db.dispose()

    async def it_upgrades_from_the_revision_the_command_line_left(self, url: URL) -> None:
        cli = alembic_cli(url, "upgrade", "0001")
        assert cli.returncode == 0, cli.stderr
        assert await current_revision(url) == ("0001",)
        db = await start(url)
        try:
            assert db.migration_result is not None
            assert (db.migration_result.before, db.migration_result.after) == (("0001",), HEAD)
            assert [row[0] for row in await rows(db, "SELECT revision FROM migration_log ORDER BY id")] == [
                "0001",
                "0002",
            ]
        finally:
            await db.dispose()

    async def it_starts_at_once_at_head_without_taking_the_lock(self, url: URL) -> None:
        await (await start(url)).dispose()
        async with holding_the_lock(url):
            started = time.monotonic()
            db = await start(url, migration_lock_timeout=5)
            elapsed = time.monotonic() - started
        try:
            assert db.migration_result is not None
            assert (db.migration_result.upgraded, db.migration_result.locked) == (False, False)
            assert elapsed < 2
        finally:
            await db.dispose()

    async def it_gives_up_waiting_for_the_lock_with_a_clear_error(self, url: URL) -> None:
        await prepare_file(url)
        async with holding_the_lock(url) as holder:
            started = time.monotonic()
            with pytest.raises(MigrationLockTimeoutError, match="gave up waiting for the migration lock") as caught:
                await start(url, migration_lock_timeout=0.5)
            elapsed = time.monotonic() - started
        assert 0.5 <= elapsed < 4
        assert "MIGRATION_LOCK_TIMEOUT" in str(caught.value)
        if holder is not None:
            assert f"held by backend pid {holder}" in str(caught.value)
            assert caught.value.lock_id == migration_lock_id()
        assert await current_revision(url) == ()  # nothing half-done

    async def it_refuses_to_start_in_verify_mode_when_the_schema_is_behind(self, url: URL) -> None:
        await prepare_file(url)
        with pytest.raises(SchemaNotAtHeadError) as caught:
            await start(url, "verify")
        message = str(caught.value)
        assert "schema is at revision none (an empty database)" in message
        assert "head is '0002'" in message
        assert "RUN_MIGRATIONS=verify" in message
        assert (caught.value.current, caught.value.heads) == ((), HEAD)
        assert await current_revision(url) == ()  # verify never writes

    async def it_starts_in_verify_mode_at_head(self, url: URL) -> None:
        assert alembic_cli(url, "upgrade", "head").returncode == 0
        db = await start(url, "verify")
        try:
            assert db.migration_result is not None
            assert (db.migration_result.mode, db.migration_result.upgraded) == ("verify", False)
        finally:
            await db.dispose()

    async def it_refuses_a_database_migrated_by_a_newer_release(self, url: URL) -> None:
        await (await start(url)).dispose()
        db = SQLAlchemyDatabase(DatabaseSettings(url))
        await db.initialize()
        async with db.transaction() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = '0003'"))
        await db.dispose()
        with pytest.raises(SchemaNotAtHeadError, match=r"'0003', which the migration scripts .* do not contain"):
            await start(url)

    async def it_starts_six_instances_at_once_and_migrates_once(self, url: URL, tmp_path: Path) -> None:
        barrier = tmp_path / "barrier"
        barrier.mkdir()
        environment = {
            **os.environ,
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "RUN_MIGRATIONS": "true",
            "ALEMBIC_CONFIG": str(INI),
            "MIGRATION_LOCK_TIMEOUT": "30",
            "DIOXIDE_TEST_MIGRATION_BARRIER": f"{barrier}:6",
            "DIOXIDE_TEST_MIGRATION_SLEEP": "0.3",
        }
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                str(WORKER),
                str(barrier),
                "6",
                env=environment,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(6)
        ]
        async with asyncio.timeout(60):
            outputs = await asyncio.gather(*(worker.communicate() for worker in workers))
        failures = [
            err.decode()[-2000:] for worker, (_, err) in zip(workers, outputs, strict=True) if worker.returncode
        ]
        assert not failures, failures
        results = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
        migrated = [result["pid"] for result in results if result["upgraded"]]
        assert len(migrated) == 1
        assert any(result["locked"] and not result["upgraded"] for result in results)  # they did queue
        db = await start(url, "verify")
        try:
            assert await rows(db, "SELECT revision, pid FROM migration_log ORDER BY id") == [
                ("0001", migrated[0]),
                ("0002", migrated[0]),
            ]
        finally:
            await db.dispose()


class DescribeConfiguration:
    async def it_checks_the_alembic_file_before_connecting(self, tmp_path: Path) -> None:
        missing = tmp_path / "nope.ini"
        db = SQLAlchemyDatabase(DatabaseSettings(UNREACHABLE, run_migrations=True, alembic_config=missing))
        with pytest.raises(DatabaseConfigError, match=r"ALEMBIC_CONFIG=.*nope\.ini' names no file") as caught:
            await db.initialize()  # an unreachable server would raise DatabaseUnavailableError: no connection made
        assert caught.value.variable == "ALEMBIC_CONFIG"

    async def it_explains_a_missing_default_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        db = SQLAlchemyDatabase(DatabaseSettings(UNREACHABLE, run_migrations="verify"))
        with pytest.raises(DatabaseConfigError, match=r"set ALEMBIC_CONFIG .* or ALEMBIC_SCRIPT_LOCATION"):
            await db.initialize()

    async def it_checks_the_script_location(self, tmp_path: Path) -> None:
        db = SQLAlchemyDatabase(
            DatabaseSettings(UNREACHABLE, run_migrations=True, alembic_script_location=str(tmp_path / "none"))
        )
        with pytest.raises(DatabaseConfigError, match="cannot be used") as caught:
            await db.initialize()
        assert caught.value.variable == "ALEMBIC_SCRIPT_LOCATION"

    async def it_runs_from_a_script_location_alone(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        environment = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
            "RUN_MIGRATIONS": "true",
            "ALEMBIC_SCRIPT_LOCATION": str(ENV_DIR / "migrations"),
        }
        db = SQLAlchemyDatabase(DatabaseSettings.from_env(environment))
        await db.initialize()
        try:
            assert db.migration_result is not None
            assert db.migration_result.after == HEAD
        finally:
            await db.dispose()

    def it_reads_the_migration_variables(self) -> None:
        settings = DatabaseSettings.from_env(
            {
                "RUN_MIGRATIONS": "Verify",
                "ALEMBIC_CONFIG": "deploy/alembic.ini",
                "ALEMBIC_SCRIPT_LOCATION": "myapp:migrations",
                "MIGRATION_LOCK_TIMEOUT": "12.5",
            }
        )
        assert (settings.migration_mode, settings.run_migrations) == ("verify", False)
        assert (settings.alembic_config, settings.alembic_script_location) == ("deploy/alembic.ini", "myapp:migrations")
        assert settings.migration_lock_timeout == 12.5
        assert "migrations='verify'" in repr(settings)
        assert DatabaseSettings.from_env({"RUN_MIGRATIONS": "yes"}).migration_mode == "upgrade"
        assert DatabaseSettings.from_env({}).migration_mode == "off"

    @pytest.mark.parametrize(
        ("variable", "value", "expected"),
        [
            ("RUN_MIGRATIONS", "later", "RUN_MIGRATIONS must be true or false (1/0, yes/no, on/off) or verify"),
            ("MIGRATION_LOCK_TIMEOUT", "soon", "MIGRATION_LOCK_TIMEOUT must be a number of seconds, got 'soon'"),
            ("MIGRATION_LOCK_TIMEOUT", "0", "MIGRATION_LOCK_TIMEOUT must be a positive number of seconds"),
        ],
    )
    def it_names_a_bad_migration_variable(self, variable: str, value: str, expected: str) -> None:
        with pytest.raises(DatabaseConfigError) as caught:
            DatabaseSettings.from_env({variable: value})
        assert expected in str(caught.value)
        assert caught.value.variable == variable

    async def it_leaves_alembic_alone_when_migrations_are_off(self, tmp_path: Path) -> None:
        db = SQLAlchemyDatabase(DatabaseSettings(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"))
        await db.initialize()
        try:
            assert db.migrations() is None
            assert db.migration_result is None
        finally:
            await db.dispose()

    def it_derives_a_stable_lock_id_from_the_version_table(self) -> None:
        # Instances of different releases must agree on the lock: this value may never change.
        assert migration_lock_id() == migration_lock_id("alembic_version", None) == 8279601751747560377
        assert migration_lock_id("other_versions") != migration_lock_id()
        assert migration_lock_id("alembic_version", "tenant") != migration_lock_id()
        assert AlembicMigrations(INI).lock_id == migration_lock_id()


class DescribeEnvironment:
    async def it_explains_an_env_py_that_calls_asyncio_run(self, tmp_path: Path) -> None:
        """Alembic's stock async env.py calls asyncio.run(), which cannot run inside the application's loop."""
        from alembic import command
        from alembic.config import Config

        location = tmp_path / "stock"
        command.init(Config(tmp_path / "alembic.ini"), str(location), template="async")
        for script in (ENV_DIR / "migrations" / "versions").glob("*.py"):
            shutil.copy(script, location / "versions")
        db = SQLAlchemyDatabase(
            DatabaseSettings(
                f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", run_migrations=True, alembic_script_location=str(location)
            )
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the stock env.py's coroutine is never awaited
            with pytest.raises(MigrationError, match=r"calls asyncio.run\(\).*run_migrations_env"):
                await db.initialize()

    async def it_migrates_when_the_production_container_starts(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_registry: None
    ) -> None:
        @adapter.for_(DatabasePort, profile=Profile.PRODUCTION)
        class Database(SQLAlchemyDatabase):
            pass

        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
        monkeypatch.setenv("RUN_MIGRATIONS", "true")
        monkeypatch.setenv("ALEMBIC_CONFIG", str(INI))
        async with Container(profile=Profile.PRODUCTION) as container:
            db = container.resolve(DatabasePort)
            assert isinstance(db, Database)
            assert await rows(db, "SELECT count(*) FROM items") == [(0,)]
