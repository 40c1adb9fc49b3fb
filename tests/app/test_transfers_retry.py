"""Transfers are retried as a whole when the database aborts them to stay consistent (recipe 4).

The test profile's fake does not produce serialization failures, so an override makes the account
repository fail the first locking reads with the error the SQL backends raise for one (SQLSTATE 40001).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dioxide.sqlalchemy import TransactionConflictError
from examples.app.api import BUSY_MESSAGE
from examples.app.domain import Account
from examples.app.ports import AccountRepository
from tests.app.support import balance, open_account, register, running_app


class ConflictingAccounts:
    """The fake repository, but the first ``failures`` locking reads fail as a serialization failure would."""

    def __init__(self, inner: AccountRepository, failures: int) -> None:
        self.inner = inner
        self.failures = failures
        self.attempts = 0

    async def find_by_ids(self, ids: Iterable[int], *, for_update: bool = False) -> list[Account]:
        if for_update:
            self.attempts += 1
            if self.attempts <= self.failures:
                raise TransactionConflictError("could not serialize access", sqlstate="40001")
        return await self.inner.find_by_ids(ids, for_update=for_update)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_conflicting_transfer_is_retried_and_applied_once() -> None:
    async with running_app("test") as bank:
        user = await register(bank.client, "ada@example.com")
        a, b = (
            (await open_account(bank.client, user["id"], 100))["id"],
            (await open_account(bank.client, user["id"]))["id"],
        )
        flaky = ConflictingAccounts(bank.container.resolve(AccountRepository), failures=2)
        with bank.container.override(AccountRepository, flaky):
            response = await bank.client.post(
                "/transfers", json={"source_account_id": a, "target_account_id": b, "amount": 40}
            )
        assert response.status_code == 200, response.text
        assert flaky.attempts == 3
        assert [await balance(bank.client, a), await balance(bank.client, b)] == [60, 40]


async def test_a_transfer_that_keeps_conflicting_answers_503() -> None:
    async with running_app("test") as bank:
        user = await register(bank.client, "ada@example.com")
        a, b = (
            (await open_account(bank.client, user["id"], 100))["id"],
            (await open_account(bank.client, user["id"]))["id"],
        )
        flaky = ConflictingAccounts(bank.container.resolve(AccountRepository), failures=1_000)
        with bank.container.override(AccountRepository, flaky):
            response = await bank.client.post(
                "/transfers", json={"source_account_id": a, "target_account_id": b, "amount": 40}
            )
        assert response.status_code == 503
        assert response.json() == {"detail": BUSY_MESSAGE}
        assert response.headers["retry-after"] == "1"
        assert flaky.attempts == 5
        assert [await balance(bank.client, a), await balance(bank.client, b)] == [100, 0]
