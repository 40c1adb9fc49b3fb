"""The three backends of the database suite: the fake, SQLite (a file per test), PostgreSQL (a database per run)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import URL

from dioxide.sqlalchemy import DatabaseSettings, FakeDatabase, SQLAlchemyDatabase
from tests.database.app_example.fakes import FakeAccountRepository, FakePostRepository, FakeUserRepository
from tests.database.app_example.orm import Base
from tests.database.app_example.sql import SQLAccountRepository, SQLPostRepository, SQLUserRepository

T = TypeVar("T")
BACKENDS = ["fake", "sqlite", "postgres"]
SQL_BACKENDS = ["sqlite", "postgres"]


def run_in_thread(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on a private event loop in a thread (fixtures may be set up inside a running loop)."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append((True, asyncio.run(_await(make))))
        except BaseException as error:
            outcome.append((False, error))

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


async def _await(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


async def create_schema(url: URL) -> None:
    db = SQLAlchemyDatabase(DatabaseSettings(url))
    await db.initialize()
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
    finally:
        await db.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'app.db'}"


async def open_database(request: pytest.FixtureRequest, name: str, tmp_path: Path, **settings: Any) -> Any:
    """An initialized, empty database of the named backend with the example schema."""
    if name == "fake":
        return FakeDatabase(lock_timeout=5.0)
    if name == "sqlite":
        db = SQLAlchemyDatabase(DatabaseSettings(sqlite_url(tmp_path), **settings))
        await db.initialize()
        async with db.engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        return db
    url: URL = request.getfixturevalue("postgres_url")
    db = SQLAlchemyDatabase(DatabaseSettings(url, **settings))
    await db.initialize()
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    return db


@dataclass
class Backend:
    name: str
    db: Any  # SQLAlchemyDatabase | FakeDatabase: both are DatabasePorts
    users: Any
    accounts: Any
    posts: Any


def repositories(name: str, db: Any) -> Backend:
    if name == "fake":
        return Backend(name, db, FakeUserRepository(db), FakeAccountRepository(db), FakePostRepository(db))
    return Backend(name, db, SQLUserRepository(db), SQLAccountRepository(db), SQLPostRepository(db))
