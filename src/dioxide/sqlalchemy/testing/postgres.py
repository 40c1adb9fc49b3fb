"""Throw-away PostgreSQL databases for test runs: created under a random name, dropped at the end.

Only the database created here is ever dropped (``DROP DATABASE ... WITH (FORCE)`` ends the sessions still
connected to it, which a failed test may leave behind). Names outside ``[A-Za-z0-9_]`` are refused: the
statements are built from them, and ``drop_database('.../victim"--x')`` must not drop ``victim``.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import asyncio
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

DEFAULT_ADMIN_URL: Final = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
_IDENTIFIER: Final = re.compile(r"[A-Za-z0-9_]+")
_MAX_IDENTIFIER: Final = 63  # PostgreSQL truncates longer names: the dropped database would not be the one named


async def postgres_reachable(admin_url: str | URL = DEFAULT_ADMIN_URL, *, within: float = 3.0) -> bool:
    """Whether a PostgreSQL server answers ``SELECT 1`` at ``admin_url`` within ``within`` seconds."""
    engine = create_async_engine(admin_url, poolclass=NullPool)
    try:
        async with asyncio.timeout(within), engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


async def create_database(admin_url: str | URL = DEFAULT_ADMIN_URL, *, prefix: str = "dioxide_t_") -> URL:
    """Create a database named ``prefix`` + random hex; returns its URL (same server and user)."""
    name = _safe_name(f"{prefix}{secrets.token_hex(6)}", "prefix")
    await _run_autocommit(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name)


async def drop_database(url: str | URL, admin_url: str | URL = DEFAULT_ADMIN_URL) -> None:
    """Drop the database of ``url`` (made by ``create_database``), disconnecting its remaining sessions."""
    name = make_url(url).database
    if not name:
        raise ValueError("the URL names no database to drop")
    await _run_autocommit(admin_url, f'DROP DATABASE IF EXISTS "{_safe_name(name, "database name")}" WITH (FORCE)')


def _safe_name(name: str, what: str) -> str:
    """``name`` if it is a plain identifier; the SQL above is built from it, so anything else is refused."""
    if not _IDENTIFIER.fullmatch(name) or len(name) > _MAX_IDENTIFIER:
        raise ValueError(
            f"refusing the {what} {name!r}: test databases are named with letters, digits and '_' only, at most "
            f"{_MAX_IDENTIFIER} characters"
        )
    return name


@asynccontextmanager
async def temporary_database(
    admin_url: str | URL = DEFAULT_ADMIN_URL, *, prefix: str = "dioxide_t_"
) -> AsyncIterator[URL]:
    """``async with temporary_database() as url:`` a fresh database, dropped when the block ends."""
    url = await create_database(admin_url, prefix=prefix)
    try:
        yield url
    finally:
        await drop_database(url, admin_url)


async def _run_autocommit(admin_url: str | URL, statement: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


__all__ = ["DEFAULT_ADMIN_URL", "create_database", "drop_database", "postgres_reachable", "temporary_database"]
