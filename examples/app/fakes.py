"""Recipe 3: the in-memory adapters of the test profile.

``FakeRepository`` enforces what the schema enforces (the unique email, the account's owner) inside
``FakeDatabase`` transactions, and ``tests/app/test_contracts.py`` runs the same contract against these and
the SQL adapters on SQLite and PostgreSQL, so the fakes cannot drift. Test helpers come with the base class:
``seed()``, ``clear()``, ``stored()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from dioxide import Profile, adapter
from dioxide.sqlalchemy import DatabasePort, FakeRepository, ReadDatabase
from examples.app.domain import Account, User, UserPage, UserProfile
from examples.app.ports import AccountRepository, BankQueries, Health, HealthCheck, UserRepository


@adapter.for_(UserRepository, profile=Profile.TEST)
class FakeUserRepository(FakeRepository[User, int]):
    table_name = "users"
    unique: ClassVar[Mapping[str, Sequence[str]]] = {"uq_users_email": ("email",)}  # the SQL constraint's name
    created_at_fields = ("created_at",)

    async def find_by_email(self, email: str) -> User | None:
        return await self.find_one_by(email=email)


@adapter.for_(AccountRepository, profile=Profile.TEST)
class FakeAccountRepository(FakeRepository[Account, int]):
    table_name = "accounts"
    references: ClassVar[Mapping[str, str]] = {"owner_id": "users"}  # the foreign key
    created_at_fields = ("opened_at",)


@adapter.for_(BankQueries, profile=Profile.TEST)
class FakeBankQueries:
    """The read model over the fake repositories, in one read-only transaction per query (as on a replica)."""

    def __init__(self, reads: ReadDatabase, users: UserRepository, accounts: AccountRepository) -> None:
        self.reads = reads
        self.users = users
        self.accounts = accounts

    async def list_users(self, *, limit: int = 50, after: int | None = None) -> UserPage:
        async with self.reads.reading():
            page = await self.users.list_page(limit=limit, after=None if after is None else (after,))
        next_after = None if page.next_cursor is None else int(page.next_cursor[0])
        return UserPage(page.items, next_after)

    async def get_user(self, user_id: int) -> UserProfile | None:
        async with self.reads.reading():
            user = await self.users.find_by_id(user_id)
            if user is None:
                return None
            return UserProfile(user, await self.accounts.find_by(owner_id=user_id))

    async def get_account(self, account_id: int) -> Account | None:
        async with self.reads.reading():
            return await self.accounts.find_by_id(account_id)

    async def get_accounts(self, account_ids: Sequence[int]) -> list[Account]:
        async with self.reads.reading():
            return await self.accounts.find_by_ids(account_ids)


@adapter.for_(HealthCheck, profile=Profile.TEST)
class FakeHealthCheck:
    """Always healthy: the in-memory database cannot go away."""

    def __init__(self, db: DatabasePort) -> None:
        self.db = db

    async def check(self) -> Health:
        return Health(status="ok", primary="ok", schema_state="at head")
