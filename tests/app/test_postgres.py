"""The bank on PostgreSQL under concurrency, over HTTP, and its startup against a real server.

Skipped when the server at 127.0.0.1:5432 is unreachable, unless DIOXIDE_REQUIRE_POSTGRES=1 (``make test``).
"""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy.engine import URL

from dioxide.sqlalchemy import DatabasePort
from dioxide.sqlalchemy.testing import drop_database, temporary_database
from examples.app.config import AppConfig
from examples.app.database import Database
from tests.app.conftest import empty_postgres
from tests.app.support import StartupFailedError, balance, open_account, register, running_app, sql_environ
from tests.app.test_startup import schema_differences


@pytest.fixture
async def postgres_bank_environ(postgres_database: URL) -> dict[str, str]:
    await empty_postgres(postgres_database)
    return sql_environ(postgres_database, DB_POOL_SIZE="16", DB_MAX_OVERFLOW="0")


async def test_sixteen_concurrent_registrations_of_one_email_make_one_user(
    postgres_bank_environ: dict[str, str],
) -> None:
    async with running_app("postgres", postgres_bank_environ) as bank:
        responses = await asyncio.gather(
            *(bank.client.post("/users", json={"email": "same@example.com", "name": f"caller {i}"}) for i in range(16))
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 15, [r.text for r in responses]
        refused = {r.json()["detail"] for r in responses if r.status_code == 409}
        assert refused == {"email 'same@example.com' is already registered"}
        assert len((await bank.client.get("/users")).json()["users"]) == 1


async def test_sixteen_tasks_of_twenty_five_transfers_conserve_money(postgres_bank_environ: dict[str, str]) -> None:
    async with running_app("postgres", postgres_bank_environ) as bank:
        user = await register(bank.client, "owner@example.com")
        ids = [(await open_account(bank.client, user["id"], 10_000))["id"] for _ in range(16)]
        rng = random.Random(7)
        plans = [[(*rng.sample(ids, 2), rng.randint(1, 4_000)) for _ in range(25)] for _ in range(16)]

        async def worker(plan: list[tuple[int, int, int]]) -> list[int]:
            codes = []
            for source, target, amount in plan:
                response = await bank.client.post(
                    "/transfers", json={"source_account_id": source, "target_account_id": target, "amount": amount}
                )
                assert response.status_code in (200, 409), response.text
                if response.status_code == 200:  # balances read after the commit: others may have moved since
                    body = response.json()
                    assert (body["source"]["id"], body["target"]["id"]) == (source, target)
                codes.append(response.status_code)
            return codes

        codes = [code for batch in await asyncio.wait_for(asyncio.gather(*map(worker, plans)), 60) for code in batch]
        assert len(codes) == 400
        assert codes.count(200) > 200
        balances = [await balance(bank.client, account) for account in ids]
        assert sum(balances) == 160_000, balances
        assert min(balances) >= 0


async def test_health_answers_503_when_the_database_goes_away(postgres_admin_url: URL) -> None:
    async with temporary_database(postgres_admin_url, prefix="bank_t_") as url:
        async with running_app("postgres", sql_environ(url, DB_CONNECT_TIMEOUT="3")) as bank:
            assert (await bank.client.get("/health")).json()["status"] == "ok"
            await drop_database(url, postgres_admin_url)
            response = await bank.client.get("/health")
            assert response.status_code == 503
            body = response.json()
            assert (body["status"], body["primary"], body["schema_state"]) == ("unavailable", "down", "unknown")
            for secret in (str(url.database), "127.0.0.1", "5432", "postgres", "asyncpg", "Error"):
                assert secret not in response.text
            assert (await bank.client.get("/health/live")).status_code == 200


async def test_verify_mode_and_three_instances_starting_at_once(postgres_admin_url: URL) -> None:
    async with temporary_database(postgres_admin_url, prefix="bank_t_") as url:
        with pytest.raises(StartupFailedError, match="RUN_MIGRATIONS=verify refuses to start on an old schema"):
            async with running_app("postgres", sql_environ(url, RUN_MIGRATIONS="verify")):
                pass

        all_started = asyncio.Event()
        results = []

        async def instance() -> None:
            async with running_app("postgres", sql_environ(url, DB_POOL_SIZE="2")) as bank:
                db = bank.container.resolve(DatabasePort)
                assert isinstance(db, Database)
                results.append(db.migration_result)
                if len(results) == 3:
                    all_started.set()
                await asyncio.wait_for(all_started.wait(), 30)

        await asyncio.gather(instance(), instance(), instance())
        assert sum(result is not None and result.upgraded for result in results) == 1  # under the advisory lock
        assert all(result is not None and result.after == ("0001",) for result in results)
        async with running_app("postgres", sql_environ(url, RUN_MIGRATIONS="verify")) as bank:
            assert (await bank.client.get("/health")).json()["schema_revision"] == ["0001"]


async def test_the_migrations_create_the_schema_the_orm_maps_on_postgresql(postgres_database: URL) -> None:
    db = Database(AppConfig(sql_environ(postgres_database, RUN_MIGRATIONS="false")))
    await db.initialize()
    try:
        async with db.engine.connect() as connection:
            assert await connection.run_sync(schema_differences) == []
    finally:
        await db.dispose()
