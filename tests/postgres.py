"""Finding the local PostgreSQL server for tests: skip without it, except in CI where it is required.

``make test`` sets ``DIOXIDE_REQUIRE_POSTGRES=1``: there a missing server fails the test instead of skipping.
"""

from __future__ import annotations

import os
import socket

import pytest

HOST, PORT = "127.0.0.1", 5432
SERVER_URL = f"postgresql+asyncpg://postgres@{HOST}:{PORT}"


def postgres_available() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


def postgres_url_or_skip() -> str:
    """The server URL (no database); skip, or fail when PostgreSQL is required, if it is unreachable."""
    if postgres_available():
        return SERVER_URL
    message = f"PostgreSQL is not reachable on {HOST}:{PORT}"
    if os.environ.get("DIOXIDE_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message}, and DIOXIDE_REQUIRE_POSTGRES=1 requires it (run scripts/ensure-services)")
    pytest.skip(message)


def recreate_database(server_url: str, name: str) -> str:
    """Drop and create database ``name`` (through psql-free asyncpg), returning its SQLAlchemy URL."""
    import asyncio

    import asyncpg

    async def recreate() -> None:
        connection = await asyncpg.connect(host=HOST, port=PORT, user="postgres", database="postgres")
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(recreate())
    return f"{server_url}/{name}"
