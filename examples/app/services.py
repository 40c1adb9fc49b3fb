"""Recipe 4: the services, with the transactions done right.

* Registration inserts and lets the unique constraint decide. Checking for the email first and inserting
  after (the seed's way) lets two concurrent requests both pass the check; here the database refuses the
  second insert, the repository raises ``DuplicateError`` and the service ``EmailAlreadyRegisteredError``.
* Opening an account relies on the foreign key the same way: no "does the user exist" read first.
* A transfer locks both account rows (``SELECT ... FOR UPDATE``) in id order before reading the balances,
  so concurrent transfers neither lose an update nor deadlock, and money is conserved. Should the database
  still abort it to stay consistent (a serialization failure or a deadlock, e.g. under a stricter isolation
  level), ``retry_on_conflict`` runs the whole transaction again.
"""

from __future__ import annotations

from dataclasses import replace

from dioxide import service
from dioxide.sqlalchemy import DatabasePort, DuplicateError, MissingReferenceError, retry_on_conflict
from examples.app.domain import (
    Account,
    AccountNotFoundError,
    EmailAlreadyRegisteredError,
    InsufficientFundsError,
    SameAccountError,
    User,
    UserNotFoundError,
    check_deposit,
    check_transfer_amount,
    normalize_email,
    normalize_name,
)
from examples.app.ports import AccountRepository, UserRepository


@service
class RegistrationService:
    def __init__(self, users: UserRepository) -> None:
        self.users = users

    async def register(self, email: str, name: str) -> User:
        address = normalize_email(email)
        user = User(id=None, email=address, name=normalize_name(name))
        try:
            return await self.users.save(user)
        except DuplicateError as error:
            raise EmailAlreadyRegisteredError(address) from error


@service
class AccountService:
    def __init__(self, accounts: AccountRepository) -> None:
        self.accounts = accounts

    async def open(self, owner_id: int, deposit: int = 0) -> Account:
        account = Account(id=None, owner_id=owner_id, balance=check_deposit(deposit))
        try:
            return await self.accounts.save(account)
        except MissingReferenceError as error:
            raise UserNotFoundError(owner_id) from error


@service
class TransferService:
    def __init__(self, db: DatabasePort, accounts: AccountRepository) -> None:
        self.db = db
        self.accounts = accounts

    @retry_on_conflict(attempts=5)
    async def transfer(self, source_id: int, target_id: int, amount: int) -> None:
        """Move ``amount`` cents from one account to another, all or nothing."""
        check_transfer_amount(amount)
        if source_id == target_id:
            raise SameAccountError
        async with self.db.transaction():
            locked = {
                account.id: account
                for account in await self.accounts.find_by_ids((source_id, target_id), for_update=True)
            }
            for account_id in (source_id, target_id):
                if account_id not in locked:
                    raise AccountNotFoundError(account_id)
            source, target = locked[source_id], locked[target_id]
            if source.balance < amount:
                raise InsufficientFundsError(source_id, source.balance, amount)
            await self.accounts.save(replace(source, balance=source.balance - amount))
            await self.accounts.save(replace(target, balance=target.balance + amount))
