"""The library wired through dioxide's container, as the seed does it (test and production profiles)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from dioxide import Container, Profile
from dioxide.sqlalchemy import (
    DatabaseConfigError,
    DatabasePort,
    DatabaseSettings,
    DatabaseUnavailableError,
    FakeDatabase,
    SQLAlchemyDatabase,
)
from dioxide.testing import isolated_registry
from tests.database.app_example import wiring
from tests.database.app_example.domain import EmailAlreadyRegisteredError, User
from tests.database.app_example.orm import Base
from tests.database.app_example.ports import UserRepository
from tests.database.app_example.services import RegistrationService, TransferService
from tests.database.backends import sqlite_url

SECRET = "c0ntainer-secret"


@pytest.fixture(autouse=True)
def declared() -> Iterator[dict[str, type]]:
    """Register the example's adapters on clean registries; put the previous registrations back after."""
    with isolated_registry():
        yield wiring.declare()


@pytest.fixture
async def container() -> AsyncIterator[Container]:
    async with Container(profile=Profile.TEST) as c:
        yield c


class DescribeTestProfile:
    async def it_resolves_fakes_sharing_one_fake_database(self, container: Container) -> None:
        users = container.resolve(UserRepository)
        db = container.resolve(DatabasePort)
        assert isinstance(db, FakeDatabase)
        assert users.db is db  # type: ignore[attr-defined]
        assert container.resolve(RegistrationService).users is users
        assert container.resolve(TransferService).db is db

    async def it_runs_the_seed_style_test(self, container: Container) -> None:
        fake_users = container.resolve(UserRepository)
        fake_users.seed(User(id=1, email="alice@example.com", name="Alice"))  # type: ignore[attr-defined]
        service = container.resolve(RegistrationService)
        with pytest.raises(EmailAlreadyRegisteredError, match="already registered"):
            await service.register("alice@example.com", "Another Alice")
        created = await service.register("bob@example.com", "Bob")
        assert created.id == 3  # the refused insert used key 2: sequences are not rolled back, as on PostgreSQL
        assert await fake_users.count() == 2

    async def it_rolls_back_service_work_across_fake_repositories(self, container: Container) -> None:
        db = container.resolve(DatabasePort)
        service = container.resolve(RegistrationService)
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await service.register("a@example.com", "A")
                raise RuntimeError
        assert await container.resolve(UserRepository).count() == 0


class DescribeProductionProfile:
    async def it_starts_and_stops_the_database_with_the_container(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", sqlite_url(tmp_path))
        async with Container(profile=Profile.PRODUCTION) as c:
            db = c.resolve(DatabasePort)
            assert isinstance(db, SQLAlchemyDatabase)
            assert "ready" in repr(db)
            async with db.engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
            user = await c.resolve(RegistrationService).register("alice@example.com", "Alice")
            repo = c.resolve(UserRepository)
            assert repo.db is db  # type: ignore[attr-defined]
            assert await repo.find_by_email("alice@example.com") == user
        assert "disposed" in repr(db)

    async def it_prefers_registered_settings_over_the_environment(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
        c = Container()
        c.register_instance(DatabaseSettings, DatabaseSettings(sqlite_url(tmp_path)))
        c.scan(profile=Profile.PRODUCTION)
        async with c:
            assert c.resolve(DatabasePort).settings.is_sqlite  # type: ignore[attr-defined]

    async def it_fails_to_start_on_bad_configuration_without_showing_the_password(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:5432/app")
        monkeypatch.setenv("DB_POOL_SIZE", "many")
        with pytest.raises(DatabaseConfigError, match="DB_POOL_SIZE must be a whole number, got 'many'") as caught:
            async with Container(profile=Profile.PRODUCTION):
                pass
        assert SECRET not in str(caught.value)

    async def it_fails_to_start_when_the_database_is_unreachable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:1/app")
        monkeypatch.setenv("DB_CONNECT_TIMEOUT", "2")
        with pytest.raises(DatabaseUnavailableError, match=re.escape("'app' on 127.0.0.1:1")) as caught:
            async with Container(profile=Profile.PRODUCTION):
                pass
        assert SECRET not in str(caught.value)


def test_importing_the_library_registers_nothing() -> None:
    code = (
        "import dioxide\n"
        "from dioxide._registry import _component_registry\n"
        "from dioxide.adapter import _adapter_registry\n"
        "from dioxide.lifecycle import _lifecycle_registry\n"
        "before = (len(_component_registry), len(_adapter_registry), len(_lifecycle_registry))\n"
        "import dioxide.sqlalchemy as d, dioxide.sqlalchemy.testing\n"
        "for name in d.__all__: getattr(d, name)\n"
        "after = (len(_component_registry), len(_adapter_registry), len(_lifecycle_registry))\n"
        "print(before == after == (0, 0, 0))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True", result.stderr
