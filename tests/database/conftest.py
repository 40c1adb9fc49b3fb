"""Fixtures of the database suite; see backends.py.

PostgreSQL tests skip when the server at 127.0.0.1:5432 is unreachable, unless DIOXIDE_REQUIRE_POSTGRES=1
(``make test``), which makes that an error. The run creates its own database ``dioxide_t_<random>``, truncates
its tables before each test and drops it at the end; it touches no other database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from dioxide.sqlalchemy.testing import create_database, drop_database
from tests.database.backends import (
    BACKENDS,
    SQL_BACKENDS,
    Backend,
    create_schema,
    open_database,
    repositories,
    run_in_thread,
)
from tests.postgres import postgres_url_or_skip


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[URL]:
    """This run's own PostgreSQL database, with the example schema."""
    admin = make_url(postgres_url_or_skip()).set(database="postgres")
    url = run_in_thread(lambda: create_database(admin))
    try:
        run_in_thread(lambda: create_schema(url))
        yield url
    finally:
        run_in_thread(lambda: drop_database(url, admin))


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    db = await open_database(request, request.param, tmp_path)
    try:
        yield repositories(request.param, db)
    finally:
        await db.dispose()


@pytest.fixture(params=SQL_BACKENDS)
async def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    db = await open_database(request, request.param, tmp_path)
    try:
        yield repositories(request.param, db)
    finally:
        await db.dispose()
