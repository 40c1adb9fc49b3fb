"""Fixtures of the application tests: the bank on each backend, and its components kept registered.

The application's components are decorated at module level in ``examples/app`` and registered when the
package is imported (here, at collection). Test directories that empty the registries around their tests do
it with ``dioxide.testing.isolated_registry()``, which puts them back, so the application's classes stay
registered; each test builds its own container with ``scan(package="examples.app", profile=...)``.

PostgreSQL: one database per run (``bank_t_<random>``), created and migrated once, emptied before each
test, dropped at the end; tests skip when the server is unreachable, unless DIOXIDE_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import examples.app
from dioxide import _get_registered_components
from dioxide.sqlalchemy.testing import create_database, drop_database
from tests.app.cluster import Cluster, start_cluster
from tests.app.support import RunningApp, copy_sqlite, migrate, run_in_thread, running_app, sql_environ, sqlite_url
from tests.postgres import postgres_url_or_skip

for _module in pkgutil.walk_packages(examples.app.__path__, prefix="examples.app."):
    importlib.import_module(_module.name)

if not any(cls.__module__.startswith("examples.app.") for cls in _get_registered_components()):
    raise RuntimeError("examples.app registered no service: was it imported inside an isolated registry?")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; tests copy it (their startup then finds it at head)."""
    path = tmp_path_factory.mktemp("bank-template") / "bank.db"
    run_in_thread(lambda: migrate(sqlite_url(path)))
    return path


@pytest.fixture(scope="session")
def postgres_admin_url() -> URL:
    return make_url(postgres_url_or_skip()).set(database="postgres")


@pytest.fixture(scope="session")
def postgres_database(postgres_admin_url: URL) -> Iterator[URL]:
    """This run's PostgreSQL database, migrated to head."""
    url = run_in_thread(lambda: create_database(postgres_admin_url, prefix="bank_t_"))
    try:
        run_in_thread(lambda: migrate(url))
        yield url
    finally:
        run_in_thread(lambda: drop_database(url, postgres_admin_url))


async def empty_postgres(url: URL) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("TRUNCATE accounts, users RESTART IDENTITY CASCADE")
    finally:
        await engine.dispose()


async def environ_for(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str] | None:
    """The environment of an application on ``backend`` (``None`` for the test profile), on empty tables."""
    if backend == "test":
        return None
    if backend == "sqlite":
        return sql_environ(copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path))
    url: URL = request.getfixturevalue("postgres_database")
    await empty_postgres(url)
    return sql_environ(url)


@pytest.fixture(params=["test", "sqlite", "postgres"])
async def bank(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RunningApp]:
    """The running bank, with an HTTP client, on the test profile (fakes), SQLite and PostgreSQL."""
    environ = await environ_for(request.param, request, tmp_path)
    async with running_app(request.param, environ) as running:
        yield running


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A primary with a streaming replica, of its own for one test (``scripts/pg-cluster``)."""
    yield from start_cluster()
