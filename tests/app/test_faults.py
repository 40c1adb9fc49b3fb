"""The bank under faults, on a real primary and streaming replica (``scripts/pg-cluster``), with small timeouts.

A row lock held by another session, the primary stopped and started again, the replica frozen (SIGSTOP: it
accepts connections and never answers), a pool of one connection held elsewhere. In every case the answer is
quick and honest: 503 with ``Retry-After`` while the database cannot serve, never a 500 and never a wait past
the configured timeouts; ``/health/live`` stays 200 throughout. Each test bounds its own time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy.engine import URL

from dioxide.sqlalchemy import DatabasePort, SQLAlchemyDatabase
from dioxide.sqlalchemy.fastapi import BUSY_DETAIL, UNAVAILABLE_DETAIL
from dioxide.sqlalchemy.testing import create_database
from tests.app.cluster import Cluster, eventually, fresh, start_cluster
from tests.app.support import RunningApp, open_account, register, running_app, sql_environ

STATEMENT_TIMEOUT = 2.0
LOCK_TIMEOUT = 1.0
POOL_TIMEOUT = 1.0
SLACK = 1.5  # scheduling and round trips on a loaded two-core machine
FAST = {
    "DB_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
    "DB_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
    "DB_POOL_TIMEOUT": str(POOL_TIMEOUT),
    "DB_CONNECT_TIMEOUT": "1",
    "DB_REPLICA_CHECK_INTERVAL": "0.2",
    "DB_REPLICA_CHECK_TIMEOUT": "1",
    "DB_REPLICA_COOLDOWN": "2",
    "DB_REPLICA_MAX_LAG": "60",
}


@pytest.fixture(scope="module")
def faulty() -> Iterator[Cluster]:
    """One cluster for the module; every test leaves it running and thawed."""
    yield from start_cluster()


@asynccontextmanager
async def bank_on(cluster: Cluster, *, replica: bool = False, **extra: str) -> AsyncIterator[tuple[RunningApp, URL]]:
    """The bank on a new database of the cluster's primary (and its replica), with the small timeouts."""
    url = await create_database(cluster.url(cluster.primary_port), prefix="bank_f_")
    environ = sql_environ(url, **FAST, **extra)
    if replica:
        database = url.database or ""
        await eventually(lambda: cluster.replica_has_database(database), "the replica has the database")
        environ["DATABASE_REPLICA_URLS"] = cluster.url(cluster.replica_port, database).render_as_string(False)
    async with running_app("postgres", environ) as bank:
        yield bank, url


async def timed(request: Coroutine[Any, Any, httpx.Response]) -> tuple[httpx.Response, float]:
    """The response to one request, run as a server would (fresh context), and how long it took."""
    started = time.monotonic()
    response = await fresh(request)
    return response, time.monotonic() - started


