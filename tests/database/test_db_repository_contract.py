"""The contract kit run on our own repository bases: the fake and both SQL backends must pass alike."""

from __future__ import annotations

import dataclasses

import pytest

from dioxide.sqlalchemy.testing import RepositoryContract
from tests.database.app_example.domain import Account, User
from tests.database.backends import Backend


class TestUserRepositoryContract(RepositoryContract[User, int]):
    unique_field = "email"
    order_field = "email"

    @pytest.fixture
    def repository(self, backend: Backend) -> object:
        return backend.users

    @pytest.fixture
    def database(self, backend: Backend) -> object:
        return backend.db

    def new_entity(self, n: int) -> User:
        return User(id=None, email=f"user{(n * 7919) % 1000:03d}@example.com", name=f"User {n}")

    def changed(self, entity: User) -> User:
        return dataclasses.replace(entity, name=f"{entity.name} (renamed)")


class TestAccountRepositoryContract(RepositoryContract[Account, int]):
    order_field = "balance"

    @pytest.fixture
    def repository(self, backend: Backend) -> object:
        return backend.accounts

    @pytest.fixture
    def database(self, backend: Backend) -> object:
        return backend.db

    def new_entity(self, n: int) -> Account:
        return Account(id=None, owner=f"owner {n}", balance=(n * 37) % 10)

    def changed(self, entity: Account) -> Account:
        return dataclasses.replace(entity, balance=entity.balance + 100)
