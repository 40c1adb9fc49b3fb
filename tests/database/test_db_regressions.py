"""Regressions found while documenting the library (docs/database/)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from dioxide.sqlalchemy import DatabaseSettings, SQLAlchemyDatabase
from dioxide.sqlalchemy.migrations import AlembicMigrations
from tests.database.app_example.domain import User
from tests.database.app_example.sql import SQLUserRepository
from tests.database.backends import create_schema, sqlite_url


class DescribeMigrationsOverride:
    async def it_does_not_run_an_overridden_migrations_hook_when_migrations_are_off(self, tmp_path: Path) -> None:
        class Database(SQLAlchemyDatabase):
            def migrations(self) -> AlembicMigrations | None:
                return AlembicMigrations(script_location=str(tmp_path / "nowhere"))

        db = Database(DatabaseSettings(sqlite_url(tmp_path), run_migrations=False))
        await db.initialize()  # used to raise: mode must be 'upgrade' or 'verify', got 'off'
        try:
            assert db.migration_result is None
        finally:
            await db.dispose()


class DescribeReadSessionHook:
    async def it_routes_every_read_of_the_repository_through_read_session(self, tmp_path: Path) -> None:
        url = sqlite_url(tmp_path)
        await create_schema(DatabaseSettings(url).url)
        db = SQLAlchemyDatabase(DatabaseSettings(url))
        await db.initialize()
        reads: list[str] = []

        class Users(SQLUserRepository):
            def read_session(self) -> Any:
                @asynccontextmanager
                async def recorded() -> AsyncIterator[Any]:
                    reads.append("read")
                    async with db.reading() as session:
                        yield session

                return recorded()

        try:
            users = Users(db)
            saved = await users.save(User(id=None, email="ada@example.com", name="Ada"))
            assert saved.id is not None
            calls = [
                users.find_by_id(saved.id),
                users.find_by_ids([saved.id]),
                users.find_by(name="Ada"),
                users.find_one_by(email="ada@example.com"),
                users.list_all(),
                users.count(),
                users.list_page(limit=10),
            ]
            for call in calls:
                await call
            assert len(reads) == len(calls)
        finally:
            await db.dispose()


class DescribeSwitchingToWal:
    async def it_waits_for_another_connection_instead_of_failing_with_database_is_locked(self, tmp_path: Path) -> None:
        """Instances opening a new SQLite file at once: SQLite refuses the WAL switch while another holds it."""
        path = tmp_path / "app.db"
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("CREATE TABLE t (x INTEGER)")
        holder.execute("BEGIN IMMEDIATE")  # a writer (another instance migrating): no journal mode change now
        holder.execute("INSERT INTO t VALUES (1)")

        async def release_soon() -> None:
            await asyncio.sleep(0.2)
            holder.execute("COMMIT")

        db = SQLAlchemyDatabase(DatabaseSettings(f"sqlite+aiosqlite:///{path}"))
        release = asyncio.create_task(release_soon())
        try:
            await db.initialize()
            async with db.engine.connect() as connection:
                mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            assert mode == "wal"
        finally:
            await release
            holder.close()
            await db.dispose()
