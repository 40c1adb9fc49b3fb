"""Busy, down and timed out: DatabaseUnavailableError and DatabaseTimeoutError, and their HTTP answers."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import URL

from dioxide.sqlalchemy import DatabaseSettings, DatabaseUnavailableError, SQLAlchemyDatabase
from dioxide.sqlalchemy.errors import DatabaseTimeoutError
from dioxide.sqlalchemy.fastapi import add_database_error_handlers
from dioxide.sqlalchemy.retry import is_retryable
from tests.database.backends import sqlite_url


async def started(url: str | URL, **settings: float) -> SQLAlchemyDatabase:
    db = SQLAlchemyDatabase(DatabaseSettings(url, **settings))  # type: ignore[arg-type]
    await db.initialize()
    return db


class DescribeTimeouts:
    async def it_turns_a_sqlite_write_lock_held_elsewhere_into_a_timeout_within_the_lock_timeout(
        self, tmp_path: Path
    ) -> None:
        db = await started(sqlite_url(tmp_path), lock_timeout=0.3)
        holder = sqlite3.connect(tmp_path / "app.db", isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            started_at = time.monotonic()
            with pytest.raises(DatabaseTimeoutError) as caught:
                async with db.transaction() as session:
                    await session.execute(text("SELECT 1"))
            assert time.monotonic() - started_at < 2
            assert str(caught.value).startswith(
                "the database is busy: a statement waited for a lock longer than DB_LOCK_TIMEOUT (SQLite SQLITE_BUSY"
            )
            assert caught.value.busy is True
            assert not is_retryable(caught.value), "retrying at once would wait as long again"
        finally:
            holder.rollback()
            holder.close()
            await db.dispose()

    async def it_turns_a_long_statement_into_a_timeout_on_postgresql(self, postgres_url: URL) -> None:
        db = await started(postgres_url, statement_timeout=0.2)
        try:
            with pytest.raises(DatabaseTimeoutError) as caught:
                async with db.transaction() as session:
                    await session.execute(text("SELECT pg_sleep(5)"))
            assert str(caught.value) == (
                "the database is busy: a statement ran longer than DB_STATEMENT_TIMEOUT (statement canceled, "
                "SQLSTATE 57014); retry later"
            )
            assert caught.value.sqlstate == "57014"
            async with db.transaction() as session:  # the connection survived: the server cancelled cleanly
                assert (await session.execute(text("SELECT 1"))).scalar() == 1
        finally:
            await db.dispose()

    async def it_turns_a_row_lock_held_elsewhere_into_a_timeout_on_postgresql(self, postgres_url: URL) -> None:
        db = await started(postgres_url, lock_timeout=0.2)
        try:
            async with db.transaction() as holder:
                await holder.execute(text("SELECT pg_advisory_xact_lock(4242)"))
                other = asyncio.get_running_loop().create_task(
                    _lock_in_another_transaction(db), context=__import__("contextvars").Context()
                )
                with pytest.raises(DatabaseTimeoutError, match="waited for a lock longer than DB_LOCK_TIMEOUT"):
                    await other
        finally:
            await db.dispose()


async def _lock_in_another_transaction(db: SQLAlchemyDatabase) -> None:
    async with db.transaction() as session:
        await session.execute(text("SELECT pg_advisory_xact_lock(4242)"))


class DescribeUnavailability:
    async def it_says_busy_when_no_pooled_connection_is_free(self, postgres_url: URL) -> None:
        db = await started(postgres_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
        try:
            async with db.engine.connect():
                with pytest.raises(DatabaseUnavailableError) as caught:
                    async with db.transaction() as session:
                        await session.execute(text("SELECT 1"))
                assert caught.value.busy is True
                assert str(caught.value) == (
                    "the database is busy: the 1 connections of the pool are in use and none was free within "
                    "0.2 s (DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT); retry later"
                )
                with pytest.raises(DatabaseUnavailableError) as ready:
                    await db.check_ready()
                assert ready.value.busy is True
        finally:
            await db.dispose()

    def it_says_down_for_a_lost_or_refused_connection_without_the_password(self) -> None:
        db = SQLAlchemyDatabase(DatabaseSettings("postgresql+asyncpg://app:s3cret@127.0.0.1:1/bank"))
        error = db.unavailable_error(ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 1) s3cret"))
        assert error is not None
        assert error.busy is False
        assert str(error) == (
            "the database is down: the postgresql database 'bank' on 127.0.0.1:1 (ConnectionRefusedError: [Errno "
            "111] Connect call failed ('127.0.0.1', 1) ***); retry later"
        )
        hung = db.unavailable_error(TimeoutError())
        assert (
            str(hung)
            == "the database is down: the postgresql database 'bank' on 127.0.0.1:1 did not answer within 31 s; "
            "retry later"
        )
        assert db.unavailable_error(ValueError("bad data")) is None


def _app(error: Exception) -> FastAPI:
    app = FastAPI()

    @app.get("/")
    async def fail() -> None:
        raise error

    add_database_error_handlers(app)
    return app


class DescribeHttpAnswers:
    @pytest.mark.parametrize(
        ("error", "detail", "retry_after"),
        [
            (
                DatabaseUnavailableError("down: db.internal:5432", retry_after=2.5),
                "the database is unavailable; retry later",
                "3",
            ),
            (DatabaseUnavailableError("busy", busy=True), "the database is busy; retry later", "1"),
            (DatabaseTimeoutError("lock timeout", sqlstate="55P03"), "the database is busy; retry later", "1"),
        ],
    )
    async def it_answers_503_with_retry_after_and_no_detail_of_the_database(
        self, error: Exception, detail: str, retry_after: str
    ) -> None:
        transport = httpx.ASGITransport(app=_app(error))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/")
        assert (response.status_code, response.headers["Retry-After"]) == (503, retry_after)
        assert response.json() == {"detail": detail}

    async def it_answers_an_unexpected_error_with_500_and_connection_close(self) -> None:
        transport = httpx.ASGITransport(app=_app(RuntimeError("boom")), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/")
        assert response.status_code == 500
        assert response.headers["Connection"] == "close"
        assert response.json() == {"detail": "internal server error"}
