"""The seed's services done right, on every backend, and under real concurrency on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import re
import time
from pathlib import Path

import pytest

from dioxide.sqlalchemy import DuplicateError
from tests.database.app_example.domain import (
    Account,
    AccountNotFoundError,
    EmailAlreadyRegisteredError,
    InsufficientFundsError,
)
from tests.database.app_example.services import RegistrationService, TransferService
from tests.database.backends import Backend, open_database, repositories


class DescribeRegistration:
    async def it_registers_a_user(self, backend: Backend) -> None:
        user = await RegistrationService(backend.users).register("  Alice@Example.com ", "Alice")
        assert user.id is not None
        assert user.email == "alice@example.com"
        assert await backend.users.find_by_email("alice@example.com") == user

    async def it_rejects_an_email_already_registered(self, backend: Backend) -> None:
        service = RegistrationService(backend.users)
        await service.register("alice@example.com", "Alice")
        with pytest.raises(
            EmailAlreadyRegisteredError, match=re.escape("'alice@example.com' is already registered")
        ) as caught:
            await service.register("alice@example.com", "Another Alice")
        assert isinstance(caught.value.__cause__, DuplicateError)
        assert await backend.users.count() == 1

    async def it_lets_the_unique_constraint_decide_between_concurrent_requests(self, backend: Backend) -> None:
        service = RegistrationService(backend.users)
        for round_ in range(5):
            email = f"race{round_}@example.com"
            results = await asyncio.gather(
                service.register(email, "first"), service.register(email, "second"), return_exceptions=True
            )
            users = [r for r in results if not isinstance(r, BaseException)]
            errors = [r for r in results if isinstance(r, BaseException)]
            assert len(users) == 1, results
            assert len(errors) == 1, results
            assert isinstance(errors[0], EmailAlreadyRegisteredError)
            assert await backend.users.count(email=email) == 1


class DescribeTransfer:
    async def _accounts(self, backend: Backend, *balances: int) -> list[Account]:
        return [await backend.accounts.save(Account(id=None, owner=f"o{i}", balance=b)) for i, b in enumerate(balances)]

    async def it_moves_money_atomically(self, backend: Backend) -> None:
        a, b = await self._accounts(backend, 100, 0)
        await TransferService(backend.db, backend.accounts).transfer(a.id, b.id, 30)
        assert [x.balance for x in await backend.accounts.list_all()] == [70, 30]

    async def it_changes_nothing_when_funds_are_short(self, backend: Backend) -> None:
        a, b = await self._accounts(backend, 10, 0)
        with pytest.raises(InsufficientFundsError):
            await TransferService(backend.db, backend.accounts).transfer(a.id, b.id, 11)
        assert [x.balance for x in await backend.accounts.list_all()] == [10, 0]

    async def it_rejects_unknown_accounts_and_bad_amounts(self, backend: Backend) -> None:
        a, b = await self._accounts(backend, 10, 0)
        service = TransferService(backend.db, backend.accounts)
        with pytest.raises(AccountNotFoundError, match="no account 999"):
            await service.transfer(a.id, 999, 1)
        with pytest.raises(ValueError, match="positive"):
            await service.transfer(a.id, b.id, 0)
        with pytest.raises(ValueError, match="same account"):
            await service.transfer(a.id, a.id, 1)

    async def it_conserves_money_under_concurrent_transfers(self, backend: Backend) -> None:
        """A smaller load on every backend: the same invariant as the PostgreSQL load test below."""
        total = await run_transfers(backend, accounts=10, tasks=8, transfers=300)
        assert total.failures == []


class Outcome:
    def __init__(self) -> None:
        self.done = 0
        self.short = 0
        self.failures: list[BaseException] = []


async def run_transfers(backend: Backend, *, accounts: int, tasks: int, transfers: int) -> Outcome:
    created = [await backend.accounts.save(Account(id=None, owner=f"o{i}", balance=1_000)) for i in range(accounts)]
    ids = [a.id for a in created]
    service = TransferService(backend.db, backend.accounts)
    outcome = Outcome()
    started = 0
    rng = random.Random(20240611)

    async def worker() -> None:
        nonlocal started
        while started < transfers:
            started += 1
            source, target = rng.sample(ids, 2)
            try:
                await service.transfer(source, target, rng.randint(1, 400))
                outcome.done += 1
            except InsufficientFundsError:
                outcome.short += 1
            except Exception as error:  # any other error (a deadlock above all) fails the test
                outcome.failures.append(error)

    await asyncio.gather(*(worker() for _ in range(tasks)))
    balances = [a.balance for a in await backend.accounts.list_all(limit=accounts)]
    assert sum(balances) == accounts * 1_000, balances
    assert min(balances) >= 0, balances
    assert outcome.done + outcome.short + len(outcome.failures) == transfers
    assert outcome.done > transfers // 2
    return outcome


async def test_postgresql_load_32_tasks_5000_transfers_50_accounts(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    db = await open_database(request, "postgres", tmp_path, pool_size=32, max_overflow=0, pool_timeout=20)
    try:
        backend = repositories("postgres", db)
        began = time.perf_counter()
        outcome = await asyncio.wait_for(run_transfers(backend, accounts=50, tasks=32, transfers=5_000), 120)
        elapsed = time.perf_counter() - began
        assert outcome.failures == [], outcome.failures[:3]
        print(f"\n5,000 transfers by 32 tasks in {elapsed:.1f} s ({outcome.short} refused for funds)")
    finally:
        await db.dispose()


async def test_postgresql_concurrent_registration_of_one_email(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    db = await open_database(request, "postgres", tmp_path, pool_size=10)
    try:
        service = RegistrationService(repositories("postgres", db).users)
        results = await asyncio.gather(
            *(service.register("same@example.com", f"caller {i}") for i in range(2)), return_exceptions=True
        )
        assert sum(not isinstance(r, BaseException) for r in results) == 1, results
        assert [type(r) for r in results if isinstance(r, BaseException)] == [EmailAlreadyRegisteredError]
        assert await service.users.count(email="same@example.com") == 1
    finally:
        await db.dispose()
