"""Recipe 3, verified: the fakes of the test profile behave like the SQL adapters on SQLite and PostgreSQL.

The repositories run the library's ``RepositoryContract``; the read model (``BankQueries``) runs the
contract below. Each backend is the application's own container for its profile, built with
``scan(package="examples.app", profile=...)`` and started (the SQL ones migrate at startup).
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dioxide import Container
from dioxide.sqlalchemy import DatabasePort, FakeDatabase, MissingReferenceError, SQLAlchemyDatabase
from dioxide.sqlalchemy.testing import RepositoryContract
from examples.app.config import AppConfig
from examples.app.domain import Account, User
from examples.app.ports import AccountRepository, BankQueries, UserRepository
from tests.app.conftest import environ_for
from tests.app.support import BACKENDS, PROFILE_OF


@dataclass
class Store:
    backend: str
    db: Any  # FakeDatabase or SQLAlchemyDatabase
    users: UserRepository
    accounts: AccountRepository
    queries: BankQueries


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    environ = await environ_for(request.param, request, tmp_path)
    container = Container()
    if environ is not None:
        container.register_instance(AppConfig, AppConfig(environ))
    container.scan(package="examples.app", profile=PROFILE_OF[request.param])
    async with container:
        db = container.resolve(DatabasePort)
        assert isinstance(db, FakeDatabase if request.param == "test" else SQLAlchemyDatabase)
        yield Store(
            request.param,
            db,
            container.resolve(UserRepository),
            container.resolve(AccountRepository),
            container.resolve(BankQueries),
        )


class TestUserRepositoryContract(RepositoryContract[User, int]):
    unique_field = "email"
    order_field = "email"

    @pytest.fixture
    def repository(self, store: Store) -> UserRepository:
        return store.users

    @pytest.fixture
    def database(self, store: Store) -> Any:
        return store.db

    def new_entity(self, n: int) -> User:
        return User(id=None, email=f"user{n:03d}@example.com", name=f"User {n}")

    def changed(self, entity: User) -> User:
        return dataclasses.replace(entity, name=entity.name + " (renamed)")


OWNER_ID = 1


class TestAccountRepositoryContract(RepositoryContract[Account, int]):
    order_field = "balance"

    @pytest.fixture
    async def repository(self, store: Store) -> AccountRepository:
        owner = await store.users.save(User(id=None, email="owner@example.com", name="Owner"))
        assert owner.id == OWNER_ID
        return store.accounts

    @pytest.fixture
    def database(self, store: Store) -> Any:
        return store.db

    def new_entity(self, n: int) -> Account:
        return Account(id=None, owner_id=OWNER_ID, balance=100 * n)

    def changed(self, entity: Account) -> Account:
        return dataclasses.replace(entity, balance=entity.balance + 1)


class DescribeAccountsBelongToAUser:
    async def it_refuses_an_unknown_owner_on_every_backend(self, store: Store) -> None:
        with pytest.raises(MissingReferenceError, match="owner_id"):
            await store.accounts.save(Account(id=None, owner_id=42, balance=0))
        assert await store.accounts.count() == 0


async def seeded(store: Store) -> tuple[list[User], list[Account]]:
    users = [await store.users.save(User(id=None, email=f"u{i}@example.com", name=f"U{i}")) for i in range(5)]
    accounts = [
        await store.accounts.save(Account(id=None, owner_id=users[i % 2].id or 0, balance=10 * i)) for i in range(4)
    ]
    return users, accounts


class DescribeBankQueriesContract:
    async def it_pages_users_by_id(self, store: Store) -> None:
        users, _ = await seeded(store)
        first = await store.queries.list_users(limit=2)
        assert first.users == users[:2]
        assert first.next_after == users[1].id
        rest = await store.queries.list_users(limit=10, after=first.next_after)
        assert rest.users == users[2:]
        assert rest.next_after is None
        exact = await store.queries.list_users(limit=5)
        assert exact.next_after is None

    async def it_reads_a_user_with_their_accounts_in_id_order(self, store: Store) -> None:
        users, accounts = await seeded(store)
        profile = await store.queries.get_user(users[0].id or 0)
        assert profile is not None
        assert profile.user == users[0]
        assert profile.accounts == [accounts[0], accounts[2]]
        lonely = await store.queries.get_user(users[4].id or 0)
        assert lonely is not None
        assert lonely.accounts == []
        assert await store.queries.get_user(999) is None

    async def it_reads_accounts_by_id(self, store: Store) -> None:
        _, accounts = await seeded(store)
        assert await store.queries.get_account(accounts[1].id or 0) == accounts[1]
        assert await store.queries.get_account(999) is None
        wanted = [accounts[3].id or 0, 999, accounts[0].id or 0, accounts[3].id or 0]
        assert await store.queries.get_accounts(wanted) == [accounts[0], accounts[3]]
        assert await store.queries.get_accounts([]) == []

    async def it_sees_the_writes_of_the_transaction_it_runs_in(self, store: Store) -> None:
        async with store.db.transaction():
            user = await store.users.save(User(id=None, email="new@example.com", name="New"))
            profile = await store.queries.get_user(user.id or 0)
            assert profile is not None
            assert profile.user == user

    async def it_does_not_see_uncommitted_writes_of_another_request(self, store: Store) -> None:
        writing, release = asyncio.Event(), asyncio.Event()

        async def writer() -> None:
            async with store.db.transaction():
                await store.users.save(User(id=None, email="pending@example.com", name="Pending"))
                writing.set()
                await release.wait()

        task = asyncio.get_running_loop().create_task(writer(), context=contextvars.Context())
        await writing.wait()
        try:
            assert (await store.queries.list_users()).users == []
        finally:
            release.set()
            await task
        assert [u.email for u in (await store.queries.list_users()).users] == ["pending@example.com"]
