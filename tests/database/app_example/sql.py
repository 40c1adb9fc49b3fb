"""Production repositories: a mapping and one custom query each."""

from __future__ import annotations

from dioxide.sqlalchemy import SQLAlchemyRepository
from tests.database.app_example.domain import Account, Post, User
from tests.database.app_example.orm import AccountModel, PostModel, UserModel


class SQLUserRepository(SQLAlchemyRepository[User, int]):
    model = UserModel

    async def find_by_email(self, email: str) -> User | None:
        return await self.find_one_by(email=email)


class SQLAccountRepository(SQLAlchemyRepository[Account, int]):
    model = AccountModel


class SQLPostRepository(SQLAlchemyRepository[Post, int]):
    model = PostModel