async def assert_live(bank: RunningApp) -> None:
    response = await fresh(bank.client.get("/health/live"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def assert_busy_or_down(response: httpx.Response, detail: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "1"
    assert response.json() == {"detail": detail}


async def test_a_transfer_behind_a_held_row_lock_answers_503_within_the_lock_timeout(faulty: Cluster) -> None:
    async with bank_on(faulty) as (bank, url):
        user = await register(bank.client, "ada@example.com")
        a = (await open_account(bank.client, user["id"], 1_000))["id"]
        b = (await open_account(bank.client, user["id"]))["id"]
        transfer = {"source_account_id": a, "target_account_id": b, "amount": 300}
        holder = await asyncpg.connect(
            host="127.0.0.1", port=faulty.primary_port, user="postgres", database=url.database
        )
        try:
            lock = holder.transaction()
            await lock.start()
            await holder.execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", a)
            response, elapsed = await timed(bank.client.post("/transfers", json=transfer))
            assert_busy_or_down(response, BUSY_DETAIL)
            assert elapsed < LOCK_TIMEOUT + SLACK, f"answered after {elapsed:.2f} s"
            await assert_live(bank)
            await lock.rollback()
        finally:
            await holder.close()
        response = await fresh(bank.client.post("/transfers", json=transfer))
        assert response.status_code == 200, response.text
        assert (response.json()["source"]["balance"], response.json()["target"]["balance"]) == (700, 300)


async def test_while_the_primary_is_down_writes_answer_503_and_nothing_acknowledged_is_lost(faulty: Cluster) -> None:
    async with bank_on(faulty) as (bank, _url):
        acknowledged: list[str] = []
        codes: list[int] = []

        async def write() -> int:
            email = f"user{len(codes)}@example.com"
            response, elapsed = await timed(bank.client.post("/users", json={"email": email, "name": "Someone"}))
            assert elapsed < STATEMENT_TIMEOUT + SLACK, f"a write took {elapsed:.2f} s"
            codes.append(response.status_code)
            if response.status_code == 201:
                acknowledged.append(email)
            else:
                assert_busy_or_down(response, UNAVAILABLE_DETAIL)
            return response.status_code

        for _ in range(5):
            assert await write() == 201
        await asyncio.to_thread(faulty.stop, "primary")
        try:
            for _ in range(5):
                assert await write() == 503
            await assert_live(bank)
            ready = await fresh(bank.client.get("/health/ready"))
            assert (ready.status_code, ready.json()["primary"]) == (503, "down")
        finally:
            await asyncio.to_thread(faulty.start)
        back = time.monotonic()
        while await write() != 201:
            assert time.monotonic() - back < 10, "writes did not come back within 10 s of the primary's return"
            await asyncio.sleep(0.1)
        assert set(codes) == {201, 503}
        page = (await fresh(bank.client.get("/users", params={"limit": 100}))).json()
        stored = {user["email"] for user in page["users"]}
        assert set(acknowledged) <= stored, set(acknowledged) - stored
        await assert_live(bank)


async def test_a_frozen_replica_costs_one_read_timeout_then_reads_go_to_the_primary(faulty: Cluster) -> None:
    async with bank_on(faulty, replica=True) as (bank, _url):
        user = await register(bank.client, "ada@example.com")
        account = (await open_account(bank.client, user["id"], 1_000))["id"]

        async def replica_serves() -> bool:
            health = (await fresh(bank.client.get("/health/ready"))).json()
            response = await fresh(bank.client.get(f"/accounts/{account}"))
            return bool(health["status"] == "ok" and response.status_code == 200)

        await eventually(replica_serves, "the replica is in rotation and has the account")
        await asyncio.to_thread(faulty.freeze, "replica1")
        try:
            response, elapsed = await timed(bank.client.get(f"/accounts/{account}"))
            assert response.status_code == 200, response.text
            assert response.json()["balance"] == 1_000
            assert elapsed < STATEMENT_TIMEOUT + 1 + SLACK, f"the first read took {elapsed:.2f} s"
            for _ in range(5):
                response, elapsed = await timed(bank.client.get(f"/accounts/{account}"))
                assert response.status_code == 200
                assert elapsed < 0.5, f"a read after the replica was taken out took {elapsed:.2f} s"
            await assert_live(bank)
            ready = (await fresh(bank.client.get("/health/ready"))).json()
            assert (ready["status"], ready["replicas"][0]["in_rotation"]) == ("degraded", False)
        finally:
            await asyncio.to_thread(faulty.thaw, "replica1")


async def test_with_the_only_pooled_connection_held_requests_answer_503_busy_and_ready_says_degraded(
    faulty: Cluster,
) -> None:
    async with bank_on(faulty, DB_POOL_SIZE="1", DB_MAX_OVERFLOW="0") as (bank, _url):
        db = bank.container.resolve(DatabasePort)
        assert isinstance(db, SQLAlchemyDatabase)
        async with db.engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            response, elapsed = await timed(bank.client.post("/users", json={"email": "a@example.com", "name": "A"}))
            assert_busy_or_down(response, BUSY_DETAIL)
            assert elapsed < POOL_TIMEOUT + SLACK
            ready, elapsed = await timed(bank.client.get("/health/ready"))
            assert elapsed < 0.5, "a busy pool is reported at once, without waiting for a connection"
            assert (ready.status_code, ready.json()["status"], ready.json()["primary"]) == (200, "degraded", "busy")
            await assert_live(bank)
        response = await fresh(bank.client.post("/users", json={"email": "a@example.com", "name": "A"}))
        assert response.status_code == 201, response.text
