"""Fixtures of the database suite; see backends.py.

PostgreSQL tests skip when the server at 127.0.0.1:5432 is unreachable, unless DIOXIDE_REQUIRE_POSTGRES=1
(``make test``), which makes that an error. The run creates its own database ``dioxide_t_<random>``, truncates
its tables before each test and drops it at the end; it touches no other database.

The replica tests run on their own primary with two streaming replicas (``scripts/pg-cluster``), started once
for the session in a temporary directory and destroyed at the end; the same skip-or-fail rule applies when it
cannot start.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from dioxide.sqlalchemy.testing import create_database, drop_database
from dioxide.testing import isolated_registry
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


PG_CLUSTER_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg-cluster"


@dataclass(frozen=True)
class PgCluster:
    """A running primary and its streaming replicas on 127.0.0.1 (``scripts/pg-cluster``)."""

    directory: str
    primary_port: int
    replica_ports: tuple[int, ...]

    def url(self, port: int, database: str = "postgres") -> URL:
        return make_url(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}")

    def run(self, *arguments: str) -> str:
        result = subprocess.run(
            [str(PG_CLUSTER_SCRIPT), arguments[0], self.directory, *arguments[1:]],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode not in (0, 3):  # 3: status found a stopped node
            raise RuntimeError(f"pg-cluster {' '.join(arguments)} failed: {result.stderr.strip()}")
        return result.stdout

    def stop(self, node: str) -> None:
        self.run("stop", node)

    def start(self) -> None:
        """Start whatever is stopped (idempotent) and wait until every replica streams again."""
        self.run("start")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A primary with two streaming replicas, for the session; skipped (or failed) when it cannot start."""
    directory = tempfile.mkdtemp(prefix="dioxide-pg-")
    try:
        result = subprocess.run(
            [str(PG_CLUSTER_SCRIPT), "start", directory, "--replicas", "2"],
            capture_output=True,
            text=True,
            timeout=90,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        result = subprocess.CompletedProcess([], 1, "", str(error))
    if result.returncode != 0:
        subprocess.run([str(PG_CLUSTER_SCRIPT), "destroy", directory], capture_output=True, timeout=60)
        message = f"cannot start a PostgreSQL primary with streaming replicas: {result.stderr.strip()[-800:]}"
        if os.environ.get("DIOXIDE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{message} (DIOXIDE_REQUIRE_POSTGRES=1 requires it)")
        pytest.skip(message)
    values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    try:
        yield PgCluster(
            directory,
            int(values["PRIMARY_PORT"]),
            tuple(int(port) for port in values["REPLICA_PORTS"].split(",")),
        )
    finally:
        subprocess.run([str(PG_CLUSTER_SCRIPT), "destroy", directory], capture_output=True, timeout=60)


@pytest.fixture
def clean_registry() -> Iterator[None]:
    """Adapters declared by a test are forgotten after it; the previous registrations come back."""
    with isolated_registry():
        yield
