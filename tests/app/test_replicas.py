"""Recipe 6 through the application, on a real primary with a streaming replica (``scripts/pg-cluster``).

Reads of ``BankQueries`` go to the replica; a request that wrote reads its own write on the primary even
while the replica is behind; when the replica dies, reads fall back to the primary and ``/health`` says
``degraded``. Skipped when the cluster cannot start (no PostgreSQL binaries), unless
DIOXIDE_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import json

import httpx

from dioxide.sqlalchemy.testing import create_database
from tests.app.cluster import Cluster, eventually, fresh
from tests.app.support import open_account, register, running_app, sql_environ


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

        cluster.stop("replica1")
        assert await account_balance(client, b) == 300  # a dead replica fails no read: the primary answers

        async def degraded() -> bool:
            health = (await fresh(client.get("/health"))).json()
            return bool(health["status"] == "degraded" and not health["replicas"][0]["reachable"])

        await eventually(degraded, "/health reports the dead replica")
        response = await fresh(client.get("/health"))
        assert response.status_code == 200
        assert response.json()["replicas"][0]["in_rotation"] is False
