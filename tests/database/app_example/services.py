"""The seed's services, done right.

* Registration inserts and lets the unique constraint decide: two concurrent requests for one email cannot
  both pass a check-then-insert, and the loser gets the domain error.
* A transfer locks both rows (SELECT ... FOR UPDATE) in key order before reading the balances, so concurrent
  transfers neither lose updates nor deadlock.
"""

from __future__ import annotations

from dataclasses import replace

from dioxide.sqlalchemy import DatabasePort, DuplicateError
from tests.database.app_example.domain import (
    AccountNotFoundError,
    EmailAlreadyRegisteredError,
    InsufficientFundsError,
    User,
)
from tests.database.app_example.ports import AccountRepository, UserRepository


class RegistrationService:
    def __init__(self, users: UserRepository) -> None:
        self.users = users

    async def register(self, email: str, name: str) -> User:
        try:
            return await self.users.save(User(id=None, email=email.strip().lower(), name=name))
        except DuplicateError as error:
            raise EmailAlreadyRegisteredError(email) from error


class TransferService:
    def __init__(self, db: DatabasePort, accounts: AccountRepository) -> None:
        self.db = db
        self.accounts = accounts

    async def transfer(self, source: int, target: int, amount: int) -> None:
        if amount <= 0:
            raise ValueError(f"amount must be positive, got {amount}")
        if source == target:
            raise ValueError("cannot transfer to the same account")
        async with self.db.transaction():
            locked = {a.id: a for a in await self.accounts.find_by_ids((source, target), for_update=True)}
            if source not in locked or target not in locked:
                raise AccountNotFoundError(f"no account {source if source not in locked else target}")
            payer, payee = locked[source], locked[target]
            if payer.balance < amount:
                raise InsufficientFundsError(f"account {source} has {payer.balance}, needs {amount}")
            await self.accounts.save(replace(payer, balance=payer.balance - amount))
            await self.accounts.save(replace(payee, balance=payee.balance + amount))
