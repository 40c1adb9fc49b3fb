"""Recipe 2: the SQL repositories, for the production and development profiles.

``SQLAlchemyRepository`` gives get/find/save/delete/list/count over the mapping, inside the caller's
transaction when there is one; unique and foreign-key violations arrive as ``DuplicateError`` and
``MissingReferenceError``, which the services turn into domain errors. The fakes (``fakes.py``) pass the same
contract tests (``tests/app/test_contracts.py``).
"""

from __future__ import annotations

from dioxide import Profile, adapter
from dioxide.sqlalchemy import SQLAlchemyRepository
from examples.app.domain import Account, User
from examples.app.orm import AccountRow, UserRow
from examples.app.ports import AccountRepository, UserRepository

SQL_PROFILES = [Profile.PRODUCTION, Profile.DEVELOPMENT]


@adapter.for_(UserRepository, profile=SQL_PROFILES)
class SQLUserRepository(SQLAlchemyRepository[User, int]):
    model = UserRow

    async def find_by_email(self, email: str) -> User | None:
        return await self.find_one_by(email=email)


@adapter.for_(AccountRepository, profile=SQL_PROFILES)
class SQLAccountRepository(SQLAlchemyRepository[Account, int]):
    model = AccountRow
