"""Test-profile repositories: the same constraints, declared instead of created."""

from __future__ import annotations

from dioxide.sqlalchemy import FakeRepository
from tests.database.app_example.domain import Account, Post, User


class FakeUserRepository(FakeRepository[User, int]):
    table_name = "users"
    unique = {"uq_users_email": ("email",)}
    created_at_fields = ("created_at",)

    async def find_by_email(self, email: str) -> User | None:
        return await self.find_one_by(email=email)


class FakeAccountRepository(FakeRepository[Account, int]):
    table_name = "accounts"


class FakePostRepository(FakeRepository[Post, int]):
    table_name = "posts"
    references = {"author_id": "users"}
    created_at_fields = ("created_at",)
