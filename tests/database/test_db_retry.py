"""Retrying serialization failures and deadlocks: bounded, jittered, outermost transaction only."""

from __future__ import annotations

import asyncio
import contextvars
import logging

import pytest
from sqlalchemy import text

from dioxide.sqlalchemy import TransactionConflictError, retry_on_conflict
from dioxide.sqlalchemy.retry import backoff_delay, is_retryable, run_in_transaction
from tests.database.app_example.domain import Account
from tests.database.backends import Backend


class Flaky:
    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.calls = 0
        self.error = error or TransactionConflictError("conflict", sqlstate="40001")

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "done"


class DescribeRetryOnConflict:
    async def it_retries_until_success(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="dioxide.sqlalchemy")
        flaky = Flaky(2)
        assert await retry_on_conflict(base_delay=0.001)(flaky)() == "done"
        assert flaky.calls == 3
        assert "attempt 1 of 5" in caplog.text
        assert "attempt 2 of 5" in caplog.text

    async def it_gives_up_after_the_last_attempt(self) -> None:
        flaky = Flaky(10)
        with pytest.raises(TransactionConflictError) as caught:
            await retry_on_conflict(attempts=3, base_delay=0.001)(flaky)()
        assert flaky.calls == 3
        assert "gave up after 3 attempts" in "".join(caught.value.__notes__)

    async def it_does_not_retry_other_errors(self) -> None:
        flaky = Flaky(1, ValueError("bad input"))
        with pytest.raises(ValueError, match="bad input"):
            await retry_on_conflict(base_delay=0.001)(flaky)()
        assert flaky.calls == 1

    async def it_runs_once_inside_an_active_transaction(self, backend: Backend) -> None:
        flaky = Flaky(1)
        with pytest.raises(TransactionConflictError):
            async with backend.db.transaction():
                await retry_on_conflict(base_delay=0.001)(flaky)()
        assert flaky.calls == 1

    def it_rejects_zero_attempts(self) -> None:
        with pytest.raises(ValueError, match="attempts must be at least 1"):
            retry_on_conflict(attempts=0)

    def it_recognises_conflicts_through_the_cause_chain(self) -> None:
        outer = RuntimeError("wrapped")
        outer.__cause__ = TransactionConflictError("x")
        assert is_retryable(outer)
        context_only = RuntimeError("while handling")
        context_only.__context__ = TransactionConflictError("y")
        assert is_retryable(context_only)
        assert not is_retryable(ValueError())

    def it_backs_off_exponentially_with_jitter_and_a_cap(self) -> None:
        delays = [backoff_delay(attempt, 0.01, 0.05) for attempt in (1, 2, 3, 4, 5)]
        assert 0.005 <= delays[0] <= 0.01
        assert 0.01 <= delays[1] <= 0.02
        assert all(0.025 <= d <= 0.05 for d in delays[3:])


async def test_postgresql_serialization_failures_are_translated_and_retried(sql_backend: Backend) -> None:
    """Two SERIALIZABLE transactions that read what the other writes: PostgreSQL aborts one (40001)."""
    if sql_backend.name != "postgres":
        pytest.skip("SQLite serialises writers up front: no serialization failures")
    db, accounts = sql_backend.db, sql_backend.accounts
    a = await accounts.save(Account(id=None, owner="a", balance=100))
    b = await accounts.save(Account(id=None, owner="b", balance=100))
    both_read = asyncio.Barrier(2)
    attempts: list[int] = []

    async def move(source: int, target: int) -> None:
        async def work(session: object) -> None:
            attempts.append(source)
            await session.execute(text("SELECT sum(balance) FROM accounts"))  # type: ignore[attr-defined]
            if len(attempts) <= 2:
                await both_read.wait()
            await session.execute(  # type: ignore[attr-defined]
                text("UPDATE accounts SET balance = balance - 10 WHERE id = :id"), {"id": source}
            )

        await run_in_transaction(db, work, isolation_level="SERIALIZABLE", base_delay=0.001)

    tasks = [
        asyncio.get_running_loop().create_task(move(a.id, b.id), context=contextvars.Context()),
        asyncio.get_running_loop().create_task(move(b.id, a.id), context=contextvars.Context()),
    ]
    await asyncio.gather(*tasks)
    assert len(attempts) >= 3  # at least one of the two ran again
    balances = sorted(x.balance for x in await accounts.list_all())
    assert balances == [90, 90]


async def test_a_serialization_failure_without_retry_is_a_conflict_error(sql_backend: Backend) -> None:
    if sql_backend.name != "postgres":
        pytest.skip("PostgreSQL only")
    db, accounts = sql_backend.db, sql_backend.accounts
    await accounts.save(Account(id=None, owner="a", balance=100))
    both_read = asyncio.Barrier(2)

    async def conflicting(delta: int) -> None:
        async with db.transaction(isolation_level="SERIALIZABLE") as session:
            await session.execute(text("SELECT sum(balance) FROM accounts"))
            await both_read.wait()
            await session.execute(text("INSERT INTO accounts (owner, balance) VALUES ('n', :d)"), {"d": delta})

    results = await asyncio.gather(
        asyncio.get_running_loop().create_task(conflicting(1), context=contextvars.Context()),
        asyncio.get_running_loop().create_task(conflicting(2), context=contextvars.Context()),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1
    assert isinstance(errors[0], TransactionConflictError)
    assert errors[0].sqlstate == "40001"
    assert "serialization failure, SQLSTATE 40001" in str(errors[0])
    assert is_retryable(errors[0])
