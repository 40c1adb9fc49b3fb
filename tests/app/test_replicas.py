"""Recipe 6 through the application, on a real primary with a streaming replica (``scripts/pg-cluster``).

Reads of ``BankQueries`` go to the replica; a request that wrote reads its own write on the primary even
while the replica is behind; when the replica dies, reads fall back to the primary and ``/health`` says
``degraded``. Skipped when the cluster cannot start (no PostgreSQL binaries), unless
DIOXIDE_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy.engine import URL, make_url

from dioxide.sqlalchemy.testing import create_database
from tests.app.support import ROOT, open_account, register, require_or_skip, running_app, sql_environ

T = TypeVar("T")
PG_CLUSTER = ROOT / "scripts" / "pg-cluster"


@dataclass(frozen=True)
class Cluster:
    directory: str
    primary_port: int
    replica_port: int

    def url(self, port: int, database: str = "postgres") -> URL:
        return make_url(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}")

    def stop_replica(self) -> None:
        subprocess.run([str(PG_CLUSTER), "stop", self.directory, "replica1"], check=True, timeout=60)

    async def on_replica(self, statement: str, database: str = "postgres") -> None:
        connection = await asyncpg.connect(host="127.0.0.1", port=self.replica_port, user="postgres", database=database)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def replica_has_database(self, database: str) -> bool:
        try:
            await self.on_replica("SELECT 1", database)
        except asyncpg.InvalidCatalogNameError:
            return False
        return True


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    directory = tempfile.mkdtemp(prefix="bank-pg-")
    try:
        result = subprocess.run(
            [str(PG_CLUSTER), "start", directory, "--replicas", "1"], capture_output=True, text=True, timeout=90
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        result = subprocess.CompletedProcess([], 1, "", str(error))
    try:
        if result.returncode != 0:
            require_or_skip(f"cannot start a PostgreSQL primary with a replica: {result.stderr.strip()[-500:]}")
        values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
        yield Cluster(directory, int(values["PRIMARY_PORT"]), int(values["REPLICA_PORTS"]))
    finally:
        subprocess.run([str(PG_CLUSTER), "destroy", directory], capture_output=True, timeout=60)


async def fresh(request: Coroutine[Any, Any, T]) -> T:
    """Run one request as a server would: in its own task, with a fresh context (no earlier write in it)."""
    return await asyncio.get_running_loop().create_task(request, context=contextvars.Context())


async def eventually(probe: Callable[[], Awaitable[bool]], what: str, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not await probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:g} s: {what}")
        await asyncio.sleep(0.05)


async def account_balance(client: httpx.AsyncClient, account_id: int) -> int | None:
    response = await fresh(client.get(f"/accounts/{account_id}"))
    return int(response.json()["balance"]) if response.status_code == 200 else None


async def test_reads_go_to_the_replica_except_after_a_write_and_fall_back_when_it_dies(cluster: Cluster) -> None:
    primary = await create_database(cluster.url(cluster.primary_port), prefix="bank_r_")
    replica = cluster.url(cluster.replica_port, primary.database or "")
    await eventually(lambda: cluster.replica_has_database(primary.database or ""), "the replica has the database")
    environ = sql_environ(
        primary,
        DATABASE_REPLICA_URLS=replica.render_as_string(hide_password=False),
        DB_REPLICA_MAX_LAG="60",  # a paused replica stays in rotation: the test wants stale reads from it
        DB_REPLICA_CHECK_INTERVAL="0.2",
        DB_REPLICA_CHECK_TIMEOUT="1",
        DB_REPLICA_COOLDOWN="1",
    )
    async with running_app("postgres", environ) as bank:
        client = bank.client
        health = (await fresh(client.get("/health"))).json()
        assert health["status"] == "ok", health
        assert [(r["name"], r["in_rotation"]) for r in health["replicas"]] == [("replica 1", True)]
        assert str(replica.port) not in json.dumps(health)

        user = await fresh(register(client, "ada@example.com"))
        a = (await fresh(open_account(client, user["id"], 1_000)))["id"]
        b = (await fresh(open_account(client, user["id"])))["id"]

        async def replica_has_both() -> bool:
            return await account_balance(client, a) == 1_000 and await account_balance(client, b) == 0

        await eventually(replica_has_both, "the replica shows the new accounts")

        await cluster.on_replica("SELECT pg_wal_replay_pause()")
        response = await fresh(
            client.post("/transfers", json={"source_account_id": a, "target_account_id": b, "amount": 300})
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["source"]["balance"], body["target"]["balance"]) == (700, 300)  # read-your-writes
        assert await account_balance(client, a) == 1_000  # another request reads the paused replica: stale

        await cluster.on_replica("SELECT pg_wal_replay_resume()")

        async def caught_up() -> bool:
            return await account_balance(client, a) == 700

        await eventually(caught_up, "the replica replays the transfer")

        cluster.stop_replica()
        assert await account_balance(client, b) == 300  # a dead replica fails no read: the primary answers

        async def degraded() -> bool:
            health = (await fresh(client.get("/health"))).json()
            return bool(health["status"] == "degraded" and not health["replicas"][0]["reachable"])

        await eventually(degraded, "/health reports the dead replica")
        response = await fresh(client.get("/health"))
        assert response.status_code == 200
        assert response.json()["replicas"][0]["in_rotation"] is False
