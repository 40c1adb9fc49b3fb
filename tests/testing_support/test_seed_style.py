"""The seed's test style works unchanged: module-level ports, fakes and services, ``Describe*`` classes with async
``it_*`` methods, an async ``container`` fixture built with ``async with Container(profile=Profile.TEST)``, and a
fake resolved through its port and seeded.

The seed's module (adapted from the "In-Memory Repository Fake" recipe of database-patterns.md) declares its
classes at module level, as users do; this suite clears the decorator registries around every test, so the
module runs in its own pytest session, once with its own ``container`` fixture and once with the plugin's.
"""

from __future__ import annotations

import textwrap

import pytest

SEED_INI = """
[pytest]
python_files = test_*.py
python_classes = Describe* Test*
python_functions = it_* test_*
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

SEED_TESTS = '''
"""In-memory repository fake for testing (the seed's recipe, with the UserService it tests)."""
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import pytest

from dioxide import Profile, adapter, service


@dataclass
class User:
    id: int | None
    email: str
    name: str
    created_at: datetime | None = None


class UserRepository(Protocol):
    async def find_by_id(self, user_id: int) -> User | None: ...

    async def find_by_email(self, email: str) -> User | None: ...

    async def save(self, user: User) -> User: ...

    async def delete(self, user_id: int) -> bool: ...

    async def list_all(self, limit: int = 100, offset: int = 0) -> list[User]: ...


@adapter.for_(UserRepository, profile=Profile.PRODUCTION)
class SQLAlchemyUserRepository:
    def __init__(self, db: "DatabasePort") -> None:  # never built in the test profile
        self.db = db


class DatabasePort(Protocol):
    async def get_session(self) -> object: ...


@adapter.for_(UserRepository, profile=Profile.TEST)
class FakeUserRepository:
    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self._next_id = 1

    async def find_by_id(self, user_id: int) -> User | None:
        return self.users.get(user_id)

    async def find_by_email(self, email: str) -> User | None:
        for user in self.users.values():
            if user.email == email:
                return user
        return None

    async def save(self, user: User) -> User:
        if user.id is None:
            user.id = self._next_id
            self._next_id += 1
            user.created_at = datetime.now(UTC)
        self.users[user.id] = user
        return user

    async def delete(self, user_id: int) -> bool:
        if user_id in self.users:
            del self.users[user_id]
            return True
        return False

    async def list_all(self, limit: int = 100, offset: int = 0) -> list[User]:
        all_users = list(self.users.values())
        return all_users[offset : offset + limit]

    def seed(self, *users: User) -> None:
        for user in users:
            if user.id is None:
                user.id = self._next_id
                self._next_id += 1
            if user.created_at is None:
                user.created_at = datetime.now(UTC)
            self.users[user.id] = user

    def clear(self) -> None:
        self.users.clear()
        self._next_id = 1

    def count(self) -> int:
        return len(self.users)


@service
class UserService:
    def __init__(self, users: UserRepository) -> None:
        self.users = users

    async def register(self, email: str, name: str) -> User:
        existing = await self.users.find_by_email(email)
        if existing:
            raise ValueError(f"Email {email} already registered")
        user = User(id=None, email=email, name=name)
        return await self.users.save(user)

    async def list_users(self, limit: int = 100, offset: int = 0) -> list[User]:
        return await self.users.list_all(limit=limit, offset=offset)


@pytest.fixture
def fake_users(container) -> FakeUserRepository:
    """Typed access to fake repository."""
    repo = container.resolve(UserRepository)
    yield repo
    repo.clear()


class DescribeUserService:
    """Tests for UserService."""

    async def it_registers_new_user(self, container, fake_users):
        """Creates user in repository."""
        service = container.resolve(UserService)

        result = await service.register("alice@example.com", "Alice")

        assert result.id is not None
        assert result.email == "alice@example.com"
        assert fake_users.count() == 1

    async def it_rejects_duplicate_email(self, container, fake_users):
        """Raises error for duplicate email."""
        fake_users.seed(User(id=1, email="alice@example.com", name="Alice"))
        service = container.resolve(UserService)

        with pytest.raises(ValueError) as exc_info:
            await service.register("alice@example.com", "Another Alice")

        assert "already registered" in str(exc_info.value)

    async def it_paginates_user_list(self, container, fake_users):
        """Returns paginated results."""
        fake_users.seed(*[
            User(id=i, email=f"user{i}@example.com", name=f"User {i}")
            for i in range(1, 11)
        ])
        service = container.resolve(UserService)

        page1 = await service.list_users(limit=5, offset=0)
        page2 = await service.list_users(limit=5, offset=5)

        assert len(page1) == 5
        assert len(page2) == 5
        assert page1[0].id != page2[0].id

    async def it_resolves_the_fake_through_its_port(self, container, fake_users):
        assert isinstance(fake_users, FakeUserRepository)
        assert container.resolve(UserService).users is fake_users
        assert fake_users.count() == 0, "every test starts with an empty fake"
'''

SEED_CONTAINER_FIXTURE = """
import pytest

from dioxide import Container, Profile


@pytest.fixture
async def container():
    async with Container(profile=Profile.TEST) as c:
        yield c
"""


class DescribeSeedTestStyle:
    def it_runs_the_seed_tests_with_their_own_fixture_and_with_the_plugins(self, pytester: pytest.Pytester) -> None:
        pytester.makeini(SEED_INI)
        own = pytester.mkpydir("own_fixture")
        (own / "conftest.py").write_text(textwrap.dedent(SEED_CONTAINER_FIXTURE))
        (own / "test_user_service.py").write_text(SEED_TESTS)
        plugin = pytester.mkpydir("plugin_fixture")
        (plugin / "test_user_service.py").write_text(SEED_TESTS)

        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
        result.assert_outcomes(passed=8)
        result.stdout.fnmatch_lines(
            [
                "*own_fixture/test_user_service.py::DescribeUserService::it_registers_new_user PASSED*",
                "*plugin_fixture/test_user_service.py::DescribeUserService::it_paginates_user_list PASSED*",
            ]
        )
